"""The parse stage: doc sources -> IR (with recovery and overlays) -> diagnostics.

The stage is incremental, and there is one code path with or without a cache on disk:

- Each doc page is a unit, identified by its file, its lines and their numbers. Its parse
  and recovery are stored in the cache (`generator.build.cache.Store`) under that identity.
- Recovering a page also reads what other pages say (the same field on a page with intact
  marks, a type described elsewhere). `recover.Corpus` logs every such read; the record keeps
  each read with a hash of what it returned ("facts"). A cached page is reused only while all
  its reads still return the same, so a changed page re-runs itself and exactly the pages that
  read something it says.
- The endpoints of reused pages are never rebuilt: their spec bytes come from the cache. Only
  duplicates (merged) and overlay targets are materialised.

`parse()` (tests, `falgen check`) uses an in-memory store and returns every endpoint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from generator.build.cache import CacheDamaged, Codec, Store, digest
from generator.core.codes import Code
from generator.core.diagnostics import Diagnostics, count_by_code, sort_key
from generator.core.ir import Diagnostic, Endpoint, ParseResult, Provenance, Schema
from generator.core.names import spec_file_name
from generator.core.paths import display_path
from generator.docs.files import mark_file_properties
from generator.docs.lines import Line
from generator.docs.overlays import apply_overlays, load_overlays
from generator.docs.recover.corpus import Corpus, FieldEvidence, Read, page_evidence, page_types
from generator.docs.recover.duplicates import merge_duplicates
from generator.docs.recover.endpoint import build_endpoint
from generator.docs.recover.examples import check_examples
from generator.docs.recover.names import recover_names
from generator.docs.sources import is_openapi, source_files, split_source
from generator.docs.text import Page, PageParser
from generator.docs.two_sources import combine
from generator.spec.pointers import pointer_lines
from generator.spec.read import read_openapi_bytes
from generator.spec.write import endpoint_to_openapi, render_spec

_PASS_ONE = frozenset({Read.EVIDENCE})
"""What pass 1 (ids, lost names) of a page reads of other pages."""
_PASS_TWO = frozenset({Read.TYPE, Read.SAME_FIELD})
"""What pass 2 (the endpoint) reads besides."""
DEFAULT_SOURCES = Path("specs/sources")


def partial_sources(paths: list[Path]) -> bool:
    """Whether `paths` are part of the corpus the overlays are written for, rather than the whole
    of it (the project's `specs/sources`): `falgen parse` and `falgen check` must agree, so that a
    report one writes is the report the other reproduces."""
    return [path.resolve() for path in paths] != [DEFAULT_SOURCES.resolve()]
DEFAULT_OVERLAYS = Path("specs/overlays")
T = TypeVar("T")


def parse(paths: list[Path], overlays: Path | None = DEFAULT_OVERLAYS, store: Store | None = None) -> ParseResult:
    """Read every source under `paths`; `overlays=None` gives the raw parse."""
    return ParseRun(paths, overlays, store).result()


def content_hash(model: Endpoint | Schema) -> str:
    """Identity of an IR value by content (`repr` of its dump is exact for every JSON value,
    NaN and lone surrogates included)."""
    return digest(repr(model.model_dump()))


@dataclass
class UnitRecord:
    """What the cache keeps of one page's parse and recovery (validated when read back)."""

    id: str | None
    evidence: list[tuple[str, str, FieldEvidence]]
    """(normalised description, hash of the entry, the field as the page states it)."""
    types: list[tuple[str, str, str]]
    """(name, provenance, content hash) of each nested type the page describes."""
    reads: list[tuple[Read, str, str]]
    """(kind, key, hash of the answer) of each read of the rest of the corpus."""
    diagnostics: list[Diagnostic]
    endpoint: str | None
    """Store key of the endpoint."""
    fields: int

    def reads_hold(self, facts: _Facts, kinds: frozenset[Read]) -> bool:
        """Whether every read of these kinds still returns what it returned for this record."""
        return all(facts(kind, key) == value for kind, key, value in self.reads if kind in kinds)


# Cache entries are JSON read back through their shape (see `generator.build.cache`).
FILE_ENTRY = Codec[tuple[list[str], list[Diagnostic]]](tuple[list[str], list[Diagnostic]])
"""A source file: the keys of its pages, and what splitting it reported."""
OPENAPI_ENTRY = Codec[tuple[list[tuple[str, int]], list[Diagnostic]]](tuple[list[tuple[str, int]], list[Diagnostic]])
"""An OpenAPI source file: (endpoint store key, field count) of each endpoint, and diagnostics."""
UNIT_ENTRY = Codec[UnitRecord](UnitRecord)
TYPES_ENTRY = Codec[list[Schema]](list[Schema])
ENDPOINT_ENTRY = Codec[Endpoint](Endpoint)
COMBINED_ENTRY = Codec[tuple[str, int, list[Diagnostic]]](tuple[str, int, list[Diagnostic]])
"""An endpoint with a page and a document: (store key of the combined endpoint, field count,
what combining them reported), keyed by the store keys (content hashes) of both."""


@dataclass
class Unit:
    """One doc page of the run."""

    key: str
    source: Path
    lines: list[Line] | None = None
    """Known when its file was split in this run."""
    record: UnitRecord | None = None
    """The cached result (see `_record`); None until computed or found."""
    page: Page | None = None
    endpoint_id: str | None = None
    reads: set[tuple[Read, str]] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    types: list[Schema] = field(default_factory=list)
    evidence: list[tuple[str, str, FieldEvidence]] = field(default_factory=list)
    endpoint: Endpoint | None = None


@dataclass
class Member:
    """One copy of an endpoint: from a page or from an OpenAPI source."""

    payload: str
    """Store key of the endpoint."""
    fields: int
    endpoint: Endpoint | None = None


class _Facts:
    """Hashes of what each corpus read returns, computed once per key."""

    def __init__(self, evidence: Mapping[str, list[tuple[str, FieldEvidence]]], types: Mapping[str, list[tuple[str, str]]]) -> None:
        self.evidence = evidence
        self.types = types
        self.memo: dict[tuple[Read, str], str] = {}

    def __call__(self, kind: Read, key: str) -> str:
        found = self.memo.get((kind, key))
        if found is None:
            if kind is Read.EVIDENCE:
                found = digest(*(entry for entry, _ in self.evidence.get(key, [])))
            elif kind is Read.SAME_FIELD:
                name, _, description = key.partition("\0")
                found = digest(*(entry for entry, item in self.evidence.get(description, []) if item.name == name))
            else:
                found = digest(*(part for contribution in self.types.get(key, []) for part in contribution))
            self.memo[(kind, key)] = found
        return found


class _LazyTypes(Mapping[str, list[Schema]]):
    """Nested types by name; a reused page's types are read from the cache only when a page
    reads them."""

    def __init__(self, store: Store, entries: dict[str, list[tuple[Schema | None, str, int]]]) -> None:
        self.store = store
        self.entries = entries

    def __getitem__(self, name: str) -> list[Schema]:
        entries = self.entries.get(name)
        if entries is None:
            raise KeyError(name)
        schemas: list[Schema] = []
        for schema, payload, index in entries:
            if schema is None:
                stated = self.store.get_object(payload, TYPES_ENTRY)
                if stated is None or index >= len(stated):
                    raise CacheDamaged(payload)
                schema = stated[index]
            schemas.append(schema)
        return schemas

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


class ParseRun:
    def __init__(self, paths: list[Path], overlays: Path | None, store: Store | None = None, *, partial_sources: bool = False) -> None:
        """`partial_sources`: `paths` are part of the corpus the overlays are written for (see
        `apply_overlays`)."""
        self.store = store or Store("parse", persistent=False)
        self.partial_sources = partial_sources
        self._arguments = (paths, overlays)
        self.final: dict[str, Member] = {}
        """One member per endpoint id (duplicates merged, overlays applied), by id."""
        self._retrying(lambda: None, ran=False)

    def _retrying(self, step: Callable[[], T], *, ran: bool = True) -> T:
        """`step` over this run (run first when `ran` is false); a damaged cache entry met on the
        way restarts the run without reading the cache."""
        try:
            if not ran:
                self._run(*self._arguments)
            return step()
        except CacheDamaged:
            self.store = self.store.fresh()
            self._run(*self._arguments)
            return step()

    def _run(self, paths: list[Path], overlays: Path | None) -> None:
        self.diagnostics = Diagnostics()
        self.units: list[Unit] = []
        self.openapi: list[Member] = []
        self.pages = 0
        self.rebuilt: list[str] = []
        """Pages whose endpoint was rebuilt in this run (the others were reused), by file:line."""
        self._read_sources(paths)
        self._recover()
        self.final = self._assemble(overlays)

    # -- sources -------------------------------------------------------------------------

    def _read_sources(self, paths: list[Path]) -> None:
        openapi_files: set[str] = set()
        for path in source_files(paths):
            name = display_path(path)
            try:
                data = path.read_bytes()
            except OSError as error:
                self.diagnostics.emit(Code.UNREADABLE_SOURCE, f"cannot read source: {error.strerror or error}", name)
                continue
            if is_openapi(path):
                members = self._read_openapi(name, data)
                self.openapi.extend(members)
                if members:
                    openapi_files.add(name)
                continue
            key = self.store.key("file", name, data)
            cached = self.store.get_object(key, FILE_ENTRY)
            if cached is not None:
                unit_keys, found = cached
                self.units.extend(Unit(unit_key, path) for unit_key in unit_keys)
            else:
                collected = Diagnostics()
                units = [Unit(_unit_key(lines), path, lines) for lines in split_source(path, name, data, collected)]
                found = collected.items
                self.store.put_object(key, ([u.key for u in units], found), FILE_ENTRY)
                self.units.extend(units)
            self.diagnostics.extend(found)
        self.pages = len(self.units) + len(openapi_files)

    def _read_openapi(self, name: str, data: bytes) -> list[Member]:
        key = self.store.key("openapi", name, data)
        cached = self.store.get_object(key, OPENAPI_ENTRY)
        if cached is not None:
            members, found = cached
        else:
            endpoints, found = read_openapi_bytes(data, name)
            collected = Diagnostics()
            for endpoint in endpoints:
                mark_file_properties(endpoint)
                check_examples(endpoint, collected)  # the fixtures users get are made from them
            found = [*found, *collected.items]
            members = [(self._put_endpoint(e), _count_fields(e)) for e in endpoints]
            self.store.put_object(key, (members, found), OPENAPI_ENTRY)
        self.diagnostics.extend(found)
        return [Member(payload, fields) for payload, fields in members]

    def _lines(self, unit: Unit) -> list[Line]:
        """A unit's lines; a file read from the cache is split again only when needed."""
        if unit.lines is None:
            name = display_path(unit.source)
            data = unit.source.read_bytes()
            for lines in split_source(unit.source, name, data, Diagnostics()):
                key = _unit_key(lines)
                for other in self.units:
                    if other.key == key and other.lines is None:
                        other.lines = lines
        if unit.lines is None:  # a cache entry that does not describe this file
            raise CacheDamaged(unit.key)
        return unit.lines

    # -- recovery ------------------------------------------------------------------------

    def _recover(self) -> None:
        store = self.store
        for unit in self.units:
            unit.record = store.get_object(store.key("unit", unit.key), UNIT_ENTRY)
        # Evidence is what pages say as stated: read it from records, parse pages without one.
        evidence: dict[str, list[tuple[str, FieldEvidence]]] = defaultdict(list)
        for unit in self.units:
            if unit.record is None:
                self._parse_page(unit)
                entries = unit.evidence
            else:
                entries = unit.record.evidence
            for key, entry, item in entries:
                evidence[key].append((entry, item))
        facts = _Facts(evidence, {})
        names = {key: [item for _, item in items] for key, items in evidence.items()}
        corpus = Corpus(names)
        # Pass 1 (ids, lost field names) on every page without a valid record. It runs on all
        # of them before any pass 2, so a type one page borrows from another is the same
        # whichever order the pages come in.
        stale = [u for u in self.units if u.record is None or not u.record.reads_hold(facts, _PASS_ONE)]
        for unit in stale:
            self._names(unit, corpus)
        types: dict[str, list[tuple[str, str]]] = defaultdict(list)
        loaded: dict[str, list[tuple[Schema | None, str, int]]] = defaultdict(list)
        for unit in self.units:
            contributions: list[tuple[str, str, str, Schema | None]]
            if unit.page is not None:
                contributions = [(s.name, str(s.provenance), content_hash(s), s) for s in unit.types]
            else:
                assert unit.record is not None
                contributions = [(n, p, h, None) for n, p, h in unit.record.types]
            for index, (name, provenance, schema_hash, schema) in enumerate(contributions):
                types[name].append((provenance, schema_hash))
                loaded[name].append((schema, store.key("types", unit.key), index))
        facts = _Facts(evidence, types)
        # Pass 2 (the endpoint) on pages whose pass 1 re-ran or whose other reads changed.
        for unit in self.units:
            if unit.page is None and unit.record is not None and not unit.record.reads_hold(facts, _PASS_TWO):
                self._parse_page(unit)
                self._names(unit, corpus)
        corpus = Corpus(names, _LazyTypes(store, loaded))
        for unit in self.units:
            if unit.page is None:
                continue
            self.rebuilt.append(f"{unit.page.file}:{unit.page.first_line}")
            collected = Diagnostics()
            if unit.endpoint_id is not None:
                corpus.reads = set()
                unit.endpoint = build_endpoint(unit.page, unit.endpoint_id, corpus, collected)
                unit.reads |= corpus.reads
            unit.diagnostics.extend(collected.items)
            unit.record = self._record(unit, facts)
            store.put_object(store.key("unit", unit.key), unit.record, UNIT_ENTRY)
        for unit in self.units:
            assert unit.record is not None
            self.diagnostics.extend(unit.record.diagnostics)

    def _parse_page(self, unit: Unit) -> None:
        collected = Diagnostics()
        unit.page = PageParser(self._lines(unit), collected).parse()
        unit.diagnostics = collected.items
        unit.reads = set()
        # As stated, before recovery edits the page.
        unit.evidence = [(key, _evidence_hash(item), item) for key, item in page_evidence(unit.page)]

    def _names(self, unit: Unit, corpus: Corpus) -> None:
        if unit.page is None:
            self._parse_page(unit)
        assert unit.page is not None
        collected = Diagnostics()
        corpus.reads = set()
        unit.endpoint_id = recover_names(unit.page, corpus, collected)
        unit.reads = set(corpus.reads)
        unit.diagnostics.extend(collected.items)
        unit.types = page_types(unit.page)
        self.store.put_object(self.store.key("types", unit.key), unit.types, TYPES_ENTRY)

    def _record(self, unit: Unit, facts: _Facts) -> UnitRecord:
        assert unit.page is not None
        endpoint = unit.endpoint
        return UnitRecord(
            id=unit.endpoint_id,
            evidence=unit.evidence,
            types=[(s.name, str(s.provenance), content_hash(s)) for s in unit.types],
            reads=sorted((kind, key, facts(kind, key)) for kind, key in unit.reads),
            diagnostics=unit.diagnostics,
            endpoint=self._put_endpoint(endpoint) if endpoint is not None else None,
            fields=_count_fields(endpoint) if endpoint is not None else 0,
        )

    def _put_endpoint(self, endpoint: Endpoint) -> str:
        key = self.store.key("endpoint", content_hash(endpoint))
        if not self.store.has(key):
            self.store.put_object(key, endpoint, ENDPOINT_ENTRY)
        return key

    # -- endpoints -----------------------------------------------------------------------

    def _assemble(self, overlays: Path | None) -> dict[str, Member]:
        """One member per endpoint id: duplicates merged, overlays applied."""
        pages: dict[str, list[Member]] = defaultdict(list)
        for unit in self.units:
            record = unit.record
            assert record is not None
            if record.endpoint is not None and record.id is not None:
                pages[record.id].append(Member(record.endpoint, record.fields, unit.endpoint))
        # Copies of one source kind merge first (pages with pages, documents with documents);
        # then an endpoint with both takes the document's structure and the page's extras.
        merged = {endpoint_id: self._merge(members) for endpoint_id, members in pages.items()}
        documents: dict[str, list[Member]] = defaultdict(list)
        for member in self.openapi:
            documents[self._endpoint(member).id].append(member)
        for endpoint_id, members in documents.items():
            document = self._merge(members)
            page = merged.get(endpoint_id)
            merged[endpoint_id] = document if page is None else self._combine(document, page)
        if overlays is not None:
            actions = load_overlays(overlays, self.diagnostics)
            targets = sorted({a.target for a in actions} & merged.keys())
            changed = apply_overlays([self._endpoint(merged[t]) for t in targets], actions, self.diagnostics, partial_sources=self.partial_sources)
            for endpoint in changed:
                merged[endpoint.id] = self._member(endpoint)
        return dict(sorted(merged.items()))

    def _merge(self, members: list[Member]) -> Member:
        if len(members) == 1:
            return members[0]
        return self._member(merge_duplicates([self._endpoint(m) for m in members], self.diagnostics)[0])

    def _combine(self, document: Member, page: Member) -> Member:
        """The endpoint both describe (see `generator.docs.two_sources`), cached by its inputs:
        the disagreements are reported again on every run, the same on a warm or a cold one."""
        key = self.store.key("combined", document.payload, page.payload)
        cached = self.store.get_object(key, COMBINED_ENTRY)
        if cached is not None:
            payload, fields, found = cached
            self.diagnostics.extend(found)
            return Member(payload, fields)
        collected = Diagnostics()
        combined = self._member(combine(self._endpoint(document), self._endpoint(page), collected, _pointers_by_line()))
        self.store.put_object(key, (combined.payload, combined.fields, collected.items), COMBINED_ENTRY)
        self.diagnostics.extend(collected.items)
        return combined

    def _member(self, endpoint: Endpoint) -> Member:
        return Member(self._put_endpoint(endpoint), _count_fields(endpoint), endpoint)

    def _endpoint(self, member: Member) -> Endpoint:
        if member.endpoint is None:
            member.endpoint = self.store.get_object(member.payload, ENDPOINT_ENTRY)
            if member.endpoint is None:
                raise CacheDamaged(member.payload)
        assert member.endpoint is not None
        return member.endpoint

    # -- results -------------------------------------------------------------------------

    def documents(self) -> dict[str, bytes]:
        """Spec file name -> bytes for every endpoint (cached by endpoint content)."""
        return self._retrying(self._documents)

    def _documents(self) -> dict[str, bytes]:
        documents: dict[str, bytes] = {}
        owners: dict[str, str] = {}
        for endpoint_id, member in self.final.items():
            name = spec_file_name(endpoint_id)
            if name in documents:
                raise ValueError(f"endpoints {owners[name]!r} and {endpoint_id!r} both write {name}")
            owners[name] = endpoint_id
            key = self.store.key("spec", member.payload)
            data = self.store.get(key)
            if data is None:
                data = render_spec(endpoint_to_openapi(self._endpoint(member)))
                self.store.put(key, data)
            documents[name] = data
        return documents

    def sorted_diagnostics(self) -> list[Diagnostic]:
        return sorted(self.diagnostics.items, key=sort_key)

    def summary(self) -> dict[str, object]:
        return {
            "pages": self.pages,
            "endpoints": len(self.final),
            "fields": sum(member.fields for member in self.final.values()),
            "diagnostics": count_by_code(self.diagnostics.items),
        }

    def result(self) -> ParseResult:
        endpoints = self._retrying(lambda: [self._endpoint(member) for member in self.final.values()])
        return ParseResult(endpoints=endpoints, diagnostics=self.sorted_diagnostics(), pages=self.pages)


def _pointers_by_line() -> Callable[[Provenance], str | None]:
    """The JSON pointer of the value at a line of a document (the outermost one on that line),
    each document's text read once."""
    maps: dict[str, dict[int, str]] = {}

    def pointer_at(where: Provenance) -> str | None:
        if where.file not in maps:
            by_line: dict[int, str] = {}
            try:
                found = pointer_lines(Path(where.file).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                found = {}
            for pointer, line in sorted(found.items(), key=lambda item: (item[1], len(item[0]))):
                by_line.setdefault(line, pointer)
            maps[where.file] = by_line
        return maps[where.file].get(where.line)

    return pointer_at


def _unit_key(lines: list[Line]) -> str:
    first = lines[0]
    return digest(first.file, *(f"{line.number}:{int(line.verbatim)}:{line.text}" for line in lines))


def _evidence_hash(item: FieldEvidence) -> str:
    return digest(item.name, repr(item.type.model_dump()), str(item.required), str(item.provenance))


def _count_fields(endpoint: Endpoint) -> int:
    return sum(len(schema.fields) for schema in endpoint.all_schemas())


__all__ = ["parse", "ParseRun", "DEFAULT_SOURCES", "DEFAULT_OVERLAYS", "partial_sources"]
