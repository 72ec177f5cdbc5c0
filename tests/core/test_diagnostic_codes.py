"""The registry of diagnostic codes (`generator.core.codes`) is the one list: emit sites name its
members, never strings, and the README's table of codes is rendered from it."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

from generator.core.codes import BY_NAME, Code, markdown_table
from generator.core.diagnostics import Diagnostics
from generator.core.ir import Severity

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
START, END = "<!-- diagnostic codes: start (rendered from generator/core/codes.py) -->\n", "<!-- diagnostic codes: end -->\n"
EMITTERS = {"emit", "report", "_report", "diagnostic", "_file_error"}


def _readme_table() -> str:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, f"README.md has no table of diagnostic codes between {START.strip()} and {END.strip()}"
    return text.split(START, 1)[1].split(END, 1)[0]


def test_readme_table_is_the_registry() -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        text = README.read_text(encoding="utf-8")
        head, rest = text.split(START, 1)
        README.write_text(head + START + markdown_table() + END + rest.split(END, 1)[1], encoding="utf-8")
    assert _readme_table() == markdown_table(), "README's table of diagnostic codes is stale: run `make golden`"


def test_every_code_the_readme_names_is_registered() -> None:
    """The recovery table (and any other mention in a `code` column) names registered codes only."""
    text = README.read_text(encoding="utf-8")
    named = {code for row in re.findall(r"^\|.*\|\s*(`[a-z0-9-]+`.*?)\|\s*$", text, re.M) for code in re.findall(r"`([a-z][a-z0-9]*(?:-[a-z0-9]+)+)`", row)}
    # Only the last column of tables whose header ends in `code`.
    columns = set()
    for table in re.findall(r"^(\|[^\n]*\| code \|\n(?:\|[^\n]*\|\n)+)", text, re.M):
        for row in table.splitlines()[2:]:
            columns |= set(re.findall(r"`([a-z0-9-]+)`", row.rsplit("|", 2)[1]))
    assert columns, "no table with a `code` column found in README.md"
    unknown = sorted(columns - BY_NAME.keys())
    assert not unknown, f"README names diagnostic codes the registry does not declare: {unknown}"
    assert named  # the pattern above found the table rows


def _code_strings_outside_registry() -> list[str]:
    found = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        if path.name == "codes.py" and path.parent.name == "core":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in BY_NAME:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    return found


def _emit_sites() -> list[tuple[str, ast.expr | None]]:
    sites = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if name in EMITTERS:
                sites.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0] if node.args else None))
            if name == "Diagnostic" and not (path.name == "diagnostics.py" and path.parent.name == "core"):
                sites.append((f"{path.relative_to(ROOT)}:{node.lineno} builds a Diagnostic itself", None))
    return sites


def _registered(argument: ast.expr | None) -> bool:
    if isinstance(argument, ast.IfExp):
        return _registered(argument.body) and _registered(argument.orelse)
    return (
        isinstance(argument, ast.Attribute)
        and isinstance(argument.value, ast.Name)
        and argument.value.id == "Code"
        and argument.attr in Code.__members__
    )


def test_no_code_is_a_bare_string() -> None:
    found = _code_strings_outside_registry()
    assert not found, "diagnostic codes written as strings (use generator.core.codes.Code):\n" + "\n".join(found)


def test_every_emit_site_names_a_registered_code() -> None:
    sites = _emit_sites()
    assert len(sites) > 50, "the emit sites were not found"
    wrong = [
        f"{where}: {ast.unparse(argument) if argument is not None else '(no code)'}"
        for where, argument in sites
        if not where.endswith("itself") and not _registered(argument) and not _forwarding(argument)
    ]
    wrong += [where for where, _ in sites if where.endswith("itself")]
    assert not wrong, "emit sites that do not name a member of generator.core.codes.Code:\n" + "\n".join(wrong)


def _forwarding(argument: ast.expr | None) -> bool:
    """A helper passing on its own `code` parameter (its callers are checked)."""
    return isinstance(argument, ast.Name) and argument.id == "code"


def test_a_severity_the_code_does_not_declare_is_refused() -> None:
    diagnostics = Diagnostics()
    assert diagnostics.emit(Code.ID_REPAIRED, "m", "f").severity is Severity.WARNING
    assert diagnostics.emit(Code.MISSING_ENDPOINT_ID, "m", "f", severity=Severity.WARNING).severity is Severity.WARNING
    with pytest.raises(ValueError, match="id-repaired"):
        diagnostics.emit(Code.ID_REPAIRED, "m", "f", severity=Severity.ERROR)
