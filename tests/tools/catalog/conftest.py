"""Helpers for the catalogue fetch tests: a local fal model API over a fixture set of real fal
documents (copied unchanged from fal's published schemas; see fixtures/README.md)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import falgen
from tests.support.model_api import ModelAPI

FIXTURES = Path(__file__).parent / "fixtures" / "fal-openapi"
FIXTURE_IDS = sorted(json.loads(p.read_bytes())["info"]["x-fal-metadata"]["endpointId"] for p in FIXTURES.glob("*.json"))
FAST = ("--backoff", "0.01", "--max-backoff", "0.05", "--timeout", "20")
"""Retries in tests wait milliseconds, not fal's seconds."""


@pytest.fixture
def api() -> Iterator[ModelAPI]:
    with ModelAPI(FIXTURES) as running:
        yield running


def fetch(api: ModelAPI, out: Path, *args: str, key: str = "") -> subprocess.CompletedProcess[str]:
    """`falgen fetch catalog` against `api` into `out` (FAL_KEY as given: empty means none)."""
    return falgen("fetch", "catalog", "--api-url", api.url, "--out", str(out), *FAST, *args, env={"FAL_KEY": key})


def summary(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.startswith("falgen fetch catalog:")]
    assert lines, done.stdout + done.stderr
    return lines[-1]


def failures(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line.strip().removeprefix("FAILED").strip() for line in done.stderr.splitlines() if line.strip().startswith("FAILED")]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` (dotfiles too): bytes and mtime, to prove nothing was touched."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def file_of(endpoint_id: str) -> str:
    return endpoint_id.replace("/", "__") + ".json"


def fixture_doc(endpoint_id: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / file_of(endpoint_id)).read_bytes())
    return doc


def clone(endpoint_id: str, new_id: str) -> dict[str, Any]:
    """A fixture document re-labelled as another endpoint (its id replaced everywhere)."""
    text = (FIXTURES / file_of(endpoint_id)).read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(text.replace(endpoint_id, new_id))
    return doc


def written(out: Path, endpoint_id: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((out / file_of(endpoint_id)).read_bytes())
    return doc


def env_without_key() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "FAL_KEY"}
