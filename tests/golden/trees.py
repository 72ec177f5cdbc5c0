"""Small per-feature golden trees: `tests/golden/<feature>/specs/*.json` -> `expected/`.

`expected/` holds what `falgen generate --specs <feature>/specs` writes, minus the hand-written
files it copies verbatim from `templates/package/` (the runtime, CLI and emulator are tested where
they live) and minus the specs it copies into `_specs/` (the feature's own input). So a template
change shows as a diff of a few files per feature, not of the whole corpus. `make golden`
rewrites them (`UPDATE_GOLDEN=1`); `test_golden_trees.py` compares and type-checks them.
"""

from __future__ import annotations

import importlib
import os
import subprocess
from pathlib import Path

from tests.conftest import BIN, ROOT

GOLDEN = Path(__file__).resolve().parent
FEATURES = sorted(path.name for path in GOLDEN.iterdir() if (path / "specs").is_dir())
TEMPLATES = ROOT / "templates" / "package"
NOT_OUTPUT = {".falgen-manifest", "pyproject.toml"}
"""Not part of a golden tree: the manifest lists the copied files too; pyproject.toml holds no
spec data (generated/pyproject.toml shows a change to its template)."""


def specs(feature: str) -> Path:
    return GOLDEN / feature / "specs"


def expected(feature: str) -> Path:
    return GOLDEN / feature / "expected"


def generate(feature: str, out: Path) -> Path:
    """Render the feature's specs into `out` with the real `falgen generate` (a fresh names lock)."""
    done = subprocess.run(
        [str(BIN / "falgen"), "generate", "--specs", str(specs(feature)), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "FALGEN_CACHE": str(out.parent / ".falgen-cache")},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def _is_golden_output(relative: str) -> bool:
    if relative in NOT_OUTPUT or relative.startswith("fal_bindings/_specs/"):
        return False
    if "__pycache__" in relative:
        return False
    return not (TEMPLATES / relative).is_file()


def derived_files(tree: Path) -> dict[str, bytes]:
    """Every file of `tree` a golden tree keeps (relative POSIX path -> bytes)."""
    if not tree.is_dir():
        return {}
    found = {}
    for path in sorted(tree.rglob("*")):
        relative = path.relative_to(tree).as_posix()
        if path.is_file() and _is_golden_output(relative):
            found[relative] = path.read_bytes()
    return found


def mount(feature: str) -> None:
    """Make the feature's generated modules importable inside the installed `fal_bindings`.

    Each expected subpackage directory is appended to the `__path__` of the installed package of
    the same name, so tests import the generated code itself next to the real runtime. A module
    the installed package already has would be shadowed (or would shadow): that is an error."""
    root = expected(feature) / "fal_bindings"
    assert root.is_dir(), f"golden tree {feature!r} has no expected/ yet: run `make golden`"
    for directory in sorted(path for path in root.rglob("*") if path.is_dir() and path.name != "__pycache__"):
        dotted = "fal_bindings." + ".".join(directory.relative_to(root).parts)
        try:
            package = importlib.import_module(dotted)
        except ModuleNotFoundError:
            continue  # the installed package has no such subpackage: the parent's path reaches ours
        if str(directory) in package.__path__:
            continue
        for module in directory.glob("*.py"):
            name = module.stem
            if name.startswith("__"):
                continue
            clash = [entry for entry in package.__path__ if (Path(entry) / module.name).exists()]
            assert not clash, f"golden {feature}: {dotted}.{name} exists in the installed package ({clash[0]})"
        package.__path__.append(str(directory))
