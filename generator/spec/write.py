"""IR -> OpenAPI 3.1: one normalized document per endpoint (layout: `specs/README.md`).

The document follows fal's own per-endpoint queue OpenAPI (`info.x-fal-metadata`, the four
queue paths, `components.schemas` with `<Name>Input`, `<Name>Output`, the nested types and
`QueueStatus`). Everything the IR knows that JSON Schema has no slot for rides in `x-fal-*`
keys, so `generator.spec.read.read_openapi` reads every written document back into the
identical IR.

Encoding rules (the reader in `sources/openapi.py` is their inverse):

- scalar kinds -> `{"type": kind}`; `any` -> `{}`; `null` -> `{"type": "null"}`
- array -> `{"type": "array", "items": T}` (no `items` when the IR has none)
- map -> `{"type": "object", "additionalProperties": T}` (no `additionalProperties` when none)
- ref -> `{"$ref": "#/components/schemas/<key>"}`; a ref to a name the endpoint does not
  define -> `{"x-fal-unresolved-ref": name}` (a dangling `$ref` would not validate)
- enum -> `{"enum": values, "type": <json type of the values>, "x-fal-enum-name": name}`
- union -> `{"anyOf": [...]}`; a union with no variants -> `{"x-fal-type": "union"}`
- a nullable property -> `anyOf` with a trailing `{"type": "null"}` (a nullable union lists
  its variants then the null); a non-nullable union whose last variant is `null` carries
  `"x-fal-nullable": false`
- a property of ref type is wrapped as `{"allOf": [{"$ref": ...}], "title": ...}`, as fal does
- a property that carries file URLs (a string or a list of them) gets `"x-fal-file": true`
- a default that does not validate against its own property schema (the docs contradict
  themselves) goes to `x-fal-invalid-default`, so the document stays valid; negative length
  limits go to `x-fal-invalid-constraints` for the same reason
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from generator.build.output import OutputFolder
from generator.core.ir import Constraints, Endpoint, Example, Property, Provenance, Schema, TypeExpr, TypeKind
from generator.core.names import schema_base_name, spec_file_name
from generator.spec.keys import (
    CONSTRAINT_KEYS,
    LENGTH_KEYWORDS,
    NULL_SCHEMA,
    OPENAPI_VERSION,
    QUEUE_SERVER,
    QUEUE_STATUS,
    SCHEMA_REF_PREFIX,
    SECURITY_SCHEME,
    SPEC_VERSION,
    X_DUPLICATES,
    X_ENUM_NAME,
    X_EXAMPLE_FROM_PROPERTIES,
    X_EXAMPLE_SOURCE,
    X_FILE,
    X_INFERRED,
    X_INVALID_CONSTRAINTS,
    X_INVALID_DEFAULT,
    X_METADATA,
    X_NULLABLE,
    X_ORDER,
    X_ORIGINAL_NAME,
    X_PROVENANCE,
    X_REQUIRED_SOURCE,
    X_SOURCE,
    X_TYPE,
    X_UNRESOLVED_REF,
    X_VARIANTS,
    JsonDict,
    json_type,
    sanitize_component_key,
)

_SCALAR_KINDS = frozenset({"string", "integer", "number", "boolean", "null"})


def property_title(name: str) -> str:
    """The `title` fal (pydantic) gives a property: `image_size` -> `Image Size`."""
    return name.title().replace("_", " ")


def format_provenance(provenance: Provenance) -> str:
    return f"{provenance.file}:{provenance.line}"


@dataclass
class ComponentNames:
    """The component keys of one endpoint's schemas and how IR names map onto them."""

    input_key: str
    output_key: str
    type_keys: list[str] = field(default_factory=list)
    """One key per `Endpoint.types` entry, in the same order."""
    by_name: dict[str, str] = field(default_factory=dict)
    """IR schema name -> component key (the first schema of a name wins, as `Endpoint.type`)."""

    @classmethod
    def of(cls, endpoint: Endpoint) -> ComponentNames:
        base = schema_base_name(endpoint.id)
        names = cls(input_key=f"{base}Input", output_key=f"{base}Output")
        used = {names.input_key, names.output_key, QUEUE_STATUS}
        for schema in endpoint.types:
            stem = sanitize_component_key(schema.name)
            key, counter = stem, 2
            while key in used:
                key, counter = f"{stem}_{counter}", counter + 1
            used.add(key)
            names.type_keys.append(key)
            names.by_name.setdefault(schema.name, key)
        names.by_name.setdefault(endpoint.input.name, names.input_key)
        names.by_name.setdefault(endpoint.output.name, names.output_key)
        return names


# --- types and properties ---------------------------------------------------------------


def _enum_json_type(values: list[Any]) -> str | None:
    """The one JSON type of every value (`number` for ints mixed with floats), else None."""
    kinds = {json_type(value) for value in values}
    if kinds == {"integer", "number"}:
        return "number"
    if len(kinds) == 1:
        return kinds.pop()
    return None


def encode_type(expr: TypeExpr, names: ComponentNames) -> JsonDict:
    """One IR type as a JSON Schema (no annotations; see the module docstring), with the
    limits the node carries."""
    out = _encode_bare_type(expr, names)
    if expr.constraints is not None:
        _put_constraints(out, expr.constraints, expr.kind)
    return out


def _encode_bare_type(expr: TypeExpr, names: ComponentNames) -> JsonDict:
    kind = expr.kind
    if kind in _SCALAR_KINDS:
        return {"type": kind}
    if kind == "any":
        return {}
    if kind == "array":
        out: JsonDict = {"type": "array"}
        if expr.items is not None:
            out["items"] = encode_type(expr.items, names)
        return out
    if kind == "tuple":
        variants = expr.variants or []
        return {
            "type": "array",
            "prefixItems": [encode_type(variant, names) for variant in variants],
            "minItems": len(variants),
            "maxItems": len(variants),
        }
    if kind == "map":
        out = {"type": "object"}
        if expr.items is not None:
            out["additionalProperties"] = encode_type(expr.items, names)
        return out
    if kind == "ref":
        key = names.by_name.get(expr.ref) if expr.ref is not None else None
        if key is None:
            return {X_UNRESOLVED_REF: expr.ref}
        return {"$ref": SCHEMA_REF_PREFIX + key}
    if kind == "enum":
        if expr.values is None:
            out = {X_TYPE: "enum"}
        else:
            out = {"enum": list(expr.values)}
            enum_type = _enum_json_type(expr.values)
            if enum_type is not None:
                out["type"] = enum_type
        if expr.name is not None:
            out[X_ENUM_NAME] = expr.name
        return out
    if kind == "union":
        if not expr.variants:
            out = {X_TYPE: "union"}
            if expr.variants is not None:
                out[X_VARIANTS] = []
            return out
        return {"anyOf": [encode_type(variant, names) for variant in expr.variants]}
    raise ValueError(f"unknown type kind {kind!r}")


def _encode_field_type(item: Property, names: ComponentNames) -> JsonDict:
    encoded = encode_type(item.type, names)
    if item.nullable:
        variants = item.type.variants or []
        if item.type.kind == "union" and len(variants) >= 2:
            return {"anyOf": [*encoded["anyOf"], dict(NULL_SCHEMA)]}
        return {"anyOf": [encoded, dict(NULL_SCHEMA)]}
    any_of = encoded.get("anyOf")
    if isinstance(any_of, list) and len(any_of) >= 2 and any_of[-1] == NULL_SCHEMA:
        encoded[X_NULLABLE] = False
    if "$ref" in encoded:
        return {"allOf": [encoded]}
    return encoded


def _encode_constraints(constraints: Constraints) -> tuple[JsonDict, JsonDict]:
    """(valid JSON Schema limits, limits a validator would reject: negative lengths)."""
    valid: JsonDict = {}
    invalid: JsonDict = {}
    for attribute, keyword in CONSTRAINT_KEYS:
        value = getattr(constraints, attribute)
        if value is None:
            continue
        if (keyword in LENGTH_KEYWORDS and value < 0) or (keyword == "multipleOf" and value <= 0):
            invalid[keyword] = value
        else:
            valid[keyword] = value
    if constraints.pattern is not None:
        valid["pattern"] = constraints.pattern
    if constraints.unique_items:
        valid["uniqueItems"] = True
    return valid, invalid


def _put_constraints(out: JsonDict, constraints: Constraints, kind: TypeKind) -> None:
    """Adds the limits to a node of type `kind`: the valid ones as JSON Schema keywords, the
    others under `x-fal-invalid-constraints`."""
    valid, invalid = _encode_constraints(constraints)
    if kind == "tuple":  # its number of items is the tuple's own
        valid = {key: value for key, value in valid.items() if key not in ("minItems", "maxItems")}
    out.update(valid)
    if invalid:
        out[X_INVALID_CONSTRAINTS] = invalid


def encode_field(item: Property, names: ComponentNames) -> JsonDict:
    """One property: title, description, type, default, limits, then `x-fal-*` keys."""
    out: JsonDict = {"title": property_title(item.name)}
    if item.description:
        out["description"] = item.description
    out.update(_encode_field_type(item, names))
    if item.has_default:
        out["default"] = item.default
    _put_constraints(out, item.constraints, item.type.kind)
    if item.constraints.inferred:
        out[X_INFERRED] = True
    if item.file:
        out[X_FILE] = True
    out[X_REQUIRED_SOURCE] = item.required_source
    if item.provenance is not None:
        out[X_SOURCE] = format_provenance(item.provenance)
    return out


def encode_schema(schema: Schema, key: str, names: ComponentNames, example: Example | None = None) -> JsonDict:
    """One object schema as a component (`examples` only for an endpoint's Input/Output)."""
    out: JsonDict = {"title": schema.name} if schema.any_value else {"title": schema.name, "type": "object"}
    if key != schema.name:
        out[X_ORIGINAL_NAME] = schema.name
    if schema.description:
        out["description"] = schema.description
    properties: JsonDict = {}
    required: list[str] = []
    order: list[str] = []
    duplicates: list[JsonDict] = []
    for item in schema.fields:
        order.append(item.name)
        encoded = encode_field(item, names)
        if item.name in properties:
            duplicates.append({"name": item.name, "required": item.required, "schema": encoded})
            continue
        properties[item.name] = encoded
        if item.required:
            required.append(item.name)
    if properties or not schema.any_value:
        out["properties"] = properties
    if required:
        out["required"] = required
    extra = schema.additional_properties
    if extra is not None:
        out["additionalProperties"] = extra if isinstance(extra, bool) else encode_type(extra, names)
    out[X_ORDER] = order
    if duplicates:
        out[X_DUPLICATES] = duplicates
    if schema.provenance is not None:
        out[X_SOURCE] = format_provenance(schema.provenance)
    if example is not None:
        out["examples"] = [example.value]
        if example.provenance is not None:
            out[X_EXAMPLE_SOURCE] = format_provenance(example.provenance)
        if example.from_properties:
            out[X_EXAMPLE_FROM_PROPERTIES] = True
    return out


def _move_invalid_defaults(schemas: JsonDict) -> None:
    """Move every property default its own schema rejects to `x-fal-invalid-default`.

    openapi-spec-validator checks each `default` against its schema; docs that contradict
    themselves (`default: 0` with `minimum: 1`, an enum default not in the enum) would make
    the whole document invalid.
    """
    components = {"schemas": schemas}
    for component in schemas.values():
        properties = component.get("properties")
        if not isinstance(properties, dict):
            continue
        props: list[JsonDict] = list(properties.values())
        props.extend(entry["schema"] for entry in component.get(X_DUPLICATES, []))
        for prop in props:
            if "default" not in prop:
                continue
            check = {key: value for key, value in prop.items() if key != "default"}
            check["components"] = components
            if not jsonschema.Draft202012Validator(check).is_valid(prop["default"]):
                value = prop.pop("default")
                prop[X_INVALID_DEFAULT] = value


# --- the document ---------------------------------------------------------------------


def queue_status_schema() -> JsonDict:
    """fal's queue status object, as its per-endpoint documents define it."""

    def text(description: str) -> JsonDict:
        return {"type": "string", "description": description}

    return {
        "title": QUEUE_STATUS,
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]},
            "request_id": text("The request id."),
            "response_url": text("The response url."),
            "status_url": text("The status url."),
            "cancel_url": text("The cancel url."),
            "logs": {"type": "object", "description": "The logs.", "additionalProperties": True},
            "metrics": {
                "type": "object",
                "description": "The metrics.",
                "additionalProperties": True,
            },
            "queue_position": {"type": "integer", "description": "The queue position."},
        },
        "required": ["status", "request_id"],
    }


def _json_response(description: str, schema: JsonDict) -> JsonDict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _paths(endpoint_id: str, names: ComponentNames) -> JsonDict:
    base = "/" + endpoint_id
    request_id: JsonDict = {
        "name": "request_id",
        "in": "path",
        "required": True,
        "description": "Request ID",
        "schema": {"type": "string"},
    }
    queue_status = {"$ref": SCHEMA_REF_PREFIX + QUEUE_STATUS}
    return {
        base: {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": SCHEMA_REF_PREFIX + names.input_key}}},
                },
                "responses": {"200": _json_response("The request status.", queue_status)},
            }
        },
        f"{base}/requests/{{request_id}}/status": {
            "get": {
                "parameters": [
                    request_id,
                    {
                        "name": "logs",
                        "in": "query",
                        "required": False,
                        "description": "Whether to include logs (`1`) in the response or not (`0`).",
                        "schema": {"type": "number"},
                    },
                ],
                "responses": {"200": _json_response("The request status.", queue_status)},
            }
        },
        f"{base}/requests/{{request_id}}/cancel": {
            "put": {
                "parameters": [request_id],
                "responses": {
                    "202": _json_response(
                        "The request was cancelled.",
                        {
                            "type": "object",
                            "properties": {
                                "success": {
                                    "type": "boolean",
                                    "description": "Whether the request was cancelled successfully.",
                                }
                            },
                        },
                    )
                },
            }
        },
        f"{base}/requests/{{request_id}}": {
            "get": {
                "parameters": [request_id],
                "responses": {
                    "200": _json_response("Result of the request.", {"$ref": SCHEMA_REF_PREFIX + names.output_key})
                },
            }
        },
    }


def endpoint_to_openapi(endpoint: Endpoint) -> JsonDict:
    """The OpenAPI 3.1 document of one endpoint (a fresh dict; safe to mutate)."""
    names = ComponentNames.of(endpoint)
    metadata: JsonDict = {"endpointId": endpoint.id}
    if endpoint.category is not None:
        metadata["category"] = endpoint.category
    if endpoint.status is not None:
        metadata["status"] = endpoint.status
    if endpoint.tags:
        metadata["tags"] = list(endpoint.tags)
    metadata["capabilities"] = list(endpoint.capabilities)

    schemas: JsonDict = {
        names.input_key: encode_schema(endpoint.input, names.input_key, names, endpoint.example_input),
        names.output_key: encode_schema(endpoint.output, names.output_key, names, endpoint.example_output),
    }
    for schema, key in zip(endpoint.types, names.type_keys, strict=True):
        schemas[key] = encode_schema(schema, key, names)
    _move_invalid_defaults(schemas)
    schemas[QUEUE_STATUS] = queue_status_schema()

    provenance: JsonDict = {}
    if endpoint.provenance is not None:
        provenance["page"] = format_provenance(endpoint.provenance)
    provenance["sources"] = [format_provenance(source) for source in endpoint.sources]

    doc: JsonDict = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": endpoint.title,
            "version": SPEC_VERSION,
            "description": endpoint.description,
            X_METADATA: metadata,
        },
        "servers": [{"url": QUEUE_SERVER}],
        "security": [{SECURITY_SCHEME: []}],
        "paths": _paths(endpoint.id, names),
        "components": {
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": 'Fal Key, sent as "Key <FAL_KEY>".',
                }
            },
            "schemas": schemas,
        },
        X_PROVENANCE: provenance,
    }
    # A deep copy: the document holds IR values (defaults, examples) by reference and shares
    # the request_id parameter between operations; callers may mutate what they get.
    copied: JsonDict = json.loads(json.dumps(doc))
    return copied


def render_spec(doc: JsonDict) -> bytes:
    """The committed bytes of a document: 2-space JSON, keys in insertion order, newline."""
    text = json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates in doc text: fall back to \\u escapes
        return (json.dumps(doc, indent=2, ensure_ascii=True, sort_keys=False) + "\n").encode()


def write_specs(endpoints: Iterable[Endpoint], out_dir: Path) -> list[Path]:
    """Write one spec per endpoint into `out_dir` (see `write_documents`); return their paths,
    sorted by name."""
    rendered: dict[str, bytes] = {}
    owners: dict[str, str] = {}
    for endpoint in endpoints:
        name = spec_file_name(endpoint.id)
        if name in rendered:
            raise ValueError(f"endpoints {owners[name]!r} and {endpoint.id!r} both write {name}")
        owners[name] = endpoint.id
        rendered[name] = render_spec(endpoint_to_openapi(endpoint))
    return write_documents(rendered, out_dir)


def write_documents(documents: dict[str, bytes], out_dir: Path, folder: OutputFolder | None = None) -> list[Path]:
    """Make `out_dir` hold `documents` (file name -> bytes) and no other file an earlier falgen
    run wrote there (see `generator.build.output`; without `folder`, the caller's hold on `out_dir`,
    the write takes its own).

    Files whose bytes are unchanged are left alone (keeping their mtime); changed ones are
    written to a temporary file and moved into place with `os.replace`.
    """
    if folder is None:
        with OutputFolder(out_dir) as held:
            return write_documents(documents, out_dir, held)
    folder.begin(documents)
    for name in sorted(documents):
        if not folder.holds(name, documents[name]):
            folder.write(name, documents[name])
    folder.prune(documents)
    folder.finish(documents)
    return [out_dir / name for name in sorted(documents)]
