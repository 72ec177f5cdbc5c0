"""One endpoint, two sources: a doc page and fal's OpenAPI document for the same id.

The document is made from the page itself (its spec as falgen writes it, minus the marks that
make it falgen's own), so the two agree until a test makes them disagree the way real ones do;
fal's generic title and description and per-property examples are put in as fal writes them.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.core.ir import Diagnostic, Endpoint, ParseResult
from generator.docs.parse import parse
from generator.docs.two_sources import DISAGREEMENT_CODES
from tests.docs._support import P002, ROOT, Document, fal_document, in_root

ENDPOINT = "fal-ai/flux-2"
"""A seed page (002) with streaming, stated defaults and an input example."""
PAGE = ROOT / P002
CODES = {code.code for code in DISAGREEMENT_CODES}


@pytest.fixture(scope="module")
def page_alone() -> Endpoint:
    with in_root():
        result = parse([PAGE], overlays=None)
    endpoint = result.endpoint(ENDPOINT)
    assert endpoint is not None
    return endpoint


def both(tmp_path: Path, document: Document) -> ParseResult:
    """Parse the page and `document` together (paths relative to `tmp_path`)."""
    (tmp_path / "pages").mkdir(exist_ok=True)
    shutil.copy(PAGE, tmp_path / "pages" / PAGE.name)
    folder = tmp_path / "pages" / "fal-openapi"
    folder.mkdir(exist_ok=True)
    (folder / "fal-ai__flux-2.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    previous = Path.cwd()
    import os

    os.chdir(tmp_path)
    try:
        return parse([Path("pages")], overlays=None)
    finally:
        os.chdir(previous)


def disagreements(result: ParseResult) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.code in CODES]


def input_key(document: Document) -> str:
    """The component key of the Input schema (`Flux2Input`; the page's IR calls it `Input`)."""
    return next(key for key in document["components"]["schemas"] if key.endswith("Input"))


def properties(document: Document, schema: str) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][schema]["properties"]
    return found


def test_agreeing_sources_report_nothing_and_combine(tmp_path: Path, page_alone: Endpoint) -> None:
    result = both(tmp_path, fal_document(page_alone))
    assert disagreements(result) == []
    merged = result.endpoint(ENDPOINT)
    assert merged is not None
    assert [f.name for f in merged.input.fields] == [f.name for f in page_alone.input.fields]
    # What the page adds: capabilities, title/description (fal's are generic), fine category,
    # the whole example (the document has per-property ones at most).
    assert merged.capabilities == page_alone.capabilities and "streaming" in merged.capabilities
    assert merged.title == page_alone.title and merged.description == page_alone.description
    assert merged.category == page_alone.category == "text-to-image"
    assert page_alone.example_input is not None and merged.example_input is not None
    assert merged.example_input.value == page_alone.example_input.value
    assert sorted(p.file for p in merged.sources) == ["pages/002_f214c515eb004644.txt", "pages/fal-openapi/fal-ai__flux-2.json"]


Mutation = Callable[[Document, str], None]


def _retype(document: Document, schema: str) -> None:
    properties(document, schema)["seed"] = {"type": "string", "title": "Seed"}


def _default(document: Document, schema: str) -> None:
    properties(document, schema)["num_inference_steps"]["default"] = 30


def _limits(document: Document, schema: str) -> None:
    properties(document, schema)["num_images"].update({"minimum": 1, "maximum": 4})


def _required(document: Document, schema: str) -> None:
    document["components"]["schemas"][schema]["required"].append("guidance_scale")


def _field_only_in_document(document: Document, schema: str) -> None:
    properties(document, schema)["document_only"] = {"type": "boolean", "default": False, "description": "New."}


def _field_only_on_page(document: Document, schema: str) -> None:
    del properties(document, schema)["sync_mode"]
    document["components"]["schemas"][schema]["x-fal-order-properties"].remove("sync_mode")


def _enum(document: Document, schema: str) -> None:
    prop = properties(document, schema)["output_format"]
    prop["enum"] = [*prop["enum"], "webp-lossless"]


def _description(document: Document, schema: str) -> None:
    properties(document, schema)["prompt"]["description"] = "Something else entirely."


MUTATIONS: dict[str, tuple[Mutation, str, str]] = {
    "type": (_retype, "page-type-disagrees", "seed"),
    "default": (_default, "page-default-disagrees", "num_inference_steps"),
    "limits": (_limits, "page-limits-disagree", "num_images"),
    "required": (_required, "page-required-disagrees", "guidance_scale"),
    "field only in the document": (_field_only_in_document, "document-field-not-on-page", "document_only"),
    "field only on the page": (_field_only_on_page, "page-field-not-in-document", "sync_mode"),
    "enum values": (_enum, "page-enum-disagrees", "output_format"),
    "description": (_description, "page-description-disagrees", "prompt"),
}


@pytest.mark.parametrize("kind", sorted(MUTATIONS))
def test_a_disagreement_is_reported_at_the_page_naming_the_document_pointer(
    kind: str, tmp_path: Path, page_alone: Endpoint
) -> None:
    mutate, code, field = MUTATIONS[kind]
    document = fal_document(page_alone)
    schema = input_key(document)
    mutate(document, schema)
    result = both(tmp_path, copy.deepcopy(document))
    found = disagreements(result)
    assert [d.code for d in found] == [code], [d.render() for d in found]
    (diagnostic,) = found
    assert diagnostic.endpoint_id == ENDPOINT
    assert diagnostic.file == "pages/002_f214c515eb004644.txt"
    page_field = page_alone.input.field(field)
    expected_line = page_field.provenance.line if page_field and page_field.provenance else page_alone.input.provenance.line  # type: ignore[union-attr]
    assert diagnostic.line == expected_line
    assert diagnostic.pointer == f"/components/schemas/{schema}/properties/{field}" or (
        code == "page-field-not-in-document" and diagnostic.pointer == f"/components/schemas/{schema}"
    )
    assert "fal-openapi/fal-ai__flux-2.json:" in diagnostic.message
    # The bindings follow the document.
    merged = result.endpoint(ENDPOINT)
    assert merged is not None
    assert (merged.input.field("sync_mode") is None) == (kind == "field only on the page")
    if kind == "type":
        assert merged.input.field("seed").type.kind == "string"  # type: ignore[union-attr]
    if kind == "default":
        assert merged.input.field("num_inference_steps").default == 30  # type: ignore[union-attr]


def test_silence_on_the_page_is_info_a_contradiction_a_warning(tmp_path: Path, page_alone: Endpoint) -> None:
    document = fal_document(page_alone)
    schema = input_key(document)
    properties(document, schema)["seed"]["default"] = 42  # the page states no default for seed
    _default(document, schema)  # the page states 28
    severities = {d.pointer.rsplit("/", 1)[-1]: d.severity.value for d in disagreements(both(tmp_path, document)) if d.pointer}
    assert severities == {"seed": "info", "num_inference_steps": "warning"}


def test_a_whole_document_example_beats_the_page_and_a_page_example_is_checked(tmp_path: Path, page_alone: Endpoint) -> None:
    document = fal_document(page_alone)
    schema = input_key(document)
    whole = {"prompt": "from the document"}
    document["components"]["schemas"][schema]["examples"] = [whole]
    merged = both(tmp_path, document).endpoint(ENDPOINT)
    assert merged is not None and merged.example_input is not None and merged.example_input.value == whole
    # Per-property examples only: the page's whole example is kept, and checked against the
    # document's schema (here the document dropped a field the example uses).
    document = fal_document(page_alone)
    properties(document, schema)["prompt"]["examples"] = ["per property"]
    assert page_alone.example_input is not None
    used = next(iter(page_alone.example_input.value))
    if used != "prompt":
        del properties(document, schema)[used]
        document["components"]["schemas"][schema]["x-fal-order-properties"].remove(used)
    result = both(tmp_path, document)
    merged = result.endpoint(ENDPOINT)
    assert merged is not None and merged.example_input is not None
    assert merged.example_input.value == page_alone.example_input.value
    if used != "prompt":
        assert any(d.code == "page-example-disagrees" and f"/{used}" in d.message for d in result.diagnostics)


def test_the_report_lists_disagreements_by_endpoint(tmp_path: Path, page_alone: Endpoint) -> None:
    from generator.docs.diagnostics_report import render_markdown, summary, write_report

    document = fal_document(page_alone)
    _retype(document, input_key(document))
    result = both(tmp_path, document)
    info = summary(result)
    markdown = render_markdown(info, result.diagnostics)
    assert "## Docs disagree with the API (1 on 1 endpoints)" in markdown
    assert f"### {ENDPOINT}" in markdown.replace("\\", "")
    write_report(info, result.diagnostics, tmp_path / "report")
    data = json.loads((tmp_path / "report" / "diagnostics.json").read_text(encoding="utf-8"))
    (entry,) = data["docs_disagree_with_api"]
    assert entry["endpoint"] == ENDPOINT
    assert [d["code"] for d in entry["disagreements"]] == ["page-type-disagrees"]
    assert entry["disagreements"][0]["document_pointer"].endswith("/properties/seed")
