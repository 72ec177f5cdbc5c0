"""`falgen fetch catalog` against a local fal model API: listing, re-fetching, new, changed,
removed and deprecated endpoints, `--category` and `--id` (real HTTP on loopback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.spec.read import read_openapi_file
from generator.spec.write import render_spec
from tests.conftest import falgen
from tests.support.model_api import ModelAPI
from tests.tools.catalog.conftest import (
    FIXTURE_IDS,
    clone,
    failures,
    fetch,
    file_of,
    fixture_doc,
    snapshot,
    summary,
    written,
)

pytestmark = pytest.mark.slow  # every test here runs `falgen fetch catalog` as a process


def test_a_full_listing_fills_an_empty_folder(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "fal-openapi"
    done = fetch(api, out)
    assert done.returncode == 0, done.stdout + done.stderr
    n = len(FIXTURE_IDS)
    assert f"{n} new, 0 changed, 0 removed (0 deprecated, 0 gone), 0 failed; 0 unchanged; {n} file(s) written" in summary(done)
    # Two pages (the server gives 20 expanded models a page), the second by the first's cursor.
    requests = api.listing_requests()
    assert len(requests) == 2
    for request in requests:
        assert request.values("status") == ["active"] and request.values("expand") == ["openapi-3.0"]
        assert not request.authorized
    assert requests[0].values("cursor") == [] and len(requests[1].values("cursor")) == 1
    assert sorted(p.name for p in out.glob("*.json")) == sorted(file_of(i) for i in FIXTURE_IDS)
    for endpoint_id in FIXTURE_IDS:
        model = api.models[endpoint_id]
        # fal's document, its key order kept, with the listing's metadata in info.x-fal-model.
        expected = fixture_doc(endpoint_id)
        expected["info"]["x-fal-model"] = {
            "displayName": model.metadata["display_name"],
            "category": model.metadata["category"],
            "description": model.metadata["description"],
            "status": "active",
            "tags": model.metadata["tags"],
            "date": model.metadata["date"],
        }
        assert (out / file_of(endpoint_id)).read_bytes() == render_spec(expected), endpoint_id
    manifest = json.loads((out / ".falgen-manifest").read_bytes())
    assert manifest["files"] == sorted(file_of(i) for i in FIXTURE_IDS)
    assert "fal metadata keys not kept: 'kind'" in done.stderr  # a key fal may add later is named


def test_the_documents_read_as_fal_names_them(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "fal-openapi"
    assert fetch(api, out).returncode == 0
    endpoints, diagnostics = read_openapi_file(out / file_of("fal-ai/flux/dev"))
    assert [e.id for e in endpoints] == ["fal-ai/flux/dev"]
    flux = endpoints[0]
    assert flux.title == "Flux Dev"  # not fal's generic "Queue OpenAPI for fal-ai/flux/dev"
    assert flux.category == "text-to-image"  # the listing's fine category, not the document's "image"
    assert (flux.status, flux.tags) == ("active", ["image"])
    assert not [d for d in diagnostics if d.code == "bad-metadata"]


def test_refetching_an_unchanged_catalogue_touches_nothing(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "fal-openapi"
    assert fetch(api, out).returncode == 0
    before = snapshot(out)
    for model in api.models.values():  # what fal changes all the time is not kept, so no churn
        model.metadata["updated_at"] = "2026-01-01T00:00:00Z"
        model.metadata["pinned"] = True
    done = fetch(api, out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"0 new, 0 changed, 0 removed (0 deprecated, 0 gone), 0 failed; {len(FIXTURE_IDS)} unchanged; 0 file(s) written" in summary(done)
    assert snapshot(out) == before  # bytes and mtimes, manifest included


def _describe_seed(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    prop = next(iter(schemas["FluxDevInput"]["properties"].values()))
    prop["description"] = "Changed upstream."


def test_a_changed_document_rewrites_only_its_file(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "fal-openapi"
    assert fetch(api, out).returncode == 0
    before = snapshot(out)
    api.change("fal-ai/flux/dev", _describe_seed)
    done = fetch(api, out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 new, 1 changed, 0 removed" in summary(done)
    assert "  changed     fal-ai/flux/dev" in done.stdout
    after = snapshot(out)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {file_of("fal-ai/flux/dev")}
    assert "Changed upstream." in (out / file_of("fal-ai/flux/dev")).read_text()


def test_a_new_endpoint_is_reported_and_written(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "fal-openapi"
    assert fetch(api, out).returncode == 0
    api.add(clone("fal-ai/flux/dev", "fal-ai/flux/brand-new"))
    done = fetch(api, out, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["counts"] == {
        "new": 1, "changed": 0, "removed": 0, "deprecated": 0, "gone": 0,
        "unchanged": len(FIXTURE_IDS), "failed": 0, "written": 1, "deleted": 0,
    }
    assert report["new"] == [{"endpoint": "fal-ai/flux/brand-new", "file": "fal-ai__flux__brand-new.json", "action": "written"}]
    assert written(out, "fal-ai/flux/brand-new")["info"]["x-fal-model"]["displayName"] == "Flux Brand New"


def test_removed_and_deprecated_endpoints(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "fal-openapi"
    assert fetch(api, out).returncode == 0
    gone, old = "fal-ai/switti", "fal-ai/cat-vton"
    api.remove(gone)
    api.deprecate(old)
    listed = len(api.listing_requests())
    done = fetch(api, out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 new, 0 changed, 2 removed (1 deprecated, 1 gone), 0 failed" in summary(done)
    assert f"  removed     {gone} (deleted)" in done.stdout
    assert f"  deprecated  {old} (document kept, status deprecated)" in done.stdout
    assert not (out / file_of(gone)).exists()
    assert written(out, old)["info"]["x-fal-model"]["status"] == "deprecated"
    # The ids missing from the active listing were asked about by id, in any status.
    lookup = api.listing_requests()[listed:][-1]
    assert sorted(lookup.values("endpoint_id")) == sorted([gone, old]) and lookup.values("status") == []
    assert file_of(gone) not in json.loads((out / ".falgen-manifest").read_bytes())["files"]
    (endpoint,), _ = read_openapi_file(out / file_of(old))
    assert endpoint.status == "deprecated"
    # Still deprecated next time: not reported again, not rewritten.
    before = snapshot(out)
    done = fetch(api, out)
    assert "0 new, 0 changed, 0 removed (0 deprecated, 0 gone), 0 failed" in summary(done)
    assert snapshot(out) == before


def test_a_document_the_command_did_not_write_is_never_deleted(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "fal-openapi"
    out.mkdir()
    foreign = clone("fal-ai/flux/dev", "someone/hand-copied")
    (out / "someone__hand-copied.json").write_bytes(render_spec(foreign))
    (out / "NOTES.txt").write_text("mine\n")
    refused = fetch(api, out)
    assert refused.returncode == 2 and "--take-ownership" in refused.stderr
    done = fetch(api, out, "--take-ownership")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 removed (0 deprecated, 1 gone)" in summary(done)
    assert "someone/hand-copied (kept: not written by falgen fetch catalog" in done.stdout
    assert (out / "someone__hand-copied.json").exists() and (out / "NOTES.txt").read_text() == "mine\n"


def test_a_category_lists_only_it_and_removes_nothing(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "fal-openapi"
    assert fetch(api, out).returncode == 0
    api.remove("fal-ai/switti")
    wanted = {i for i, m in api.models.items() if m.metadata["category"] == "text-to-video"}
    assert len(wanted) >= 2
    listed = len(api.listing_requests())
    done = fetch(api, out, "--category", "text-to-video")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"0 new, 0 changed, 0 removed (0 deprecated, 0 gone), 0 failed; {len(wanted)} unchanged" in summary(done)
    (request,) = api.listing_requests()[listed:]
    assert request.values("category") == ["text-to-video"] and request.values("status") == ["active"]
    assert (out / file_of("fal-ai/switti")).exists()  # absent from a filtered listing proves nothing

    fresh = tmp_path / "only-video"
    assert fetch(api, fresh, "--category", "text-to-video").returncode == 0
    assert sorted(p.name for p in fresh.glob("*.json")) == sorted(file_of(i) for i in wanted)


def test_ids_are_asked_for_fifty_at_a_time(api: ModelAPI, tmp_path: Path) -> None:
    ids = [f"fal-ai/clone-{n:03d}" for n in range(120)]
    for endpoint_id in ids:
        api.add(clone("fal-ai/flux/dev", endpoint_id))
    api.deprecate("fal-ai/clone-007")
    api.max_limit_expanded = 50
    out = tmp_path / "fal-openapi"
    args = [arg for endpoint_id in ids for arg in ("--id", endpoint_id)]
    done = fetch(api, out, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "120 new" in summary(done)
    requests = api.listing_requests()
    assert [r.values("endpoint_id") for r in requests] == [ids[:50], ids[50:100], ids[100:]]
    assert all(r.values("status") == [] and r.values("expand") == ["openapi-3.0"] for r in requests)
    assert len(list(out.glob("*.json"))) == 120
    assert written(out, "fal-ai/clone-007")["info"]["x-fal-model"]["status"] == "deprecated"
    # A server that caps a page below the batch is paged through, batch by batch.
    api.max_limit_expanded = 20
    done = fetch(api, out, *args)
    assert "0 new, 0 changed, 0 removed (0 deprecated, 0 gone), 0 failed; 120 unchanged" in summary(done)
    paged = api.listing_requests()[3:]
    assert [(len(r.values("endpoint_id")), len(r.values("cursor"))) for r in paged] == [
        (50, 0), (50, 1), (50, 1), (50, 0), (50, 1), (50, 1), (20, 0)
    ]


def test_an_id_fal_does_not_know_fails_and_writes_nothing(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "fal-openapi"
    done = fetch(api, out, "--id", "fal-ai/flux/dev", "--id", "fal-ai/no-such-model")
    assert done.returncode == 1
    assert failures(done) == ["endpoint fal-ai/no-such-model: fal's model API does not list it"]
    assert not out.exists()


def test_usage_errors_exit_2(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "fal-openapi"
    for args, message in (
        (("--id", "not-an-id"), "not an endpoint id: 'not-an-id'"),
        (("--id", "fal-ai/x", "--category", "text-to-image"), "give --category or --id, not both"),
        (("--limit", "0"), "Invalid value for '--limit'"),
    ):
        done = fetch(api, out, *args)
        assert done.returncode == 2 and message in done.stderr, (args, done.stderr)
    done = falgen("fetch", "catalog", "--api-url", "ftp://example.invalid", "--out", str(out))
    assert done.returncode == 2 and "--api-url must be an http(s) URL" in done.stderr
    assert api.requests == [] and not out.exists()
