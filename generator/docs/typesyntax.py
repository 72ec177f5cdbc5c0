"""The type syntax of fal's doc pages: `string`, `list<ImageFile>`, `ImageSize | Enum`, ...

    union  := atom ( "|" atom )*
    atom   := "list<" union ">" | "dict<" union "," union ">" | scalar | "Enum" | Name
    Name   := an identifier that starts upper-case or contains "__" (`registry__image__Image`)

A Name ending in `Enum` is a named enum whose values follow on a "Possible enum values" line;
any other Name refers to a nested type ("Other types").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.core.ir import TypeExpr

SCALARS: dict[str, str] = {
    "string": "string",
    "str": "string",
    "integer": "integer",
    "int": "integer",
    "float": "number",
    "number": "number",
    "boolean": "boolean",
    "bool": "boolean",
    "any": "any",
    "null": "null",
}
_CONTAINERS = {"list": "array", "array": "array", "dict": "map"}
# A dotted name (`Weird.Name`) is one identifier, as a type heading (`Weird.Name#`) allows.
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_CAPITALISED_WORD = re.compile(r"[A-Z][a-z]+|[A-Z]")


class TypeSyntaxError(ValueError):
    pass


@dataclass
class _Cursor:
    text: str
    pos: int = 0
    glued: bool = False
    """Run-together layout: the description may follow the type without a space."""

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1

    def peek(self, literal: str) -> bool:
        return self.text.startswith(literal, self.pos)


def is_type_name(name: str) -> bool:
    """Whether `name` can name a nested type (as opposed to being a prose word)."""
    return bool(_IDENT.fullmatch(name)) and (name[0].isupper() or "__" in name)


def parse_type(text: str) -> TypeExpr:
    """Parse a complete type expression; raises TypeSyntaxError if anything is left over."""
    cursor = _Cursor(text.strip())
    expr = _union(cursor, known=frozenset())
    cursor.skip_spaces()
    if cursor.pos != len(cursor.text):
        raise TypeSyntaxError(f"unexpected {cursor.text[cursor.pos:]!r} after type {expr.render()!r}")
    return expr


def split_type_prefix(text: str, known: frozenset[str] = frozenset()) -> tuple[TypeExpr, str]:
    """Parse the type at the start of `text` and return it with the rest (run-together layout).

    `prompt\\u00a0string* requiredThe prompt...` has no space between type and description:
    `known` type names of the page help find where a glued Name ends.
    """
    cursor = _Cursor(text, glued=True)
    expr = _union(cursor, known)
    return expr, text[cursor.pos :]


def _union(cursor: _Cursor, known: frozenset[str]) -> TypeExpr:
    variants = [_atom(cursor, known)]
    while True:
        save = cursor.pos
        cursor.skip_spaces()
        if cursor.peek("|"):
            cursor.pos += 1
            cursor.skip_spaces()
            variants.append(_atom(cursor, known))
            continue
        cursor.pos = save
        break
    return variants[0] if len(variants) == 1 else TypeExpr(kind="union", variants=variants)


def _atom(cursor: _Cursor, known: frozenset[str]) -> TypeExpr:
    match = _IDENT.match(cursor.text, cursor.pos)
    if not match:
        found = cursor.text[cursor.pos : cursor.pos + 20] or "end of text"
        raise TypeSyntaxError(f"expected a type at {found!r}")
    word = match.group(0)
    after = match.end()
    if word.lower() in _CONTAINERS and cursor.text.startswith("<", after):
        cursor.pos = after + 1
        first = _union(cursor, known)
        kind = _CONTAINERS[word.lower()]
        if kind == "map":
            cursor.skip_spaces()
            if cursor.peek(","):
                # dict<str, T>: the key type is always a string in JSON.
                cursor.pos += 1
                cursor.skip_spaces()
                first = _union(cursor, known)
        cursor.skip_spaces()
        if not cursor.peek(">"):
            raise TypeSyntaxError(f"unclosed '{word}<' in {cursor.text!r}")
        cursor.pos += 1
        return TypeExpr(kind=kind, items=first)  # type: ignore[arg-type]
    rest = cursor.text[after:]
    if cursor.glued and rest.startswith(" ") and not rest.lstrip().startswith("|"):
        # The identifier ran into the description's first word: find the real end.
        word = _unglue_word(word, known)
        after = match.start() + len(word)
    cursor.pos = after
    return _word_type(word)


def _word_type(word: str) -> TypeExpr:
    if word in SCALARS:
        return TypeExpr(kind=SCALARS[word])  # type: ignore[arg-type]
    if word == "Enum":
        return TypeExpr(kind="enum", values=[])
    if word in ("object", "dict"):
        return TypeExpr(kind="map", items=TypeExpr(kind="any"))
    if not is_type_name(word):
        raise TypeSyntaxError(f"{word!r} is not a known type")
    if word.endswith("Enum"):
        return TypeExpr(kind="enum", name=word, values=[])
    return TypeExpr(kind="ref", ref=word)


def _unglue_word(word: str, known: frozenset[str]) -> str:
    """`AccelerationEnumThe` -> `AccelerationEnum`; `integerThe` -> `integer`."""
    for scalar in sorted(SCALARS, key=len, reverse=True):
        if word.startswith(scalar) and (word == scalar or not word[len(scalar)].islower()):
            return scalar
    cuts = [i for i in range(1, len(word)) if word[i].isupper()]
    for i in reversed(cuts):
        if word[:i].endswith("Enum"):
            return word[:i]
    for name in sorted(known, key=len, reverse=True):
        if word.startswith(name) and word != name and word[len(name)].isupper():
            return name
    for i in reversed(cuts):
        if _CAPITALISED_WORD.fullmatch(word[i:]):
            return word[:i]
    return word
