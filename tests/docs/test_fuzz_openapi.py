"""The OpenAPI front-end never raises, whatever JSON it is given.

Inputs: random JSON fragments built from OpenAPI-ish keys (openapi, info, paths, components,
schemas, properties, type, $ref, anyOf, allOf, enum, items, required, default, x-fal-*) with
random values, whole documents with that kind of random schemas in the right places, and
mutations of real specs (`specs/openapi`, `tests/docs/fal_openapi`): keys deleted, values replaced by
random fragments or by values of the wrong type, refs pointed at nothing or at themselves,
numbers out of range. Each goes to `read_openapi(doc, "fuzz.json")` and, as bytes (sometimes
cut short or with stray bytes), to `read_openapi_bytes`. Both must return
`(endpoints, diagnostics)`, every diagnostic naming the file and a code; whatever endpoint is
read must be valid IR that the spec writer and the Python view accept.

`FALGEN_FUZZ_EXAMPLES` sets the examples per test (default 60); counts are reported through
`tests.fuzz_report` (`FALGEN_FUZZ_REPORT`).
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core.ir import Diagnostic, Endpoint, TypeExpr
from generator.core.names import spec_file_name
from generator.python.annotate import nesting
from generator.python.package import build_package
from generator.spec.read import read_openapi, read_openapi_bytes
from generator.spec.write import endpoint_to_openapi, render_spec
from tests.conftest import ROOT
from tests.fuzz_report import EXAMPLES, counted, fuzz_report  # noqa: F401  (fixture)

FILE = "fuzz.json"
REAL_SPECS = sorted((ROOT / "specs" / "openapi").glob("*.json")) + sorted((ROOT / "tests" / "docs" / "fal_openapi").glob("*.json"))
REAL_DOCS: list[Any] = [json.loads(path.read_text(encoding="utf-8")) for path in REAL_SPECS]

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

X_KEYS = [
    "x-fal-metadata", "x-fal-provenance", "x-fal-order-properties", "x-fal-source", "x-fal-required-source",
    "x-fal-inferred-constraints", "x-fal-invalid-constraints", "x-fal-invalid-default", "x-fal-enum-name",
    "x-fal-original-name", "x-fal-example-source", "x-fal-unresolved-ref", "x-fal-type", "x-fal-variants",
    "x-fal-nullable", "x-fal-duplicate-properties",
]
SCHEMA_KEYS = [
    "type", "$ref", "anyOf", "allOf", "oneOf", "enum", "const", "items", "properties", "required", "default",
    "title", "description", "additionalProperties", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "format", "examples", "nullable", "prefixItems", "not",
]
DOC_KEYS = [
    "openapi", "info", "paths", "components", "schemas", "endpointId", "category", "capabilities", "requestBody",
    "content", "application/json", "schema", "responses", "200", "get", "post", "page", "sources", "servers",
]
KEYS = X_KEYS + SCHEMA_KEYS + DOC_KEYS
SCHEMA_NAMES = ["DemoInput", "DemoOutput", "Image", "ImageSize", "QueueStatus", "Node", "", "a/b", "ünï", "Input"]
TYPES = ["object", "string", "integer", "number", "boolean", "array", "null", "map", "Object", "", "any"]
REQUIRED_SOURCES = ["marker", "schema", "default", "wording", "other-page", "example", "rule", "bogus"]

text = st.text(max_size=12)
special_strings = st.sampled_from(
    [
        *TYPES,
        *REQUIRED_SOURCES,
        *(f"#/components/schemas/{name}" for name in SCHEMA_NAMES),
        "#/components/schemas/",
        "#/definitions/X",
        "#",
        "http://example.com/x.json#/A",
        "fal-ai/demo",
        "",
        "queue",
        "streaming",
        "realtime",
        "page.txt:12",
        "page.txt:-1",
        "page.txt:x",
        ":",
        "3.1.0",
        "uri",
        "binary",
        '"""',
        "\x00",
        "\ud800",
    ]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from([0, -1, 1, 2**63, -(2**63), 10**40])
    | st.floats()  # NaN and infinities too: `read_openapi` takes Python objects
    | text
    | special_strings
)
keys = st.sampled_from(KEYS) | st.sampled_from(SCHEMA_NAMES) | text


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5)


fragments = st.recursive(scalars, _containers, max_leaves=25)


@st.composite
def schema_nodes(draw: st.DrawFn, depth: int = 0) -> Any:
    """Something shaped like a JSON Schema node, often close to valid, sometimes not."""
    if depth > 3 or draw(st.integers(0, 9)) == 0:
        return draw(fragments)
    node: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(SCHEMA_KEYS + X_KEYS), max_size=6, unique=True)):
        if key == "type":
            node[key] = draw(st.sampled_from(TYPES) | st.lists(st.sampled_from(TYPES), max_size=3) | scalars)
        elif key == "$ref":
            node[key] = draw(st.sampled_from([f"#/components/schemas/{n}" for n in SCHEMA_NAMES]) | scalars)
        elif key in ("anyOf", "allOf", "oneOf", "prefixItems"):
            node[key] = draw(st.lists(schema_nodes(depth + 1), max_size=3) | scalars)
        elif key in ("items", "additionalProperties", "not"):
            node[key] = draw(schema_nodes(depth + 1) | st.booleans())
        elif key == "properties":
            node[key] = draw(st.dictionaries(st.sampled_from(["prompt", "seed", "", "a b", "class"]) | text, schema_nodes(depth + 1), max_size=4) | scalars)
        elif key in ("required", "x-fal-order-properties"):
            node[key] = draw(st.lists(st.sampled_from(["prompt", "seed", "", "missing"]) | text, max_size=4) | scalars)
        elif key == "enum":
            node[key] = draw(st.lists(scalars | fragments, max_size=4) | scalars)
        elif key == "x-fal-duplicate-properties":
            entry = st.fixed_dictionaries({"name": st.sampled_from(["prompt", "seed"]) | scalars, "required": scalars, "schema": schema_nodes(depth + 1)})
            node[key] = draw(st.lists(entry | fragments, max_size=2) | scalars)
        else:
            node[key] = draw(scalars | fragments)
    return node


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """A document with the fal layout's skeleton, so the reader gets down to the schemas."""
    endpoint_id = draw(st.sampled_from(["fal-ai/demo", "owner/x", "", "a__b/c", "x" * 300]) | text | scalars)
    base = "Demo"
    schemas = {name: draw(schema_nodes()) for name in draw(st.lists(st.sampled_from(SCHEMA_NAMES), max_size=5, unique=True))}
    schemas.setdefault(f"{base}Input", draw(schema_nodes()))
    schemas.setdefault(f"{base}Output", draw(schema_nodes()))
    request = {"$ref": draw(st.sampled_from([f"#/components/schemas/{base}Input", "#/components/schemas/Missing"]) | scalars)}
    response = {"$ref": draw(st.sampled_from([f"#/components/schemas/{base}Output", "#/components/schemas/Missing"]) | scalars)}
    path = f"/{endpoint_id}" if isinstance(endpoint_id, str) else "/x"
    doc: dict[str, Any] = {
        "openapi": draw(st.sampled_from(["3.1.0", "3.0.0", ""]) | scalars),
        "info": {"title": draw(text), "version": "1", "x-fal-metadata": {"endpointId": endpoint_id, "capabilities": draw(fragments), "category": draw(scalars)}},
        "paths": {
            path: {"post": {"requestBody": {"content": {"application/json": {"schema": request}}}}},
            f"{path}/requests/{{request_id}}": {"get": {"responses": {"200": {"content": {"application/json": {"schema": response}}}}}},
        },
        "components": {"schemas": schemas},
        "x-fal-provenance": draw(st.fixed_dictionaries({"page": scalars, "sources": st.lists(scalars, max_size=3)}) | fragments),
    }
    for _ in range(draw(st.integers(0, 3))):
        mutate(draw, doc)
    return doc


def _paths(node: Any, prefix: tuple[Any, ...] = (), limit: int = 400) -> list[tuple[Any, ...]]:
    """Every path to a value inside `node` (dict keys and list indexes), breadth first."""
    found: list[tuple[Any, ...]] = [prefix]
    queue: list[tuple[tuple[Any, ...], Any]] = [(prefix, node)]
    while queue and len(found) < limit:
        path, value = queue.pop(0)
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
        for key, child in children:
            found.append((*path, key))
            queue.append(((*path, key), child))
    return found


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node


WRONG_TYPES = [None, True, 0, -1, 1.5, math.inf, math.nan, "", "text", [], {}, [1, "a"], {"a": None}, 10**30]


def mutate(draw: st.DrawFn, doc: Any) -> None:
    """One edit at a random place of `doc` (in place)."""
    paths = _paths(doc)[1:]
    if not paths:
        return
    path = draw(st.sampled_from(paths))
    parent = _parent(doc, path)
    key = path[-1]
    kind = draw(st.sampled_from(["delete", "fragment", "wrong-type", "ref", "self-ref", "duplicate", "deep", "string-number"]))
    if kind == "delete":
        del parent[key]
    elif kind == "fragment":
        parent[key] = draw(fragments)
    elif kind == "wrong-type":
        parent[key] = copy.deepcopy(draw(st.sampled_from(WRONG_TYPES)))
    elif kind == "ref":
        parent[key] = {"$ref": draw(st.sampled_from([f"#/components/schemas/{n}" for n in SCHEMA_NAMES]) | text)}
    elif kind == "self-ref" and isinstance(doc, dict):
        schemas = doc.get("components", {}).get("schemas") if isinstance(doc.get("components"), dict) else None
        names = list(schemas) if isinstance(schemas, dict) and schemas else ["X"]
        parent[key] = {"$ref": f"#/components/schemas/{draw(st.sampled_from(names))}", "allOf": [{"$ref": f"#/components/schemas/{draw(st.sampled_from(names))}"}]}
    elif kind == "duplicate":
        other = draw(st.sampled_from(paths))
        with contextlib.suppress(KeyError, IndexError, TypeError):  # an edit above moved it
            parent[key] = copy.deepcopy(_parent(doc, other)[other[-1]])
    elif kind == "deep":
        value: Any = draw(scalars)
        for _ in range(draw(st.integers(50, 300))):
            value = {"items": value, "type": "array"} if draw(st.booleans()) else [value]
        parent[key] = value
    elif kind == "string-number":
        parent[key] = draw(st.sampled_from(["1e999", "NaN", "-0", "9" * 400, "0x10", "1_000"]))


@st.composite
def mutated_real_specs(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(draw(st.sampled_from(REAL_DOCS)))
    for _ in range(draw(st.integers(1, 6))):
        mutate(draw, doc)
    return doc


any_document = fragments | documents() | mutated_real_specs() | st.dictionaries(st.sampled_from(KEYS), fragments, max_size=6)


def check(endpoints: list[Endpoint], diagnostics: list[Diagnostic]) -> None:
    assert isinstance(endpoints, list) and isinstance(diagnostics, list)
    for diagnostic in diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        assert diagnostic.file == FILE, diagnostic
        assert diagnostic.code, diagnostic
        # The reader's catch-all for its own exceptions is a safety net, not a way to read.
        assert diagnostic.code != "reader-failure", diagnostic
    for endpoint in endpoints:
        assert isinstance(endpoint, Endpoint)
        # Valid IR that the writers accept: the spec writer and the Python view. (pydantic's
        # own JSON stops at ~250 levels; absurdly deep types are checked by the writers only.)
        if _ir_depth(endpoint) < 100:
            type(endpoint).model_validate_json(endpoint.model_dump_json())
        document = render_spec(endpoint_to_openapi(endpoint))
        spec_file_name(endpoint.id)
        build_package([endpoint], {endpoint.id: document}, {endpoint.id: spec_file_name(endpoint.id)})


def _depth(t: TypeExpr) -> int:
    children = [*(t.variants or []), *([t.items] if t.items else [])]
    values = max((nesting(value, 101) for value in t.values or []), default=0)
    return 1 + max(values, max((_depth(child) for child in children), default=0))


def _ir_depth(endpoint: Endpoint) -> int:
    """How deeply types and JSON values nest in an endpoint."""
    fields = [f for schema in endpoint.all_schemas() for f in schema.fields]
    examples = [e.value for e in (endpoint.example_input, endpoint.example_output) if e is not None]
    return max(
        [0, *(_depth(f.type) for f in fields), *(nesting(f.default, 101) for f in fields), *(nesting(v, 101) for v in examples)]
    )


@FUZZ
@given(any_document)
@counted
def test_read_openapi_never_raises(doc: Any) -> None:
    check(*read_openapi(doc, FILE))


def _to_bytes(doc: Any) -> bytes:
    try:
        return json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except (ValueError, RecursionError):
        return b"{}"


@FUZZ
@given(any_document, st.sampled_from(["as-is", "truncate", "junk", "bom", "latin1"]), st.data())
@counted
def test_read_openapi_bytes_never_raises(doc: Any, damage: str, data: st.DataObject) -> None:
    raw = _to_bytes(doc)
    if damage == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif damage == "junk":
        at = data.draw(st.integers(0, len(raw)))
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=20)) + raw[at:]
    elif damage == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif damage == "latin1":
        raw = raw.decode("utf-8", "replace").encode("latin-1", "replace")
    check(*read_openapi_bytes(raw, FILE))


@FUZZ
@given(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "1" * 5000, "[" * 100_000, '{"a":' * 50_000]))
@counted
def test_read_openapi_bytes_rejects_what_json_does_not_allow(token: str) -> None:
    endpoints, diagnostics = read_openapi_bytes(f'{{"openapi": "3.1.0", "x": {token}}}'.encode(), FILE)
    assert endpoints == []
    assert [d.code for d in diagnostics] == ["invalid-json"]
    check(endpoints, diagnostics)
