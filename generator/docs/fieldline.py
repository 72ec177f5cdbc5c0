"""Field lines separated by ordinary whitespace: `name type[* required][description]`.

The single-page scrapes put a non-breaking space between a field's name and its type, which
tells a field line from prose at once (`generator.docs.text` reads those). A saved HTML page,
a fresh scrape or the bundle layout may use an ordinary space (or a tab) instead; then the line
is a field when the rest of it reads as a type:

- `seed integer`, `prompt string* required`: exactly a type, maybe marked required;
- `prompt string* requiredThe prompt...`, `seed integerThe seed...`: run-together, the
  description glued to the type (for a snake_case name, or any name before `* required`);
- `Mode string`, `Mode ModeEnum`: a name that is not snake_case (`API Key` is prose) counts
  only when its type names nothing the page does not describe: scalars, containers, `...Enum`
  names and types the page has headings for.

`field_line_lookalike` finds what is left: prose lines that read like a field line, which
the parser keeps as text but reports, so no field disappears without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.core.diagnostics import clip
from generator.core.ir import TypeExpr
from generator.docs.typesyntax import TypeSyntaxError, parse_type, split_type_prefix

REQUIRED_MARK = "* required"
# Without the non-breaking space, a snake_case-looking name marks a field line by itself: this
# keeps prose such as "API Key" or "2. Authentication" from reading as `name Type`.
SNAKE_NAME = re.compile(r"^(?:[a-z_][A-Za-z0-9_.-]*|[A-Za-z0-9]*_[A-Za-z0-9_.-]*)$")
OTHER_NAME = re.compile(r"^[A-Z][A-Za-z0-9_.-]*$")
# Whitespace that separates a name from its type; the non-breaking space is the text layout's own.
NBSP = "\u00a0"
"""The scrapes' separator between a field's name and its type (lines keep it as it is)."""
_SEPARATOR = re.compile(rf"[^\S{NBSP}]+")
# `name <one token with type punctuation>`: a field line whose type cannot be read.
_TYPE_LIKE = re.compile(r"^\S*[<>|\[\]]\S*$")
# A lowercase name alone on a line: a field line whose type was cut off (a page cut in half).
_LONE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


@dataclass(frozen=True)
class SpaceField:
    name: str
    type: TypeExpr | None
    """None when the type cannot be read (the caller reports it)."""
    marked: bool
    description: str


def space_field(text: str, known: frozenset[str] = frozenset()) -> SpaceField | None:
    """The field on a line whose name and type are separated by ordinary whitespace, if any.

    `known`: the type names the page has headings for.
    """
    parts = _SEPARATOR.split(text, maxsplit=1)
    if len(parts) != 2 or not parts[1] or NBSP in parts[0]:
        return None
    name, rest = parts
    snake = bool(SNAKE_NAME.match(name))
    if not snake and not OTHER_NAME.match(name):
        return None
    type_text, mark, after_mark = rest.partition(REQUIRED_MARK)
    if mark and type_text.strip():
        marked, description = True, after_mark.strip()
        type_expr = _complete_type(type_text)
        if type_expr is None:
            return SpaceField(name, None, True, description) if _TYPE_LIKE.match(type_text.strip()) else None
        return SpaceField(name, type_expr, marked, description)
    type_expr = _complete_type(rest)
    description = ""
    if type_expr is None:
        glued = _glued_type(rest, known) if snake else None
        if glued is None:
            return SpaceField(name, None, False, "") if snake and _TYPE_LIKE.match(rest) else None
        type_expr, description = glued
    if not snake and not _names_only_known(type_expr, known):
        return None
    return SpaceField(name, type_expr, False, description)


def field_line_lookalike(text: str) -> str | None:
    """Why prose reads like a field line, or None: a lone name (a field line whose type was cut
    off), or `Word Type` (`API Key`, `Image URL`) that `space_field` does not take as a field."""
    if _LONE_NAME.match(text):
        return f"{clip(text)!r} reads like a field name whose type was cut off"
    parts = re.split(r"\s+", text, maxsplit=1)
    if len(parts) != 2 or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", parts[0]):
        return None
    type_text = parts[1].partition(REQUIRED_MARK)[0]
    if _complete_type(type_text) is None:
        return None
    return (
        f"{clip(text)!r} reads like a field line, but {clip(parts[0])!r} is not a snake_case name "
        f"and {clip(type_text.strip())!r} is no type the page describes"
    )


def _complete_type(text: str) -> TypeExpr | None:
    try:
        return parse_type(text)
    except TypeSyntaxError:
        return None


def _glued_type(text: str, known: frozenset[str]) -> tuple[TypeExpr, str] | None:
    """`integerThe seed...`: a type with a description glued on (run-together layout)."""
    try:
        type_expr, rest = split_type_prefix(text, known)
    except TypeSyntaxError:
        return None
    if not rest[:1].isupper() or not _names_only_known(type_expr, known):
        return None
    return type_expr, rest.strip()


def _names_only_known(type_expr: TypeExpr, known: frozenset[str]) -> bool:
    """True when every type name in `type_expr` is an enum or a type the page describes."""
    if type_expr.kind == "ref":
        return type_expr.ref in known
    nested = [*(type_expr.variants or []), *([type_expr.items] if type_expr.items else [])]
    return all(_names_only_known(variant, known) for variant in nested)
