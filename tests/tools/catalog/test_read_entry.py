"""`read_entry`: an entry whose document states another endpoint id, or one that is no string,
fails naming it (in-process: no server needed)."""

from __future__ import annotations

from typing import Any

import pytest

from generator.tools.catalog.api import Entry, Failure, read_entry


def _entry(stated: Any) -> dict[str, Any]:
    return {"endpoint_id": "fal-ai/demo", "metadata": {}, "openapi": {"info": {"x-fal-metadata": {"endpointId": stated}}}}


@pytest.mark.parametrize(("stated", "shown"), [("someone/else", "'someone/else'"), (5, "5"), (["fal-ai/demo"], "['fal-ai/demo']")])
def test_a_document_stating_another_or_a_non_string_id_fails(stated: Any, shown: str) -> None:
    read = read_entry(_entry(stated), "page 1, entry 1")
    assert isinstance(read, Failure)
    assert read.render() == f"page 1, entry 1 (fal-ai/demo): openapi document describes {shown}, not this endpoint"


@pytest.mark.parametrize("stated", ["fal-ai/demo", None])
def test_a_document_stating_its_own_id_or_none_is_read(stated: Any) -> None:
    assert isinstance(read_entry(_entry(stated), "page 1, entry 1"), Entry)
