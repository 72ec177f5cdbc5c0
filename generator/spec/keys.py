"""The normalized spec's vocabulary, shared by its writer and its reader: fixed names, JSON Schema
keywords for IR constraints, and the `x-fal-*` keys (what JSON Schema has no slot for)."""

from __future__ import annotations

import re
from typing import Any

JsonDict = dict[str, Any]

OPENAPI_VERSION = "3.1.0"
SPEC_VERSION = "1.0.0"
SCHEMA_REF_PREFIX = "#/components/schemas/"
QUEUE_STATUS = "QueueStatus"
QUEUE_SERVER = "https://queue.fal.run"
SECURITY_SCHEME = "apiKeyAuth"
NULL_SCHEMA: JsonDict = {"type": "null"}

X_METADATA = "x-fal-metadata"
X_PROVENANCE = "x-fal-provenance"
X_ORDER = "x-fal-order-properties"
X_SOURCE = "x-fal-source"
X_REQUIRED_SOURCE = "x-fal-required-source"
X_INFERRED = "x-fal-inferred-constraints"
X_INVALID_CONSTRAINTS = "x-fal-invalid-constraints"
X_INVALID_DEFAULT = "x-fal-invalid-default"
X_ENUM_NAME = "x-fal-enum-name"
X_ORIGINAL_NAME = "x-fal-original-name"
X_EXAMPLE_SOURCE = "x-fal-example-source"
X_EXAMPLE_FROM_PROPERTIES = "x-fal-example-from-properties"
X_UNRESOLVED_REF = "x-fal-unresolved-ref"
X_TYPE = "x-fal-type"
X_VARIANTS = "x-fal-variants"
X_NULLABLE = "x-fal-nullable"
X_DUPLICATES = "x-fal-duplicate-properties"
X_FILE = "x-fal-file"

CONSTRAINT_KEYS: tuple[tuple[str, str], ...] = (
    ("minimum", "minimum"),
    ("maximum", "maximum"),
    ("exclusive_minimum", "exclusiveMinimum"),
    ("exclusive_maximum", "exclusiveMaximum"),
    ("multiple_of", "multipleOf"),
    ("min_length", "minLength"),
    ("max_length", "maxLength"),
    ("min_items", "minItems"),
    ("max_items", "maxItems"),
)
"""IR `Constraints` attribute -> JSON Schema keyword (numeric limits), in the order they are
written; `pattern` and `uniqueItems` follow them."""

LENGTH_KEYWORDS = frozenset({"minLength", "maxLength", "minItems", "maxItems"})

_COMPONENT_KEY = re.compile(r"^[a-zA-Z0-9._-]+$")
_NOT_KEY_CHAR = re.compile(r"[^a-zA-Z0-9._-]")


def sanitize_component_key(name: str) -> str:
    """A name usable as a `components.schemas` key (`^[a-zA-Z0-9._-]+$`)."""
    if _COMPONENT_KEY.match(name):
        return name
    return _NOT_KEY_CHAR.sub("_", name) or "Type"


def stated_endpoint_value(document: Any) -> Any:
    """`info.x-fal-metadata.endpointId` as a document states it, whatever its JSON type (None
    when it states none)."""
    info = document.get("info") if isinstance(document, dict) else None
    metadata = info.get(X_METADATA) if isinstance(info, dict) else None
    return metadata.get("endpointId") if isinstance(metadata, dict) else None


def stated_endpoint_id(document: Any) -> str | None:
    """The endpoint id a document states (`info.x-fal-metadata.endpointId`), when a string."""
    stated = stated_endpoint_value(document)
    return stated if isinstance(stated, str) else None


def json_type(value: Any) -> str | None:
    """The JSON Schema type name of a JSON value (None for a value JSON has no type for)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return None
