"""fal's listing metadata (`info.x-fal-model`, written by `falgen fetch catalog`) through the OpenAPI
reader, and status and tags through the normalized spec (`info.x-fal-metadata`) and back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.docs.parse import parse
from generator.spec.fal_model import model_metadata
from generator.spec.read import read_openapi
from generator.spec.write import endpoint_to_openapi, write_specs
from tests.tools.catalog.conftest import fixture_doc

MODEL = {
    "displayName": "FLUX.1 [dev]",
    "category": "text-to-image",
    "description": "Fast text-to-image generation",
    "status": "deprecated",
    "tags": ["fast", "lora"],
    "date": "2024-08-01T00:00:00Z",
}


def _flux(model: Any = None) -> dict[str, Any]:
    doc = fixture_doc("fal-ai/flux/dev")
    if model is not None:
        doc["info"]["x-fal-model"] = model
    return doc


def test_the_listing_names_a_generic_document() -> None:
    (plain,), _ = read_openapi(_flux(), "flux.json")
    assert (plain.title, plain.description, plain.category, plain.status, plain.tags) == ("", "", "image", None, [])
    (endpoint,), diagnostics = read_openapi(_flux(MODEL), "flux.json")
    assert endpoint.title == "FLUX.1 [dev]"
    assert endpoint.description == "Fast text-to-image generation"
    assert endpoint.category == "text-to-image"
    assert (endpoint.status, endpoint.tags) == ("deprecated", ["fast", "lora"])
    assert not [d for d in diagnostics if d.code == "bad-metadata"]


def test_a_title_of_the_documents_own_is_kept() -> None:
    doc = _flux(MODEL)
    doc["info"]["title"] = "FLUX dev, by its authors"
    (endpoint,), _ = read_openapi(doc, "flux.json")
    assert endpoint.title == "FLUX dev, by its authors"


def test_bad_metadata_is_a_warning_naming_the_key() -> None:
    (endpoint,), diagnostics = read_openapi(_flux({"displayName": 3, "tags": ["ok", 4], "status": None, "extra": 1}), "flux.json")
    assert endpoint.title == "" and endpoint.tags == ["ok"]
    found = sorted((d.code, d.pointer or "", d.message) for d in diagnostics if d.code == "bad-metadata")
    assert [pointer for _, pointer, _ in found] == ["/info/x-fal-model", "/info/x-fal-model/displayName", "/info/x-fal-model/tags/1"]
    (endpoint,), diagnostics = read_openapi(_flux(["not", "an", "object"]), "flux.json")
    assert [d.pointer for d in diagnostics if d.code == "bad-metadata"] == ["/info/x-fal-model"]


def test_status_and_tags_round_trip_through_the_normalized_spec() -> None:
    (endpoint,), _ = read_openapi(_flux(MODEL), "flux.json")
    spec = endpoint_to_openapi(endpoint)
    metadata = spec["info"]["x-fal-metadata"]
    assert list(metadata) == ["endpointId", "category", "status", "tags", "capabilities"]
    assert (metadata["status"], metadata["tags"]) == ("deprecated", ["fast", "lora"])
    (again,), _ = read_openapi(spec, "spec.json")
    assert again == endpoint


def test_parse_writes_the_listing_facts_into_the_spec(tmp_path: Path) -> None:
    source = tmp_path / "sources" / "fal-ai__flux__dev.json"
    source.parent.mkdir()
    source.write_text(json.dumps(_flux(MODEL)))
    result = parse([source.parent], overlays=None)
    (endpoint,) = result.endpoints
    write_specs(result.endpoints, tmp_path / "openapi")
    written = (tmp_path / "openapi" / "fal-ai__flux__dev.json").read_text()
    assert '"title": "FLUX.1 [dev]"' in written and '"status": "deprecated"' in written
    assert endpoint.category == "text-to-image"


def test_what_the_writer_keeps_of_fals_metadata() -> None:
    kept, problems, unknown = model_metadata({
        "display_name": "X", "category": "text-to-image", "status": "active", "tags": ["a"],
        "updated_at": "2025-01-01", "thumbnail_url": "u", "pinned": True, "brand_new_key": 1, "description": 5,
    })
    assert kept == {"displayName": "X", "category": "text-to-image", "status": "active", "tags": ["a"]}
    assert problems == ["metadata.description is not a string (5); left out"]
    assert unknown == ["brand_new_key"]
