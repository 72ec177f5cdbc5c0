"""Comparing two spec directories: `falgen diff`'s changes, with their verdicts.

The comparison of two endpoints is `generator.core.compare` (pure IR, shared with the parse
stage); this module reads spec directories back into the IR for it
(`generator.spec.read.read_spec_dir`) and adds the public names each side's package gets.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.compare import (
    COSMETIC_KINDS,
    KIND_LABELS,
    VERDICTS,
    Bump,
    Change,
    Side,
    Verdict,
    diff_endpoints,
    suggested_bump,
)
from generator.core.ir import Severity
from generator.core.json_pointer import escape
from generator.python.layout import names_of
from generator.python.namelock import NameLock, PublicNames
from generator.spec.read import read_spec_dir

__all__ = [
    "COSMETIC_KINDS",
    "KIND_LABELS",
    "SHARED_TYPES",
    "VERDICTS",
    "Bump",
    "Change",
    "DiffResult",
    "Side",
    "Verdict",
    "diff_dirs",
    "diff_endpoints",
    "renames",
    "suggested_bump",
]


@dataclass
class DiffResult:
    changes: list[Change] = field(default_factory=list)
    old_endpoints: int = 0
    new_endpoints: int = 0
    problems: list[str] = field(default_factory=list)
    """Errors met while reading the spec directories (unreadable or invalid files)."""

    @property
    def bump(self) -> Bump:
        return suggested_bump(self.changes)

    def counts(self) -> dict[Verdict, int]:
        counted = Counter(change.verdict for change in self.changes)
        return {verdict: counted.get(verdict, 0) for verdict in VERDICTS}

    def by_endpoint(self) -> dict[str, list[Change]]:
        grouped: dict[str, list[Change]] = {}
        for change in self.changes:
            grouped.setdefault(change.endpoint, []).append(change)
        return grouped



def diff_dirs(old_dir: Path, new_dir: Path, locks: tuple[NameLock | None, NameLock | None] | None = None) -> DiffResult:
    """Read both spec directories back into the IR and compare them; with `locks` (the names
    lock of each side, or None: names chosen afresh), also the public names each side gets."""
    old = read_spec_dir(old_dir)
    new = read_spec_dir(new_dir)
    problems = [d.render() for d in (*old.diagnostics, *new.diagnostics) if d.severity is Severity.ERROR]
    changes = diff_endpoints(old.endpoints, new.endpoints)
    if locks is not None:
        changes += renames(names_of(old.endpoints, locks[0]), names_of(new.endpoints, locks[1]))
    return DiffResult(
        changes=changes,
        old_endpoints=len(old.endpoints),
        new_endpoints=len(new.endpoints),
        problems=problems,
    )


SHARED_TYPES = "fal_bindings.types"
"""The `endpoint` of a change to a shared type's name (it belongs to no one endpoint)."""


def renames(old: PublicNames, new: PublicNames) -> list[Change]:
    """A public name that moved: an endpoint (same id) or a shared type (same structure) whose
    module or class differs. Each is breaking: imports of the old name fail, or reach another
    endpoint."""
    changes: list[Change] = []
    for endpoint_id in sorted(old.endpoints.keys() & new.endpoints.keys()):
        if old.endpoints[endpoint_id] != new.endpoints[endpoint_id]:
            changes.append(Change(endpoint_id, "/", "endpoint-renamed", "breaking", old.endpoints[endpoint_id], new.endpoints[endpoint_id]))
    for fingerprint in sorted(old.types.keys() & new.types.keys(), key=lambda fp: (old.types[fp], fp)):
        (doc, before), (_, after) = old.types[fingerprint], new.types[fingerprint]
        if before != after:
            changes.append(Change(SHARED_TYPES, f"/{escape(doc)}", "type-renamed", "breaking", before, after))
    return changes
