# Copied from templates/package/fal_bindings/_runtime/validation.py by falgen. Edit the source, then run make generate.
"""One error per bad value: pydantic reports a value that fits no member of a union once per
member (`image_size="huge"` against `ImageSize | Literal["square_hd", ...]` gives a `model_type`
error for the object member and a `literal_error` for the enum). When some members failed only
because the value is of another kind (`*_type` errors: a str is no object) and others looked at
the value itself (a `literal_error` for a value of the choices' kind), the first are noise: `prune_union_errors` keeps the second, without the union
member's tag in the location (`image_size`, not `image_size.literal['square_hd', ...]`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["prune_union_errors", "is_union_tag"]

_BUILTIN_LABELS = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "set", "tuple", "none", "any"}
)
_CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9_]*")
_KIND_MISMATCH = frozenset({"is_instance_of", "none_required", "model_attributes_type"})


def is_union_tag(part: object) -> bool:
    """Whether a location step names a union member (`literal['a','b']`, `ImageSize`, `str`,
    `list[str]`, `function-plain[...]()`) rather than a field or an index."""
    if not isinstance(part, str):
        return False
    return (
        any(c in part for c in "[]()'")
        or part in _BUILTIN_LABELS
        or (_CLASS_NAME.fullmatch(part) is not None and not part.isupper())
    )


_NUMBER = re.compile(r"(?<![\w'\"])-?\d")


def _literal_of_another_kind(error: Any) -> bool:
    """A `literal_error` whose value is not even of the literals' kind (a number for text
    choices, an object...): judged from the choices pydantic lists in `ctx["expected"]`."""
    expected = str((error.get("ctx") or {}).get("expected", ""))
    value = error.get("input")
    if isinstance(value, str):
        return "'" not in expected and '"' not in expected
    if isinstance(value, bool):
        return "True" not in expected and "False" not in expected
    if isinstance(value, (int, float)):
        return _NUMBER.search(expected) is None
    return True


def _kind_mismatch(error: Any) -> bool:
    kind = str(error.get("type", ""))
    if kind == "literal_error":
        return _literal_of_another_kind(error)
    return kind.endswith("_type") or kind in _KIND_MISMATCH


def _union_site(loc: tuple[Any, ...]) -> int | None:
    for index, part in enumerate(loc):
        if is_union_tag(part):
            return index
    return None


def prune_union_errors(exc: ValidationError) -> ValidationError:
    """`exc` without the union members the value was never meant for (see the module doc), or
    `exc` itself when there is nothing to prune or the errors cannot be rebuilt."""
    errors = exc.errors(include_url=False)
    sites: dict[tuple[Any, ...], dict[Any, list[int]]] = {}
    for number, error in enumerate(errors):
        loc = tuple(error["loc"])
        at = _union_site(loc)
        if at is not None:
            sites.setdefault(loc[:at], {}).setdefault(loc[at], []).append(number)
    dropped: set[int] = set()
    untag: dict[int, int] = {}  # error number -> index of the tag to take out of its loc
    for prefix, members in sites.items():
        meant = {
            tag: numbers
            for tag, numbers in members.items()
            # An error inside the member (deeper than its tag) means the value was of its kind.
            if not all(
                _kind_mismatch(errors[n]) and len(errors[n]["loc"]) == len(prefix) + 1
                for n in numbers
            )
        }
        if not meant or len(meant) == len(members):
            continue
        for tag, numbers in members.items():
            if tag not in meant:
                dropped.update(numbers)
        if len(meant) == 1:
            for numbers in meant.values():
                untag.update({n: len(prefix) for n in numbers})
    if not dropped:
        return exc
    from pydantic_core import InitErrorDetails
    from pydantic_core import ValidationError as CoreValidationError

    kept: list[InitErrorDetails] = []
    for number, error in enumerate(errors):
        if number in dropped:
            continue
        loc = tuple(error["loc"])
        if number in untag:
            loc = loc[: untag[number]] + loc[untag[number] + 1 :]
        detail: InitErrorDetails = {"type": error["type"], "loc": loc, "input": error["input"]}
        if "ctx" in error:
            detail["ctx"] = error["ctx"]
        kept.append(detail)
    try:
        return CoreValidationError.from_exception_data(exc.title, kept)
    except (KeyError, TypeError, ValueError):  # an error type that cannot be rebuilt
        return exc
