"""The package's endpoint catalog and per-endpoint specs, read as plain JSON.

Everything the CLI shows before it executes anything (`list`, `show`, `--help` of `run ID`) comes
from here: `_catalog.json` (one summary per endpoint) and `_specs/<file>.json` (the endpoint's full
OpenAPI document). Nothing here imports pydantic, fal_client or an endpoint module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._runtime.spec import (
    SCHEMA_REF_PREFIX,
    SpecError,
    io_pointer,
    non_null_variants,
    ref_name,
    resolve,
    single_all_of,
)

__all__ = [
    "PACKAGE_DIR",
    "CatalogEntry",
    "FieldInfo",
    "EndpointSchema",
    "catalog",
    "entry",
    "suggest",
    "load_schema",
    "UnknownIdError",
]

PACKAGE_DIR = Path(__file__).resolve().parent.parent
"""The installed `fal_bindings` directory (holds `_catalog.json` and `_specs/`)."""


class UnknownIdError(LookupError):
    """An endpoint id that is not in the catalog; the message suggests close ids."""

    def __init__(self, endpoint_id: str) -> None:
        self.endpoint_id = endpoint_id
        self.suggestions = suggest(endpoint_id)
        msg = f"unknown endpoint id {endpoint_id!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        msg += " (`fal-bindings list` shows every id)"
        super().__init__(msg)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class CatalogEntry:
    """One endpoint's summary, as in `_catalog.json`."""

    id: str
    title: str
    description: str
    category: str | None
    capabilities: tuple[str, ...]
    module: str
    cls: str
    spec: str

    def summary(self) -> dict[str, Any]:
        """The public part (what `list --json` prints)."""
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "category": self.category,
            "capabilities": list(self.capabilities),
        }


_catalog: dict[str, CatalogEntry] | None = None


def catalog() -> dict[str, CatalogEntry]:
    """Every endpoint of the package, by id (sorted), read once per process."""
    global _catalog
    if _catalog is None:
        raw = json.loads((PACKAGE_DIR / "_catalog.json").read_text(encoding="utf-8"))
        entries = {}
        for item in raw:
            entries[item["id"]] = CatalogEntry(
                id=item["id"],
                title=item.get("title") or item["id"],
                description=item.get("description") or "",
                category=item.get("category"),
                capabilities=tuple(item.get("capabilities") or ("queue",)),
                module=item["module"],
                cls=item["class"],
                spec=item["spec"],
            )
        _catalog = dict(sorted(entries.items()))
    return _catalog


def suggest(endpoint_id: str, n: int = 3) -> list[str]:
    """Ids close to `endpoint_id`, best first."""
    import difflib

    ids = list(catalog())
    close = difflib.get_close_matches(endpoint_id, ids, n=n, cutoff=0.6)
    tail = endpoint_id.strip("/").rsplit("/", 1)[-1]
    for eid in ids:
        if len(close) >= n:
            break
        if tail and eid not in close and tail in eid:
            close.append(eid)
    return close


def entry(endpoint_id: str) -> CatalogEntry:
    """The catalog entry of an id (tolerating stray slashes/space), else `UnknownIdError`."""
    entries = catalog()
    found = entries.get(endpoint_id) or entries.get(endpoint_id.strip().strip("/"))
    if found is None:
        raise UnknownIdError(endpoint_id)
    return found


# --------------------------------------------------------------------------- schemas


@dataclass(frozen=True)
class FieldInfo:
    """One property of an object schema, with what the CLI needs to know about it."""

    name: str
    """The wire name."""
    schema: dict[str, Any] = field(repr=False)
    required: bool
    description: str
    has_default: bool
    default: Any
    type_label: str
    choices: tuple[Any, ...]
    """Enum values (typed), when the field is an enum or a union with enum members."""
    limits: str
    """Human text for minimum/maximum/maxLength ("" when none)."""


@dataclass(frozen=True)
class EndpointSchema:
    """An endpoint's spec: Input and Output fields, and the object types they reference."""

    entry: CatalogEntry
    document: dict[str, Any] = field(repr=False)
    input_name: str
    output_name: str
    inputs: tuple[FieldInfo, ...]
    outputs: tuple[FieldInfo, ...]

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        return resolve(self.document, schema)

    def fields_of(self, type_name: str) -> tuple[FieldInfo, ...]:
        schema = self.document.get("components", {}).get("schemas", {}).get(type_name, {})
        return object_fields(self.document, schema)

    def referenced_types(self) -> list[str]:
        """Names of the object types reachable from Input and Output, in first-use order."""
        seen: list[str] = []
        schemas = self.document.get("components", {}).get("schemas", {})

        def visit(node: Any) -> None:
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith(SCHEMA_REF_PREFIX):
                    name = ref[len(SCHEMA_REF_PREFIX) :]
                    if name not in seen and name not in (self.input_name, self.output_name):
                        target = schemas.get(name)
                        if isinstance(target, dict) and _is_object(target):
                            seen.append(name)
                            visit(target)
                        return
                for value in node.values():
                    visit(value)
            elif isinstance(node, list):
                for value in node:
                    visit(value)

        for name in (self.input_name, self.output_name):
            visit(schemas.get(name, {}).get("properties", {}))
        return seen


def _is_object(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" or "properties" in schema


def type_label(document: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> str:
    """A short readable type: `string`, `integer`, `list[ImageFile]`, `ImageSize | enum`..."""
    member = single_all_of(schema)
    if member is not None:
        return type_label(document, member, depth)
    name = ref_name(schema)
    if name is not None:
        target = resolve(document, schema)
        if "enum" in target:
            return "enum"
        return name if _is_object(target) or depth > 2 else type_label(document, target, depth + 1)
    variants = non_null_variants(schema)
    if variants is not None:
        labels: list[str] = []
        for variant in variants:
            label = type_label(document, variant, depth + 1)
            if label not in labels:
                labels.append(label)
        return " | ".join(labels) or "any"
    if "enum" in schema or "const" in schema:
        return "enum"
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(str(k) for k in kind if k != "null") or "any"
    if kind == "array":
        items = schema.get("items")
        return (
            f"list[{type_label(document, items, depth + 1) if isinstance(items, dict) else 'any'}]"
        )
    if kind == "object" or "properties" in schema:
        additional = schema.get("additionalProperties")
        if isinstance(additional, dict) and not schema.get("properties"):
            return f"dict[str, {type_label(document, additional, depth + 1)}]"
        return "object"
    if isinstance(kind, str):
        return kind
    return "any"


def enum_choices(document: dict[str, Any], schema: dict[str, Any]) -> tuple[Any, ...]:
    """Enum values of a field (an enum, a const, or the enum members of a union)."""
    schema = resolve(document, schema)
    if isinstance(schema.get("enum"), list):
        return tuple(schema["enum"])
    if "const" in schema:
        return (schema["const"],)
    variants = non_null_variants(schema)
    values: list[Any] = []
    for variant in variants or []:
        for value in enum_choices(document, variant):
            if value not in values:
                values.append(value)
    return tuple(values)


def limits_text(schema: dict[str, Any]) -> str:
    parts = []
    low, high = schema.get("minimum"), schema.get("maximum")
    xlow, xhigh = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if low is not None and high is not None:
        parts.append(f"{_num(low)} to {_num(high)}")
    elif low is not None:
        parts.append(f">= {_num(low)}")
    elif high is not None:
        parts.append(f"<= {_num(high)}")
    if xlow is not None and not isinstance(xlow, bool):
        parts.append(f"> {_num(xlow)}")
    if xhigh is not None and not isinstance(xhigh, bool):
        parts.append(f"< {_num(xhigh)}")
    if schema.get("minLength") is not None:
        parts.append(f"min length {schema['minLength']}")
    if schema.get("maxLength") is not None:
        parts.append(f"max length {schema['maxLength']}")
    if schema.get("minItems") is not None:
        parts.append(f"min items {schema['minItems']}")
    if schema.get("maxItems") is not None:
        parts.append(f"max items {schema['maxItems']}")
    return ", ".join(parts)


def _num(value: Any) -> str:
    return json.dumps(value)


def object_fields(document: dict[str, Any], schema: dict[str, Any]) -> tuple[FieldInfo, ...]:
    """The properties of an object schema, in `x-fal-order-properties` order."""
    schema = resolve(document, schema)
    properties: dict[str, Any] = schema.get("properties") or {}
    order = [n for n in schema.get("x-fal-order-properties") or [] if n in properties]
    order += [n for n in properties if n not in order]
    required = set(schema.get("required") or [])
    fields = []
    for name in order:
        prop = properties[name] if isinstance(properties[name], dict) else {}
        target = resolve(document, prop)
        # Limits may sit on the property, or on the non-null member of a nullable union.
        limit_source = prop
        variants = non_null_variants(prop)
        if variants is not None and len(variants) == 1:
            limit_source = {**resolve(document, variants[0]), **prop}
        elif target is not prop:
            limit_source = {**target, **prop}
        fields.append(
            FieldInfo(
                name=name,
                schema=prop,
                required=name in required,
                description=str(prop.get("description") or target.get("description") or "").strip(),
                has_default="default" in prop,
                default=prop.get("default"),
                type_label=type_label(document, prop),
                choices=enum_choices(document, prop),
                limits=limits_text(limit_source),
            )
        )
    return tuple(fields)


def _pointer_target(
    document: dict[str, Any], endpoint_id: str, kind: str
) -> tuple[str, dict[str, Any]]:
    """(type name, schema) of the Input (request body) or Output (queue result) of an endpoint."""
    try:
        pointer = io_pointer(document, endpoint_id, kind.capitalize())
    except SpecError:
        return kind.capitalize(), {}
    schema = {"$ref": pointer}
    return ref_name(schema) or kind.capitalize(), resolve(document, schema)


_schemas: dict[str, EndpointSchema] = {}


def load_schema(endpoint_id: str) -> EndpointSchema:
    """The endpoint's spec (`_specs/<file>.json`), read once per process."""
    found = entry(endpoint_id)
    cached = _schemas.get(found.id)
    if cached is not None:
        return cached
    document = json.loads((PACKAGE_DIR / "_specs" / found.spec).read_text(encoding="utf-8"))
    input_name, input_schema = _pointer_target(document, found.id, "input")
    output_name, output_schema = _pointer_target(document, found.id, "output")
    schema = EndpointSchema(
        entry=found,
        document=document,
        input_name=input_name,
        output_name=output_name,
        inputs=object_fields(document, input_schema),
        outputs=object_fields(document, output_schema),
    )
    _schemas[found.id] = schema
    return schema
