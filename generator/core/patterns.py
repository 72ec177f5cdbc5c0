"""JSON Schema `pattern`s as the bindings check them: with Python's `re` (as jsonschema does)."""

from __future__ import annotations

import re


def pattern_error(pattern: str) -> str | None:
    """Why Python's `re` cannot compile the pattern (ECMA-only syntax such as `\\p{L}` or
    `(?<name>...)`, or one too deep for it), None when it can."""
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        return str(error)
    return None
