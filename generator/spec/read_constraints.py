"""Reading a schema node's limits (numeric limits, lengths, `pattern`, `uniqueItems`) into IR
`Constraints`, with a diagnostic for every limit the IR cannot hold."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.core.codes import Code
from generator.core.ir import Constraints, TypeExpr
from generator.core.patterns import pattern_error
from generator.spec.keys import CONSTRAINT_KEYS, LENGTH_KEYWORDS, X_INFERRED, X_INVALID_CONSTRAINTS, JsonDict
from generator.spec.pointers import child as _child

Report = Callable[[Code, str, str], None]
"""Records a diagnostic: (code, message, JSON pointer)."""


def tuple_limits_dropped(constraints: Constraints | None, expr: TypeExpr) -> Constraints | None:
    """A tuple's `minItems`/`maxItems` say how many items it has, which its kind already says."""
    if constraints is None or expr.kind != "tuple":
        return constraints
    count = len(expr.variants or [])
    update = {name: None for name in ("min_items", "max_items") if getattr(constraints, name) == count}
    trimmed = constraints.model_copy(update=update)
    return None if trimmed.is_empty() and not trimmed.inferred else trimmed


def property_constraints(prop: JsonDict, pointer: str, report: Report) -> Constraints:
    """A property's own limits (with `x-fal-invalid-constraints` and the prose flag)."""
    found = node_constraints(prop, pointer, report) or Constraints()
    return found.model_copy(update={"inferred": prop.get(X_INFERRED) is True})


def node_constraints(node: JsonDict, pointer: str, report: Report) -> Constraints | None:
    """The limits a type node states (None when it states none)."""
    values = _constraint_values(node, pointer, report)
    invalid = node.get(X_INVALID_CONSTRAINTS)
    if isinstance(invalid, dict):
        values.update(_constraint_values(invalid, _child(pointer, X_INVALID_CONSTRAINTS), report))
    return Constraints(**values) if values else None


def _constraint_values(node: JsonDict, pointer: str, report: Report) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for attribute, keyword in CONSTRAINT_KEYS:
        if keyword in node:
            value = _limit(keyword, node[keyword], _child(pointer, keyword), report)
            if value is not None:
                values[attribute] = value
    if "pattern" in node:
        pattern = node["pattern"]
        if isinstance(pattern, str):
            values["pattern"] = pattern
            _check_pattern(pattern, _child(pointer, "pattern"), report)
        else:
            report(Code.BAD_CONSTRAINT, f"`pattern: {pattern!r}` is not a string; ignored", _child(pointer, "pattern"))
    unique = node.get("uniqueItems")
    if unique is True:
        values["unique_items"] = True
    elif unique not in (None, False):
        report(Code.BAD_CONSTRAINT, f"`uniqueItems: {unique!r}` is not a boolean; ignored", _child(pointer, "uniqueItems"))
    return values


def _check_pattern(pattern: str, pointer: str, report: Report) -> None:
    """The bindings check `pattern` with Python's `re` (as jsonschema does); one it cannot
    compile stays in the spec only."""
    error = pattern_error(pattern)
    if error is not None:
        report(
            Code.PATTERN_NOT_ENFORCED,
            f"pattern {pattern[:80]!r} is not a Python regular expression ({error}); the bindings do not check it",
            pointer,
        )


def _limit(keyword: str, value: Any, pointer: str, report: Report) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        report(Code.BAD_CONSTRAINT, f"`{keyword}: {value!r}` is not a number; ignored", pointer)
        return None
    if keyword in LENGTH_KEYWORDS and not isinstance(value, int):
        if not value.is_integer():
            report(Code.BAD_CONSTRAINT, f"`{keyword}: {value!r}` is not an integer; ignored", pointer)
            return None
        return int(value)
    return value
