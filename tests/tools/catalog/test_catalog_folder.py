"""The whole catalogue flow on the documents the project holds: `specs/sources/fal-openapi/`
when it exists, else the fixture set. Served by the local model API, fetched into a new folder,
fetched again (nothing changes), then parsed: every endpoint arrives with fal's names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.core.names import spec_file_name
from generator.docs.parse import parse
from tests.conftest import ROOT
from tests.support.model_api import ModelAPI, documents_in
from tests.tools.catalog.conftest import FIXTURES, fetch, snapshot, summary

pytestmark = pytest.mark.slow  # every test here runs `falgen fetch catalog` as a process

PROJECT_DOCUMENTS = ROOT / "specs" / "sources" / "fal-openapi"
SOURCES = sorted({documents_in([PROJECT_DOCUMENTS, FIXTURES]), FIXTURES})
"""The project's documents when it holds them, and the fixture set always."""


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_the_whole_flow_on_the_projects_documents(tmp_path: Path, source: Path) -> None:
    with ModelAPI(source, max_limit_expanded=50) as api:
        # A folder `falgen fetch catalog` wrote may hold deprecated models: not in the active listing.
        active = {i: m.metadata for i, m in api.models.items() if m.metadata["status"] == "active"}
        count = len(active)
        out = tmp_path / "fal-openapi"
        done = fetch(api, out, "--limit", "50")
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert f"{count} new, 0 changed, 0 removed (0 deprecated, 0 gone), 0 failed" in summary(done)
        assert len(api.listing_requests()) == -(-count // 50)  # pages of 50, as asked
        before = snapshot(out)
        again = fetch(api, out)
        assert f"0 new, 0 changed, 0 removed (0 deprecated, 0 gone), 0 failed; {count} unchanged" in summary(again)
        assert snapshot(out) == before
    for endpoint_id in active:
        document = source / spec_file_name(endpoint_id)
        original = json.loads(document.read_bytes())
        fetched = json.loads((out / document.name).read_bytes())
        if "x-fal-model" not in original["info"]:  # fal's document, unchanged but for the listing
            fetched["info"].pop("x-fal-model")
        assert fetched == original, document.name
    result = parse([out], overlays=None)
    assert sorted(e.id for e in result.endpoints) == sorted(active)
    for endpoint in result.endpoints:
        assert endpoint.title == active[endpoint.id]["display_name"]
        assert endpoint.category == active[endpoint.id]["category"]
        assert endpoint.status == "active"
