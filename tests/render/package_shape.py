"""Checks of a generated tree's shape, as functions of its folder (the tests below run them on
`generated/`; run on an older tree they show what changed): size per endpoint, descriptions
written once, friendly type names, minified spec copies."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

HASHED = re.compile(r"^(?P<friendly>.+)_[0-9a-f]{6}$")
BUDGET = 16 * 1024
"""Bytes per endpoint of an endpoint module plus its spec copy (issue 14: at most 16 KB per
endpoint for the whole tree; the runtime, CLI and emulator add a fixed share)."""


def catalog(tree: Path) -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads((tree / "fal_bindings" / "_catalog.json").read_text(encoding="utf-8"))
    return data


def endpoint_file(tree: Path, entry: dict[str, object]) -> Path:
    module = str(entry["module"]).replace(".", "/")
    path = tree / f"{module}.py"
    return path if path.exists() else tree / module / "__init__.py"


def bytes_per_endpoint(tree: Path) -> dict[str, int]:
    """Endpoint id -> bytes of its module and its shipped spec copy."""
    sizes = {}
    for entry in catalog(tree):
        spec = tree / "fal_bindings" / "_specs" / str(entry["spec"])
        sizes[str(entry["id"])] = endpoint_file(tree, entry).stat().st_size + spec.stat().st_size
    return sizes


def descriptions_written_twice(tree: Path) -> list[str]:
    """Model attributes whose description is written both as `Field(description=...)` and as
    the attribute docstring."""
    twice = []
    for entry in catalog(tree):
        path = endpoint_file(tree, entry)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            field_call = isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Field"
            if field_call and any(k.arg == "description" for k in node.keywords):  # type: ignore[attr-defined]
                twice.append(f"{path.name}:{node.lineno}")
    return twice


def hashed_names_in_annotations(tree: Path) -> list[str]:
    """Annotations in endpoint modules that name a shared type by its hashed public name although
    no other type the module imports has the same friendly name."""
    found = []
    for entry in catalog(tree):
        path = endpoint_file(tree, entry)
        module = ast.parse(path.read_text(encoding="utf-8"))
        imported = [
            alias.asname or alias.name
            for node in module.body
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("fal_bindings.types.")
            for alias in node.names
        ]
        friendly = [HASHED.sub(r"\g<friendly>", name) for name in imported]
        for name in imported:
            match = HASHED.match(name)
            if match and friendly.count(match["friendly"]) == 1:
                found.append(f"{path.relative_to(tree)}: {name}")
    return found


def spec_copies_not_minified(tree: Path) -> list[str]:
    """Shipped spec copies that are pretty-printed or carry falgen's provenance."""
    bad = []
    for path in sorted((tree / "fal_bindings" / "_specs").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 1 or '"x-fal-source"' in text:
            bad.append(path.name)
    return bad
