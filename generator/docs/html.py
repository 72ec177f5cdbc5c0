"""Saved-HTML front-end: a fal doc page's HTML becomes the same line stream as a scrape.

Block elements end a line, inline elements join into it, and code blocks (`<pre>`) stay
verbatim line by line. Each line keeps the source line of the element it came from.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.element import Comment, Doctype, NavigableString, PageElement, ProcessingInstruction, Tag

from generator.docs.lines import Line, clean

BLOCK = {
    "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
# Site chrome around the doc content; the document <title> is read separately.
SKIP = {"script", "style", "noscript", "svg", "template", "head", "nav", "header", "footer", "aside"}


class _LineWriter:
    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.number = 1

    def text(self, text: str, number: int) -> None:
        if not self.buffer:
            self.number = number
        self.buffer.append(text)

    def flush(self) -> None:
        if self.buffer:
            text = " ".join("".join(self.buffer).split(" ")).strip("\n")
            for part in text.split("\n"):
                self.lines.append(Line(clean(part.strip(" \t")), self.file, self.number))
            self.buffer = []

    def verbatim(self, text: str, number: int) -> None:
        self.flush()
        for index, part in enumerate(text.split("\n")):
            self.lines.append(Line(clean(part), self.file, number + index, verbatim=True))


def html_to_lines(html: str, file: str) -> list[Line]:
    soup = BeautifulSoup(html, "html.parser")
    writer = _LineWriter(file)
    _walk(soup, writer)
    writer.flush()
    title = soup.find("title")
    if isinstance(title, Tag) and title.get_text(strip=True):
        # Scraped pages end with the document title ("<Title> API Docs | fal"); so does this stream.
        writer.lines.append(Line(clean(title.get_text(" ", strip=True)), file, title.sourceline or 1))
    return writer.lines


def _walk(root: Tag, writer: _LineWriter) -> None:
    """Depth first, in document order, with an explicit stack: unclosed tags nest (1,000
    unclosed `<li>` are 1,000 levels deep), and a page must not exhaust Python's recursion."""
    # (node, source line of its parent) in reverse document order; None closes a block.
    pending: list[tuple[PageElement | None, int]] = [(child, 1) for child in reversed(root.contents)]
    while pending:
        child, number = pending.pop()
        if child is None:
            writer.flush()
            continue
        if isinstance(child, (Comment, Doctype, ProcessingInstruction)):
            continue
        if isinstance(child, NavigableString):
            text = str(child).replace("\n", " ")
            if text.strip() or writer.buffer:
                writer.text(text, number)
            continue
        if not isinstance(child, Tag) or child.name in SKIP:
            continue
        line = child.sourceline or number
        if child.name == "pre":
            writer.verbatim(child.get_text().strip("\n"), line)
            continue
        if child.name == "br":
            writer.flush()
            continue
        if child.name in BLOCK:
            writer.flush()
            pending.append((None, line))
        pending.extend((grandchild, line) for grandchild in reversed(child.contents))
