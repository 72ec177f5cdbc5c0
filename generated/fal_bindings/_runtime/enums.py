# Copied from templates/package/fal_bindings/_runtime/enums.py by falgen. Edit the source, then run make generate.
"""Enums whose values Python's `Literal` cannot hold.

fal's schemas may list objects or lists as enum (or `const`) values; `Literal[{"a": 1}]` raises
`TypeError: unhashable type` when the module is imported. Generated modules type such an enum
by its JSON type for type checkers (`dict[str, Any]`, `list[Any]`, or `Any` when the values
mix kinds) and, at run time, with `one_of(...)`: that type plus a check that the value equals
one of the listed values as JSON does (`true` is not `1`, `1` is `1.0`).
"""

from __future__ import annotations

import copy
import json
from typing import Annotated, Any

from pydantic import AfterValidator, WithJsonSchema

__all__ = ["json_equal", "one_of"]


def json_equal(a: Any, b: Any) -> bool:
    """Equality of two JSON values: booleans are not numbers, numbers compare by value."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def one_of(*values: Any) -> Any:
    """The run-time type of an enum of JSON `values` (objects and lists included)."""
    allowed = [copy.deepcopy(value) for value in values]
    shown = ", ".join(json.dumps(value, ensure_ascii=False) for value in allowed)
    if len(shown) > 200:
        shown = shown[:197] + "..."

    def check(value: Any) -> Any:
        if any(json_equal(value, candidate) for candidate in allowed):
            return value
        raise ValueError(f"must be one of {shown}")

    base: Any = Any
    if allowed and all(isinstance(value, dict) for value in allowed):
        base = dict[str, Any]
    elif allowed and all(isinstance(value, list) for value in allowed):
        base = list[Any]
    return Annotated[base, AfterValidator(check), WithJsonSchema({"enum": allowed})]
