"""Walk an instance and its schema together: every location the instance reaches, the schema node
that governs it (the `anyOf` branch it matched, `$ref`s followed) and the features it exercises.

A *feature* is a report row: a constraint keyword at a node the value is checked against
(`minimum`, `pattern`, ...), a structural form (`tuple items`, `{} (any value)`, extra keys
under `additionalProperties`), or, for a null value, the nullability form of its node.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .schemas import CLOSED_MARK, NULLABLE_MARK, Side

MISSING = object()

NUMERIC_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
STRING_KEYWORDS = ("minLength", "maxLength", "pattern")
ARRAY_KEYWORDS = ("minItems", "maxItems", "uniqueItems")
ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "example", "deprecated", "readOnly", "writeOnly", "$comment"}
)

NULL_FORMS = {
    "default-null": "null: anyOf [T, null], default null",
    "default-value": "null: anyOf [T, null], non-null default",
    "required": "null: anyOf [T, null], required",
    "optional": "null: anyOf [T, null], optional, no default",
    "nullable": "null: nullable: true (OpenAPI 3.0)",
    "type-list": "null: type [T, null]",
}


def is_null_schema(node: Any) -> bool:
    return isinstance(node, dict) and node.get("type") == "null"


def json_type(value: Any) -> str:
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
    return "object"


def declared_types(node: dict[str, Any]) -> list[str]:
    declared = node.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [t for t in declared if isinstance(t, str)]
    return []


@dataclass
class Context:
    """What the parent says about this location: required in its object, the property's default."""

    required: bool | None = None  # None: not an object property (array item, root, ...)
    default: Any = MISSING


@dataclass
class Location:
    path: tuple[str | int, ...]  # instance path (wire keys, list indices)
    pointer: str  # where the governing node sits in fal's document (#/components/schemas/...)
    schema: dict[str, Any]  # the governing node ($refs followed, the matched anyOf branch)
    value: Any
    context: Context
    features: set[str] = field(default_factory=set)
    side_name: str = "input"


def walk(side: Side, instance: Any) -> list[Location]:
    """Every location of `instance` (valid under `side.schema`), outermost first."""
    validator = side.validator()
    out: list[Location] = []
    root_pointer = f"#/components/schemas/{side.root}" if side.root else "#"
    _visit(side, validator, side.schema, root_pointer, instance, (), Context(), out, 0)
    return out


def _visit(
    side: Side,
    validator: Any,
    node: Any,
    pointer: str,
    value: Any,
    path: tuple[str | int, ...],
    context: Context,
    out: list[Location],
    depth: int,
) -> None:
    if depth > 64 or not isinstance(node, dict):
        return
    node, ref_pointer = side.resolve(node)
    if ref_pointer:
        pointer = ref_pointer
    location = Location(path, pointer, node, value, context, side_name=side.name)
    out.append(location)
    features = location.features
    if not (set(node) - ANNOTATIONS - {"definitions", NULLABLE_MARK, CLOSED_MARK}):
        features.add("{} (any value)")
        return

    branches = node.get("anyOf") or node.get("oneOf")
    if isinstance(branches, list):
        keyword = "anyOf" if "anyOf" in node else "oneOf"
        has_null = any(is_null_schema(side.resolve(b)[0]) for b in branches)
        if value is None and has_null:
            features.add(_null_form(node, context))
        if "enum" in node:
            features.add("enum beside anyOf")
        if value is not None:
            for index, branch in enumerate(branches):
                if not is_null_schema(branch) and validator.evolve(schema=branch).is_valid(value):
                    _visit(
                        side, validator, branch, f"{pointer}/{keyword}/{index}", value, path, context, out, depth + 1
                    )
                    break
    for index, part in enumerate(node.get("allOf") or []):
        _visit(side, validator, part, f"{pointer}/allOf/{index}", value, path, context, out, depth + 1)

    types = declared_types(node)
    if value is None and "null" in types and len(types) > 1:
        features.add(NULL_FORMS["type-list"])
    kind = json_type(value)
    if "enum" in node and "anyOf" not in node:
        features.add("enum")
    if "const" in node:
        features.add("const")
    if "format" in node and kind == "string":
        features.add(f"format: {node['format']}")
    if kind in ("integer", "number"):
        features.update(k for k in NUMERIC_KEYWORDS if k in node)
        if kind == "integer" and "number" in types and "integer" not in types:
            features.add("number given a whole value")
    elif kind == "string":
        features.update(k for k in STRING_KEYWORDS if k in node)
    elif kind == "array":
        features.update(k for k in ARRAY_KEYWORDS if k in node)
        _visit_items(side, validator, node, pointer, value, path, out, depth)
    elif kind == "object" and ("object" in types or "properties" in node or "additionalProperties" in node):
        _visit_properties(side, validator, node, pointer, value, path, out, depth, features)


def _null_form(node: dict[str, Any], context: Context) -> str:
    if node.get(NULLABLE_MARK):
        return NULL_FORMS["nullable"]
    default = node.get("default", context.default)
    if context.required:
        return NULL_FORMS["required"]
    if default is MISSING:
        return NULL_FORMS["optional"]
    return NULL_FORMS["default-null"] if default is None else NULL_FORMS["default-value"]


def _visit_items(
    side: Side,
    validator: Any,
    node: dict[str, Any],
    pointer: str,
    value: list[Any],
    path: tuple[str | int, ...],
    out: list[Location],
    depth: int,
) -> None:
    items = node.get("items")
    if isinstance(items, list):
        out[-1].features.add("tuple items")
        for index, element in enumerate(value):
            if index < len(items):
                item_pointer, item_schema = f"{pointer}/items/{index}", items[index]
            elif isinstance(node.get("additionalItems"), dict):
                item_pointer, item_schema = f"{pointer}/additionalItems", node["additionalItems"]
            else:
                continue
            _visit(side, validator, item_schema, item_pointer, element, (*path, index), Context(), out, depth + 1)
    elif isinstance(items, dict):
        for index, element in enumerate(value):
            _visit(side, validator, items, f"{pointer}/items", element, (*path, index), Context(), out, depth + 1)


def _visit_properties(
    side: Side,
    validator: Any,
    node: dict[str, Any],
    pointer: str,
    value: dict[str, Any],
    path: tuple[str | int, ...],
    out: list[Location],
    depth: int,
    features: set[str],
) -> None:
    properties = node.get("properties") if isinstance(node.get("properties"), dict) else {}
    required = set(node.get("required") or [])
    extra_schema = node.get("additionalProperties")
    for key, element in value.items():
        if key in properties:
            prop = properties[key]
            default = prop.get("default", MISSING) if isinstance(prop, dict) else MISSING
            _visit(
                side, validator, prop, f"{pointer}/properties/{key}", element, (*path, key),
                Context(required=key in required, default=default), out, depth + 1,
            )  # fmt: skip
        elif extra_schema is True or extra_schema is None:
            features.add("additionalProperties: true (extra keys)" if extra_schema else "open object (extra keys)")
        elif isinstance(extra_schema, dict):
            features.add("additionalProperties: schema (extra keys)")
            _visit(
                side, validator, extra_schema, f"{pointer}/additionalProperties", element, (*path, key),
                Context(), out, depth + 1,
            )  # fmt: skip


def iter_absent_defaults(location: Location) -> Iterator[tuple[str, Any]]:
    """(property, schema default) for each property with a default that the object omits."""
    if not isinstance(location.value, dict):
        return
    properties = location.schema.get("properties")
    if not isinstance(properties, dict):
        return
    for key, prop in properties.items():
        if isinstance(prop, dict) and "default" in prop and key not in location.value:
            yield key, prop["default"]
