"""A synthetic catalogue made from the real doc pages at bench time (never committed).

Each real page is cloned under new endpoint ids; in every clone a third of the fields are
renamed (field lines and example keys alike) and the order of the Input example's keys is
shuffled, so the clones are distinct endpoints that still parse like real pages.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from generator.docs.fieldline import NBSP
from generator.docs.lines import Line, decode, to_lines
from generator.docs.pages import ID_LINE, split_pages

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "specs" / "sources"


def real_pages() -> list[tuple[str, list[str]]]:
    """(endpoint id as written, page lines) for every page that has an id line."""
    pages: list[tuple[str, list[str]]] = []
    for path in sorted(SOURCES.glob("*.txt")):
        text, _ = decode(path.read_bytes())
        for page in split_pages(to_lines(text, path.name)):
            ids = [line.stripped for line in page if ID_LINE.match(line.stripped)]
            if ids:
                pages.append((ids[0], [line.text for line in page]))
    return pages


def _field_names(lines: list[str]) -> list[str]:
    names: list[str] = []
    in_schema = False
    for text in lines:
        if text.strip().startswith(("5. Schema", "Input")):
            in_schema = True
        if not in_schema:
            continue
        if NBSP in text:
            names.append(text.split(NBSP, 1)[0].strip())
        else:
            match = re.match(r"^([a-z_][a-z0-9_]*) (string|integer|float|boolean|list<|[A-Z])", text)
            if match:
                names.append(match.group(1))
    return sorted(set(names))


def clone(endpoint_id: str, lines: list[str], new_id: str, rng: random.Random) -> str:
    names = _field_names(lines)
    renamed = {name: f"{name}_x{rng.randrange(1000)}" for name in rng.sample(names, len(names) // 3)}
    out: list[str] = []
    for text in lines:
        text = text.replace(endpoint_id, new_id)
        for old, new in renamed.items():
            text = re.sub(rf"^{re.escape(old)}(?=[ {NBSP}])", new, text)
            text = text.replace(f'"{old}":', f'"{new}":')
        out.append(text)
    return "\n".join(out) + "\n"


def make_corpus(directory: Path, endpoints: int, seed: int = 1) -> list[str]:
    """Write a bundle of `endpoints` synthetic pages under `directory`; returns their ids."""
    rng = random.Random(seed)
    pages = real_pages()
    directory.mkdir(parents=True, exist_ok=True)
    ids: list[str] = []
    chunk: list[str] = []
    for index in range(endpoints):
        endpoint_id, lines = pages[index % len(pages)]
        owner, _, rest = endpoint_id.partition("/")
        new_id = f"{owner}/synthetic-{index:04d}/{rest}"
        ids.append(new_id)
        chunk.append(clone(endpoint_id, lines, new_id, rng))
        if len(chunk) == 100:
            (directory / f"bundle_{index // 100:03d}.txt").write_text("\n".join(chunk), encoding="utf-8")
            chunk = []
    if chunk:
        (directory / f"bundle_{endpoints // 100:03d}.txt").write_text("\n".join(chunk), encoding="utf-8")
    return ids


__all__ = ["make_corpus", "real_pages", "Line"]
