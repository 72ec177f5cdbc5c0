"""Helpers for the drift tests: real doc pages, mutated the way the docs change."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.docs.lines import to_lines
from generator.docs.pages import split_pages
from generator.docs.parse import parse
from generator.spec.write import write_specs
from tests.conftest import ROOT, falgen

SOURCES = ROOT / "tests/seed_pages"
"""The tests' own doc pages (a frozen copy of the seed scrapes): the mutations below name their lines."""
KLEIN = SOURCES / "001_11878542ada84a38.txt"
"""fal-ai/flux-2/klein/4b/base: a single page that kept its `* required` marks, streaming."""
REALTIME = SOURCES / "000_7739271ab35a701a.txt"
"""fal-ai/flux-2/klein/realtime: a single realtime page."""
FLUX2 = SOURCES / "002_f214c515eb004644.txt"
"""fal-ai/flux-2: a run-together single page."""
BUNDLE = SOURCES / "004_2be51de54c4158be.txt"
"""A bundle of many pages; its first page (fal-ai/imagen4/preview) states `(1-4)`."""

NB = "\u00a0"
"""What separates a field's name from its type on the single-page scrapes."""


def bundle_page(containing: str) -> str:
    """The raw text of the one bundle page that contains `containing` (the line range
    `split_pages` gives that page)."""
    text = BUNDLE.read_text(encoding="utf-8")
    raw = text.split("\n")
    found = []
    for page in split_pages(to_lines(text, BUNDLE.name)):
        page_text = "\n".join(raw[page[0].number - 1 : page[-1].number]) + "\n"
        if containing in page_text:
            found.append(page_text)
    assert len(found) == 1, f"{containing!r} is on {len(found)} bundle pages"
    return found[0]


def replace_once(text: str, old: str, new: str) -> str:
    """Replace the single occurrence of `old` (the mutation must be unambiguous)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def specs_from_text(text: str, workdir: Path, name: str, file_name: str = "page.txt") -> Path:
    """Parse one page (raw, no overlays) and write its specs into `workdir/name/openapi`."""
    source = workdir / name / "sources" / file_name
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(text, encoding="utf-8")
    result = parse([source], overlays=None)
    assert result.endpoints, f"{name}: no endpoint parsed"
    out = workdir / name / "openapi"
    write_specs(result.endpoints, out)
    return out


def run_diff(old: Path, new: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    done = falgen("diff", str(old), str(new), "--json", *extra)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.returncode, json.loads(done.stdout)


def copy_specs(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path
