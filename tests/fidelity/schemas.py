"""fal's Input/Output schemas, exactly as a fal OpenAPI document states them, made self-contained.

Dialect. fal labels its documents OpenAPI 3.0, but the schemas are pydantic's JSON Schema:
`{"type": "null"}` inside `anyOf`, `exclusiveMinimum` as a number (draft 6+ semantics; OpenAPI 3.0
would have a boolean), `prefixItems` for tuples. A few also use OpenAPI 3.0's `nullable: true`.
We validate and draw under JSON Schema **Draft 7** (the newest dialect hypothesis-jsonschema
understands; every keyword fal uses means the same there as in 2020-12), after three rewrites
that keep the meaning:

- `nullable: true` -> `anyOf: [<the schema>, {"type": "null"}]` (null allowed whatever else the
  node says; OpenAPI 3.0.3's "null must also be in `enum`" reading is not applied);
- `prefixItems: [...]` -> Draft 7 tuple `items: [...]` (and `items` beside it -> `additionalItems`);
- `#/components/schemas/X` -> `#/definitions/X`; a `$ref` to a schema the document never
  defines becomes `{}` (anything) and is listed in `Extracted.dangling`.

`format` is an annotation (as Draft 7 validators treat it by default): any string is valid.
Annotations beside `$ref` (`description`, `default`, `examples`) are ignored, as in Draft 7.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

COMPONENTS_PREFIX = "#/components/schemas/"
DEFINITIONS_PREFIX = "#/definitions/"
NULLABLE_MARK = "x-fidelity-nullable"  # set on the anyOf made from `nullable: true`
CLOSED_MARK = "x-fidelity-closed"  # set where `closed_objects` added `additionalProperties: false`
SIDES = ("input", "output")


class DocumentError(Exception):
    """A document the harness cannot read as a fal endpoint document (reported, never raised out)."""


@dataclass
class Side:
    """One side (input or output) of an endpoint: the schema as fal states it, self-contained."""

    name: str  # "input" | "output"
    root: str | None  # component name the document's $ref points at (None: inline or missing)
    schema: dict[str, Any]  # Draft 7, self-contained: {"$ref": "#/definitions/Root", "definitions": {...}}
    dangling: list[str] = field(default_factory=list)  # component names referenced but undefined

    def closed(self) -> Side:
        """This side with open objects closed (see `closed_objects`): how `Input` is judged."""
        return Side(self.name, self.root, closed_objects(self.schema), list(self.dangling))

    def validator(self) -> jsonschema.protocols.Validator:
        return jsonschema.Draft7Validator(self.schema)

    def resolve(self, node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """Follow `$ref`s from `node`; returns the target and its components pointer (or None)."""
        pointer = None
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 64:
            name = node["$ref"][len(DEFINITIONS_PREFIX) :]
            node = self.schema["definitions"].get(name, {})
            pointer = COMPONENTS_PREFIX + name
            seen += 1
        return node, pointer


@dataclass
class Extracted:
    endpoint_id: str
    path: Path
    input: Side
    output: Side

    def side(self, name: str) -> Side:
        return self.input if name == "input" else self.output


def load_document(path: Path) -> Extracted:
    """Read one fal per-endpoint OpenAPI document; `DocumentError` when it is not one."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(f"{path}: not readable JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise DocumentError(f"{path}: not a JSON object")
    meta = (doc.get("info") or {}).get("x-fal-metadata") or {}
    endpoint_id = meta.get("endpointId")
    if not isinstance(endpoint_id, str) or not endpoint_id:
        raise DocumentError(f"{path}: no info.x-fal-metadata.endpointId")
    components = ((doc.get("components") or {}).get("schemas")) or {}
    if not isinstance(components, dict):
        raise DocumentError(f"{path}: components.schemas is not an object")
    input_ref, output_ref = _operation_schemas(doc, endpoint_id, path)
    return Extracted(
        endpoint_id=endpoint_id,
        path=path,
        input=_self_contained("input", input_ref, components),
        output=_self_contained("output", output_ref, components),
    )


def _operation_schemas(doc: dict[str, Any], endpoint_id: str, path: Path) -> tuple[Any, Any]:
    """The POST request-body schema and the `/requests/{request_id}` GET 200 schema."""
    paths = doc.get("paths") or {}
    post = (paths.get("/" + endpoint_id) or {}).get("post")
    result = (paths.get(f"/{endpoint_id}/requests/{{request_id}}") or {}).get("get")
    if post is None:  # fall back to the only POST with a body (ids that differ in case/slashes)
        posts = [op["post"] for op in paths.values() if isinstance(op, dict) and "requestBody" in op.get("post", {})]
        post = posts[0] if len(posts) == 1 else None
    if result is None:
        gets = [op["get"] for p, op in paths.items() if p.endswith("/requests/{request_id}") and "get" in op]
        result = gets[0] if len(gets) == 1 else None
    if post is None or result is None:
        raise DocumentError(f"{path}: no POST /{endpoint_id} or GET .../requests/{{request_id}} operation")
    try:
        input_schema = post["requestBody"]["content"]["application/json"]["schema"]
        output_schema = result["responses"]["200"]["content"]["application/json"]["schema"]
    except (KeyError, TypeError) as exc:
        raise DocumentError(f"{path}: operation without a JSON schema ({exc})") from exc
    return input_schema, output_schema


def _self_contained(name: str, schema: Any, components: dict[str, Any]) -> Side:
    dangling: list[str] = []
    definitions: dict[str, Any] = {}
    pending: list[str] = []

    def rewrite(node: Any) -> Any:
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node and isinstance(node["$ref"], str):
            ref = node["$ref"]
            target = ref[len(COMPONENTS_PREFIX) :] if ref.startswith(COMPONENTS_PREFIX) else None
            if target is None or target not in components:
                dangling.append(target or ref)
                return {}
            if target not in definitions and target not in pending:
                pending.append(target)
            return {"$ref": DEFINITIONS_PREFIX + target}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("default", "examples", "example", "enum", "const"):
                out[key] = copy.deepcopy(value)  # literal values: never rewritten
            elif key in ("properties", "patternProperties", "definitions", "$defs") and isinstance(value, dict):
                out[key] = {k: rewrite(v) for k, v in value.items()}
            else:
                out[key] = rewrite(value)
        if "prefixItems" in out:  # 2020-12 tuple -> Draft 7 tuple
            rest = out.pop("items", None)
            out["items"] = out.pop("prefixItems")
            if rest is not None:
                out["additionalItems"] = rest
        if out.pop("nullable", False) is True:
            annotations = {k: out.pop(k) for k in ("title", "description", "default", "examples") if k in out}
            out = {"anyOf": [out, {"type": "null"}], NULLABLE_MARK: True, **annotations}
        return out

    root_name = None
    if isinstance(schema, dict) and set(schema) == {"$ref"} and str(schema["$ref"]).startswith(COMPONENTS_PREFIX):
        root_name = schema["$ref"][len(COMPONENTS_PREFIX) :]
    root = rewrite(schema if isinstance(schema, dict) else {})
    while pending:
        target = pending.pop()
        definitions[target] = {}  # placeholder first: cycles terminate
        definitions[target] = rewrite(components[target])
    return Side(
        name=name,
        root=root_name if root_name in components else None,
        schema={**root, "definitions": definitions},
        dangling=sorted(set(dangling)),
    )


def closed_objects(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy where every object schema without `additionalProperties` forbids unknown keys.

    The deliberate choice for `Input`: unknown keys are rejected unless the schema says
    `additionalProperties: true` (or gives a schema for them). Inputs are drawn, walked and
    mutated under this schema; the added keyword is marked `CLOSED_MARK` for the report.
    """

    def close(node: Any) -> Any:
        if isinstance(node, list):
            return [close(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key in ("default", "examples", "example", "enum", "const"):
                out[key] = value
            elif key in ("properties", "definitions") and isinstance(value, dict):
                out[key] = {k: close(v) for k, v in value.items()}
            else:
                out[key] = close(value)
        if ("properties" in out or out.get("type") == "object") and "additionalProperties" not in out:
            out["additionalProperties"] = False
            out[CLOSED_MARK] = True
        return out

    result: dict[str, Any] = close(schema)
    return result


def all_required(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy where every declared property is required: instances drawn from it carry every
    optional field, so keywords deep in optional fields get exercised. Still valid under the
    original schema (it only adds constraints). Recursion through optional fields is cut by
    leaving objects reached through a cycle as they are (the caller handles draw failures)."""

    def fill(node: Any) -> Any:
        if isinstance(node, list):
            return [fill(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key in ("default", "examples", "example", "enum", "const"):
                out[key] = value
            elif key in ("properties", "definitions") and isinstance(value, dict):
                out[key] = {k: fill(v) for k, v in value.items()}
            else:
                out[key] = fill(value)
        if isinstance(out.get("properties"), dict) and out["properties"]:
            out["required"] = sorted(set(out.get("required", [])) | set(out["properties"]))
        return out

    result: dict[str, Any] = fill(schema)
    return result
