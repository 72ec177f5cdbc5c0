"""What a render reads: every spec file of a directory, summarized (a summary the state already
knows is not recomputed), and the index of which file each endpoint's IR comes from."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.build.cache import digest
from generator.core.codes import Code
from generator.core.diagnostics import clip, diagnostic
from generator.core.ir import Endpoint, Severity
from generator.core.paths import display_path
from generator.python.shared_types import EndpointSummary, summarize
from generator.render.state import GenerateState
from generator.spec.keys import stated_endpoint_id
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
    written: int = 0
    """Files written (new or changed); the others were left as they were."""
    removed: int = 0
    """Files an earlier run wrote that are no longer generated, removed."""


VERSION_FILE = "VERSION"
"""The generated package's version, one line `MAJOR.MINOR.PATCH`, beside the spec directory
(`specs/VERSION` for `specs/openapi`): `falgen release` writes it, `falgen generate` reads it."""
DEFAULT_VERSION = "0.1.0"
"""The version of a package rendered from specs with no version file beside them."""
VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
"""A package version, `MAJOR.MINOR.PATCH` without leading zeros (semver's core)."""


def parse_version(text: str) -> tuple[int, int, int] | None:
    """(major, minor, patch) of a version that is exactly `VERSION`, else None."""
    match = VERSION.fullmatch(text)
    if match is None:
        return None
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def version_path(specs: Path, version_file: Path | None = None) -> Path:
    """Where the version of the package rendered from `specs` is kept."""
    return version_file if version_file is not None else specs.parent / VERSION_FILE


def package_version(specs: Path, version_file: Path | None = None) -> str:
    """The version in the version file (`version_file`, else beside `specs`); DEFAULT_VERSION
    when the default file does not exist. A file given but missing, or that holds anything but
    one MAJOR.MINOR.PATCH line, is a `RenderError` naming it."""
    path = version_path(specs, version_file)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if version_file is None:
            return DEFAULT_VERSION
        raise RenderError(f"{display_path(path)}: no such version file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RenderError(f"{display_path(path)}: cannot read the version: {error}") from None
    version = text.strip()
    if parse_version(version) is None:
        raise RenderError(f"{display_path(path)}: {clip(version, 40)!r} is not a MAJOR.MINOR.PATCH version (one line, e.g. 1.4.0)")
    return version


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
        document = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return stated_endpoint_id(document)


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
