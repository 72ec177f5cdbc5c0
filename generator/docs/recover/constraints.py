"""Limits stated unambiguously in prose ("(1-4)", "between 0 and 1", "Cannot exceed 200
characters"), marked as inferred."""

from __future__ import annotations

import math
import re

from generator.core.ir import Constraints, Property

_RANGE_PAREN = re.compile(r"\((?P<low>-?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(?P<high>-?\d+(?:\.\d+)?)\)")
_BETWEEN = re.compile(r"\bbetween (?P<low>-?\d+(?:\.\d+)?) and (?P<high>-?\d+(?:\.\d+)?)(?P<unit>[A-Za-z%]*)")
_MAX_CHARS = re.compile(
    r"\b(?:cannot|can't|must not|should not|may not) exceed (?P<n>\d+) characters"
    r"|\bmax(?:imum)?\.?:? (?:of )?(?P<m>\d+) characters|\bup to (?P<u>\d+) characters",
    re.IGNORECASE,
)
_CHAR_RANGE = re.compile(r"\b(?P<low>\d+)\s*(?:-|–|to)\s*(?P<high>\d+) characters", re.IGNORECASE)


def infer_constraints(field: Property) -> None:
    """Limits the prose states unambiguously, marked as inferred.

    Only one range phrase, on a plain number field, without a unit ("between 3.0s and
    20.0s" is about the file, not the value); character limits only on strings.
    """
    if not field.constraints.is_empty():
        return
    text = field.description
    kind = field.type.kind
    if kind in ("integer", "number"):
        ranges = [*_RANGE_PAREN.finditer(text), *(m for m in _BETWEEN.finditer(text) if not m.group("unit"))]
        if len(ranges) == 1:
            low, high = _number(ranges[0].group("low")), _number(ranges[0].group("high"))
            if low <= high and (kind == "number" or (float(low).is_integer() and float(high).is_integer())):
                field.constraints = Constraints(minimum=low, maximum=high, inferred=True)
    elif kind == "string":
        matches = list(_MAX_CHARS.finditer(text))
        ranges = list(_CHAR_RANGE.finditer(text))
        if len(ranges) == 1 and not matches:
            low, high = _count(ranges[0].group("low")), _count(ranges[0].group("high"))
            if 0 <= low <= high:
                field.constraints = Constraints(min_length=low, max_length=high, inferred=True)
        elif len(matches) == 1:
            match = matches[0]
            limit = _count(match.group("n") or match.group("m") or match.group("u"))
            if limit >= 0:
                field.constraints = Constraints(max_length=limit, inferred=True)


def _number(text: str) -> int | float:
    value = float(text)
    if not math.isfinite(value) or abs(value) > _LIMIT_BOUND:
        return math.nan  # a limit beyond any real one: `low <= high` fails, nothing is inferred
    return int(value) if value.is_integer() and "." not in text else value


_LIMIT_BOUND = 2**53
"""Limits read from prose must be exact in a float (and an `int()` of them cheap)."""


def _count(text: str) -> int:
    """A character count from prose; an absurd one (`99999...` over 15 digits) counts as -1."""
    return int(text) if len(text) <= 15 else -1
