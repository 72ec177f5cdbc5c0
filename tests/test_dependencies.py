"""Every runtime dependency of falgen does a job: the generator imports it. Tools only the tests
use belong in the `dev` extra."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent

# Distribution name -> the module it provides, where the two differ.
MODULE_OF = {"beautifulsoup4": "bs4", "pyyaml": "yaml", "typing-extensions": "typing_extensions"}


def _imported_modules(root: Path) -> set[str]:
    found: set[str] = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def _distribution(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return match.group().lower()


def test_every_runtime_dependency_is_imported_by_the_generator() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    imported = _imported_modules(ROOT / "generator")
    unused = [
        requirement
        for requirement in project["dependencies"]
        if MODULE_OF.get(_distribution(requirement), _distribution(requirement).replace("-", "_")) not in imported
    ]
    assert not unused, f"runtime dependencies the generator never imports (move them to an extra): {unused}"


def test_every_module_the_generator_imports_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {MODULE_OF.get(_distribution(r), _distribution(r).replace("-", "_")) for r in project["dependencies"]}
    third_party = {
        name for name in _imported_modules(ROOT / "generator") if name not in sys.stdlib_module_names and name != "generator"
    }
    assert third_party <= declared, f"imported but not declared: {sorted(third_party - declared)}"
