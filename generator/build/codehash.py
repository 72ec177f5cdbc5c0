"""The generator's own code and templates as one hash: every cache key and stage stamp holds it,
so editing falgen invalidates what it made."""

from __future__ import annotations

import functools
from pathlib import Path

from generator.build.trees import hash_trees

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GENERATOR_ROOT = PROJECT_ROOT / "generator"
TEMPLATES_ROOT = PROJECT_ROOT / "templates"
_CODE_SUFFIXES = (".py", ".jinja", ".json", ".toml", ".md", ".typed", "")


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """The generator's code and templates (computed once per process)."""
    return hash_trees([GENERATOR_ROOT, TEMPLATES_ROOT], _CODE_SUFFIXES)
