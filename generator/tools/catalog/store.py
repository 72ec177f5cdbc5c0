"""The folder of fal documents `falgen fetch catalog` keeps (`specs/sources/fal-openapi/`).

One file per endpoint, named as the specs are (`fal-ai/flux/dev` -> `fal-ai__flux__dev.json`):
the OpenAPI document fal returned, keys in fal's order, 2-space indent, a trailing newline, with
fal's listing metadata added as `info.x-fal-model` (see `generator.spec.fal_model`). The
same answer always gives the same bytes, so an unchanged model leaves its file untouched.

What a run does to the folder is planned first (`plan`), then carried out at once (`commit`)
through `generator.build.output.OutputFolder`: the folder's manifest says which files this command
wrote, and only those are ever deleted. Removal needs proof: only a complete listing of every
active model (every page read, every entry named, no failure in the run) says an endpoint is
gone; an endpoint missing from it that fal still lists as `deprecated` keeps its document,
rewritten with `status: deprecated` (so the bindings can say so).
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.build.output import OutputFolder
from generator.core.ir import Severity
from generator.core.names import spec_file_name
from generator.spec.fal_model import X_MODEL, model_metadata
from generator.spec.keys import stated_endpoint_id
from generator.spec.read import read_openapi
from generator.spec.write import render_spec
from generator.tools.catalog.api import Entry, Failure, Listing
from generator.tools.fetch import valid_endpoint_id

DEPRECATED = "deprecated"
MAX_FILE_BYTES = 64 * 1024 * 1024
"""A file in the folder bigger than this is not read (it cannot be one fal document)."""


@dataclass
class Change:
    """What happens to one endpoint's document: new, changed, unchanged, deprecated or gone."""

    endpoint_id: str
    kind: str
    file: str
    action: str = ""
    """`written`, `deleted`, or why a gone endpoint's file stays."""
    diagnostics: int = 0
    """Warnings and errors the OpenAPI front-end reports for the document (fal's own defects)."""


@dataclass
class Plan:
    documents: dict[str, bytes] = field(default_factory=dict)
    """File name -> bytes of every document the run fetched and accepted."""
    delete: set[str] = field(default_factory=set)
    changes: list[Change] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unknown_keys: set[str] = field(default_factory=set)
    """fal metadata keys neither kept nor known to be left out (named once per run)."""

    def of_kind(self, *kinds: str) -> list[Change]:
        return [change for change in self.changes if change.kind in kinds]


class FolderState:
    """The documents a folder holds now (top-level `*.json` regular files) and what it owns."""

    def __init__(self, folder: OutputFolder) -> None:
        self.root = folder.root
        self.owned = set(folder.owned)
        self.files: dict[str, Path] = {}
        if self.root.is_dir():
            for item in os.scandir(self.root):
                if item.name.endswith(".json") and not item.name.startswith(".") and item.is_file(follow_symlinks=False):
                    self.files[item.name] = Path(item.path)

    def read(self, name: str) -> bytes | None:
        path = self.files.get(name)
        if path is None:
            return None
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                return None
            return path.read_bytes()
        except OSError:
            return None

    def endpoint_of(self, name: str) -> str | None:
        """The endpoint a document in the folder describes: its `endpointId`, else its file name."""
        data = self.read(name)
        try:
            stated = stated_endpoint_id(json.loads(data)) if data is not None else None
        except (ValueError, RecursionError):
            stated = None
        if stated is not None and valid_endpoint_id(stated):
            return stated
        derived = name.removesuffix(".json").replace("__", "/")
        return derived if valid_endpoint_id(derived) and spec_file_name(derived) == name else None

    def absent_from(self, listing: Listing, notes: list[str]) -> dict[str, str]:
        """Endpoint id -> file name of the documents whose endpoint the listing does not hold."""
        listed = {spec_file_name(i) for i in [*listing.entries, *listing.failed_ids]}
        absent: dict[str, str] = {}
        for name in sorted(self.files.keys() - listed):
            endpoint_id = self.endpoint_of(name)
            if endpoint_id is None:
                notes.append(f"{name}: cannot tell which endpoint it describes; kept")
            elif spec_file_name(endpoint_id) != name:
                notes.append(f"{name}: describes {endpoint_id}, whose document is {spec_file_name(endpoint_id)}; kept")
            else:
                absent[endpoint_id] = name
        return absent


def status_in(data: bytes | None) -> str | None:
    """The status `x-fal-model` records in a document's bytes (None when it records none)."""
    try:
        doc = json.loads(data) if data is not None else None
        status = doc["info"][X_MODEL]["status"] if isinstance(doc, dict) else None
    except (ValueError, RecursionError, KeyError, TypeError):
        return None
    return status if isinstance(status, str) else None


def document_bytes(entry: Entry, plan: Plan) -> tuple[bytes, int] | Failure:
    """The file for one entry (and the front-end's warning count), or why it is refused: a
    document the OpenAPI front-end cannot read into an endpoint with this id is malformed."""
    kept, problems, unknown = model_metadata(entry.metadata)
    plan.unknown_keys.update(unknown)
    plan.notes.extend(f"{entry.endpoint_id}: {problem}" for problem in problems)
    doc = dict(entry.document)
    doc["info"] = {**entry.document["info"], X_MODEL: kept}
    name = spec_file_name(entry.endpoint_id)
    endpoints, diagnostics = read_openapi(doc, name)
    if not endpoints or endpoints[0].id != entry.endpoint_id:
        errors = [d.message for d in diagnostics if d.severity is Severity.ERROR]
        found = endpoints[0].id if endpoints else "none"
        why = errors[0] if errors else f"it describes endpoint {found!r}"
        return Failure(entry.where, f"malformed document: {why}", entry.endpoint_id)
    return render_spec(doc), sum(1 for d in diagnostics if d.severity is not Severity.INFO)


def plan(
    state: FolderState,
    listing: Listing,
    *,
    lookup: Listing | None = None,
    absent: dict[str, str] | None = None,
    asked: list[str] | None = None,
) -> Plan:
    """What the run will do. `listing` is what was asked for; `lookup` answers, for the
    `absent` documents (complete listings only), whether fal still lists them (deprecated)."""
    result = Plan(failures=list(listing.failures) + (list(lookup.failures) if lookup else []))
    entries = dict(listing.entries)
    for endpoint_id, entry in (lookup.entries if lookup else {}).items():
        entries.setdefault(endpoint_id, entry)
    for endpoint_id, entry in entries.items():
        made = document_bytes(entry, result)
        if isinstance(made, Failure):
            result.failures.append(made)
            continue
        data, diagnostics = made
        name = spec_file_name(endpoint_id)
        result.documents[name] = data
        old = state.read(name) if name in state.files else None
        status = entry.metadata.get("status")
        if old is None:
            kind = "new"
        elif status == DEPRECATED and status_in(old) != DEPRECATED:
            kind = DEPRECATED
        else:
            kind = "changed" if old != data else "unchanged"
        result.changes.append(Change(endpoint_id, kind, name, "", diagnostics))
    for endpoint_id in asked or []:
        if endpoint_id not in entries and endpoint_id not in listing.failed_ids and listing.complete:
            result.failures.append(Failure(f"endpoint {endpoint_id}", "fal's model API does not list it", endpoint_id))
    if lookup is not None and absent:
        _plan_removals(result, state, absent, lookup, entries)
    return result


def _plan_removals(result: Plan, state: FolderState, absent: dict[str, str], lookup: Listing, entries: dict[str, Entry]) -> None:
    for endpoint_id, name in sorted(absent.items()):
        if endpoint_id in entries or endpoint_id in lookup.failed_ids:
            continue  # still listed (deprecated, or back since the listing) or failed: handled above
        if not lookup.complete:
            continue  # the lookup failed: not knowing is no proof of removal
        change = Change(endpoint_id, "gone", name)
        if result.failures:
            change.action = "kept: the run had failures, so nothing is deleted"
        elif name not in state.owned:
            change.action = "kept: not written by falgen fetch catalog (not in the folder's manifest); delete it by hand"
        else:
            change.action = "deleted"
            result.delete.add(name)
        result.changes.append(change)


def commit(result: Plan, folder: OutputFolder, state: FolderState) -> list[str]:
    """Carry out the plan; the names of the files written (an unchanged file is not)."""
    keep = {name for name in state.owned if name in state.files} - result.delete
    keep |= result.documents.keys()
    folder.begin(result.documents)
    written: list[str] = []
    for name, data in sorted(result.documents.items()):
        if not folder.holds(name, data):
            folder.write(name, data)
            written.append(name)
    folder.prune(keep)
    folder.finish(keep)
    for change in result.changes:
        if change.file in written:
            change.action = "written"
    return written
