"""The one atomic tree writer: make an output folder falgen owns hold exactly a tree's files,
rewriting only files whose content changed (see `generator.build.output`)."""

from __future__ import annotations

import os
from pathlib import Path

from generator.build.output import OutputFolder
from generator.build.trees import not_generated
from generator.render.inputs import Stats

TreeContent = dict[str, tuple[str, bytes | None]]
"""path -> (sha256 of the file, its bytes, or None when the tree already holds exactly them)."""


class TreeOnDisk:
    """An output tree as it is on disk (one walk: the regular files with their stat), and the
    manifest of what the last run wrote into it. A file whose size and mtime are as the manifest
    recorded holds the recorded content, as make and git's index assume; it is not read again.
    Links are not followed: a linked file is not one of the tree's files (it gets replaced)."""

    def __init__(self, root: Path, manifest: dict[str, tuple[str, int, int]] | None = None) -> None:
        self.root = root
        self.manifest = manifest or {}
        self.files: dict[str, os.stat_result] = {}
        if root.is_dir():
            self._walk(str(root), "")

    def _walk(self, directory: str, relative: str) -> None:
        with os.scandir(directory) as iterator:
            entries = list(iterator)
        for entry in entries:
            if not_generated((entry.name,)):
                continue
            path = f"{relative}/{entry.name}" if relative else entry.name
            if entry.is_dir(follow_symlinks=False):
                self._walk(entry.path, path)
            elif entry.is_file(follow_symlinks=False):
                self.files[path] = entry.stat(follow_symlinks=False)

    def holds(self, path: str, sha: str) -> bool:
        recorded = self.manifest.get(path)
        stat = self.files.get(path)
        return recorded is not None and stat is not None and recorded == (sha, stat.st_size, stat.st_mtime_ns)


def write_content(folder: OutputFolder, content: TreeContent, tree: TreeOnDisk, stats: Stats | None = None) -> dict[str, tuple[str, int, int]]:
    """Make the folder hold `content` (path -> (sha256, bytes, or None for a file `tree` holds
    already)); returns the manifest of the result.

    Only files whose content changed are rewritten (each through a temporary file and an
    atomic rename); files an earlier run wrote that are no longer generated are removed, and
    nothing else; a no-op run touches nothing. `stats` gets the files written and removed.
    """
    manifest: dict[str, tuple[str, int, int]] = {}
    written = 0
    folder.begin(content)
    for relative, (sha, data) in sorted(content.items()):
        if tree.holds(relative, sha):
            manifest[relative] = tree.manifest[relative]
            continue
        assert data is not None, relative
        existing = tree.files.get(relative)
        if existing is not None and existing.st_size == len(data) and folder.holds(relative, data):
            stat = existing
        else:
            stat = folder.write(relative, data)
            written += 1
        manifest[relative] = (sha, stat.st_size, stat.st_mtime_ns)
    removed = folder.prune(content)
    if stats is not None:
        stats.written += written
        stats.removed += removed
    folder.finish(content)
    return manifest
