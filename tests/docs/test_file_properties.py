"""Whether a property carries file URLs is decided once, by the parser, and written into the spec
as `x-fal-file`; the bindings, the CLI and the emulator read that key and never guess by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fal_bindings.cli.catalog import EndpointSchema, object_fields
from fal_bindings.cli.options import field_options
from fal_bindings.testing._specs import load_specs
from fal_bindings.testing._synth import Synthesizer, placeholder_file_url

from generator.core.ir import Endpoint, Schema, TypeExpr
from generator.core.ir import Property as Field_
from generator.docs.parse import parse
from generator.python.package import build_package
from tests.spec.test_spec import minimal_doc

STRING = TypeExpr(kind="string")


def _spec_properties(tmp_path: Path, **properties: Any) -> dict[str, Any]:
    source = tmp_path / "fal-ai__demo.json"
    source.write_text(json.dumps(minimal_doc(**properties)), encoding="utf-8")
    run = parse([source], overlays=None)
    from generator.spec.write import endpoint_to_openapi

    document = endpoint_to_openapi(run.endpoints[0])
    props: dict[str, Any] = document["components"]["schemas"]["DemoInput"]["properties"]
    return props


def test_the_parser_marks_file_properties_in_the_spec(tmp_path: Path) -> None:
    props = _spec_properties(
        tmp_path,
        image_url={"type": "string"},
        mask_urls={"type": "array", "items": {"type": "string"}},
        video_url={"anyOf": [{"type": "string"}, {"type": "null"}]},
        url={"type": "string"},
        prompt={"type": "string"},
        format_url={"type": "string", "enum": ["a", "b"]},
        seed_url={"type": "integer"},
    )
    marked = sorted(name for name, prop in props.items() if prop.get("x-fal-file") is True)
    assert marked == ["image_url", "mask_urls", "url", "video_url"]
    assert all("x-fal-file" not in props[name] for name in ("prompt", "format_url", "seed_url"))


def _endpoint(*fields: Field_) -> Endpoint:
    return Endpoint(id="me/files", input=Schema(name="Input", fields=list(fields)), output=Schema(name="Output"))


def test_the_bindings_read_the_mark_not_the_name() -> None:
    endpoint = _endpoint(
        Field_(name="reference", type=STRING, required=True, file=True),
        Field_(name="homepage_url", type=STRING, required=True, file=False),
        Field_(name="frames", type=TypeExpr(kind="array", items=STRING), required=True, file=True),
    )
    view = build_package([endpoint], {endpoint.id: b"{}"}, {endpoint.id: "me__files.json"})
    annotations = {f.wire_name: f.annotation for f in view.endpoints[0].input.fields}  # type: ignore[attr-defined]
    assert annotations == {"reference": "_FileInput", "homepage_url": "str", "frames": "list[_FileInput]"}


def _document(properties: dict[str, Any]) -> dict[str, Any]:
    document = minimal_doc(**properties)
    document["components"]["schemas"]["DemoOutput"]["properties"] = properties
    return document


def test_the_cli_reads_the_mark_not_the_name() -> None:
    document = _document({"clip": {"type": "string", "x-fal-file": True}, "homepage_url": {"type": "string"}})
    schema = document["components"]["schemas"]["DemoInput"]
    inputs = object_fields(document, schema)
    endpoint = EndpointSchema(entry=None, document=document, input_name="DemoInput", output_name="DemoOutput", inputs=inputs, outputs=())  # type: ignore[arg-type]
    kinds = {option.info.name: option.kind for option in field_options(endpoint)}
    assert kinds == {"clip": "file", "homepage_url": "string"}


def test_the_emulator_reads_the_mark_not_the_name() -> None:
    document = _document({"clip": {"type": "string", "x-fal-file": True}, "homepage_url": {"type": "string"}})
    document["components"]["schemas"]["DemoOutput"]["required"] = ["clip", "homepage_url"]
    spec = load_specs([document])["fal-ai/demo"]
    output = Synthesizer(spec, placeholder_file_url).synthesize(spec.output_pointer)
    assert output["clip"].startswith("https://fal-emulator.invalid/")
    assert output["homepage_url"] == "homepage_url"


def test_an_overlay_sets_or_clears_the_mark() -> None:
    from generator.core.diagnostics import Diagnostics
    from generator.docs.overlays import Action, apply_overlays

    endpoint = _endpoint(Field_(name="source", type=STRING), Field_(name="page_url", type=STRING, file=True))
    actions = [
        Action("me/files", "/input/source/file", "set", True, "a file, whatever its name", "o.yaml", 1),
        Action("me/files", "/input/page_url/file", "set", False, "a web page, not a file", "o.yaml", 2),
    ]
    changed = apply_overlays([endpoint], actions, Diagnostics())[0]
    assert [(f.name, f.file) for f in changed.input.fields] == [("source", True), ("page_url", False)]
