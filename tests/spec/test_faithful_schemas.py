"""Reading fal's JSON-Schema constructs into the IR without losing or hoisting what they say,
and writing them back: limits on the node that states them, `multipleOf`/`pattern`/
`uniqueItems`, tuples, an `enum` beside an `anyOf`, `additionalProperties`, `{}` Outputs, formats
as annotations, and fal's dangling `$ref` as a warning."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate

from generator.core.ir import Constraints, Severity, TypeExpr
from generator.spec.read import read_openapi
from generator.spec.write import endpoint_to_openapi
from tests.spec.test_spec import assert_round_trip, minimal_doc


def T(kind: str, **kwargs: Any) -> TypeExpr:  # noqa: N802 - reads like a type constructor
    return TypeExpr(kind=kind, **kwargs)  # type: ignore[arg-type]


def read(doc: dict[str, Any]) -> tuple[Any, list[Any]]:
    (endpoint,), diagnostics = read_openapi(doc, "fal.json")
    return endpoint, diagnostics


def test_new_limits_on_the_property() -> None:
    endpoint, diagnostics = read(
        minimal_doc(
            steps={"type": "integer", "multipleOf": 8, "minimum": 8},
            code={"type": "string", "pattern": "^[A-Z]{3}$"},
            tags={"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            maybe={"anyOf": [{"type": "number", "multipleOf": 0.05}, {"type": "null"}]},
        )
    )
    assert diagnostics == []
    fields = {f.name: f for f in endpoint.input.fields}
    assert fields["steps"].constraints == Constraints(multiple_of=8, minimum=8)
    assert fields["code"].constraints == Constraints(pattern="^[A-Z]{3}$")
    assert fields["tags"].constraints == Constraints(unique_items=True)
    # the one non-null branch's limits are the property's (they cannot apply to null)
    assert fields["maybe"].type == T("number") and fields["maybe"].nullable
    assert fields["maybe"].constraints == Constraints(multiple_of=0.05)
    validate(endpoint_to_openapi(endpoint))
    assert_round_trip(endpoint)


def test_limits_stay_on_the_node_that_states_them() -> None:
    endpoint, diagnostics = read(
        minimal_doc(
            weights={"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}, "maxItems": 4},
            mixed={"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "maxLength": 3}]},
            by_name={"type": "object", "additionalProperties": {"type": "number", "minimum": 0}},
        )
    )
    assert diagnostics == []
    fields = {f.name: f for f in endpoint.input.fields}
    assert fields["weights"].type == T("array", items=T("number", constraints=Constraints(minimum=0, maximum=1)))
    assert fields["weights"].constraints == Constraints(max_items=4)
    assert fields["mixed"].type == T(
        "union",
        variants=[T("integer", constraints=Constraints(minimum=1)), T("string", constraints=Constraints(max_length=3))],
    )
    assert fields["mixed"].constraints == Constraints()
    assert fields["by_name"].type == T("map", items=T("number", constraints=Constraints(minimum=0)))
    validate(endpoint_to_openapi(endpoint))
    assert_round_trip(endpoint)


def test_tuples() -> None:
    endpoint, diagnostics = read(
        minimal_doc(
            point={"type": "array", "prefixItems": [{"type": "number"}, {"type": "integer"}], "minItems": 2, "maxItems": 2},
            draft7={"type": "array", "items": [{"type": "string"}, {"type": "string"}], "minItems": 2, "maxItems": 2},
            loose={"type": "array", "prefixItems": [{"type": "number"}], "maxItems": 3},
        )
    )
    fields = {f.name: f for f in endpoint.input.fields}
    assert fields["point"].type == T("tuple", variants=[T("number"), T("integer")])
    assert fields["point"].constraints == Constraints()  # the tuple's own item count
    assert fields["draft7"].type == T("tuple", variants=[T("string"), T("string")])
    assert fields["loose"].type == T("array", items=T("any"))
    assert [(d.code, d.severity) for d in diagnostics] == [("unsupported-tuple", Severity.WARNING)]
    assert diagnostics[0].pointer == "/components/schemas/DemoInput/properties/loose"
    validate(endpoint_to_openapi(endpoint))


def test_enum_beside_any_of_restricts_the_value() -> None:
    endpoint, diagnostics = read(
        minimal_doc(
            voice={"anyOf": [{"type": "string"}, {"type": "null"}], "enum": ["Ivy", "Brian", 3]},
            size={"anyOf": [{"type": "string"}, {"type": "null"}], "enum": ["s", None]},
        )
    )
    fields = {f.name: f for f in endpoint.input.fields}
    assert fields["voice"].type == T("enum", values=["Ivy", "Brian"]) and not fields["voice"].nullable
    assert fields["size"].type == T("enum", values=["s", None])
    (dropped,) = diagnostics
    assert dropped.code == "unsupported-schema" and "3" in dropped.message


def test_enum_values_a_branch_drops_are_named_by_value_and_json_type() -> None:
    """`true` equals `1` and `1` equals `1.0` in Python: the warning still names the dropped ones."""
    _, diagnostics = read(minimal_doc(level={"anyOf": [{"type": "integer"}, {"type": "string"}], "enum": [1, True, 2.0, "x"]}))
    (dropped,) = diagnostics
    assert dropped.code == "unsupported-schema"
    assert dropped.message == "enum value(s) [True, 2.0] fit no branch of the `anyOf` beside them; the bindings drop them"
    assert dropped.pointer == "/components/schemas/DemoInput/properties/level/enum"


def test_an_enum_beside_a_branch_with_a_list_of_types_is_read() -> None:
    """`type: [string, null]` in a branch is a list of kinds (it once crashed the reader: unhashable)."""
    endpoint, diagnostics = read(minimal_doc(level={"anyOf": [{"type": ["string", "null"]}], "enum": ["a", None, 3]}))
    (dropped,) = diagnostics
    assert dropped.message == "enum value(s) [3] fit no branch of the `anyOf` beside them; the bindings drop them"
    (level,) = [f for f in endpoint.input.fields if f.name == "level"]
    assert level.type.values == ["a", None]


def test_additional_properties_and_any_value_output() -> None:
    doc = minimal_doc(options={"type": "object", "properties": {"q": {"type": "integer"}}, "additionalProperties": False})
    schemas = doc["components"]["schemas"]
    schemas["DemoInput"]["additionalProperties"] = True
    schemas["DemoOutput"] = {}
    endpoint, diagnostics = read(doc)
    assert endpoint.input.additional_properties is True
    (options,) = [t for t in endpoint.types if t.name != "DemoInput"]
    assert options.additional_properties is False
    assert endpoint.output.any_value and endpoint.output.fields == []
    typed = minimal_doc()
    typed["components"]["schemas"]["DemoOutput"]["additionalProperties"] = {"type": "number"}
    assert read(typed)[0].output.additional_properties == T("number")
    validate(endpoint_to_openapi(endpoint))
    assert_round_trip(endpoint)


def test_an_input_or_output_that_is_not_an_object_is_read_as_any_value_with_a_warning() -> None:
    """A string, a list, a union or a `$ref` where the Output (or Input) schema should be: never an
    empty object read silently (its model would refuse every output fal's schema allows)."""
    for stated in ({"type": "string"}, {"type": "array", "items": {"type": "string"}}, {"anyOf": [{"type": "string"}, {"type": "null"}]}, {"$ref": "#/components/schemas/Other"}):
        doc = minimal_doc()
        doc["components"]["schemas"]["DemoOutput"] = stated
        doc["components"]["schemas"]["DemoInput"] = {"type": "string"}
        doc["components"]["schemas"]["Other"] = {"type": "object", "properties": {"a": {"type": "integer"}}}
        endpoint, diagnostics = read(doc)
        assert endpoint.output.any_value and endpoint.input.any_value, stated
        assert [(d.code, d.severity) for d in diagnostics] == [("non-object-io", Severity.WARNING)] * 2, stated
        assert "'DemoOutput' is not an object" in diagnostics[1].message and "`FalValue`" in diagnostics[1].message
        assert "'DemoInput' is not an object" in diagnostics[0].message and "open Input" in diagnostics[0].message
        validate(endpoint_to_openapi(endpoint))
        assert_round_trip(endpoint)
    empty = minimal_doc()
    empty["components"]["schemas"]["DemoOutput"] = {"type": "object"}
    endpoint, diagnostics = read(empty)
    assert not endpoint.output.any_value and diagnostics == []  # an object without properties


def test_formats_and_const_are_no_gap() -> None:
    endpoint, diagnostics = read(
        minimal_doc(
            blob={"type": "string", "format": "binary"},
            link={"type": "string", "format": "uri"},
            uid={"type": "string", "format": "uuid4"},
            fixed={"const": "v1"},
        )
    )
    assert diagnostics == []
    assert [f.type for f in endpoint.input.fields] == [T("string"), T("string"), T("string"), T("enum", values=["v1"])]


def test_a_pattern_python_cannot_compile_is_reported() -> None:
    endpoint, diagnostics = read(minimal_doc(name={"type": "string", "pattern": r"^\p{L}+$"}))
    (warning,) = diagnostics
    assert (warning.code, warning.severity) == ("pattern-not-enforced", Severity.WARNING)
    assert warning.pointer == "/components/schemas/DemoInput/properties/name/pattern"
    assert warning.endpoint_id == "fal-ai/demo"
    assert endpoint.input.fields[0].constraints.pattern == r"^\p{L}+$"  # kept in the spec


def test_dangling_refs_are_warnings_with_the_name_kept() -> None:
    doc = minimal_doc(points={"type": "array", "items": {"$ref": "#/components/schemas/Point"}})
    doc["paths"]["/fal-ai/demo/requests/{request_id}"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] = {"$ref": "#/components/schemas/Missing"}
    endpoint, diagnostics = read(doc)
    assert [(d.code, d.severity) for d in diagnostics] == [("dangling-ref", Severity.WARNING)] * 2
    assert endpoint.input.fields[0].type == T("array", items=T("ref", ref="Point"))
