"""Skipping a stage whose inputs and output are exactly as its last run left them.

`falgen parse` and `falgen generate` are deterministic functions of their inputs (doc pages or
specs, overlays, the generator's own code and templates). Each run records, in the local cache
(`.falgen-cache/stages/`, never committed), a hash of its inputs and a signature (paths, sizes,
modification times) of the tree it wrote; a later run with the same inputs and an untouched
output skips the work. A hand-edited
output, a changed page, template or generator file, or a missing record means a full run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from generator import __version__
from generator.cache import cache_root, code_hash


def tree_files(root: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """The files of a tree the generator owns (build and tool state left out), sorted."""
    from generator.render import not_generated

    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and not not_generated(path.relative_to(root).parts)
        and (suffixes is None or path.suffix in suffixes)
    )


def hash_trees(roots: Iterable[Path], suffixes: tuple[str, ...] | None = None) -> str:
    """One hash over the relative paths and bytes of every file under `roots`."""
    digest = hashlib.sha256(__version__.encode())
    for root in roots:
        digest.update(b"\0root\0" + str(root.resolve()).encode())
        for path in tree_files(root, suffixes):
            digest.update(b"\0" + path.relative_to(root if root.is_dir() else root.parent).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def tree_signature(roots: Iterable[Path]) -> str:
    """One hash over the relative path, size and modification time of every file under
    `roots`: what a stage checks to know its output was not touched since it wrote it (as
    make and git's index do), without reading thousands of files."""
    digest = hashlib.sha256()
    for root in roots:
        digest.update(b"\0root\0" + str(root.resolve()).encode())
        for path in tree_files(root):
            stat = path.stat()
            relative = path.relative_to(root if root.is_dir() else root.parent).as_posix()
            digest.update(f"\0{relative}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


class Stage:
    def __init__(self, name: str, inputs: str, outputs: list[Path]) -> None:
        self.outputs = outputs
        self.inputs = hashlib.sha256(f"{name}\0{inputs}\0{code_hash()}".encode()).hexdigest()
        where = "\0".join(str(path.resolve()) for path in outputs)
        self.record = cache_root() / "stages" / f"{name}-{hashlib.sha256(where.encode()).hexdigest()[:16]}.json"

    def up_to_date(self) -> dict[str, object] | None:
        """The last run's record when inputs and output are unchanged, else None."""
        try:
            record = json.loads(self.record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("inputs") != self.inputs:
            return None
        if record.get("output") != tree_signature(self.outputs):
            return None
        return record

    def done(self, **details: object) -> None:
        try:
            self.record.parent.mkdir(parents=True, exist_ok=True)
            data = {"inputs": self.inputs, "output": tree_signature(self.outputs), **details}
            temporary = self.record.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(data), encoding="utf-8")
            temporary.replace(self.record)
        except OSError:
            pass  # The record only saves time.
