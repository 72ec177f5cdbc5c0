"""`generator.core.markdown`: any text, put in a GFM table cell or a heading, renders as exactly
that text (controls shown as escapes), in one cell, with no HTML."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from generator.core.markdown import md_code, md_text

HOSTILE = [
    "plain fal-ai/flux-2",
    "a|b",
    "a\\|b",  # a backslash right before a pipe
    "x`y``z",
    "`edge`",
    " padded ",
    "<img src=x onerror=alert(1)>",
    "*bold* _em_ [link](http://e) ![i](x) ~~s~~ $x$ &amp; #h",
    "line\nbreak\r\n",
    "esc \x1b[2J bidi \u202eevil zero\u200bwidth",
    "trailing backslash \\",
]
RENDER = MarkdownIt("commonmark").enable("table")


def visible(text: str) -> str:
    return re.sub(
        r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]",
        lambda m: m.group().encode("unicode_escape").decode("ascii"),
        text,
    )


def cell(markdown: str) -> str:
    rendered = RENDER.render(f"| a | b |\n|---|---|\n| {markdown} | end |\n")
    assert "<img" not in rendered and "<strong>" not in rendered and "<a " not in rendered, rendered
    cells = re.findall(r"<td>(.*?)</td>", rendered, re.S)
    assert len(cells) == 2 and cells[1] == "end", rendered
    return html.unescape(re.sub(r"<[^>]+>", "", cells[0]))


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_text_and_code_render_as_the_text_itself_in_a_table(text: str) -> None:
    assert cell(md_text(text)) == visible(text).strip()
    assert cell(md_code(text, table=True)) == (visible(text) if md_code(text, table=True).startswith("`") else visible(text).strip())


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_a_heading_shows_the_text(text: str) -> None:
    for markdown in (md_text(text), md_code(text)):
        rendered = RENDER.render(f"### {markdown}\n")
        headings = re.findall(r"<h3>(.*?)</h3>", rendered, re.S)
        assert len(headings) == 1 and "<img" not in rendered, rendered
        assert html.unescape(re.sub(r"<[^>]+>", "", headings[0])).strip() == visible(text).strip()
