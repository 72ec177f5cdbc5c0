"""The parse stage: doc sources -> IR (with recovery and overlays) -> diagnostics."""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import Diagnostics, sort_key
from generator.ir import ParseResult
from generator.overlays import apply_overlays, load_overlays
from generator.recover import merge_duplicates, recover
from generator.sources import load

DEFAULT_SOURCES = Path("specs/sources")
DEFAULT_OVERLAYS = Path("specs/overlays")


def parse(paths: list[Path], overlays: Path | None = DEFAULT_OVERLAYS) -> ParseResult:
    """Read every source under `paths`; `overlays=None` gives the raw parse."""
    diagnostics = Diagnostics()
    loaded = load(paths, diagnostics)
    endpoints = recover(loaded.pages, diagnostics)
    if loaded.endpoints:
        endpoints = merge_duplicates([*endpoints, *loaded.endpoints], diagnostics)
    if overlays is not None:
        endpoints = apply_overlays(endpoints, load_overlays(overlays, diagnostics), diagnostics)
    return ParseResult(
        endpoints=sorted(endpoints, key=lambda e: e.id),
        diagnostics=sorted(diagnostics.items, key=sort_key),
        pages=len(loaded.pages) + len({e.provenance.file for e in loaded.endpoints if e.provenance}),
    )
