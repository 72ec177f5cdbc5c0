"""Shared helpers for the parser acceptance tests (no parser logic in here)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.core.ir import Endpoint
from generator.spec.write import endpoint_to_openapi
from tests.conftest import ROOT, falgen  # noqa: F401  (re-exported for the docs tests)

SEED_PAGES = "tests/seed_pages"
"""The tests' own doc pages (relative to the root): a frozen copy of the seed scrapes, so the
facts checked by hand below stay true whatever happens to the live corpus in specs/sources."""
SOURCES = ROOT / SEED_PAGES
HTML_DIR = Path(__file__).resolve().parent / "html"
NBSP = "\u00a0"

# Source files as the parser names them (relative to the project root, which is the cwd).
P000 = f"{SEED_PAGES}/000_7739271ab35a701a.txt"
P001 = f"{SEED_PAGES}/001_11878542ada84a38.txt"
P002 = f"{SEED_PAGES}/002_f214c515eb004644.txt"
P003 = f"{SEED_PAGES}/003_6409f6fddb0def8d.txt"
P004 = f"{SEED_PAGES}/004_2be51de54c4158be.txt"


@contextlib.contextmanager
def in_root() -> Iterator[None]:
    """Run with the project root as cwd, so provenance paths read `tests/seed_pages/...`."""
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(previous)


def read_lines(relative: str) -> list[str]:
    """A source file's lines, 1-based: `read_lines(P000)[5]` is line 5 (index 0 is unused)."""
    text = (ROOT / relative).read_text(encoding="utf-8")
    return ["", *text.replace("\r\n", "\n").split("\n")]


def strip_provenance(value: object) -> object:
    """A model_dump with every provenance (file:line) removed, for front-end comparisons."""
    if isinstance(value, dict):
        return {k: strip_provenance(v) for k, v in value.items() if k not in ("provenance", "sources")}
    if isinstance(value, list):
        return [strip_provenance(v) for v in value]
    return value


Document = dict[str, Any]


def fal_document(page_endpoint: Endpoint) -> Document:
    """The page's endpoint as fal publishes documents: no falgen provenance, generic texts,
    examples on the properties only."""
    document = endpoint_to_openapi(page_endpoint)
    document.pop("x-fal-provenance", None)
    document["info"]["title"] = f"Queue OpenAPI for {page_endpoint.id}"
    document["info"]["description"] = f"The OpenAPI schema for the {page_endpoint.id} queue."
    document["info"]["x-fal-metadata"] = {"endpointId": page_endpoint.id, "category": "image"}
    for schema in document["components"]["schemas"].values():
        if not isinstance(schema, dict):
            continue
        for key in ("examples", "x-fal-example-source", "x-fal-source", "x-fal-original-name"):
            schema.pop(key, None)
        for prop in schema.get("properties", {}).values():
            for key in [k for k in prop if k.startswith("x-fal-") and k != "x-fal-file"]:
                del prop[key]
    return document
