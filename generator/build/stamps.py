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
import os
from collections.abc import Iterable
from pathlib import Path

from generator import __version__
from generator.build.cache import cache_root, code_hash, read_cached, write_atomic
from generator.build.output import not_generated


def tree_files(root: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """The files of a tree the generator owns (build and tool state left out), sorted."""
    if root.is_file():
        return [root]
    return [Path(path) for _, path in _owned_files(root, suffixes)]


def _owned_files(root: Path, suffixes: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(relative posix path, path) of every file under `root` the generator owns, sorted as
    paths sort. One scandir walk: pathlib's rglob costs ten times as much at 5,000 files."""
    if root.is_file():
        return [(root.name, str(root))]
    found: list[tuple[tuple[str, ...], str]] = []

    def visit(directory: str, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(directory) as iterator:
                entries = list(iterator)
        except OSError:
            return
        for entry in entries:
            if not_generated((entry.name,)):
                continue
            if entry.is_dir(follow_symlinks=False):  # as rglob: links to directories are not followed
                visit(entry.path, (*parts, entry.name))
            elif entry.is_file() and (suffixes is None or _suffix(entry.name) in suffixes):
                found.append(((*parts, entry.name), entry.path))

    if root.is_dir():
        visit(str(root), ())
    found.sort()
    return [("/".join(parts), path) for parts, path in found]


def _suffix(name: str) -> str:
    """`Path(name).suffix`, without making a Path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def hash_trees(roots: Iterable[Path], suffixes: tuple[str, ...] | None = None) -> str:
    """One hash over the relative paths and bytes of every file under `roots`."""
    digest = hashlib.sha256(__version__.encode())
    for root in roots:
        digest.update(b"\0root\0" + str(root.resolve()).encode())
        for relative, path in _owned_files(root, suffixes):
            digest.update(b"\0" + relative.encode() + b"\0")
            with open(path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def tree_signature(roots: Iterable[Path]) -> str:
    """One hash over the relative path, size and modification time of every file under
    `roots`: what a stage checks to know its output was not touched since it wrote it (as
    make and git's index do), without reading thousands of files."""
    digest = hashlib.sha256()
    for root in roots:
        digest.update(b"\0root\0" + str(root.resolve()).encode())
        for relative, path in _owned_files(root):
            stat = os.stat(path)
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
