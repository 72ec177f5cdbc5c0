"""Front-ends: every kind of doc source becomes IR (text and HTML via pages, JSON directly)."""

from __future__ import annotations

from pathlib import Path

from generator.core.codes import Code
from generator.core.diagnostics import Diagnostics
from generator.docs.lines import Line, decode, to_lines
from generator.docs.pages import split_pages

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json"}


def source_files(paths: list[Path]) -> list[Path]:
    """Every source file under `paths` (files or directories), in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES and not p.name.startswith(".")
                and p.name != "README.md"
            )
        else:
            files.append(path)
    return files


def is_openapi(path: Path) -> bool:
    return path.suffix.lower() in JSON_SUFFIXES


def split_source(path: Path, name: str, data: bytes, diagnostics: Diagnostics) -> list[list[Line]]:
    """The pages of a text or HTML source (a bundle holds many), as lines."""
    text, bad_bytes = decode(data)
    if bad_bytes:
        diagnostics.emit(Code.UNDECODABLE_BYTES, f"{bad_bytes} byte(s) are not valid UTF-8 and were replaced", name, 1)
    if path.suffix.lower() in HTML_SUFFIXES:
        # Lazy: BeautifulSoup's import (~60 ms) is paid only by runs that read HTML.
        from generator.docs.html import html_to_lines

        lines = html_to_lines(text, name)
    else:
        lines = to_lines(text, name)
    if not any(line.stripped for line in lines):
        diagnostics.emit(Code.EMPTY_SOURCE, "source has no text", name, 1)
        return []
    return split_pages(lines)
