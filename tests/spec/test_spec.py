"""IR <-> OpenAPI: the spec writer (`generator.spec.write`) and the OpenAPI front-end
(`generator.spec.read`).

- round trip: `read(write(e)) == e` for hand-built endpoints and for random ones (hypothesis)
- every written document validates as OpenAPI 3.1; writing is byte-for-byte deterministic
- fal's own per-endpoint documents (`tests/docs/fal_openapi/`) read into the expected IR
- malformed documents give diagnostics, never exceptions
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from generator.build.output import OutputRefused
from generator.core.ir import (
    CAPABILITY_ORDER,
    Constraints,
    Diagnostic,
    Endpoint,
    Example,
    Provenance,
    Schema,
    Severity,
    TypeExpr,
)
from generator.core.ir import (
    Property as Field_,
)
from generator.core.names import schema_base_name
from generator.spec.read import (
    pointer_lines,
    read_openapi,
    read_openapi_bytes,
    read_openapi_file,
    read_spec_dir,
)
from generator.spec.write import (
    QUEUE_STATUS,
    endpoint_to_openapi,
    render_spec,
    spec_file_name,
    write_specs,
)

FAL_DIR = Path(__file__).resolve().parents[1] / "docs" / "fal_openapi"
FLUX_DEV = FAL_DIR / "fal-ai__flux__dev.json"
KLING = FAL_DIR / "fal-ai__kling-video__v2.1__standard__image-to-video.json"


# --- helpers ----------------------------------------------------------------------------


def T(kind: str, **kwargs: Any) -> TypeExpr:  # noqa: N802 - reads like a type constructor
    return TypeExpr(kind=kind, **kwargs)  # type: ignore[arg-type]


def P(file: str = "specs/sources/page.txt", line: int = 1) -> Provenance:  # noqa: N802
    return Provenance(file=file, line=line)


def F(name: str, type_: TypeExpr, **kwargs: Any) -> Field_:  # noqa: N802
    return Field_(name=name, type=type_, **kwargs)


def round_trip(endpoint: Endpoint) -> tuple[Endpoint, list[Diagnostic]]:
    doc = endpoint_to_openapi(endpoint)
    # Through the bytes, as `falgen parse` writes them and `read_spec_dir` reads them.
    endpoints, diagnostics = read_openapi_bytes(render_spec(doc), "specs/openapi/x.json")
    assert len(endpoints) == 1, diagnostics
    return endpoints[0], diagnostics


def assert_round_trip(endpoint: Endpoint) -> None:
    back, diagnostics = round_trip(endpoint)
    assert diagnostics == []
    if back != endpoint:  # a readable diff of the first differing part
        want, got = endpoint.model_dump(), back.model_dump()
        for key in want:
            assert got[key] == want[key], key
    assert back == endpoint


def by_code(diagnostics: list[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code == code]


def minimal_doc(**schemas: Any) -> dict[str, Any]:
    """A fal-style document for `fal-ai/demo` whose Input has the given properties."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Queue OpenAPI for fal-ai/demo",
            "version": "1.0.0",
            "x-fal-metadata": {"endpointId": "fal-ai/demo"},
        },
        "paths": {
            "/fal-ai/demo": {
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DemoInput"}}}
                    }
                }
            },
            "/fal-ai/demo/requests/{request_id}": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DemoOutput"}}}
                        }
                    }
                }
            },
        },
        "components": {
            "schemas": {
                "DemoInput": {"type": "object", "properties": schemas},
                "DemoOutput": {"type": "object", "properties": {}},
            }
        },
    }


# --- hand-built endpoints ---------------------------------------------------------------

IMAGE = "registry__image__fast_sdxl__models__Image"


def rich_endpoint() -> Endpoint:
    """Every TypeExpr kind, nullable, defaults, constraints, enums, unions, odd names."""
    image_size = T(
        "union",
        variants=[T("ref", ref="ImageSize"), T("enum", values=["square", "landscape_4_3"], name="ImageSizeEnum")],
    )
    return Endpoint(
        id="fal-ai/flux-2/klein/4b/base",
        title="Flux 2 [klein] 4B Base",
        description='Text to image with FLUX.2 [klein].\nSecond line: "quotes" and ünïcödé.',
        category="text-to-image",
        capabilities=["queue", "streaming", "realtime"],
        input=Schema(
            name="Input",
            description="The input.",
            provenance=P(line=90),
            fields=[
                F(
                    "prompt",
                    T("string"),
                    required=True,
                    required_source="marker",
                    description="The prompt.",
                    constraints=Constraints(max_length=2500),
                    provenance=P(line=92),
                ),
                F("image_size", image_size, has_default=True, default="landscape_4_3", provenance=P(line=96)),
                F(
                    "num_images",
                    T("integer"),
                    has_default=True,
                    default=1,
                    constraints=Constraints(minimum=1, maximum=4, inferred=True),
                    provenance=P(line=100),
                ),
                F(
                    "guidance_scale",
                    T("number"),
                    has_default=True,
                    default=3.5,
                    constraints=Constraints(exclusive_minimum=0, exclusive_maximum=20.5),
                ),
                F("seed", T("integer"), nullable=True, has_default=True, default=None),
                F("negative_prompt", T("string"), has_default=True, default=""),
                F("steps", T("integer"), has_default=True, default=0),
                F("sync_mode", T("boolean"), has_default=True, default=False),
                F("no_default", T("string"), has_default=False),
                F("duration", T("enum", values=[5, 10], name="DurationEnum"), has_default=True, default=5),
                F("ratio", T("enum", values=[0.5, 1, 2.0])),
                F("anything", T("any"), description="Free-form."),
                F("nothing", T("null")),
                F(
                    "loras",
                    T("array", items=T("ref", ref="LoraWeight")),
                    constraints=Constraints(min_items=0, max_items=3),
                ),
                F("tags", T("array", items=T("string")), nullable=True),
                F("matrix", T("array", items=T("array", items=T("number")))),
                F("untyped_list", T("array")),
                F("extra", T("map", items=T("integer"))),
                F("free_map", T("map")),
                F("map_of_any", T("map", items=T("any"))),
                F("image", T("ref", ref=IMAGE), description="An image.", has_default=True, default={"url": "x"}),
                F("mask", T("ref", ref=IMAGE), nullable=True),
                F("weird", T("ref", ref="Odd name<T>")),
                F("dangling", T("ref", ref="NotDefinedAnywhere"), required=True, required_source="other-page"),
                F("choice", T("union", variants=[T("string"), T("integer"), T("null")])),
                F("nullable_choice", T("union", variants=[T("string"), T("integer")]), nullable=True),
                F("nullable_null_choice", T("union", variants=[T("string"), T("null")]), nullable=True),
                F("single_union", T("union", variants=[T("string")])),
                F("nullable_single_union", T("union", variants=[T("string")]), nullable=True),
                F("empty_union", T("union", variants=[])),
                F("none_union", T("union")),
                F("nameless_enum", T("enum", values=["a", 1, None, True])),
                F("valueless_enum", T("enum", name="Mystery")),
                F(
                    "nullable_enum",
                    T("enum", values=["a", "b"], name="AB"),
                    nullable=True,
                    has_default=True,
                    default=None,
                ),
                F("bad_default", T("integer"), has_default=True, default="ten", required_source="wording"),
                F(
                    "bad_enum_default",
                    T("enum", values=["a"]),
                    has_default=True,
                    default="b",
                    required_source="example",
                ),
                F("negative_length", T("string"), constraints=Constraints(min_length=-1, max_length=-5)),
                F("inferred_only", T("string"), constraints=Constraints(inferred=True)),
            ],
        ),
        output=Schema(
            name="Output",
            fields=[
                F("images", T("array", items=T("ref", ref=IMAGE)), required=True, required_source="schema"),
                F("seed", T("integer"), required=True, required_source="default"),
                F("echo", T("ref", ref="Input")),
            ],
        ),
        types=[
            Schema(
                name="ImageSize",
                fields=[
                    F("width", T("integer"), has_default=True, default=512),
                    F("height", T("integer"), has_default=True, default=512),
                ],
            ),
            Schema(
                name=IMAGE,
                description="Represents an image file.",
                provenance=P(line=300),
                fields=[F("url", T("string"), required=True), F("width", T("integer"), nullable=True)],
            ),
            Schema(
                name="LoraWeight",
                fields=[
                    F("path", T("string"), required=True),
                    F("scale", T("number"), has_default=True, default=1.0),
                    F("next", T("ref", ref="LoraWeight"), nullable=True),
                ],
            ),
            Schema(name="Odd name<T>"),
            Schema(name="Flux2Klein4bBaseInput", fields=[F("clash", T("string"))]),
            Schema(name=QUEUE_STATUS, fields=[F("mine", T("boolean"))]),
            Schema(name="ImageSize", description="A second type of the same name."),
            Schema(name="ImageSize_2"),
            Schema(name=""),
        ],
        example_input=Example(value={"prompt": "a cat", "num_images": 1}, provenance=P(line=140)),
        example_output=Example(value={"images": [{"url": "https://x"}], "seed": 1}),
        provenance=P(line=3),
        sources=[P(line=3), P("specs/sources/other.txt", 17)],
    )


def bare_endpoint() -> Endpoint:
    return Endpoint(id="creatify/lipsync", input=Schema(name="Input"), output=Schema(name="Output"))


def quirky_endpoint() -> Endpoint:
    """IR corners: no capabilities, names equal to component keys, duplicate field names,
    JSON null example, provenance with colons."""
    return Endpoint(
        id="decart/lucy-5b/image-to-video",
        capabilities=[],
        input=Schema(
            name="DecartLucy5bImageToVideoInput",
            fields=[
                F("dup", T("string"), required=True),
                F("dup", T("integer"), has_default=True, default=3),
                F("dup", T("boolean"), required=True, required_source="other-page"),
                F("", T("string"), description="empty name"),
                F("with space", T("string")),
            ],
        ),
        output=Schema(name="DecartLucy5bImageToVideoInput"),
        example_input=Example(value=None, provenance=Provenance(file="C:/odd:name.txt", line=0)),
        provenance=Provenance(file="a:b:c", line=7),
    )


HAND_BUILT = [rich_endpoint, bare_endpoint, quirky_endpoint]


@pytest.mark.parametrize("make", HAND_BUILT, ids=lambda make: make.__name__)
def test_round_trip_hand_built(make: Any) -> None:
    assert_round_trip(make())


@pytest.mark.parametrize("make", HAND_BUILT, ids=lambda make: make.__name__)
def test_written_docs_validate(make: Any) -> None:
    validate(endpoint_to_openapi(make()))


def test_layout_follows_fal() -> None:
    endpoint = rich_endpoint()
    doc = endpoint_to_openapi(endpoint)
    base = "/fal-ai/flux-2/klein/4b/base"
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] == "Flux 2 [klein] 4B Base"
    assert doc["info"]["version"] == "1.0.0"
    assert doc["info"]["x-fal-metadata"] == {
        "endpointId": "fal-ai/flux-2/klein/4b/base",
        "category": "text-to-image",
        "capabilities": ["queue", "streaming", "realtime"],
    }
    assert list(doc["paths"]) == [
        base,
        f"{base}/requests/{{request_id}}/status",
        f"{base}/requests/{{request_id}}/cancel",
        f"{base}/requests/{{request_id}}",
    ]
    post = doc["paths"][base]["post"]
    assert post["requestBody"]["required"] is True
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Flux2Klein4bBaseInput"
    }
    queue_ref = {"$ref": "#/components/schemas/QueueStatus"}
    assert post["responses"]["200"]["content"]["application/json"]["schema"] == queue_ref
    status = doc["paths"][f"{base}/requests/{{request_id}}/status"]["get"]
    assert status["responses"]["200"]["content"]["application/json"]["schema"] == queue_ref
    assert {"name": "request_id", "in": "path", "required": True}.items() <= status["parameters"][0].items()
    assert "put" in doc["paths"][f"{base}/requests/{{request_id}}/cancel"]
    result = doc["paths"][f"{base}/requests/{{request_id}}"]["get"]
    assert result["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Flux2Klein4bBaseOutput"
    }

    schemas = doc["components"]["schemas"]
    assert list(schemas) == [
        "Flux2Klein4bBaseInput",
        "Flux2Klein4bBaseOutput",
        "ImageSize",
        IMAGE,
        "LoraWeight",
        "Odd_name_T_",
        "Flux2Klein4bBaseInput_2",
        "QueueStatus_2",
        "ImageSize_2",
        "ImageSize_2_2",
        "Type",
        "QueueStatus",
    ]
    assert schemas["Odd_name_T_"]["x-fal-original-name"] == "Odd name<T>"
    assert schemas["QueueStatus_2"]["x-fal-original-name"] == "QueueStatus"
    assert "x-fal-original-name" not in schemas[IMAGE]
    assert schemas["QueueStatus"]["properties"]["status"]["enum"] == ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]
    assert set(schemas["QueueStatus"]["properties"]) == {
        "status",
        "request_id",
        "response_url",
        "status_url",
        "cancel_url",
        "logs",
        "metrics",
        "queue_position",
    }

    inp = schemas["Flux2Klein4bBaseInput"]
    props = inp["properties"]
    assert inp["x-fal-order-properties"][:3] == ["prompt", "image_size", "num_images"]
    assert inp["required"] == ["prompt", "dangling"]
    assert inp["examples"] == [{"prompt": "a cat", "num_images": 1}]
    assert inp["x-fal-example-source"] == "specs/sources/page.txt:140"
    assert inp["x-fal-source"] == "specs/sources/page.txt:90"
    assert props["prompt"] == {
        "title": "Prompt",
        "description": "The prompt.",
        "type": "string",
        "maxLength": 2500,
        "x-fal-required-source": "marker",
        "x-fal-source": "specs/sources/page.txt:92",
    }
    assert props["image_size"]["title"] == "Image Size"
    assert props["image_size"]["anyOf"] == [
        {"$ref": "#/components/schemas/ImageSize"},
        {"enum": ["square", "landscape_4_3"], "type": "string", "x-fal-enum-name": "ImageSizeEnum"},
    ]
    assert props["num_images"]["minimum"] == 1 and props["num_images"]["x-fal-inferred-constraints"] is True
    assert props["guidance_scale"]["exclusiveMaximum"] == 20.5
    assert props["seed"]["anyOf"] == [{"type": "integer"}, {"type": "null"}]
    assert "default" in props["seed"] and props["seed"]["default"] is None
    assert props["negative_prompt"]["default"] == ""
    assert props["sync_mode"]["default"] is False
    assert "default" not in props["no_default"]
    assert props["duration"]["enum"] == [5, 10] and props["duration"]["type"] == "integer"
    assert props["ratio"]["type"] == "number"
    assert "type" not in props["nameless_enum"]
    assert props["image"]["allOf"] == [{"$ref": f"#/components/schemas/{IMAGE}"}]
    assert props["image"]["description"] == "An image."
    assert props["mask"]["anyOf"] == [{"$ref": f"#/components/schemas/{IMAGE}"}, {"type": "null"}]
    assert props["weird"]["allOf"] == [{"$ref": "#/components/schemas/Odd_name_T_"}]
    assert props["dangling"]["x-fal-unresolved-ref"] == "NotDefinedAnywhere"
    assert props["loras"]["items"] == {"$ref": "#/components/schemas/LoraWeight"}
    assert props["extra"] == {
        "title": "Extra",
        "type": "object",
        "additionalProperties": {"type": "integer"},
        "x-fal-required-source": "rule",
    }
    assert props["anything"]["description"] == "Free-form."
    assert props["nothing"]["type"] == "null"
    assert props["choice"]["x-fal-nullable"] is False
    assert props["nullable_choice"]["anyOf"] == [{"type": "string"}, {"type": "integer"}, {"type": "null"}]
    assert props["bad_default"]["x-fal-invalid-default"] == "ten" and "default" not in props["bad_default"]
    assert props["bad_enum_default"]["x-fal-invalid-default"] == "b"
    assert props["negative_length"]["x-fal-invalid-constraints"] == {"minLength": -1, "maxLength": -5}
    assert props["nullable_enum"]["default"] is None
    assert doc["x-fal-provenance"] == {
        "page": "specs/sources/page.txt:3",
        "sources": ["specs/sources/page.txt:3", "specs/sources/other.txt:17"],
    }
    out = schemas["Flux2Klein4bBaseOutput"]
    assert out["examples"] == [{"images": [{"url": "https://x"}], "seed": 1}]
    assert "x-fal-example-source" not in out
    assert out["properties"]["echo"]["allOf"] == [{"$ref": "#/components/schemas/Flux2Klein4bBaseInput"}]


def test_category_absent_and_no_provenance() -> None:
    doc = endpoint_to_openapi(bare_endpoint())
    assert "category" not in doc["info"]["x-fal-metadata"]
    assert doc["x-fal-provenance"] == {"sources": []}
    assert "examples" not in doc["components"]["schemas"]["CreatifyLipsyncInput"]


def test_document_is_independent_of_the_ir() -> None:
    endpoint = rich_endpoint()
    doc = endpoint_to_openapi(endpoint)
    doc["components"]["schemas"]["Flux2Klein4bBaseInput"]["examples"][0]["prompt"] = "changed"
    assert endpoint.example_input is not None
    assert endpoint.example_input.value["prompt"] == "a cat"


# --- random endpoints -------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=6,
)
numbers = st.integers(min_value=-1000, max_value=1000) | st.floats(allow_nan=False, allow_infinity=False)
provenances = st.builds(Provenance, file=st.text(max_size=12), line=st.integers(min_value=0, max_value=10**6))
NAME_POOL = ["ImageSize", IMAGE, "Odd name<T>", "", "QueueStatus", "Input", "Output", "a/b", "ünï", "X_2", "X"]
"""Schema names are drawn from this pool (or are random text), so refs drawn from it often resolve."""
type_names = st.sampled_from(NAME_POOL) | st.text(max_size=8)
SCALAR_KINDS = ["string", "integer", "number", "boolean", "any", "null"]

lengths = st.integers(min_value=-3, max_value=10**6)
limit_values = {
    "minimum": st.none() | numbers,
    "maximum": st.none() | numbers,
    "exclusive_minimum": st.none() | numbers,
    "exclusive_maximum": st.none() | numbers,
    "multiple_of": st.none() | numbers,
    "min_length": st.none() | lengths,
    "max_length": st.none() | lengths,
    "pattern": st.none() | st.sampled_from(["^[a-z]+$", r"\d{2}", "", "é|ü"]),
    "min_items": st.none() | lengths,
    "max_items": st.none() | lengths,
    "unique_items": st.booleans(),
}
constraints = st.builds(Constraints, **limit_values, inferred=st.booleans())
node_constraints = st.builds(Constraints, **limit_values).filter(lambda c: not c.is_empty())
def limited(expr: TypeExpr, limits: Constraints | None) -> TypeExpr:
    """`expr` with limits on its node (none on a tuple's number of items: its kind says it)."""
    if limits is not None and expr.kind == "tuple":
        limits = limits.model_copy(update={"min_items": None, "max_items": None})
    return expr.model_copy(update={"constraints": None if limits is None or limits.is_empty() else limits})


type_exprs = st.recursive(
    st.sampled_from(SCALAR_KINDS).map(lambda kind: T(kind))
    | st.builds(
        lambda values, name: T("enum", values=values, name=name),
        st.none() | st.lists(json_scalars, max_size=4),
        st.none() | st.text(max_size=8),
    )
    | st.builds(lambda ref: T("ref", ref=ref), st.none() | type_names),
    lambda children: (
        st.builds(lambda items: T("array", items=items), st.none() | children)
        | st.builds(lambda items: T("map", items=items), st.none() | children)
        | st.builds(lambda variants: T("union", variants=variants), st.none() | st.lists(children, max_size=3))
        | st.builds(lambda variants: T("tuple", variants=variants), st.lists(children, min_size=1, max_size=3))
        # limits on a node below a property (array items, union variants, map values)
        | st.builds(lambda items, limits: T("array", items=limited(items, limits)), children, st.none() | node_constraints)
    ),
    max_leaves=6,
)
# Top-level unions are rare in `st.recursive`; property types need them (nullable encoding).
field_types = type_exprs | st.builds(
    lambda variants, tail: T("union", variants=variants + tail),
    st.lists(type_exprs, min_size=1, max_size=3),
    st.sampled_from([[], [T("null")]]),
)


@st.composite
def fields(draw: st.DrawFn) -> Field_:
    has_default = draw(st.booleans())
    field = Field_(
        name=draw(st.sampled_from(["prompt", "seed", "image_size", ""]) | st.text(max_size=10)),
        type=draw(field_types),
        required=draw(st.booleans()),
        required_source=draw(
            st.sampled_from(["marker", "schema", "default", "wording", "other-page", "example", "rule"])
        ),
        nullable=draw(st.booleans()),
        has_default=has_default,
        default=draw(json_values) if has_default else None,
        description=draw(st.text(max_size=20)),
        constraints=draw(constraints),
        provenance=draw(st.none() | provenances),
    )
    if field.type.kind == "tuple":  # a tuple's number of items is its kind's, no limit of its own
        field.constraints = field.constraints.model_copy(update={"min_items": None, "max_items": None})
    return field


object_schemas = st.builds(
    Schema,
    name=type_names,
    description=st.text(max_size=10),
    fields=st.lists(fields(), max_size=4),
    additional_properties=st.none() | st.booleans() | type_exprs.filter(lambda t: t.kind != "any"),
    provenance=st.none() | provenances,
)
schemas = object_schemas | st.builds(Schema, name=type_names, any_value=st.just(True))  # fal's `{}` Output
examples = st.none() | st.builds(Example, value=json_values, provenance=st.none() | provenances)
endpoints = st.builds(
    Endpoint,
    id=st.from_regex(r"[a-z0-9][a-z0-9-]{0,7}(/[a-z0-9][a-z0-9.\-_]{0,7}){0,3}", fullmatch=True),
    title=st.text(max_size=10),
    description=st.text(max_size=20),
    category=st.none() | st.text(max_size=10),
    status=st.none() | st.sampled_from(["active", "deprecated"]) | st.text(max_size=10),
    tags=st.lists(st.text(max_size=6), max_size=3),
    capabilities=st.lists(st.sampled_from(CAPABILITY_ORDER), unique=True),
    input=schemas,
    output=schemas,
    types=st.lists(object_schemas, max_size=4),  # `{}` stands only for a whole Input or Output
    example_input=examples,
    example_output=examples,
    provenance=st.none() | provenances,
    sources=st.lists(provenances, max_size=3),
)


@pytest.mark.slow  # seconds of hypothesis examples
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(endpoints)
def test_round_trip_random(endpoint: Endpoint) -> None:
    assert_round_trip(endpoint)


@pytest.mark.slow  # seconds of hypothesis examples
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(endpoints)
def test_random_docs_validate(endpoint: Endpoint) -> None:
    validate(endpoint_to_openapi(endpoint))


# --- writing files ----------------------------------------------------------------------


def test_write_specs_is_deterministic(tmp_path: Path) -> None:
    endpoints_ = [rich_endpoint(), bare_endpoint(), quirky_endpoint()]
    first = write_specs(endpoints_, tmp_path / "a")
    second = write_specs(list(reversed(endpoints_)), tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second] == sorted(p.name for p in first)
    assert [p.name for p in first] == [
        "creatify__lipsync.json",
        "decart__lucy-5b__image-to-video.json",
        "fal-ai__flux-2__klein__4b__base.json",
    ]
    for a, b in zip(first, second, strict=True):
        data = a.read_bytes()
        assert data == b.read_bytes()
        assert data.endswith(b"}\n")
        assert str(tmp_path).encode() not in data
        assert json.loads(data) == endpoint_to_openapi(next(e for e in endpoints_ if spec_file_name(e.id) == a.name))
    text = first[2].read_text(encoding="utf-8")
    assert "ünïcödé" in text  # ensure_ascii=False
    assert text.startswith('{\n  "openapi": "3.1.0",\n  "info": {\n')


def test_write_specs_replaces_stale_and_keeps_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "openapi"
    paths = write_specs([bare_endpoint(), quirky_endpoint()], out)
    (out / "README.md").write_text("keep me")
    (out / "mine.json").write_text("{}")  # not written by falgen: kept
    unchanged = paths[0]
    os.utime(unchanged, (1, 1))
    write_specs([bare_endpoint()], out)
    assert unchanged.stat().st_mtime == 1  # same bytes: not rewritten
    assert sorted(p.name for p in out.iterdir()) == [".falgen-manifest", "README.md", "creatify__lipsync.json", "mine.json"]


def test_write_specs_refuses_a_folder_it_does_not_own(tmp_path: Path) -> None:
    out = tmp_path / "openapi"
    out.mkdir()
    (out / "gone__endpoint.json").write_text("{}")
    with pytest.raises(OutputRefused, match="--take-ownership"):
        write_specs([bare_endpoint()], out)
    assert [p.name for p in out.iterdir()] == ["gone__endpoint.json"]


def test_write_specs_rejects_two_endpoints_with_one_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="both write"):
        write_specs([bare_endpoint(), bare_endpoint()], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_read_spec_dir_round_trip(tmp_path: Path) -> None:
    endpoints_ = [rich_endpoint(), bare_endpoint(), quirky_endpoint()]
    write_specs(endpoints_, tmp_path)
    result = read_spec_dir(tmp_path)
    assert result.diagnostics == []
    assert result.pages == 3
    assert result.endpoints == sorted(endpoints_, key=lambda e: e.id)


# --- fal's own documents ----------------------------------------------------------------


def test_fal_flux_dev() -> None:
    (endpoint,), diagnostics = read_openapi_file(FLUX_DEV, file="tests/docs/fal_openapi/fal-ai__flux__dev.json")
    assert diagnostics == []
    assert endpoint.id == "fal-ai/flux/dev"
    assert endpoint.category == "text-to-image"
    assert endpoint.capabilities == ["queue"]
    assert endpoint.title == "" and endpoint.description == ""  # fal's boilerplate is not page text
    assert endpoint.provenance == Provenance(file="tests/docs/fal_openapi/fal-ai__flux__dev.json", line=8)
    assert endpoint.sources == [endpoint.provenance]

    inp = endpoint.input
    assert inp.name == "FluxDevInput"
    assert [f.name for f in inp.fields] == [
        "prompt",
        "num_images",
        "image_size",
        "num_inference_steps",
        "seed",
        "guidance_scale",
        "sync_mode",
        "enable_safety_checker",
        "output_format",
        "acceleration",
    ]  # x-fal-order-properties, not the order of `properties`
    assert [f.name for f in inp.fields if f.required] == ["prompt"]
    assert all(f.required_source == "schema" for f in inp.fields)

    prompt = inp.field("prompt")
    assert prompt is not None
    assert prompt.type == T("string") and prompt.required and not prompt.has_default
    assert prompt.description == "The prompt to generate an image from."
    assert prompt.provenance == Provenance(file="tests/docs/fal_openapi/fal-ai__flux__dev.json", line=69)

    image_size = inp.field("image_size")
    assert image_size is not None
    assert image_size.type == T(
        "union",
        variants=[
            T("ref", ref="ImageSize"),
            T(
                "enum",
                values=["square_hd", "square", "portrait_4_3", "portrait_16_9", "landscape_4_3", "landscape_16_9"],
            ),
        ],
    )
    assert image_size.has_default and image_size.default == "landscape_4_3"

    steps = inp.field("num_inference_steps")
    assert steps is not None
    assert steps.type == T("integer") and steps.default == 28
    assert steps.constraints == Constraints(minimum=1, maximum=50)

    seed = inp.field("seed")
    assert seed is not None
    assert seed.type == T("integer") and seed.nullable and not seed.has_default and not seed.required

    guidance = inp.field("guidance_scale")
    assert guidance is not None
    assert guidance.type == T("number") and guidance.default == 3.5
    assert guidance.constraints == Constraints(minimum=1, maximum=20)

    sync = inp.field("sync_mode")
    assert sync is not None and sync.type == T("boolean") and sync.has_default and sync.default is False
    output_format = inp.field("output_format")
    assert output_format is not None
    assert output_format.type == T("enum", values=["jpeg", "png"]) and output_format.default == "jpeg"
    acceleration = inp.field("acceleration")
    assert acceleration is not None and acceleration.type.values == ["none", "regular", "high"]

    out = endpoint.output
    assert out.name == "FluxDevOutput"
    assert [f.name for f in out.fields if f.required] == ["images", "timings", "seed", "has_nsfw_concepts", "prompt"]
    images = out.field("images")
    assert images is not None and images.type == T("array", items=T("ref", ref=IMAGE))
    timings = out.field("timings")
    assert timings is not None and timings.type == T("map", items=T("number"))
    nsfw = out.field("has_nsfw_concepts")
    assert nsfw is not None and nsfw.type == T("array", items=T("boolean"))

    assert [t.name for t in endpoint.types] == ["ImageSize", IMAGE]  # QueueStatus is not a model type
    size = endpoint.types[0]
    width = size.field("width")
    assert width is not None
    assert width.constraints == Constraints(exclusive_minimum=0, maximum=14142) and width.default == 512
    image = endpoint.types[1]
    assert image.description == "Represents an image file."
    assert [f.name for f in image.fields if f.required] == ["url", "width", "height"]
    content_type = image.field("content_type")
    assert content_type is not None and content_type.default == "image/jpeg"

    # The page's example payload is made of the properties' `examples`.
    assert endpoint.example_input is not None
    assert endpoint.example_input.value == {"prompt": prompt_example(FLUX_DEV)}
    assert endpoint.example_output is None


def prompt_example(path: Path) -> str:
    doc = json.loads(path.read_text(encoding="utf-8"))
    schemas_ = doc["components"]["schemas"]
    key = next(k for k in schemas_ if k.endswith("Input"))
    value: str = schemas_[key]["properties"]["prompt"]["examples"][0]
    return value


def test_fal_kling_video() -> None:
    shown = "tests/docs/fal_openapi/" + KLING.name
    (endpoint,), diagnostics = read_openapi_file(KLING, file=shown)
    assert endpoint.id == "fal-ai/kling-video/v2.1/standard/image-to-video"
    assert endpoint.category == "image-to-video"

    # `format: binary` on File.file_data: an annotation in JSON Schema, read as a string, no gap
    # and so no warning.
    assert diagnostics == []

    inp = endpoint.input
    assert inp.name == "KlingVideoV21StandardImageToVideoInput"
    assert [(f.name, f.required) for f in inp.fields] == [
        ("prompt", True),
        ("image_url", True),
        ("duration", False),
        ("negative_prompt", False),
        ("cfg_scale", False),
        ("tail_image_url", False),
    ]
    prompt = inp.field("prompt")
    assert prompt is not None and prompt.constraints == Constraints(max_length=2500) and prompt.description == ""
    duration = inp.field("duration")
    assert duration is not None
    assert duration.type == T("enum", values=["5", "10"]) and duration.default == "5"
    cfg = inp.field("cfg_scale")
    assert cfg is not None and cfg.constraints == Constraints(minimum=0, maximum=1) and cfg.default == 0.5
    tail = inp.field("tail_image_url")
    assert tail is not None
    assert tail.type == T("string") and tail.nullable and tail.has_default and tail.default is None

    video = endpoint.output.field("video")
    assert video is not None
    assert video.type == T("ref", ref="File") and video.required and video.description == "The generated video"

    (file_type,) = endpoint.types
    assert file_type.name == "File"
    assert [f.name for f in file_type.fields] == ["url", "content_type", "file_name", "file_size", "file_data"]
    file_size = file_type.field("file_size")
    assert file_size is not None and file_size.type == T("integer") and file_size.nullable
    file_data = file_type.field("file_data")
    assert file_data is not None and file_data.type == T("string")

    assert endpoint.example_input is not None
    assert endpoint.example_input.value == {
        "prompt": prompt_example(KLING),
        "image_url": "https://v3.fal.media/files/rabbit/NaslJIC7F2WodS6DFZRRJ.png",
    }
    assert endpoint.example_output is not None
    assert endpoint.example_output.value == {"video": {"url": "https://v3.fal.media/files/zebra/kling-v21-example.mp4"}}


def test_fal_docs_survive_our_round_trip() -> None:
    """fal doc -> IR -> our spec -> IR gives the same IR, and our spec validates."""
    for path in (FLUX_DEV, KLING):
        (endpoint,), _ = read_openapi_file(path, file=path.name)
        validate(endpoint_to_openapi(endpoint))
        assert_round_trip(endpoint)


def test_read_spec_dir_on_fal_docs() -> None:
    result = read_spec_dir(FAL_DIR, root=FAL_DIR.parents[2])
    assert [e.id for e in result.endpoints] == ["fal-ai/flux/dev", "fal-ai/kling-video/v2.1/standard/image-to-video"]
    assert result.pages == 2
    assert [d.code for d in result.diagnostics] == []
    assert result.endpoints[0].input.fields[0].provenance == Provenance(
        file="tests/docs/fal_openapi/fal-ai__flux__dev.json", line=69
    )


# --- unsupported constructs -------------------------------------------------------------


def read_input(doc: dict[str, Any]) -> tuple[Endpoint, list[Diagnostic]]:
    (endpoint,), diagnostics = read_openapi(doc, "fal.json")
    return endpoint, diagnostics


def test_unsupported_constructs_map_to_nearest_type_with_warnings() -> None:
    doc = minimal_doc(
        pet={
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind"},
        },
        maybe={"type": ["string", "null"]},
        many={"type": ["string", "integer"]},
        fixed={"const": "v1"},
        blob={"type": "string", "format": "binary"},
        strange={"type": "file"},
        merged={"allOf": [{"$ref": "#/components/schemas/Cat"}, {"properties": {"x": {"type": "string"}}}]},
        inline={"type": "object", "title": "Box", "properties": {"w": {"type": "integer"}}, "required": ["w"]},
        shape={"$ref": "#/components/schemas/Shape"},
        far={"$ref": "https://example.com/schema.json"},
        tuple_={"type": "array", "prefixItems": [{"type": "string"}]},
        old_null={"type": "integer", "nullable": True},
        closed={"type": "object", "additionalProperties": False},
    )
    doc["components"]["schemas"].update(
        Cat={"type": "object", "properties": {"meow": {"type": "boolean"}}},
        Dog={"type": "object", "properties": {}},
        Shape={"title": "Shape", "enum": ["circle", "square"], "type": "string"},
    )
    endpoint, diagnostics = read_input(doc)
    fields = {f.name: f for f in endpoint.input.fields}
    assert fields["pet"].type == T("union", variants=[T("ref", ref="Cat"), T("ref", ref="Dog")])
    assert fields["maybe"].type == T("string") and fields["maybe"].nullable
    assert fields["many"].type == T("union", variants=[T("string"), T("integer")])
    assert fields["fixed"].type == T("enum", values=["v1"])  # `const` is exactly a one-value enum
    assert fields["blob"].type == T("string")
    assert fields["strange"].type == T("any")
    assert fields["merged"].type == T("ref", ref="Cat")
    assert fields["inline"].type == T("ref", ref="Box")
    assert fields["shape"].type == T("enum", values=["circle", "square"], name="Shape")  # enum component inlined
    assert fields["far"].type == T("any")
    assert fields["tuple_"].type == T("array", items=T("any"))
    assert fields["old_null"].type == T("integer") and fields["old_null"].nullable
    assert fields["closed"].type == T("map")
    assert [t.name for t in endpoint.types] == ["Cat", "Dog", "Box"]  # Shape is inlined, not a type
    box = endpoint.type("Box")
    assert box is not None and box.fields[0].required

    codes = sorted(d.code for d in diagnostics)
    assert codes == sorted(
        [
            "unsupported-oneof",
            "type-list",
            "type-list",
            "unknown-type",
            "unsupported-allof",
            "inline-object",
            "external-ref",
            "unsupported-tuple",
            "unsupported-schema",
        ]
    )
    for diagnostic in diagnostics:
        assert diagnostic.severity is Severity.WARNING
        assert diagnostic.file == "fal.json"
        assert diagnostic.endpoint_id == "fal-ai/demo"
        assert diagnostic.pointer and diagnostic.pointer.startswith("/components/schemas/DemoInput/properties/")
    (oneof,) = by_code(diagnostics, "unsupported-oneof")
    assert oneof.pointer == "/components/schemas/DemoInput/properties/pet/oneOf"
    assert "discriminator" in oneof.message


# --- malformed inputs -------------------------------------------------------------------


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "openapi": "3.1.0",\n  "info": {,\n}\n')
    endpoints_, diagnostics = read_openapi_file(path, file="bad.json")
    assert endpoints_ == []
    (error,) = diagnostics
    assert (error.code, error.severity, error.file, error.line) == ("invalid-json", Severity.ERROR, "bad.json", 3)
    assert error.render().startswith("bad.json:3: error invalid-json")


def test_not_utf8_and_unreadable(tmp_path: Path) -> None:
    endpoints_, diagnostics = read_openapi_bytes(b'{\n"a": "\xff"}', "latin.json")
    assert endpoints_ == [] and [(d.code, d.line) for d in diagnostics] == [("not-utf8", 2)]
    endpoints_, diagnostics = read_openapi_file(tmp_path / "missing.json", file="missing.json")
    assert endpoints_ == [] and [d.code for d in diagnostics] == ["unreadable"]
    endpoints_, diagnostics = read_openapi_file(tmp_path, file="a-directory")
    assert endpoints_ == [] and [d.code for d in diagnostics] == ["unreadable"]


@pytest.mark.parametrize("value", [[1, 2], "text", 3, None])
def test_json_that_is_not_an_object(value: Any) -> None:
    endpoints_, diagnostics = read_openapi_bytes(json.dumps(value).encode(), "list.json")
    assert endpoints_ == []
    assert [(d.code, d.severity, d.line) for d in diagnostics] == [("not-an-object", Severity.ERROR, 1)]


def test_missing_info_falls_back_to_the_post_path() -> None:
    doc = minimal_doc(prompt={"type": "string"})
    del doc["info"]
    endpoint, diagnostics = read_input(doc)
    assert endpoint.id == "fal-ai/demo"
    assert [d.code for d in diagnostics] == ["missing-info", "missing-endpoint-id"]
    assert diagnostics[0].severity is Severity.ERROR
    assert [f.name for f in endpoint.input.fields] == ["prompt"]


def test_missing_info_and_paths_gives_no_endpoint() -> None:
    endpoints_, diagnostics = read_openapi({"openapi": "3.1.0", "components": {}}, "x.json")
    assert endpoints_ == []
    assert "missing-endpoint-id" in [d.code for d in diagnostics]
    assert any(d.severity is Severity.ERROR for d in diagnostics)


def test_missing_components() -> None:
    doc = minimal_doc()
    del doc["components"]
    endpoint, diagnostics = read_input(doc)
    assert endpoint.id == "fal-ai/demo"
    assert endpoint.input == Schema(name="DemoInput") and endpoint.output == Schema(name="DemoOutput")
    codes = [d.code for d in diagnostics]
    assert codes[0] == "missing-components" and codes.count("dangling-ref") == 2


def test_dangling_ref() -> None:
    doc = minimal_doc(image={"$ref": "#/components/schemas/Nowhere"})
    endpoint, diagnostics = read_input(doc)
    assert endpoint.input.fields[0].type == T("ref", ref="Nowhere")
    (warning,) = diagnostics  # fal's own defect: a warning, never a stopped build
    assert warning.code == "dangling-ref" and warning.severity is Severity.WARNING
    assert warning.pointer == "/components/schemas/DemoInput/properties/image/$ref"
    assert warning.endpoint_id == "fal-ai/demo"
    assert "typed `Any`" in warning.message


def test_unknown_property_type_and_garbage_values() -> None:
    doc = minimal_doc(
        odd={"type": "tensor"},
        listy=["not", "a", "schema"],
        typed_dict={"type": {"what": 1}},
        bad_min={"type": "integer", "minimum": "one", "maxLength": 2.5},
        bad_enum={"enum": "abc"},
        free=True,
    )
    doc["components"]["schemas"]["DemoInput"]["required"] = ["odd", "ghost"]
    doc["components"]["schemas"]["DemoInput"]["x-fal-order-properties"] = ["odd", "ghost", "odd"]
    endpoint, diagnostics = read_input(doc)
    fields = {f.name: f for f in endpoint.input.fields}
    assert list(fields) == ["odd", "listy", "typed_dict", "bad_min", "bad_enum", "free"]
    assert all(f.type == T("any") for name, f in fields.items() if name != "bad_min")
    assert fields["odd"].required
    assert fields["bad_min"].type == T("integer") and fields["bad_min"].constraints == Constraints()
    codes = [d.code for d in diagnostics]
    for code in (
        "unknown-type",
        "bad-property",
        "bad-constraint",
        "unsupported-schema",
        "bad-order",
        "required-not-a-property",
    ):
        assert code in codes, code


def test_duplicate_endpoint_across_files(tmp_path: Path) -> None:
    write_specs([bare_endpoint()], tmp_path)
    (tmp_path / "zz-copy.json").write_bytes((tmp_path / "creatify__lipsync.json").read_bytes())
    (tmp_path / "broken.json").write_text("nope")
    result = read_spec_dir(tmp_path, root=tmp_path)
    assert [e.id for e in result.endpoints] == ["creatify/lipsync"]
    assert result.pages == 3
    assert [(d.code, d.file) for d in result.diagnostics] == [
        ("invalid-json", "broken.json"),
        ("duplicate-endpoint", "zz-copy.json"),
    ]
    missing = read_spec_dir(tmp_path / "nope", root=tmp_path)
    assert [d.code for d in missing.diagnostics] == ["missing-dir"]


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_random_json_never_raises(value: Any) -> None:
    read_openapi(value, "fuzz.json")
    if isinstance(value, dict):
        doc = minimal_doc(**{"p": value})
        doc["components"]["schemas"]["Extra"] = value
        read_openapi(doc, "fuzz.json")


# --- small pieces -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint_id", "name"),
    [
        ("fal-ai/flux-2/klein/4b/base", "Flux2Klein4bBase"),
        ("fal-ai/kling-video/v2.1/master/text-to-video", "KlingVideoV21MasterTextToVideo"),
        ("creatify/lipsync", "CreatifyLipsync"),
        ("decart/lucy-5b/image-to-video", "DecartLucy5bImageToVideo"),
        ("fal-ai/flux/dev", "FluxDev"),
        ("fal-ai/3d-model", "Fal3dModel"),
        ("fal-ai", "Endpoint"),
        ("", "Endpoint"),
        ("owner/fal-ai/x_y", "OwnerFalAiXY"),
    ],
)
def test_schema_base_name(endpoint_id: str, name: str) -> None:
    assert schema_base_name(endpoint_id) == name


def test_pointer_lines() -> None:
    text = '{\n  "a": {\n    "b/c": [\n      1,\n      {"d": 2}\n    ]\n  },\n  "e~": "x"\n}\n'
    lines = pointer_lines(text)
    assert lines[""] == 1
    assert lines["/a"] == 2
    assert lines["/a/b~1c"] == 3
    assert lines["/a/b~1c/0"] == 4
    assert lines["/a/b~1c/1/d"] == 5
    assert lines["/e~0"] == 8
