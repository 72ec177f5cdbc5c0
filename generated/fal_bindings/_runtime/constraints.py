# Copied from templates/package/fal_bindings/_runtime/constraints.py by falgen. Edit the source, then run make generate.
"""JSON Schema keywords pydantic's own constraints cannot state, as validators for `Annotated`.

Generated models use pydantic's `Field(ge=..., max_length=..., pattern=...)` where it means what
JSON Schema means, and these where it does not:

- `multiple_of(step)`: JSON Schema's `multipleOf` is exact arithmetic on the numbers as written
  (0.3 is a multiple of 0.1); floats are compared through their shortest decimal form, so
  binary rounding (`0.3 % 0.1 == 0.09999999999999998`) never rejects a valid value.
- `unique_items`: `uniqueItems`, with JSON equality (`1` equals `1.0`, `true` is not `1`;
  models compare by their JSON).
- `text_length(min, max, pattern)`: `minLength`/`maxLength`/`pattern` on a file field, which
  also takes a `pathlib.Path` or `bytes`; only a string (the URL fal receives) is checked, a local
  file becomes a data URI or an upload URL when sent.
- `from_array`: a JSON array for a fixed tuple (`prefixItems`), which strict mode would refuse.

Each check applies to its own JSON type only, as in JSON Schema: a value of another type
(`None` in a nullable field) passes through to the type's own validation.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import AfterValidator, BaseModel, BeforeValidator

from .enums import json_equal

__all__ = ["from_array", "multiple_of", "text_length", "unique_items"]


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def is_multiple(value: float, step: float) -> bool:
    """True when `value / step` is an integer, computed on the decimal forms (JSON's numbers)."""
    try:
        return _decimal(value) % _decimal(step) == 0
    except InvalidOperation:  # infinities, or a quotient beyond Decimal's precision
        return False


def multiple_of(step: float) -> AfterValidator:
    """`multipleOf: step` on a number."""

    def check(value: Any) -> Any:
        if (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and not is_multiple(value, step)
        ):
            raise ValueError(f"Input should be a multiple of {step}")
        return value

    return AfterValidator(check)


def _as_json(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, (list, tuple)):
        return [_as_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    return value


def _check_unique(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        seen: list[Any] = []
        for index, item in enumerate(_as_json(value)):
            if any(json_equal(item, earlier) for earlier in seen):
                raise ValueError(
                    f"List should have unique items (item {index} repeats an earlier one)"
                )
            seen.append(item)
    return value


unique_items = AfterValidator(_check_unique)
"""`uniqueItems: true` on an array."""


def text_length(
    min_length: int | None = None, max_length: int | None = None, pattern: str | None = None
) -> AfterValidator:
    """`minLength`/`maxLength`/`pattern` on a file field: a string is checked (in code points, as
    JSON Schema counts), a local file (`Path`, `bytes`) is exempt."""
    compiled = re.compile(pattern) if pattern is not None else None

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if min_length is not None and len(value) < min_length:
            raise ValueError(
                f"String should have at least {min_length} character{'s' * (min_length != 1)}"
            )
        if max_length is not None and len(value) > max_length:
            raise ValueError(
                f"String should have at most {max_length} character{'s' * (max_length != 1)}"
            )
        if compiled is not None and compiled.search(value) is None:
            raise ValueError(f"String should match pattern '{pattern}'")
        return value

    return AfterValidator(check)


def _tuple_from_array(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


from_array = BeforeValidator(_tuple_from_array)
"""A fixed tuple accepts a JSON array (a `list`) as well as a `tuple`."""
