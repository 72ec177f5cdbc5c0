"""Doc text in Markdown, inert: the one path by which text from the docs (endpoint ids, titles,
categories, enum values, defaults) enters generated Markdown - the package README and the
`falgen diff` report that becomes the drift pull request's body.

Rendered by GitHub (GFM), such text could otherwise break a table row (`|`, a newline), open a
code span (a backtick), embed HTML (`<img src=...>`, which GitHub renders), or hide itself
(bidi overrides, zero-width characters, terminal escapes).

- `md_text(value)`: inline text for a table cell or a heading. Every character that starts an
  inline construct (backslash, backtick, and * _ [ ] < > | & ~ ! # $) is backslash-escaped: a
  `|` survives a GFM table cell, `<img>` stays text. Invisible and control characters are shown
  as Python escapes (a newline as the two characters `\\n`), so a row never ends early.
- `md_code(value, table=...)`: a code span (HTML and emphasis are inert inside it) fenced with
  more backticks than the value holds; controls shown as escapes. In a table a `|` is escaped;
  a value with a backslash right before a `|` cannot be written as a code span in a table (GFM
  reads `\\|` there), so it falls back to `md_text`.
"""

from __future__ import annotations

import re

__all__ = ["md_text", "md_code"]

# C0/C1 controls, DEL, and format characters that reorder or hide text (bidi marks, overrides
# and isolates; zero-width space/joiners; line/paragraph separators; BOM).
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_INLINE_SYNTAX = re.compile(r"([\\`*_\[\]<>|&~!#$])")
_BACKTICKS = re.compile(r"`+")


def _visible(text: str) -> str:
    return _INVISIBLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def md_text(value: object) -> str:
    """`value` as inert inline Markdown text (a table cell or a heading; not at a block start)."""
    return _INLINE_SYNTAX.sub(r"\\\1", _visible(str(value)))


def md_code(value: object, *, table: bool = False) -> str:
    """`value` as an inline code span (inert in a table cell with `table=True`)."""
    text = _visible(str(value))
    if not text:
        return ""
    if table:
        if "\\|" in text:
            return md_text(text)
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    # CommonMark strips one space from each end when both are there, and a fence next to a
    # backtick in the text would merge with it: pad with a space in both cases.
    pad = " " if text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " " and text.strip()) else ""
    return f"{fence}{pad}{text}{pad}{fence}"
