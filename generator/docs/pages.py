"""A source file as pages: a bundle holds many, one per endpoint id line."""

from __future__ import annotations

import re

from generator.docs.fieldline import NBSP, space_field
from generator.docs.lines import Line, unglue

ID_LINE = re.compile(r"^[a-z0-9][a-z0-9._-]*(?:/[A-Za-z0-9._-]+)+$")
SCHEMA_HEADING = re.compile(r"^(?:\d+\.\s*)?Schema#$")
CALLING_HEADING = re.compile(r"^\d+\.\s*Calling the API#?$")


def split_pages(lines: list[Line]) -> list[list[Line]]:
    """Split a file into pages: a bundle holds many, one per endpoint id line.

    A new page starts at an id line (or a second "Calling the API" section) once the current
    page's schema has begun; banner and title lines just above the id go with the new page.
    """
    pages: list[list[Line]] = []
    current: list[Line] = []
    in_schema = False
    for line in unglue(lines):
        text = line.stripped
        starts_page = in_schema and (ID_LINE.match(text) or CALLING_HEADING.match(text))
        if starts_page:
            carried = _leading_header(current)
            pages.append(current[: len(current) - len(carried)])
            current = carried
            in_schema = False
        current.append(line)
        if SCHEMA_HEADING.match(text):
            in_schema = True
    if current:
        pages.append(current)
    return [page for page in pages if any(line.stripped for line in page)]


def _leading_header(lines: list[Line]) -> list[Line]:
    """The banner/title block at the end of `lines` that belongs to the next page.

    Only prose lines that stand alone between blank lines qualify; schema content (field
    lines, defaults, JSON) never moves.
    """
    carried: list[Line] = []
    index = len(lines) - 1
    while index >= 0 and len(carried) < 6:
        line = lines[index]
        text = line.stripped
        if not text:
            carried.insert(0, line)
            index -= 1
            continue
        above_blank = index == 0 or not lines[index - 1].stripped
        if not above_blank or _is_schema_content(text) or not carried:
            break
        carried.insert(0, line)
        index -= 1
    while carried and carried[0].stripped == "":
        carried.pop(0)
    # Keep only a block that ends with a blank line before the id (a title stands alone).
    return carried if carried and any(line.stripped for line in carried) else []


def _is_schema_content(text: str) -> bool:
    return (
        NBSP in text
        or text.startswith(("{", "}", "[", "]", '"', "Default value", "Possible enum values", "Note:"))
        or text.endswith("#")
        or space_field(text) is not None
    )
