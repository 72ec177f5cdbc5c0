"""Shapes fal's documents really have, served by the emulator: an Output that is not an object
(`{}`, a string), an Input fal left undefined (open), files under parts the schema leaves untyped
(a dangling `$ref`), and input files that must not be echoed into an output."""

from __future__ import annotations

from typing import Any

import fal_client
from fal_bindings.testing import Behavior, emulator, example_input, example_output, load_specs
from fal_bindings.testing._app import EmulatorApp

SERVED = "https://127.0.0.1:9/__files__/generated/"
REMOTE = "https://v3b.fal.media/files/b/abc/image.png"


def document(endpoint_id: str, input_schema: dict[str, Any], output_schema: dict[str, Any], **types: Any) -> dict[str, Any]:
    name = "".join(part.capitalize() for part in endpoint_id.replace("-", "/").split("/"))
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1", "x-fal-metadata": {"endpointId": endpoint_id}},
        "paths": {},
        "components": {"schemas": {f"{name}Input": input_schema, f"{name}Output": output_schema, **types}},
    }


def served_output(doc: dict[str, Any], endpoint_id: str) -> Any:
    specs = load_specs([doc])
    app = EmulatorApp(specs, key="k", max_body_bytes=1024, behavior=Behavior())
    app.base_url = "https://127.0.0.1:9"
    return app.output(specs[endpoint_id], example_input(endpoint_id, specs=[doc]))


PROMPT_ONLY = {"type": "object", "properties": {"prompt": {"type": "string"}}, "required": ["prompt"]}


def test_an_output_that_says_nothing_is_an_object_example() -> None:
    """fal's `{}` Outputs (any JSON value): the example is an object, as fal's apps answer."""
    doc = document("me/any-out", PROMPT_ONLY, {"title": "AnyOutOutput"})
    assert example_output("me/any-out", specs=[doc]) == {}
    assert served_output(doc, "me/any-out") == {}


def test_an_output_that_is_not_an_object() -> None:
    """A string Output: its example, the emulator's answer and fal-client's result are strings."""
    doc = document("me/text-out", PROMPT_ONLY, {"type": "string", "examples": ["a caption"]})
    assert example_output("me/text-out", specs=[doc]) == "a caption"
    assert served_output(doc, "me/text-out") == "a caption"
    with emulator(specs=[doc]) as emu:
        client = fal_client.SyncClient(key=emu.key)
        assert client.subscribe("me/text-out", {"prompt": "p"}) == "a caption"


def test_an_open_input_without_fields() -> None:
    """An Input fal's document never defines is written as an object without properties: open."""
    doc = document("me/open-in", {"type": "object", "properties": {}}, {"title": "OpenInOutput"})
    assert example_input("me/open-in", specs=[doc]) == {}
    with emulator(specs=[doc]) as emu:
        client = fal_client.SyncClient(key=emu.key)
        client.subscribe("me/open-in", {"model": "any", "messages": [{"role": "user"}]})
        (submitted,) = [r for r in emu.requests if r.operation == "submit"]
        assert submitted.status == 200 and submitted.body == {"model": "any", "messages": [{"role": "user"}]}


def test_input_files_are_not_echoed_into_the_output() -> None:
    """An Output field that shares its name with an Input file field carries the emulator's file,
    not the caller's URL (nor the placeholder of `example_input`)."""
    doc = document(
        "me/caption",
        {"type": "object", "properties": {"video_url": {"type": "string", "x-fal-file": True}}, "required": ["video_url"]},
        {"type": "object", "properties": {"video_url": {"type": "string", "x-fal-file": True}, "seed": {"type": "integer"}}, "required": ["video_url"]},
    )
    assert served_output(doc, "me/caption")["video_url"].startswith(SERVED)
    specs = load_specs([doc])
    app = EmulatorApp(specs, key="k", max_body_bytes=1024, behavior=Behavior())
    app.base_url = "https://127.0.0.1:9"
    output = app.output(specs["me/caption"], {"video_url": REMOTE, "seed": 7})
    assert output["video_url"].startswith(SERVED) and output["seed"] == 7  # other fields still echo


def test_urls_under_untyped_parts_are_served_by_the_emulator() -> None:
    """A dangling `$ref` (fal's defect; the spec keeps it as `x-fal-unresolved-ref`) leaves a part
    untyped: the example's remote URLs there are replaced by files the emulator serves, at any
    depth and inside unions."""
    gone, also_gone = {"x-fal-unresolved-ref": "Gone"}, {"x-fal-unresolved-ref": "AlsoGone"}
    output_schema = {
        "type": "object",
        "properties": {
            "images": {"type": "array", "items": {"anyOf": [gone, also_gone]}},
            "extra": gone,
            "note": {"type": "string"},
        },
        "required": ["images"],
        "examples": [{"images": [{"url": REMOTE}, {"map": "height", "url": REMOTE}], "extra": REMOTE, "note": "kept"}],
    }
    doc = document("me/maps", PROMPT_ONLY, output_schema)
    output = served_output(doc, "me/maps")
    assert [image["url"][: len(SERVED)] for image in output["images"]] == [SERVED, SERVED]
    assert output["images"][1]["map"] == "height" and output["images"][0]["url"].endswith(".png")
    assert output["extra"].startswith(SERVED) and output["note"] == "kept"
