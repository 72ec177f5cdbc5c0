"""What the last `generate` into one directory left in the cache, for the next run: spec file
summaries, per-module records (the decisions each module's view read, with their answers) and
the tree's manifest.

A generated tree is a function of the specs, computed in three layers:
  1. per spec file (keyed by its bytes): its endpoints' summaries (`shared_types.summarize`);
  2. from all summaries: the package-wide decisions (`layout.Layout`), recomputed every run;
  3. per module: the decisions its view read, with their answers, and the hash of what it
     rendered. A module whose IR and recorded answers are unchanged, and whose file the tree
     still holds, is neither read, viewed, rendered nor formatted again.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
from typing_extensions import TypedDict  # pydantic validates only this one on Python < 3.12

from generator.build.cache import Codec, cache_root, digest, read_cached, write_atomic
from generator.build.codehash import code_hash
from generator.python.layout import DecisionRecord, Question
from generator.python.shared_types import TypeUse
from generator.render.formatting import installed_version

_SummaryData = tuple[str, str, str, str | None, list[str], list[TypeUse], str]
"""`EndpointSummary.to_data()`."""


class _StateData(TypedDict):
    key: str
    summaries: dict[str, tuple[list[str], list[tuple[_SummaryData, str | None]], str | None]]
    records: dict[str, tuple[dict[str, dict[str, Any]], str, str]]
    formatted: dict[str, tuple[str, str]]
    manifest: dict[str, tuple[str, int, int]]


_STATE = Codec[_StateData](_StateData)


@dataclass
class ModuleRecord:
    """What rendering one module read and made."""

    decisions: DecisionRecord
    """The package-wide decisions its view read, with their answers."""
    path: str
    sha: str
    """sha256 of the file it became."""


class GenerateState:
    """The state one output directory's last `generate` left. Keyed by the generator's code and
    the versions of what shapes its output; a missing, damaged, foreign or wrongly shaped state
    is an empty one."""

    def __init__(self, out: Path | None) -> None:
        self.path = cache_root() / "generate" / f"{digest(str(out.resolve()))[:24]}.json" if out is not None else None
        self.summaries: dict[str, tuple[Any, ...]] = {}
        """spec file source -> (errors, [(summary data, provenance file name)], metadata id)."""
        self.records: dict[str, ModuleRecord] = {}
        """module slot -> its record."""
        self.formatted: dict[str, tuple[str, str]] = {}
        """path -> (sha256 of the template's output, sha256 of the formatted file)."""
        self.manifest: dict[str, tuple[str, int, int]] = {}
        """path -> (sha256, size, mtime in ns) of each file as this generator wrote it."""
        stored = read_cached(self.path) if self.path is not None else None
        if stored is None or f'"key":"{_state_key()}"'.encode() not in stored[:200]:
            return  # none, or left by other code: not worth validating
        data = _STATE.decode(stored)
        if data is None or data["key"] != _state_key():
            return
        try:
            records = {
                slot: ModuleRecord({Question(kind): answers for kind, answers in read.items()}, path, sha)
                for slot, (read, path, sha) in data["records"].items()
            }
        except ValueError:  # a question this generator does not ask: the state is not ours
            return
        self.summaries, self.formatted, self.manifest, self.records = data["summaries"], data["formatted"], data["manifest"], records

    def forget(self) -> None:
        """Trust nothing recorded (the last run died half-way)."""
        self.summaries, self.records, self.formatted, self.manifest = {}, {}, {}, {}

    def save(self) -> None:
        if self.path is None:
            return
        records = {
            slot: ({question.value: answers for question, answers in record.decisions.items()}, record.path, record.sha)
            for slot, record in self.records.items()
        }
        data: _StateData = {"key": _state_key(), "summaries": self.summaries, "records": records, "formatted": self.formatted, "manifest": self.manifest}
        encoded = _STATE.encode(data)
        if encoded is not None:
            write_atomic(self.path, encoded)


@functools.lru_cache(maxsize=1)
def _state_key() -> str:
    versions = [installed_version(name) for name in ("black", "jinja2")]
    return digest("generate-state-3", code_hash(), sys.version, *versions, pydantic.VERSION)
