"""Which files of an output tree the generator owns, and walks over them: the file list, a
hash of their bytes (stage inputs, the generator's own code) and a signature of their sizes and
modification times (stage outputs)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from generator import __version__

IN_PROGRESS = ".falgen-in-progress"
LOCK = ".falgen-lock"
_TOOL_DIRECTORIES = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"})
RUN_FILES = frozenset({LOCK, IN_PROGRESS})


def not_generated(parts: Iterable[str]) -> bool:
    """Whether a path (its parts) in an output tree is build or tool state, or a running
    falgen's own lock and marker, not generator output: walks of an output tree (stage
    signatures, `falgen check`, the renderer's view of the tree) leave it out."""
    return any(part.endswith((".egg-info", ".pyc")) or part in _TOOL_DIRECTORIES or part in RUN_FILES for part in parts)


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
