"""Does a JSON value fit an IR type? Shared by example checks and default checks."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from generator.core.ir import Schema, TypeExpr

Resolver = Callable[[str], "Schema | None"]


def strict_json(text: str) -> Any:
    """`json.loads` for standard JSON only, as doc text is read: `NaN`/`Infinity`, a number
    beyond a float's range and an integer with more digits than Python converts raise
    ValueError, as invalid JSON does (`json.JSONDecodeError` is a ValueError)."""
    return json.loads(text, parse_constant=_not_json, parse_float=_finite)


def _not_json(token: str) -> Any:
    raise ValueError(f"{token} is not a JSON value")


def _finite(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise ValueError(f"number {token[:20]}{'...' if len(token) > 20 else ''} is out of range")
    return value


def object_problems(value: object, schema: Schema, resolve: Resolver, path: str, required: bool = True) -> list[str]:
    """Where `value` breaks `schema` (types, enums, unknown keys, and required keys when asked)."""
    if not isinstance(value, dict):
        return [f"{path or '/'}: expected an object, got {type(value).__name__}"]
    problems: list[str] = []
    names = {field.name for field in schema.fields}
    for key in value:
        if key not in names and schema.fields:
            problems.append(f"{path}/{key}: key not in the schema")
    for field in schema.fields:
        if field.name not in value:
            if required and field.required:
                problems.append(f"{path}/{field.name}: required field missing")
            continue
        problems.extend(value_problems(value[field.name], field.type, resolve, f"{path}/{field.name}"))
    return problems


def value_problems(value: object, type_expr: TypeExpr, resolve: Resolver, path: str) -> list[str]:
    kind = type_expr.kind
    if kind == "union":
        options = [value_problems(value, variant, resolve, path) for variant in type_expr.variants or []]
        return [] if not options or any(not found for found in options) else min(options, key=len)
    if kind == "enum":
        return [] if _in(value, type_expr.values or []) else [f"{path}: {value!r} is not one of {type_expr.values}"]
    if kind == "string":
        return [] if isinstance(value, str) else [f"{path}: expected a string, got {value!r}"]
    if kind == "integer":
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{path}: expected an integer, got {value!r}"]
    if kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected a number, got {value!r}"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected a boolean, got {value!r}"]
    if kind == "array":
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {value!r}"]
        found: list[str] = []
        for index, item in enumerate(value):
            found.extend(value_problems(item, type_expr.items or TypeExpr(kind="any"), resolve, f"{path}/{index}"))
        return found
    if kind == "ref":
        nested = resolve(type_expr.ref or "")
        if nested is None or not nested.fields:
            return [] if isinstance(value, dict) else [f"{path}: expected an object, got {value!r}"]
        return object_problems(value, nested, resolve, path, required=False)
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {value!r}"]
        found = []
        for key, item in value.items():
            found.extend(value_problems(item, type_expr.items or TypeExpr(kind="any"), resolve, f"{path}/{key}"))
        return found
    if kind == "null":
        return [] if value is None else [f"{path}: expected null, got {value!r}"]
    return []


def value_fits(value: object, type_expr: TypeExpr, resolve: Resolver) -> bool:
    return not value_problems(value, type_expr, resolve, "")


def _in(value: object, values: list[object]) -> bool:
    # `True == 1` in Python; an enum of numbers must not accept a boolean and vice versa.
    return any(value == v and type(value) is type(v) or (_number(value) and _number(v) and value == v) for v in values)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
