"""Skipping a stage whose inputs and output are exactly as its last run left them.

`falgen parse` and `falgen generate` are deterministic functions of their inputs (doc pages or
specs, overlays, the generator's own code and templates). Each run records, in the local cache
(`.falgen-cache/stages/`, never committed), a hash of its inputs and a signature (paths, sizes,
modification times) of the tree it wrote; a later run with the same inputs and an untouched
output skips the work. A hand-edited output, a changed page, template or generator file, or a
missing record means a full run.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from generator.build.cache import cache_root, read_cached, write_atomic
from generator.build.codehash import code_hash
from generator.build.trees import tree_signature


class StageStamp:
    """The record of a stage's last run: a hash of its inputs and a signature of the output it
    wrote. `up_to_date()` says whether a run may be skipped; `done()` records this run."""

    def __init__(self, name: str, inputs: str, outputs: list[Path]) -> None:
        self.outputs = outputs
        self.inputs = hashlib.sha256(f"{name}\0{inputs}\0{code_hash()}".encode()).hexdigest()
        where = "\0".join(str(path.resolve()) for path in outputs)
        self.record = cache_root() / "stages" / f"{name}-{hashlib.sha256(where.encode()).hexdigest()[:16]}.json"

    def up_to_date(self) -> dict[str, object] | None:
        """The last run's record when inputs and output are unchanged, else None."""
        stored = read_cached(self.record)
        try:
            record = json.loads(stored) if stored is not None else None
        except (ValueError, RecursionError):
            return None
        if not isinstance(record, dict) or record.get("inputs") != self.inputs:
            return None
        if record.get("output") != tree_signature(self.outputs):
            return None
        return record

    def done(self, **details: object) -> None:
        data = {"inputs": self.inputs, "output": tree_signature(self.outputs), **details}
        write_atomic(self.record, json.dumps(data).encode("utf-8"))
