"""A doc page as a stream of lines that remember where they came from.

Every front-end (scraped text, saved HTML) reduces its input to `Line`s; the page parser
only ever sees lines, so file:line provenance survives every later stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.docs.fieldline import NBSP, space_field

# Characters that cannot be part of doc text: C0 controls except tab/newline, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Known schema headings that the run-together scrape glues to the end of the line before
# (`...requestId);Streaming#`, `}Output#`). Splitting them off restores the heading line.
_GLUED_HEADING = re.compile(r"^(?P<before>.*?\S)(?P<heading>(?:\d+\. )?[A-Z][A-Za-z ]*#)$")

# A JSON snippet's closing bracket glued to the next field line (`}num_images\u00a0integer...`).
_GLUED_AFTER_BRACKET = re.compile(r"^(?P<before>\s*[}\]],?)(?P<after>[A-Za-z_].*)$")


@dataclass(frozen=True)
class Line:
    text: str
    file: str
    number: int
    """1-based line number in `file`."""
    verbatim: bool = False
    """True for lines from a code block (HTML `<pre>`): never split or re-joined."""

    @property
    def location(self) -> str:
        return f"{self.file}:{self.number}"

    @property
    def stripped(self) -> str:
        return self.text.strip()

    def with_text(self, text: str) -> Line:
        return Line(text, self.file, self.number, self.verbatim)


def decode(data: bytes) -> tuple[str, int]:
    """Decode page bytes as UTF-8; returns the text and how many bytes were not valid UTF-8."""
    text = data.decode("utf-8", errors="replace")
    return text, text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")


def clean(text: str) -> str:
    """Normalise one scraped line: drop control characters and trailing whitespace.

    Non-breaking spaces are kept: the scrape uses one between a field's name and its type,
    which is what tells a field line from prose in the run-together layout.
    """
    return _CONTROL.sub("", text).rstrip()


def to_lines(text: str, file: str, first_line: int = 1) -> list[Line]:
    """The lines of `text`, numbered from `first_line`. A final line break ends the last line,
    it does not start another: a 177-line file has lines 1-177, so no diagnostic can point at 178."""
    pieces = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(pieces) > 1 and pieces[-1] == "":
        pieces.pop()
    return [Line(clean(raw), file, first_line + index) for index, raw in enumerate(pieces)]


def unglue(lines: list[Line]) -> list[Line]:
    """Split what the run-together scrape glued onto one line.

    - `X\\n#` (bundle layout: heading, then `#` alone) becomes `X#`;
    - `...text}Heading#` and `...;Heading#` become two lines;
    - `}field\\u00a0type...` or `}field type...` (a JSON snippet's end glued to the next field
      line) becomes two lines.
    Both halves keep the original line number.
    """
    out: list[Line] = []
    for line in lines:
        if line.verbatim:
            out.append(line)
            continue
        if line.stripped == "#" and out and out[-1].stripped and not out[-1].stripped.endswith("#"):
            previous = out.pop()
            out.append(previous.with_text(previous.stripped + "#"))
            continue
        out.extend(_split_glued(line))
    return out


def _split_glued(line: Line) -> list[Line]:
    text = line.text
    bracket = _GLUED_AFTER_BRACKET.match(text)
    if bracket and (NBSP in bracket.group("after") or space_field(bracket.group("after")) is not None):
        return [line.with_text(bracket.group("before")), *_split_glued(line.with_text(bracket.group("after")))]
    heading = _GLUED_HEADING.match(text)
    if heading and NBSP not in text and _is_glue_point(heading.group("before")):
        return [line.with_text(heading.group("before")), line.with_text(heading.group("heading"))]
    return [line]


def _is_glue_point(before: str) -> bool:
    # Only split after code or JSON: prose that ends in a heading-like word stays whole.
    return before.rstrip()[-1:] in {"}", ")", ";", "]", '"'}
