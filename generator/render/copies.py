"""Hand-written package files (runtime, CLI, emulator) copied verbatim into the generated tree,
each Python file under a one-line header that names its source, so an edit lands where it lasts."""

from __future__ import annotations

SOURCE_ROOT = "templates/package"
COPY_HEADER = "# Copied from {source} by falgen. Edit the source, then run make generate.\n"


def copy_header(relative: str) -> str:
    """The header of the copy of `templates/package/<relative>` (empty for non-Python files:
    `py.typed` is a marker whose content type checkers read)."""
    return COPY_HEADER.format(source=f"{SOURCE_ROOT}/{relative}") if relative.endswith(".py") else ""


def copied_text(relative: str, text: str) -> str:
    """The generated tree's copy of the hand-written file `relative` (under `templates/package/`)."""
    return copy_header(relative) + text
