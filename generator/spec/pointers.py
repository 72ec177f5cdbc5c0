"""JSON pointers into a document's text: escaping tokens, and the 1-based line of every value
(computed lazily: specs falgen wrote carry their provenance, so reading them never needs it)."""

from __future__ import annotations

import bisect
import contextlib
import json
import re
from collections.abc import Iterator, Mapping

from generator.core.json_pointer import escape

__all__ = ["LazyLines", "child", "escape", "pointer_lines"]


def child(pointer: str, token: str | int) -> str:
    return f"{pointer}/{escape(str(token))}"



def pointer_lines(text: str) -> dict[str, int]:
    """JSON pointer -> 1-based line of every value in a JSON text (of its key, for members).

    Only called on text that `json.loads` accepted; returns what it found so far if the text
    turns out not to be JSON after all.
    """
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    lines: dict[str, int] = {}
    decoder = json.JSONDecoder()
    whitespace = re.compile(r"[ \t\n\r]*")

    def line_of(position: int) -> int:
        return bisect.bisect_right(starts, position)

    def skip(position: int) -> int:
        match = whitespace.match(text, position)
        return match.end() if match else position

    def value(position: int, pointer: str) -> int:
        position = skip(position)
        lines.setdefault(pointer, line_of(position))
        char = text[position]
        if char == "{":
            position = skip(position + 1)
            if text[position] == "}":
                return position + 1
            while True:
                position = skip(position)
                key_line = line_of(position)
                key, position = decoder.raw_decode(text, position)
                member = child(pointer, str(key))
                lines[member] = key_line
                position = skip(position)  # at ':'
                position = skip(value(position + 1, member))
                if text[position] == ",":
                    position += 1
                    continue
                return position + 1  # '}'
        if char == "[":
            position = skip(position + 1)
            if text[position] == "]":
                return position + 1
            index = 0
            while True:
                position = skip(value(position, child(pointer, index)))
                index += 1
                if text[position] == ",":
                    position += 1
                    continue
                return position + 1  # ']'
        _, end = decoder.raw_decode(text, position)
        return int(end)

    with contextlib.suppress(ValueError, IndexError, RecursionError):
        value(0, "")
    return lines



class LazyLines(Mapping[str, int]):
    """`pointer_lines(text)`, computed only when a line is first asked for: documents we wrote
    ourselves carry their provenance, so reading them never needs it."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[str, int] | None = None

    def _load(self) -> dict[str, int]:
        if self._lines is None:
            self._lines = pointer_lines(self._text)
        return self._lines

    def __getitem__(self, key: str) -> int:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())
