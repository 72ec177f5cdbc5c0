"""The incremental parse stage gives exactly what a full parse gives, and reuses what it can.

Each case starts from the real doc pages with a warm cache, changes the docs the way real
doc changes do, then compares an incremental run (warm cache) with a full run (no cache):
spec bytes, diagnostics and summary must be identical. `rebuilt` shows which pages re-ran.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build.cache import Store
from generator.docs.parse import ParseRun
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # every test parses the seed corpus several times (seconds each)

SOURCES = ROOT / "tests" / "seed_pages"  # the tests' own pages: the counts below are theirs
OVERLAYS = ROOT / "tests" / "seed_overlays"  # the tests' own overlays, for the seed pages
MARKED = "000_7739271ab35a701a.txt"
"""A page that kept its `* required` marks (its fields are evidence for other pages)."""
BUNDLE = "004_2be51de54c4158be.txt"

TIMINGS = "\nTimings#\n\ninference\u00a0float\n\nSeconds spent in inference.\n"


def outcome(run: ParseRun) -> tuple[dict[str, bytes], list[str], dict[str, object]]:
    return run.documents(), [d.render() for d in run.sorted_diagnostics()], run.summary()


def edit(name: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(sources: Path) -> None:
        path = sources / name
        text = path.read_text(encoding="utf-8")
        changed = change(text)
        assert changed != text, "the mutation must change the page"
        path.write_text(changed, encoding="utf-8")

    return apply


def url_marks_lost(sources: Path) -> None:
    """Every page with intact marks stops marking `url` required: unmarked pages that decided
    their `url` from those marks (27 fields) must change too, though their text did not."""
    changed = 0
    for path in sorted(sources.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if "url\u00a0string* required" in text:
            path.write_text(text.replace("url\u00a0string* required", "url\u00a0string"), encoding="utf-8")
            changed += 1
    assert changed, "the corpus has marked pages"


def add_file(name: str, text: str) -> Callable[[Path], None]:
    def apply(sources: Path) -> None:
        (sources / name).write_text(text, encoding="utf-8")

    return apply


def remove_file(name: str) -> Callable[[Path], None]:
    def apply(sources: Path) -> None:
        (sources / name).unlink()

    return apply


def copy_of_marked_page_with_new_id(sources: Path) -> None:
    text = (SOURCES / MARKED).read_text(encoding="utf-8")
    (sources / "zz_new.txt").write_text(text.replace("fal-ai/", "fal-ai/new-model-"), encoding="utf-8")


def duplicate_page(sources: Path) -> None:
    shutil.copy(sources / MARKED, sources / "zz_duplicate.txt")


def overlay_changed(overlays: Path) -> None:
    path = next(overlays.glob("*.yaml"))
    path.write_text(path.read_text(encoding="utf-8").replace("reason:", "reason: (changed)", 1), encoding="utf-8")


CASES: dict[str, Callable[[Path], None]] = {
    "default value on one page": edit(BUNDLE, lambda t: t.replace("Default value: 28", "Default value: 30", 1)),
    "description on a marked page (evidence for others)": edit(
        MARKED, lambda t: t.replace("The URL where the file can be downloaded from.", "Where to download the file.", 1)
    ),
    "a type no page described appears (borrowed by 11 pages)": edit(MARKED, lambda t: t + TIMINGS),
    "required marks lost where other pages take evidence": url_marks_lost,
    "required mark lost on a marked page": edit(MARKED, lambda t: t.replace("image_url\u00a0string* required", "image_url\u00a0string", 1)),
    "line inserted at the top of a bundle (every page moves)": edit(BUNDLE, lambda t: "\n" + t),
    "page added (new ids)": copy_of_marked_page_with_new_id,
    "page duplicated (merged)": duplicate_page,
    "file removed": remove_file("002_f214c515eb004644.txt"),
    "file added with a type another page borrows": add_file("zz_types.txt", (SOURCES / MARKED).read_text(encoding="utf-8").replace("fal-ai/", "fal-ai/typed-") + TIMINGS),
    "broken page (no schema)": add_file("zz_broken.txt", "fal-ai/broken/model\n\nA page cut off before its schema.\n"),
}


@pytest.fixture()
def workspace(tmp_path: Path) -> tuple[Path, Path, Path]:
    sources, overlays, cache = tmp_path / "sources", tmp_path / "overlays", tmp_path / "cache"
    shutil.copytree(SOURCES, sources)
    shutil.copytree(OVERLAYS, overlays)
    return sources, overlays, cache


@pytest.mark.parametrize("case", sorted(CASES))
def test_incremental_parse_equals_full_parse(case: str, workspace: tuple[Path, Path, Path]) -> None:
    sources, overlays, cache = workspace
    first = ParseRun([sources], overlays, Store("parse", root=cache))
    assert outcome(first) == outcome(ParseRun([sources], overlays)), "a cold cached run equals a run without cache"
    CASES[case](sources)
    warm = ParseRun([sources], overlays, Store("parse", root=cache))
    full = ParseRun([sources], overlays)
    assert outcome(warm) == outcome(full)
    assert len(warm.rebuilt) < len(full.rebuilt), "the warm run reuses pages"
    again = ParseRun([sources], overlays, Store("parse", root=cache))
    assert again.rebuilt == [] and outcome(again) == outcome(full)


def test_overlay_change_is_applied_without_rebuilding_pages(workspace: tuple[Path, Path, Path]) -> None:
    sources, overlays, cache = workspace
    ParseRun([sources], overlays, Store("parse", root=cache))
    overlay_changed(overlays)
    warm = ParseRun([sources], overlays, Store("parse", root=cache))
    assert outcome(warm) == outcome(ParseRun([sources], overlays))
    assert warm.rebuilt == []


def test_only_the_changed_page_and_its_readers_rebuild(workspace: tuple[Path, Path, Path]) -> None:
    sources, overlays, cache = workspace
    full = ParseRun([sources], overlays, Store("parse", root=cache))
    assert len(full.rebuilt) == 36
    # A default on a page that nothing else reads: that page alone.
    CASES["default value on one page"](sources)
    assert len(ParseRun([sources], overlays, Store("parse", root=cache)).rebuilt) == 1
    # A type that 11 pages use but no page described: the page that now describes it, and
    # its 11 readers.
    CASES["a type no page described appears (borrowed by 11 pages)"](sources)
    rebuilt = ParseRun([sources], overlays, Store("parse", root=cache)).rebuilt
    assert any(MARKED in where for where in rebuilt)
    assert len(rebuilt) == 12


def test_a_damaged_cache_entry_is_a_miss(workspace: tuple[Path, Path, Path]) -> None:
    sources, overlays, cache = workspace
    expected = outcome(ParseRun([sources], overlays))
    ParseRun([sources], overlays, Store("parse", root=cache))
    for path in sorted(p for p in cache.rglob("*") if p.is_file())[::3]:
        path.write_bytes(b"not a pickle")
    assert outcome(ParseRun([sources], overlays, Store("parse", root=cache))) == expected


# --- an endpoint with a page and fal's document (the document's structure, the page's extras) ---

PAGE_WITH_DOCUMENT = "002_f214c515eb004644.txt"
"""The seed page of fal-ai/flux-2, which the workspace gives a fal document too."""
DOCUMENT = "fal-openapi/fal-ai__flux-2.json"


def add_document(sources: Path) -> None:
    """fal's document for the page's endpoint, agreeing with the page."""
    from generator.docs.parse import parse
    from tests.docs._support import fal_document

    endpoint = parse([sources / PAGE_WITH_DOCUMENT], overlays=None).endpoint("fal-ai/flux-2")
    assert endpoint is not None
    (sources / "fal-openapi").mkdir()
    (sources / DOCUMENT).write_text(json.dumps(fal_document(endpoint), indent=2), encoding="utf-8")


def document_default_changed(sources: Path) -> None:
    path = sources / DOCUMENT
    document = json.loads(path.read_text(encoding="utf-8"))
    key = next(key for key in document["components"]["schemas"] if key.endswith("Input"))
    document["components"]["schemas"][key]["properties"]["num_inference_steps"]["default"] = 31
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


DOCUMENT_CASES: dict[str, Callable[[Path], None]] = {
    "the page changed": edit(PAGE_WITH_DOCUMENT, lambda t: t.replace("Default value: 28", "Default value: 30", 1)),
    "the document changed": document_default_changed,
}


@pytest.mark.parametrize("case", sorted(DOCUMENT_CASES))
def test_incremental_parse_of_a_page_with_a_document(case: str, workspace: tuple[Path, Path, Path]) -> None:
    sources, overlays, cache = workspace
    add_document(sources)
    first = ParseRun([sources], overlays, Store("parse", root=cache))
    assert outcome(first) == outcome(ParseRun([sources], overlays)), "a cold cached run equals a run without cache"
    assert not any("page-default-disagrees" in d for d in outcome(first)[1]), "the sources agree at first"
    DOCUMENT_CASES[case](sources)
    warm = ParseRun([sources], overlays, Store("parse", root=cache))
    full = ParseRun([sources], overlays)
    assert outcome(warm) == outcome(full)
    assert sum("page-default-disagrees" in d for d in outcome(full)[1]) == 1, "the change is a disagreement"
    spec = json.loads(outcome(full)[0]["fal-ai__flux-2.json"])
    key = next(key for key in spec["components"]["schemas"] if key.endswith("Input"))
    expected = 31 if case == "the document changed" else 28  # the document's default, whatever the page says
    assert spec["components"]["schemas"][key]["properties"]["num_inference_steps"]["default"] == expected
    again = ParseRun([sources], overlays, Store("parse", root=cache))
    assert again.rebuilt == [] and outcome(again) == outcome(full)
