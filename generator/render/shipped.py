"""The spec copies the package ships (`fal_bindings/_specs/`): each endpoint's spec reduced to what
the package reads from it, minified.

The CLI (`--help`, `show`, `run`) and the emulator (validation, examples, synthetic outputs) read
a copy through `_runtime/spec.py` and `testing/_specs.py`: the endpoint id and capabilities
(`info.x-fal-metadata`), where Input and Output live (the POST body and the result paths), and
the schemas with their descriptions, defaults, limits, enums, examples and `x-fal-file` /
`x-fal-order-properties`. What only falgen's own readers use is left out: provenance
(`x-fal-source`, `x-fal-required-source`, `x-fal-example-source`, `x-fal-provenance`), titles
(pydantic-style `"Prompt"` for `prompt`), servers and security, and the queue status and cancel
paths with their `QueueStatus` schema. The committed `specs/openapi/` keep all of it.
"""

from __future__ import annotations

import json
from typing import Any

from generator.spec.keys import (
    X_EXAMPLE_SOURCE,
    X_INFERRED,
    X_PROVENANCE,
    X_REQUIRED_SOURCE,
    X_SOURCE,
    stated_endpoint_id,
)

__all__ = ["shipped_spec", "DROPPED_SCHEMA_KEYS"]

DROPPED_SCHEMA_KEYS = frozenset({X_SOURCE, X_REQUIRED_SOURCE, X_EXAMPLE_SOURCE, X_INFERRED})
"""Schema keywords no reader in the package uses (a `title` is dropped too when it is a string)."""
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
"""Keywords whose value maps names to schemas (a name there is data, never a keyword)."""
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "not", "contains", "if", "then", "else", "propertyNames")
_RESULT_PATH = "/requests/{request_id}"


def shipped_spec(data: bytes) -> bytes:
    """The shipped copy of a spec file's bytes (falgen's own deterministic writer made them)."""
    document = json.loads(data)
    if not isinstance(document, dict):
        return data  # not a spec the package could read either way: shipped as it is
    kept: dict[str, Any] = {}
    for key, value in document.items():
        if key in ("servers", "security", X_PROVENANCE):
            continue
        if key == "info" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k.startswith("x-")}  # the catalogue has the title
        elif key == "paths" and isinstance(value, dict):
            value = {path: _operation(path, item) for path, item in value.items() if _is_io_path(path, document)}
        elif key == "components" and isinstance(value, dict):
            value = _components(value)
        kept[key] = value
    return (json.dumps(kept, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _is_io_path(path: str, document: dict[str, Any]) -> bool:
    """The POST path (Input) and the result path (Output); not the status and cancel paths."""
    endpoint_id = stated_endpoint_id(document)
    return endpoint_id is None or path in (f"/{endpoint_id}", f"/{endpoint_id}{_RESULT_PATH}")


def _operation(path: str, item: Any) -> Any:
    """The part of a path item that says where Input or Output lives."""
    if not isinstance(item, dict):
        return item
    method = "get" if path.endswith(_RESULT_PATH) else "post"
    operation = item.get(method)
    if not isinstance(operation, dict):
        return item
    if method == "post":
        body = operation.get("requestBody")
        return {method: {"requestBody": body}} if body is not None else item
    responses = operation.get("responses")
    ok = responses.get("200") if isinstance(responses, dict) else None
    return {method: {"responses": {"200": ok}}} if ok is not None else item


def _components(components: dict[str, Any]) -> dict[str, Any]:
    schemas = components.get("schemas")
    if not isinstance(schemas, dict):
        return {k: v for k, v in components.items() if k != "securitySchemes"}
    used = json.dumps({k: v for k, v in schemas.items() if k != "QueueStatus"})
    keep_status = '"#/components/schemas/QueueStatus"' in used  # only the status path uses it otherwise
    return {"schemas": {name: _schema(schema) for name, schema in schemas.items() if name != "QueueStatus" or keep_status}}


def _schema(schema: Any) -> Any:
    """`schema` without the dropped keywords, in every subschema (data such as `default`,
    `enum`, `examples` and `const` is kept exactly)."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in DROPPED_SCHEMA_KEYS or (key == "title" and isinstance(value, str)):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            value = {name: _schema(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            value = [_schema(sub) for sub in value]
        elif key in _SCHEMA_VALUES:
            value = [_schema(sub) for sub in value] if isinstance(value, list) else _schema(value)
        out[key] = value
    return out
