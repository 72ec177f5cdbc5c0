"""The local fal model API behaves as fal documents its own (so tests against it mean something)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.model_api import ModelAPI, display_name
from tests.tools.catalog.conftest import FIXTURE_IDS


def _get(api: ModelAPI, params: list[tuple[str, str]], key: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Key {key}"} if key else {}
    return httpx.get(f"{api.url}/v1/models", params=params, headers=headers, timeout=10)


def _walk(api: ModelAPI, params: list[tuple[str, str]]) -> list[dict[str, Any]]:
    models: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(100):
        body = _get(api, params + ([("cursor", cursor)] if cursor else [])).json()
        models.extend(body["models"])
        assert body["has_more"] == (body["next_cursor"] is not None)
        cursor = body["next_cursor"]
        if cursor is None:
            return models
    raise AssertionError("no last page")


def test_pages_follow_opaque_cursors_and_the_limit_is_capped(api: ModelAPI) -> None:
    expanded = [("expand", "openapi-3.0")]
    first = _get(api, [*expanded, ("limit", "500")]).json()
    assert len(first["models"]) == api.max_limit_expanded and first["has_more"]
    assert len(_get(api, [("limit", "500")]).json()["models"]) == len(FIXTURE_IDS)  # unexpanded cap is higher
    assert [m["endpoint_id"] for m in _walk(api, expanded)] == FIXTURE_IDS
    assert _get(api, [("cursor", "bm90LWEtY3Vyc29y")]).status_code == 400
    other_query = _get(api, [("category", "text-to-image"), ("cursor", first["next_cursor"])])
    assert other_query.status_code == 400  # a cursor belongs to its query
    assert _get(api, [("limit", "0")]).status_code == 400


def test_expand_puts_the_document_inline(api: ModelAPI) -> None:
    plain = _get(api, [("endpoint_id", "fal-ai/flux/dev")]).json()["models"]
    assert [sorted(m) for m in plain] == [["endpoint_id", "metadata"]]
    (model,) = _get(api, [("endpoint_id", "fal-ai/flux/dev"), ("expand", "openapi-3.0")]).json()["models"]
    assert model["openapi"]["info"]["x-fal-metadata"]["endpointId"] == "fal-ai/flux/dev"
    assert "x-fal-model" not in model["openapi"]["info"]
    assert model["metadata"]["display_name"] == display_name("fal-ai/flux/dev") == "Flux Dev"


def test_endpoint_id_batches_of_one_to_fifty(api: ModelAPI) -> None:
    ids = FIXTURE_IDS[:3] + ["fal-ai/unknown"]
    found = _get(api, [("endpoint_id", i) for i in ids]).json()["models"]
    assert [m["endpoint_id"] for m in found] == FIXTURE_IDS[:3]
    many = [("endpoint_id", f"fal-ai/x{n}") for n in range(51)]
    assert _get(api, many[:50]).status_code == 200
    assert _get(api, many).status_code == 400


def test_filters(api: ModelAPI) -> None:
    api.deprecate("fal-ai/switti")
    assert [m["endpoint_id"] for m in _walk(api, [("status", "deprecated")])] == ["fal-ai/switti"]
    assert "fal-ai/switti" not in [m["endpoint_id"] for m in _walk(api, [("status", "active")])]
    assert _get(api, [("status", "gone")]).status_code == 400
    images = _walk(api, [("category", "text-to-image")])
    assert images and all(m["metadata"]["category"] == "text-to-image" for m in images)
    assert [m["endpoint_id"] for m in _walk(api, [("q", "FLUX dev")])] == ["fal-ai/flux/dev"]


def test_faults_and_keys(api: ModelAPI) -> None:
    api.inject(429, times=1, retry_after="2")
    limited = _get(api, [])
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "2")
    assert _get(api, []).status_code == 200
    assert _get(api, [], key="wrong").status_code == 401  # a key the server does not know
    assert [r.status for r in api.requests] == [429, 200, 401]
    assert [r.authorized for r in api.requests] == [False, False, True]
