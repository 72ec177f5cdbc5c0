"""Invalid instances, each violating exactly one keyword at one location.

From a valid instance and one of its locations (see `walk`), build candidate values that break
one keyword of the governing node; keep the first candidate for which (a) the node's own errors
are all that keyword and (b) the whole instance is invalid under the schema. For `Input` the
schema is fal's with open objects closed (`schemas.closed_objects`, the deliberate choice): an
unknown key there is reported as its own row, since fal's schema itself would allow it.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .schemas import CLOSED_MARK
from .walk import Location, declared_types, json_type

UNKNOWN_KEY = "__fidelity_unknown_key__"
CLOSED_INPUT = "unknown key (Input object, closed by choice)"
TYPE_LAX = "type (numeric/boolean string)"
TYPE_FRACTION = "type (fraction for integer)"
TYPE_NULL = "type (null where the schema has none)"
"""Judged on Input only: Output models accept `null` in any optional field, by choice (README)."""


@dataclass
class Mutation:
    keyword: str
    pointer: str
    path: tuple[str | int, ...]
    instance: Any  # the whole mutated instance


def set_at(instance: Any, path: tuple[str | int, ...], value: Any) -> Any:
    """A deep copy of `instance` with the value at `path` replaced."""
    if not path:
        return value
    result = copy.deepcopy(instance)
    target = result
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return result


def mutations(
    location: Location, instance: Any, validator: Any, *, skip: Callable[[str, str], bool] = lambda k, p: False
) -> Iterator[Mutation]:
    """Mutations at `location`; `skip(keyword, pointer)` says which are not wanted (already tried
    elsewhere), which saves validating their candidates."""
    node, value = location.schema, location.value
    node_validator = validator.evolve(schema=node)

    def only(keyword: str, candidates: list[Any], check: str | None = None, pointer: str = "") -> Mutation | None:
        pointer = pointer or location.pointer
        if skip(keyword, pointer):
            return None
        for candidate in candidates:
            errors = list(node_validator.iter_errors(candidate))
            if not errors or any(e.validator != (check or keyword) for e in errors):
                continue
            mutated = set_at(instance, location.path, candidate)
            if not validator.is_valid(mutated):
                return Mutation(keyword, pointer, location.path, mutated)
        return None

    found: list[Mutation | None] = []
    kind = json_type(value)
    types = declared_types(node)
    if types:
        found.append(only("type", [_far_value(types)]))
        if kind in ("integer", "number", "boolean"):
            found.append(only(TYPE_LAX, [json.dumps(value)], check="type"))
        if kind == "integer" and "integer" in types and "number" not in types:
            found.append(only(TYPE_FRACTION, [value + 0.5], check="type"))
        if "null" not in types and value is not None:
            found.append(only(TYPE_NULL, [None], check="type"))
    if "enum" in node and isinstance(node["enum"], list):
        keyword = "enum beside anyOf" if "anyOf" in node else "enum"
        found.append(only(keyword, _not_in(node["enum"]), check="enum"))
    if "const" in node:
        found.append(only("const", _not_in([node["const"]])))
    if kind in ("integer", "number"):
        found.extend(_numeric(node, value, only))
    elif kind == "string":
        found.extend(_string(node, value, only))
    elif kind == "array":
        found.extend(_array(node, value, only))
    elif kind == "object":
        found.extend(_object(location, instance, validator, only, skip))
    yield from (m for m in found if m is not None)


def _far_value(types: list[str]) -> Any:
    if any(t in types for t in ("object", "array")):
        return "not a container" if "string" not in types else 12345
    return ["not", "a", "scalar"]


def _not_in(values: list[Any]) -> list[Any]:
    strings = [v for v in values if isinstance(v, str)]
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    candidates: list[Any] = []
    if strings:
        candidates.append(max(strings, key=len) + "_not_allowed")
    if numbers:
        candidates.append(max(numbers) + 1)
    bools = [v for v in values if isinstance(v, bool)]
    if bools and len(set(bools)) == 1:
        candidates.append(not bools[0])
    return candidates


def _as_kind(number: float, integer: bool) -> Any:
    return int(number) if integer and float(number).is_integer() else number


def _numeric(node: dict[str, Any], value: Any, only: Any) -> list[Mutation | None]:
    integer = isinstance(value, int) and "number" not in declared_types(node)
    step = node.get("multipleOf") if isinstance(node.get("multipleOf"), (int, float)) else 1
    found = []
    for keyword, sign in (("minimum", -1), ("maximum", 1)):
        bound = node.get(keyword)
        if isinstance(bound, (int, float)) and not isinstance(bound, bool):
            edge = math.floor(bound) if sign < 0 and integer else math.ceil(bound) if integer else bound
            raw = [edge + sign * delta for delta in (1, 0.5, step, 2 * step)]
            found.append(only(keyword, [_as_kind(c, integer) for c in raw]))
    for keyword, sign in (("exclusiveMinimum", -1), ("exclusiveMaximum", 1)):
        bound = node.get(keyword)
        if isinstance(bound, (int, float)) and not isinstance(bound, bool):
            raw = [bound, bound + sign * 1, bound + sign * step]
            found.append(only(keyword, [_as_kind(c, integer) for c in raw]))
    multiple = node.get("multipleOf")
    if isinstance(multiple, (int, float)) and not isinstance(multiple, bool) and multiple > 0:
        raw = [value + multiple / 2, value - multiple / 2, value + 1, value - 1, value + multiple / 3]
        found.append(only("multipleOf", [_as_kind(c, integer) for c in raw]))
    return found


def _string(node: dict[str, Any], value: str, only: Any) -> list[Mutation | None]:
    found = []
    low = node.get("minLength")
    if isinstance(low, int) and low > 0:
        found.append(only("minLength", [value[: low - 1], "a" * (low - 1), "0" * (low - 1)]))
    high = node.get("maxLength")
    if isinstance(high, int):
        found.append(only("maxLength", [value + "a" * (high + 1 - len(value)), "a" * (high + 1), "0" * (high + 1)]))
    if isinstance(node.get("pattern"), str):
        found.append(only("pattern", ["", " ", "!", "\n", "~" * 8, "0", "a", "A" * 16, value + "\n!"]))
    return found


def _array(node: dict[str, Any], value: list[Any], only: Any) -> list[Mutation | None]:
    found = []
    low = node.get("minItems")
    if isinstance(low, int) and low > 0:
        found.append(only("minItems", [value[: low - 1]]))
    high = node.get("maxItems")
    if isinstance(high, int) and value:
        found.append(only("maxItems", [[value[i % len(value)] for i in range(high + 1)]]))
    if node.get("uniqueItems") is True and value:
        candidates = [[value[0], value[0], *value[2:]], [value[0], *value]]
        found.append(only("uniqueItems", candidates))
    return found


def _object(location: Location, instance: Any, validator: Any, only: Any, skip: Any) -> list[Mutation | None]:
    node, value = location.schema, location.value
    found: list[Mutation | None] = []
    for key in node.get("required") or []:
        if key in value:
            candidate = {k: v for k, v in value.items() if k != key}
            found.append(only("required", [candidate], pointer=f"{location.pointer}/properties/{key}"))
    extra = node.get("additionalProperties")
    with_unknown = {**value, UNKNOWN_KEY: 1}
    if extra is False:
        keyword = CLOSED_INPUT if node.get(CLOSED_MARK) else "additionalProperties: false"
        found.append(only(keyword, [with_unknown], check="additionalProperties"))
    elif isinstance(extra, dict) and not skip("additionalProperties: schema", location.pointer):
        extra_validator = validator.evolve(schema=extra)
        for wrong in ("not allowed here", 12345, 0.5, True, None, [], {"x": 1}):
            if not extra_validator.is_valid(wrong):
                mutated = set_at(instance, location.path, {**value, UNKNOWN_KEY: wrong})
                if not validator.is_valid(mutated):
                    found.append(Mutation("additionalProperties: schema", location.pointer, location.path, mutated))
                break
    return found


def valid_variants(
    location: Location, instance: Any, validator: Any, *, skip: Callable[[str, str], bool] = lambda k, p: False
) -> Iterator[tuple[str, Any]]:
    """Schema-valid instances that random drawing rarely produces, one per kind and location:
    `null` where the node allows it, a whole number (JSON integer) where the type is `number`,
    an unknown key where the object is open. Yields (kind, whole instance)."""
    node, value = location.schema, location.value
    branches = node.get("anyOf") or node.get("oneOf")
    nullable = isinstance(branches, list) and any(b == {"type": "null"} for b in branches)
    if value is not None and nullable and not skip("null", location.pointer):
        mutated = set_at(instance, location.path, None)
        if validator.is_valid(mutated):
            yield "null", mutated
    extra = node.get("additionalProperties", True)
    is_object = "properties" in node or "object" in declared_types(node)
    if isinstance(value, dict) and is_object and extra is not False and not skip("extra key", location.pointer):
        for candidate in ("extra", 1, 0.5, True, None, [], {}):
            mutated = set_at(instance, location.path, {**value, UNKNOWN_KEY: candidate})
            if validator.is_valid(mutated):
                yield "extra key", mutated
                break
    types = declared_types(node)
    if (
        isinstance(value, float)
        and "number" in types
        and "integer" not in types
        and not skip("whole number", location.pointer)
    ):
        candidates = [node.get(k) for k in ("default", "minimum", "maximum", "exclusiveMinimum")]
        if math.isfinite(value) and abs(value) < 2**53:
            candidates.insert(0, round(value))
        for offset in (0, 1, -1):
            for candidate in candidates:
                if (
                    isinstance(candidate, (int, float))
                    and not isinstance(candidate, bool)
                    and float(candidate).is_integer()
                ):
                    mutated = set_at(instance, location.path, int(candidate) + offset)
                    if validator.is_valid(mutated):
                        yield "whole number", mutated
                        return
