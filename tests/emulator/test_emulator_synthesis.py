"""Examples and synthesized outputs: schema-valid, deterministic, with files the emulator serves.

Runs over the hand-written fixture specs (a test each) and over every spec in specs/openapi/ (when
present; one test looping over all, naming every failing endpoint).
"""

from __future__ import annotations

import copy
import io
import json
import struct
import wave
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from fal_bindings.testing import Behavior, EndpointSpec, SpecError, example_input, example_output, load_specs
from fal_bindings.testing._app import EmulatorApp
from fal_bindings.testing._media import media_bytes
from fal_bindings.testing._synth import Synthesizer, placeholder_file_url

from tests.golden.trees import specs as golden_specs
from tests.support.sampling import failures_message

HERE = Path(__file__).resolve().parent
FIXTURE_SPECS = golden_specs("emulator")
PROJECT_SPECS = HERE.parents[1] / "specs" / "openapi"


FIXTURE_IDS = list(load_specs(FIXTURE_SPECS))


def errors(spec: EndpointSpec, pointer: str, value: Any) -> list[str]:
    validator = spec.input_validator if pointer == spec.input_pointer else spec.output_validator
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]


def synthesis_errors(directory: Path | None, endpoint_id: str) -> list[str]:
    """What is wrong with an endpoint's examples and synthesized payloads (none: all schema-valid).
    `directory` None: the package's own specs."""
    spec = load_specs(directory)[endpoint_id]
    found = errors(spec, spec.input_pointer, example_input(endpoint_id, specs=directory))
    found += errors(spec, spec.output_pointer, example_output(endpoint_id, specs=directory))
    for required_only in (True, False):
        synthesizer = Synthesizer(spec, placeholder_file_url, required_only=required_only)
        for pointer in (spec.input_pointer, spec.output_pointer):
            found += [f"{pointer} synthesized: {e}" for e in errors(spec, pointer, synthesizer.synthesize(pointer))]
    return found


def emulator_output_errors(directory: Path | None, endpoint_id: str) -> list[str]:
    """What is wrong with the emulator's answer to the example input: schema errors, and file URLs
    it does not serve itself."""
    specs = load_specs(directory)
    spec = specs[endpoint_id]
    app = EmulatorApp(specs, key="k", max_body_bytes=1024, behavior=Behavior())
    app.base_url = "https://127.0.0.1:9"
    output = app.output(spec, example_input(endpoint_id, specs=directory))
    urls = [u for u in _strings(output) if u.startswith(("http://", "https://"))]
    remote = [u for u in urls if not u.startswith("https://127.0.0.1:9/__files__/generated/")]
    return errors(spec, spec.output_pointer, output) + [f"not served by the emulator: {u}" for u in remote]


@pytest.mark.parametrize("endpoint_id", FIXTURE_IDS)
def test_examples_and_synthesis_are_schema_valid(endpoint_id: str) -> None:
    assert synthesis_errors(FIXTURE_SPECS, endpoint_id) == []


@pytest.mark.parametrize("endpoint_id", FIXTURE_IDS)
def test_emulator_outputs_are_schema_valid_and_self_hosted(endpoint_id: str) -> None:
    assert emulator_output_errors(FIXTURE_SPECS, endpoint_id) == []


@pytest.mark.skipif(not any(PROJECT_SPECS.glob("*.json")), reason=f"no specs in {PROJECT_SPECS}")
def test_every_project_endpoint_has_valid_examples_and_self_hosted_outputs() -> None:
    """Every endpoint of specs/openapi, in one loop: examples and synthesized payloads validate
    against their schemas, and the emulator's output is valid and serves its own files. Read from
    the package's copies of those specs (what the emulator serves by default; read once)."""
    ids = list(load_specs())
    assert ids == sorted(json.loads(p.read_text())["info"]["x-fal-metadata"]["endpointId"] for p in PROJECT_SPECS.glob("*.json"))
    failures: dict[str, str] = {}
    for endpoint_id in ids:
        try:
            found = synthesis_errors(None, endpoint_id) + emulator_output_errors(None, endpoint_id)
        except Exception as exc:  # noqa: BLE001 - every endpoint's failure is collected and named
            found = [f"{type(exc).__name__}: {str(exc)[:300]}"]
        if found:
            failures[endpoint_id] = "; ".join(found)[:600]
    assert not failures, failures_message("invalid examples, synthesis or emulator output", failures, len(ids))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_invalid_example_is_repaired_not_replaced() -> None:
    # The fixture's documented output leaves out required fields, like the real doc page.
    spec = load_specs(FIXTURE_SPECS)["fal-ai/flux-2/klein/4b/base"]
    documented = spec.example(spec.output_pointer)
    assert isinstance(documented, dict)
    assert errors(spec, spec.output_pointer, documented) != []
    repaired = example_output(spec.endpoint_id, specs=FIXTURE_SPECS)
    assert repaired["images"] == documented["images"]
    assert repaired["prompt"] == documented["prompt"]
    assert set(repaired) == {"images", "prompt", "timings", "seed", "has_nsfw_concepts"}


def test_repair_replaces_bad_values_and_drops_unknown_keys() -> None:
    spec = load_specs(FIXTURE_SPECS)["fal-ai/flux-2/klein/4b/base"]
    broken = {"prompt": "kept", "num_images": 99, "acceleration": "warp", "loras": [{"path": "a", "bogus": 1}]}
    repaired = Synthesizer(spec, placeholder_file_url, required_only=True).repair(broken, spec.input_pointer)
    assert repaired == {"prompt": "kept", "num_images": 1, "acceleration": "regular", "loras": [{"path": "a"}]}
    assert broken["num_images"] == 99  # the input is not mutated


def test_examples_are_deterministic_copies() -> None:
    first = example_output("fal-ai/kling-video/v2.1/master/text-to-video", specs=FIXTURE_SPECS)
    first["video"]["url"] = "mutated"
    second = example_output("fal-ai/kling-video/v2.1/master/text-to-video", specs=FIXTURE_SPECS)
    assert second == {"video": {"url": "https://v3.fal.media/files/kling/output.mp4"}}
    spec = load_specs(FIXTURE_SPECS)["fal-ai/flux-2/klein/realtime"]
    runs = [Synthesizer(spec, placeholder_file_url).synthesize(spec.output_pointer) for _ in range(2)]
    assert runs[0] == runs[1]


def test_synthesis_respects_constraints() -> None:
    schemas = {
        "Out": {
            "type": "object",
            "required": ["ratio", "count", "tags", "mode", "choice", "file", "maybe", "tree"],
            "properties": {
                "ratio": {"type": "number", "exclusiveMinimum": 2, "maximum": 3},
                "count": {"type": "integer", "minimum": 10, "multipleOf": 4},
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 3, "uniqueItems": True},
                "mode": {"type": "string", "enum": ["fast", "slow"]},
                "choice": {"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/Audio"}]},
                "file": {"$ref": "#/components/schemas/Audio"},
                "maybe": {"type": ["null", "string"], "minLength": 4},
                "tree": {"$ref": "#/components/schemas/Tree"},
            },
        },
        "Tree": {
            "type": "object",
            "required": ["value"],
            "properties": {
                "value": {"type": "integer"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
            },
        },
        "Audio": {
            "type": "object",
            "required": ["url"],
            "properties": {
                "url": {"type": "string", "x-fal-file": True},
                "content_type": {"type": "string"},
                "file_size": {"type": "integer"},
            },
        },
        "In": {"type": "object", "properties": {}},
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1", "x-fal-metadata": {"endpointId": "me/synth"}},
        "paths": {},
        "components": {"schemas": {"SynthInput": schemas["In"], "SynthOutput": schemas["Out"], **schemas}},
    }
    spec = load_specs([document])["me/synth"]
    output = Synthesizer(spec, placeholder_file_url).synthesize(spec.output_pointer)
    assert errors(spec, spec.output_pointer, output) == []
    assert output["ratio"] == 2.5
    assert output["count"] == 12
    assert len(set(output["tags"])) == 3
    assert output["mode"] == "fast"
    assert output["file"]["content_type"] == "audio/mpeg"
    assert output["file"]["url"].endswith("/file.mp3")
    assert output["file"]["file_size"] == len(media_bytes("mp3"))
    assert output["choice"] is not None
    assert output["maybe"] == "maybe"
    assert output["tree"] == {"value": 1, "children": [{"value": 1}]}  # recursion stops at what is required


def test_generated_media_are_well_formed() -> None:
    png = media_bytes("png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (
        kind == b"IHDR" and zlib.crc32(png[12 : 16 + length]) == struct.unpack(">I", png[16 + length : 20 + length])[0]
    )
    with wave.open(io.BytesIO(media_bytes("wav"))) as audio:
        assert audio.getnframes() == 800
    assert zipfile.ZipFile(io.BytesIO(media_bytes("zip"))).testzip() is None
    assert media_bytes("jpg")[:2] == b"\xff\xd8" and media_bytes("jpg")[-2:] == b"\xff\xd9"
    assert media_bytes("mp3")[:2] == b"\xff\xfb" and len(media_bytes("mp3")) == 3 * 417
    mp4 = media_bytes("mp4")
    assert mp4[4:8] == b"ftyp" and mp4[struct.unpack(">I", mp4[:4])[0] + 4 :][:4] == b"moov"
    assert media_bytes("webp")[8:12] == b"WEBP" and media_bytes("gif").startswith(b"GIF89a")
    assert json.loads(media_bytes("json")) == {}


def test_specs_can_be_given_as_documents() -> None:
    documents = [json.loads(p.read_text()) for p in sorted(FIXTURE_SPECS.glob("*.json"))]
    specs = load_specs(copy.deepcopy(documents))
    assert list(specs) == list(load_specs(FIXTURE_SPECS))
    assert example_input("fal-ai/flux-2/klein/4b/base", specs=documents)["prompt"]
    with pytest.raises(KeyError, match="did you mean 'fal-ai/flux-2/klein/4b/base'"):
        example_input("fal-ai/flux-2/klein/4b/bas", specs=documents)


def test_example_input_drops_undeclared_keys_at_any_depth() -> None:
    """The bindings' Input models reject undeclared keys in nested objects too, where the spec's
    JSON Schema leaves them open (fal's documents do): the fixture keeps declared keys only."""
    documents = [json.loads(p.read_text()) for p in sorted(FIXTURE_SPECS.glob("*.json"))]
    endpoint_id = "fal-ai/flux-2/klein/4b/base"
    document = next(d for d in documents if d["info"]["x-fal-metadata"]["endpointId"] == endpoint_id)
    for schema in document["components"]["schemas"].values():
        schema.pop("additionalProperties", None)  # open, as in fal's documents
    spec = load_specs(documents)[endpoint_id]
    spec.schema(spec.input_pointer)["examples"] = [
        {"prompt": "p", "loras": [{"path": "a", "bogus": 1}], "undeclared": 2}
    ]
    assert example_input(endpoint_id, specs=documents) == {"prompt": "p", "loras": [{"path": "a"}]}


def test_example_input_follows_a_single_member_all_of_to_a_list_of_objects() -> None:
    """fal describes a `$ref` as `allOf: [{$ref}]`: undeclared keys under one that leads to a list
    of closed objects are dropped too (they were kept: only a bare `$ref` was followed)."""
    lora = {"type": "object", "properties": {"path": {"type": "string"}}}
    loras = {"type": "array", "items": {"$ref": "#/components/schemas/Lora"}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1", "x-fal-metadata": {"endpointId": "me/x"}},
        "paths": {},
        "components": {
            "schemas": {
                "MeXInput": {
                    "type": "object",
                    "properties": {
                        "loras": {"allOf": [{"$ref": "#/components/schemas/Loras"}], "description": "d"}
                    },
                    "examples": [{"loras": [{"path": "a", "bogus": 1}]}],
                },
                "MeXOutput": {"type": "object"},
                "Loras": loras,
                "Lora": lora,
            }
        },
    }
    assert example_input("me/x", specs=[document]) == {"loras": [{"path": "a"}]}


def test_example_input_names_a_dangling_ref_among_union_variants() -> None:
    """A union member whose `$ref` resolves nowhere is a SpecError naming the spec and the `$ref`,
    even where the example validates without reaching it (the lenient `_runtime.spec.resolve`
    would read it as `{}`, any value): the spec fails when it is loaded."""
    kept = {"type": "object", "properties": {"k": {"type": "integer"}}}
    variants = [{"$ref": "#/components/schemas/Kept"}, {"$ref": "#/components/schemas/Gone"}]
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1", "x-fal-metadata": {"endpointId": "me/x"}},
        "paths": {},
        "components": {
            "schemas": {
                "MeXInput": {
                    "type": "object",
                    "properties": {"a": {"anyOf": variants}},
                    "examples": [{"a": {"k": 1}}],
                },
                "MeXOutput": {"type": "object"},
                "Kept": kept,
            }
        },
    }
    with pytest.raises(SpecError, match=r"specs\[0\] \(me/x\): \$ref '#/components/schemas/Gone' does not resolve"):
        example_input("me/x", specs=[document])
