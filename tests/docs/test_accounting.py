"""Nothing on a page is dropped silently.

An independent scan (plain regular expressions, no parser code) finds every field line in
every source file's schema sections:

- `name\\u00a0type...` (the non-breaking-space layouts, run-together or blank-line blocks);
- `name type` with a plain space, where `type` is a type expression (the bundle layout).

Each one must be accounted for: a field of some endpoint (Input, Output or a nested type)
carries that file:line as provenance, or a diagnostic names that file:line. A page that
appears twice is merged: the repeat's lines are accounted for by the duplicate-page
diagnostic at the repeat's id line together with a field of the same name in the same
section of the kept endpoint.

The run-together page 002 also has description lines whose field name line was lost; each
such orphan line must be the provenance of the recovered field (or be named by a diagnostic).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from generator.core.ir import ParseResult
from tests.docs._support import NBSP, P000, P001, P002, P003, P004, ROOT, SOURCES

SOURCE_FILES = sorted(p.relative_to(ROOT).as_posix() for p in SOURCES.glob("*.txt"))

ID_LINE = re.compile(r"^[a-z0-9][a-z0-9._-]*(?:/[A-Za-z0-9._-]+)+$")
SCHEMA_START = re.compile(r"^(?:\d+\.\s*)?Schema(?P<hash>#?)$")
BUNDLE_NAME = re.compile(r"^(?:[a-z_][A-Za-z0-9_.-]*|[A-Za-z0-9]*_[A-Za-z0-9_.-]*)$")
WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SCALARS = {"string", "integer", "float", "boolean", "int", "str", "bool", "number", "any", "null", "object", "dict"}


def looks_like_type(text: str) -> bool:
    """`string`, `list<ImageFile>`, `ImageSize | Enum`, `registry__image__Image`, `dict<str, X>`."""
    for part in re.split(r"\s*\|\s*", text.strip()):
        while True:
            container = re.fullmatch(r"(?:list|dict)<(.*)>", part)
            if container is None:
                break
            part = container.group(1).split(",")[-1].strip()
        if not WORD.match(part):
            return False
        if not (part in SCALARS or part[0].isupper() or "__" in part):
            return False
    return True


@dataclass(frozen=True)
class FieldLine:
    file: str
    line: int
    name: str
    section: str
    """"Input", "Output" or the nested type's name."""
    page_line: int
    """The line of the page's id (or the file's first line) this field line belongs to."""


def scan(file: str) -> tuple[list[FieldLine], list[tuple[int, str, str]]]:
    """Every field line of `file`, and (002 style) every orphan prose line in an Input/Output section."""
    raw = (ROOT / file).read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
    fields: list[FieldLine] = []
    orphans: list[tuple[int, str, str]] = []
    in_schema = False
    in_types = False
    section = ""
    page_line = 1
    for number, line in enumerate(raw, start=1):
        text = line.strip()
        following = raw[number].strip() if number < len(raw) else ""
        if ID_LINE.match(text):
            in_schema = False
            page_line = number
            continue
        if text == "Related Models" or text.endswith("API Docs | fal"):
            in_schema = False
            continue
        start = SCHEMA_START.match(text)
        if start and (start.group("hash") or following == "#"):
            in_schema, in_types, section = True, False, ""
            continue
        if not in_schema or not text:
            continue
        # Section headings: `Input#` / `Input` + `#`, also glued after JSON (`}Output#`).
        heading = None
        if text.endswith("#") and NBSP not in text:
            heading = text.lstrip("}]").rstrip("#").strip()
        elif following == "#":
            heading = text
        if heading is not None:
            if heading in ("Other types", "Other"):
                in_types = True
            elif (heading in ("Input", "Output") and not in_types) or (in_types and WORD.match(heading)):
                section = heading
            continue
        if NBSP in text:
            name = text.split(NBSP, 1)[0].lstrip("}],").strip()
            fields.append(FieldLine(file, number, name, section, page_line))
            continue
        name, _, rest = text.partition(" ")
        if rest and BUNDLE_NAME.match(name) and looks_like_type(rest):
            fields.append(FieldLine(file, number, name, section, page_line))
            continue
        if (
            section in ("Input", "Output")
            and not in_types
            and not text.startswith(("{", "}", "[", "]", '"', "Possible enum values", "Default value", "Note:"))
        ):
            orphans.append((number, section, text))
    return fields, orphans


def provenance_index(corpus: ParseResult) -> dict[tuple[str, int], list[tuple[str, str, str]]]:
    index: dict[tuple[str, int], list[tuple[str, str, str]]] = {}
    for endpoint in corpus.endpoints:
        for schema in endpoint.all_schemas():
            for f in schema.fields:
                if f.provenance is not None:
                    index.setdefault((f.provenance.file, f.provenance.line), []).append(
                        (endpoint.id, schema.name, f.name)
                    )
    return index


def test_scan_finds_the_field_lines_counted_by_hand() -> None:
    # 000: Input 8, Output 2, ImageFile 7, ImageSize 2, RawImage 4 (read off the page).
    counts = {file: len(scan(file)[0]) for file in SOURCE_FILES}
    assert counts[P000] == 23
    assert counts[P001] == 40  # 23 + 5 + 6 + 2 + 4
    assert counts[P002] == 21  # 10 + 2 + 7 + 2 (3 name lines lost)
    assert counts[P003] == 27  # 13 + 5 + 7 + 2
    assert counts[P004] > 1000


@pytest.mark.parametrize("file", SOURCE_FILES)
def test_every_field_line_is_accounted_for(corpus: ParseResult, file: str) -> None:
    fields, _ = scan(file)
    assert fields, file
    by_line = provenance_index(corpus)
    diagnosed = {(d.file, d.line) for d in corpus.diagnostics}
    # Repeated pages: (file, id line) -> the endpoint kept in its place.
    repeats = {
        (d.file, d.line): d.endpoint_id
        for d in corpus.diagnostics
        if d.code in ("duplicate-page", "duplicate-page-conflict")
    }
    unaccounted: list[str] = []
    for item in fields:
        key = (item.file, item.line)
        if key in by_line:
            named = [name for _, _, name in by_line[key]]
            if item.name not in named:
                unaccounted.append(f"{item.file}:{item.line} {item.name!r}: provenance points at fields {named}")
            continue
        if key in diagnosed:
            continue
        kept_id = repeats.get((item.file, item.page_line))
        if kept_id is not None:
            kept = corpus.endpoint(kept_id)
            assert kept is not None
            assert any(s.file == item.file and s.line == item.page_line for s in kept.sources)
            section = {"Input": kept.input, "Output": kept.output}.get(item.section) or kept.type(item.section)
            if section is not None and section.field(item.name) is not None:
                continue
        unaccounted.append(f"{item.file}:{item.line} {item.name!r} ({item.section})")
    assert unaccounted == []


def test_every_field_points_back_at_a_field_line_or_a_recovery(corpus: ParseResult) -> None:
    """The other direction: no field claims a line that is not a field line, unless the
    line's diagnostic explains it (recovered name, output derived from the example) or the
    type was copied from another page."""
    lines = {(item.file, item.line) for file in SOURCE_FILES for item in scan(file)[0]}
    explained = {
        (d.file, d.line) for d in corpus.diagnostics if d.code in ("recovered-field-name", "output-from-example")
    }
    stray = [
        f"{key[0]}:{key[1]} {owners}"
        for key, owners in provenance_index(corpus).items()
        if key not in lines and key not in explained
    ]
    assert stray == []


def test_orphan_description_lines_in_002_are_recovered(corpus: ParseResult) -> None:
    _, orphans = scan(P002)
    # Read off the page: 86 (image_size), 110 (images), 112 (has_nsfw_concepts).
    assert [(line, section) for line, section, _ in orphans] == [(86, "Input"), (110, "Output"), (112, "Output")]
    by_line = provenance_index(corpus)
    diagnosed = {(d.file, d.line): d for d in corpus.diagnostics}
    for line, section, text in orphans:
        owners = by_line.get((P002, line), [])
        assert owners or (P002, line) in diagnosed, f"{P002}:{line} {text!r} is not accounted for"
        endpoint_id, schema_name, name = owners[0]
        assert (endpoint_id, schema_name) == ("fal-ai/flux-2", section)
        endpoint = corpus.endpoint(endpoint_id)
        assert endpoint is not None
        recovered = {"Input": endpoint.input, "Output": endpoint.output}[section].field(name)
        assert recovered is not None and recovered.description.startswith(text[:20])
        assert diagnosed[(P002, line)].code == "recovered-field-name"


def test_field_totals_match_the_scan(corpus: ParseResult) -> None:
    """Per single page, the IR holds exactly the scanned fields plus the recovered ones
    (nested types copied from other pages and placeholders add none: they have no fields here)."""
    recovered = {(d.file, d.line) for d in corpus.diagnostics if d.code == "recovered-field-name"}
    for file in SOURCE_FILES[:4]:
        endpoint = next(e for e in corpus.endpoints if e.provenance and e.provenance.file == file)
        in_ir = sum(len(s.fields) for s in endpoint.all_schemas())
        scanned = len(scan(file)[0]) + sum(1 for f, _ in recovered if f == file)
        assert in_ir == scanned, file


def test_scan_sees_both_layouts() -> None:
    # Guard the scanner itself: a plain-space line only counts when the rest is a type.
    assert looks_like_type("list<registry__image__fast_sdxl__models__Image>")
    assert looks_like_type("ImageSize | Enum") and looks_like_type("Enum | string")
    assert not looks_like_type("quality and speed")
    assert not looks_like_type("the image")


def test_the_check_catches_a_dropped_field(corpus: ParseResult) -> None:
    """Self-test: remove one field (and hide one diagnostic) from a copy of the IR; the
    accounting must notice both."""
    damaged = corpus.model_copy(deep=True)
    endpoint = damaged.endpoint("fal-ai/imagen4/preview")
    assert endpoint is not None
    endpoint.input.fields = [f for f in endpoint.input.fields if f.name != "seed"]
    with pytest.raises(AssertionError, match=r"004_2be51de54c4158be.txt:180 'seed'"):
        test_every_field_line_is_accounted_for(damaged, P004)

    damaged = corpus.model_copy(deep=True)
    damaged.diagnostics = [d for d in damaged.diagnostics if not d.code.startswith("duplicate-page")]
    with pytest.raises(AssertionError, match=r"004_2be51de54c4158be.txt:(87|88|89)\d\d "):
        test_every_field_line_is_accounted_for(damaged, P004)
