"""Specs whose `$ref`s dangle or loop: a SpecError naming the spec and the `$ref` (or the cycle)
when they are loaded, never a jsonschema/referencing internal or a RecursionError mid-request;
recursive schemas (a tree) are legitimate and work end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fal_client
import pytest
from fal_bindings.testing import Emulator, SpecError, emulator, example_input, example_output, load_specs
from fal_bindings.testing.__main__ import main as serve_main
from fal_bindings.testing._refs import check_refs

REF = "#/components/schemas/"


def spec(endpoint_id: str, input_schema: dict[str, Any], output_schema: dict[str, Any], **schemas: Any) -> dict[str, Any]:
    """A minimal endpoint document: `<Name>Input`, `<Name>Output` and `schemas` as components."""
    name = "".join(word.capitalize() for word in endpoint_id.replace("/", "-").split("-"))
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1", "x-fal-metadata": {"endpointId": endpoint_id}},
        "paths": {},
        "components": {"schemas": {f"{name}Input": input_schema, f"{name}Output": output_schema, **schemas}},
    }


OPEN_OUTPUT = {"type": "object", "properties": {"seed": {"type": "integer"}}}


def dangling_input() -> dict[str, Any]:
    """An Input whose `masks` items `$ref` a schema the document does not define."""
    masks = {"type": "array", "items": {"$ref": REF + "Gone"}}
    return spec("me/dangle", {"type": "object", "properties": {"prompt": {"type": "string"}, "masks": masks}}, OPEN_OUTPUT)


DANGLING = r"\$ref '#/components/schemas/Gone' does not resolve \(no 'Gone'\); the \$ref is at #/components/schemas/"


def test_a_dangling_ref_the_input_reaches_fails_at_start_naming_spec_and_ref(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It used to start, then answer a request reaching `masks` with HTTP 500
    (`_WrappedReferencingError: PointerToNowhere`) and fal-client raised 'Internal Server Error'."""
    message = r"specs\[0\] \(me/dangle\): " + DANGLING + r"MeDangleInput/properties/masks/items$"
    with pytest.raises(SpecError, match=message):
        emulator(specs=[dangling_input()])
    with pytest.raises(SpecError, match=message):
        example_input("me/dangle", specs=[dangling_input()])
    (tmp_path / "dangle.json").write_text(json.dumps(dangling_input()))
    with pytest.raises(SpecError, match=r"dangle\.json \(me/dangle\): " + DANGLING):
        Emulator(tmp_path)
    assert serve_main(["serve", "--specs", str(tmp_path)]) == 2
    assert "dangle.json (me/dangle): $ref '#/components/schemas/Gone' does not resolve" in capsys.readouterr().err


def test_a_dangling_ref_the_output_reaches_fails_at_start() -> None:
    output = {"type": "object", "properties": {"image": {"allOf": [{"$ref": REF + "Missing~1Image"}]}}}
    document = spec("me/out", {"type": "object", "properties": {"prompt": {"type": "string"}}}, output)
    with pytest.raises(SpecError, match=r"\$ref '#/components/schemas/Missing~1Image' does not resolve .* at #/components/schemas/MeOutOutput/properties/image/allOf/0$"):
        emulator(specs=[document])


def test_the_same_spec_with_the_ref_defined_is_served_through_fal_client() -> None:
    document = dangling_input()
    document["components"]["schemas"]["Gone"] = {"type": "object", "properties": {"url": {"type": "string"}}}
    with emulator(specs=[document]) as emu:
        client = fal_client.SyncClient(key=emu.key)
        assert set(client.run("me/dangle", arguments={"prompt": "p", "masks": [{"url": "u"}]})) == {"seed"}
        with pytest.raises(fal_client.client.FalClientHTTPError) as refused:
            client.run("me/dangle", arguments={"masks": [{"url": 1}]})
        assert refused.value.status_code == 422 and "masks" in str(refused.value)


NODE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "children": {"type": "array", "items": {"$ref": REF + "Node"}},
        "parent": {"allOf": [{"$ref": REF + "Node"}], "description": "optional, so left out"},
        "$ref": {"type": "string", "description": "a property named $ref is data"},
    },
    "required": ["name", "children"],
    "examples": [{"$ref": "#/nowhere"}],  # data too, not a reference
}


def tree_spec() -> dict[str, Any]:
    root = {"type": "object", "properties": {"root": {"$ref": REF + "Node"}}, "required": ["root"]}
    return spec("me/tree", root, {**root, "properties": {"root": {"allOf": [{"$ref": REF + "Node"}]}}}, Node=NODE)


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


def test_a_recursive_schema_synthesizes_to_a_bounded_depth_and_validates_through_fal_client() -> None:
    """A tree whose nodes require `children` (a list of nodes) used to be synthesized 16 levels
    deep ending in `children: null`, an example its own schema rejects."""
    document = tree_spec()
    endpoint = load_specs([document])["me/tree"]
    assert example_input("me/tree", specs=[document]) == {"root": {"name": "name", "children": [{"name": "name", "children": []}]}}
    output = example_output("me/tree", specs=[document])
    assert endpoint.output_validator.is_valid(output) and depth(output) <= 8, output
    tree = {"root": {"name": "a", "children": [{"name": "b", "children": [{"name": "c", "children": []}]}]}}
    with emulator(specs=[document]) as emu:
        client = fal_client.SyncClient(key=emu.key)
        answer = client.run("me/tree", arguments=tree)
        assert endpoint.output_validator.is_valid(answer) and depth(answer) <= 8, answer
        bad = {"root": {"name": "a", "children": [{"name": "b", "children": [{"name": 3, "children": []}]}]}}
        with pytest.raises(fal_client.client.FalClientHTTPError) as refused:
            client.run("me/tree", arguments=bad)
        assert refused.value.status_code == 422
        [detail] = refused.value.response.json()["detail"]
        assert detail["loc"] == ["body", "root", "children", 0, "children", 0, "name"]


@pytest.mark.parametrize(
    ("schemas", "cycle"),
    [
        ({"Self": {"$ref": REF + "Self", "description": "only itself"}}, "Self -> Self"),
        ({"A": {"$ref": REF + "B"}, "B": {"allOf": [{"$ref": REF + "A"}]}}, "A -> B -> A"),
        ({"Loop": {"anyOf": [{"type": "string"}, {"$ref": REF + "Loop"}]}}, "Loop -> Loop"),
    ],
    ids=["self", "a-b-a", "through-anyOf"],
)
def test_a_ref_cycle_that_never_descends_is_a_spec_error_naming_it(schemas: dict[str, Any], cycle: str) -> None:
    """These used to start; a request reaching them got HTTP 500 (RecursionError in jsonschema),
    and `example_input` recursed (A -> B -> A) or looped for ever (Self -> Self)."""
    first = next(iter(schemas))
    document = spec("me/loop", {"type": "object", "properties": {"x": {"$ref": REF + first}}, "required": ["x"]}, OPEN_OUTPUT, **schemas)
    with pytest.raises(SpecError, match=rf"specs\[0\] \(me/loop\): \$ref cycle {cycle}: "):
        emulator(specs=[document])
    with pytest.raises(SpecError, match=rf"\$ref cycle {cycle}: "):
        example_input("me/loop", specs=[document])


def test_the_package_specs_pass_the_ref_check() -> None:
    """The package's own specs are loaded without the check (falgen wrote them; it would add ~40 ms
    to every first emulator): they are checked here instead."""
    for endpoint in load_specs().values():
        check_refs(endpoint.document, (endpoint.input_pointer, endpoint.output_pointer), endpoint.source)
