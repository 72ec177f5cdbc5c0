"""What a render reads: every spec file of a directory, summarized (a summary the state already
knows is not recomputed), and the index of which file each endpoint's IR comes from."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.build.cache import digest
from generator.core.codes import Code
from generator.core.diagnostics import diagnostic
from generator.core.ir import Endpoint, Severity
from generator.core.paths import display_path
from generator.python.shared_types import EndpointSummary, summarize
from generator.render.state import GenerateState
from generator.spec.read import read_openapi_bytes, read_spec_dir


class RenderError(Exception):
    """The specs cannot be rendered (e.g. a spec directory with error diagnostics)."""


@dataclass
class Stats:
    """What one render did (for tests and curiosity; no timings)."""

    summarized: int = 0
    """Spec files whose IR was read to summarize them."""
    irs_read: int = 0
    """IR reads of spec files (summaries included)."""
    rendered: int = 0
    """Endpoint and shared-type modules rendered."""
    reused: int = 0
    """Modules left as the tree holds them."""
    formatted: int = 0
    """Python files sent to the formatter (whose cache may still know them)."""


@dataclass
class SpecFile:
    """One spec file and what rendering knows of it without reading its IR."""

    name: str
    data: bytes
    digest: str
    """sha256 of `data`."""
    shown: str
    """The path diagnostics and provenance show (relative to the working directory)."""
    source: str
    """Identifies the IR read from this file: a hash of its bytes and `shown`."""
    errors: list[str]
    """Rendered error diagnostics."""
    endpoints: list[tuple[EndpointSummary, str | None]]
    """(summary, file name of its provenance) of each endpoint read."""
    metadata_id: str | None
    """`info.x-fal-metadata.endpointId`."""

    def read(self) -> list[Endpoint]:
        return read_openapi_bytes(self.data, self.shown)[0]


def read_specs(specs: Path, state: GenerateState | None = None, stats: Stats | None = None) -> tuple[list[SpecFile], dict[str, list[Endpoint]]]:
    """Every spec file of a directory (sorted by name), summarized; and the IRs read to
    summarize them (by source), for reuse. Summaries the state knows are not recomputed."""
    state = state or GenerateState(None)
    stats = stats or Stats()
    if not specs.is_dir():
        errors = [d for d in read_spec_dir(specs).diagnostics if d.severity is Severity.ERROR]
        raise RenderError("specs have errors:\n" + "\n".join(d.render() for d in errors))
    files: list[SpecFile] = []
    irs: dict[str, list[Endpoint]] = {}
    summaries: dict[str, tuple[Any, ...]] = {}
    for path in sorted(candidate for candidate in specs.glob("*.json") if candidate.is_file()):
        shown = display_path(path)
        try:
            data = path.read_bytes()
        except OSError as error:
            message = diagnostic(Code.UNREADABLE, f"cannot read file: {error.strerror or error}", shown)
            files.append(SpecFile(path.name, b"", "", shown, "", [message.render()], [], None))
            continue
        data_digest = hashlib.sha256(data).hexdigest()
        source = digest(data_digest, shown)
        summary = state.summaries.get(source)
        if summary is None:
            endpoints, diagnostics = read_openapi_bytes(data, shown)
            stats.summarized += 1
            stats.irs_read += 1
            irs[source] = endpoints
            summary = (
                [d.render() for d in diagnostics if d.severity is Severity.ERROR],
                [(summarize(e, source).to_data(), e.provenance.file.rsplit("/", 1)[-1] if e.provenance else None) for e in endpoints],
                _metadata_id(data),
            )
        summaries[source] = summary
        errors, endpoint_data, metadata_id = summary
        endpoints_read = [(EndpointSummary.from_data(s), name) for s, name in endpoint_data]
        files.append(SpecFile(path.name, data, data_digest, shown, source, errors, endpoints_read, metadata_id))
    state.summaries = summaries
    messages = [error for f in files for error in f.errors]
    if messages:
        raise RenderError("specs have errors:\n" + "\n".join(messages))
    return files, irs


def _metadata_id(data: bytes) -> str | None:
    """The endpoint id a spec file states (`info.x-fal-metadata.endpointId`)."""
    try:
        endpoint_id = json.loads(data).get("info", {}).get("x-fal-metadata", {}).get("endpointId")
    except (ValueError, AttributeError, RecursionError):
        return None
    return endpoint_id if isinstance(endpoint_id, str) else None


def index_specs(files: list[SpecFile]) -> tuple[list[EndpointSummary], dict[str, SpecFile], dict[str, SpecFile]]:
    """Endpoint summaries sorted by id (an id read from two files: the first file's), the file
    each endpoint's IR comes from, and the spec file shipped (and hashed) for each endpoint."""
    first: dict[str, tuple[EndpointSummary, str | None, SpecFile]] = {}
    for f in files:
        for summary, provenance_file in f.endpoints:
            first.setdefault(summary.id, (summary, provenance_file, f))
    by_file = {name: i for i, (_, name, _) in sorted(first.items()) if name is not None}
    documents: dict[str, SpecFile] = {}
    for f in files:
        endpoint_id = by_file.get(f.name)
        if endpoint_id is None:
            # A spec read from fal's own layout has provenance inside the JSON; look it up.
            endpoint_id = f.metadata_id
        if isinstance(endpoint_id, str) and endpoint_id not in documents:
            documents[endpoint_id] = f
    return [first[i][0] for i in sorted(first)], {i: first[i][2] for i in first}, documents
