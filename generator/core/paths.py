"""Paths as output shows them."""

from __future__ import annotations

from pathlib import Path


def display_path(path: Path, root: Path | None = None) -> str:
    """Paths in diagnostics and specs: relative to `root` (default: the working directory)
    when inside it, so output never holds machine-specific absolute paths."""
    base = (root or Path.cwd()).absolute()
    try:
        return path.absolute().relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()
