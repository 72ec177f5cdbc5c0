"""Reading JSON Schemas (properties, types, refs, limits) into the IR: the half of the OpenAPI
reader that knows schemas, for falgen's own specs and fal's documents alike (see `read`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast, get_args
from urllib.parse import unquote

from generator.core.codes import Code
from generator.core.diagnostics import diagnostic
from generator.core.ir import (
    Constraints,
    Diagnostic,
    Property,
    Provenance,
    RequiredSource,
    Schema,
    Severity,
    TypeExpr,
    TypeKind,
)
from generator.spec.keys import (
    NULL_SCHEMA,
    SCHEMA_REF_PREFIX,
    X_DUPLICATES,
    X_ENUM_NAME,
    X_FILE,
    X_INVALID_DEFAULT,
    X_NULLABLE,
    X_ORDER,
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
from generator.spec.pointers import child as _child
from generator.spec.read_constraints import node_constraints, property_constraints, tuple_limits_dropped

_REQUIRED_SOURCES: frozenset[str] = frozenset(get_args(RequiredSource))
_SCALARS = frozenset({"string", "integer", "number", "boolean", "null"})


def _is_null_schema(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and node.get("type") == "null"
        and not any(key in node for key in ("enum", "const", "$ref", "anyOf", "oneOf", "allOf"))
    )


def is_object_schema(node: Any) -> bool:
    """A component that becomes an IR `Schema` (others are inlined where referenced)."""
    if not isinstance(node, dict):
        return False
    if isinstance(node.get("properties"), dict):
        return True
    return (
        node.get("type") == "object"
        and "additionalProperties" not in node
        and not any(key in node for key in ("enum", "const", "anyOf", "oneOf", "allOf", "$ref"))
    )


def _parse_provenance(text: str) -> Provenance | None:
    file, sep, line = text.rpartition(":")
    if not sep:
        return None
    try:
        return Provenance(file=file, line=int(line))
    except ValueError:
        return None


class SchemaReader:
    """Schemas of one document as IR, with a diagnostic (file, line, JSON pointer) for every
    thing the IR cannot hold."""

    def __init__(self, doc: JsonDict, file: str, lines: Mapping[str, int] | None) -> None:
        self.doc = doc
        self.file = file
        self.lines: Mapping[str, int] = lines if lines is not None else {}
        self.diagnostics: list[Diagnostic] = []
        self.endpoint_id: str | None = None
        self.ours = isinstance(doc.get(X_PROVENANCE), dict)
        self.schemas: JsonDict = {}
        self.object_names: dict[str, str] = {}
        """component key -> IR schema name, for components that are IR schemas."""
        self.aliases: set[str] = set()
        self.alias_cache: dict[str, TypeExpr] = {}
        self.alias_stack: list[str] = []
        self.inline_types: list[Schema] = []
        self.used_names: set[str] = set()

    # diagnostics ------------------------------------------------------------------------

    def line(self, pointer: str) -> int:
        while pointer not in self.lines and pointer:
            pointer = pointer.rsplit("/", 1)[0]
        return self.lines.get(pointer, 0)

    def report(self, code: Code, message: str, pointer: str, *, severity: Severity | None = None) -> None:
        self.diagnostics.append(
            diagnostic(code, message, self.file, self.line(pointer), self.endpoint_id, pointer, severity=severity)
        )

    def provenance(self, value: Any, pointer: str) -> Provenance | None:
        """`x-fal-source` when present; else the JSON location (fal docs) or None (ours)."""
        if isinstance(value, str):
            parsed = _parse_provenance(value)
            if parsed is not None:
                return parsed
            self.report(Code.BAD_PROVENANCE, f"cannot read source location {value!r}", pointer)
        elif value is not None:
            self.report(Code.BAD_PROVENANCE, f"source location is not a string: {value!r}", pointer)
        if self.ours:
            return None
        return Provenance(file=self.file, line=self.line(pointer))

    # schemas ----------------------------------------------------------------------------

    def schema(self, key: str) -> Schema:
        node = self.schemas[key]
        pointer = _child("/components/schemas", key)
        if not isinstance(node, dict):
            self.report(Code.BAD_SCHEMA, f"schema {key!r} is not an object", pointer, severity=Severity.ERROR)
            return Schema(name=self.object_names.get(key, key))
        return self.object_schema(self.object_names.get(key, key), node, pointer)

    def object_schema(self, name: str, node: JsonDict, pointer: str) -> Schema:
        description = node.get("description")
        properties = node.get("properties", {})
        if not isinstance(properties, dict):
            self.report(Code.BAD_SCHEMA, "`properties` is not an object", _child(pointer, "properties"))
            properties = {}
        required_raw = node.get("required", [])
        if not isinstance(required_raw, list):
            self.report(Code.BAD_SCHEMA, "`required` is not a list", _child(pointer, "required"))
            required_raw = []
        required = {item for item in required_raw if isinstance(item, str)}
        for missing in sorted(required - set(properties)):
            self.report(
                Code.REQUIRED_NOT_A_PROPERTY,
                f"required field {missing!r} is not among the properties",
                _child(pointer, "required"),
            )

        duplicates = self.duplicates(node, pointer)
        any_value = not any(key in node for key in ("type", "properties", "additionalProperties", "$ref", "anyOf", "oneOf", "allOf", "enum", "const", "items"))
        fields = [
            self.field(field_name, prop, prop_pointer, is_required)
            for field_name, prop, prop_pointer, is_required in self.ordered_properties(
                node, properties, required, duplicates, pointer
            )
        ]
        return Schema(
            name=name,
            description=description if isinstance(description, str) else "",
            fields=fields,
            additional_properties=self.additional_properties(node, pointer),
            any_value=any_value and not fields,
            provenance=self.provenance(node.get(X_SOURCE), pointer),
        )

    def additional_properties(self, node: JsonDict, pointer: str) -> bool | TypeExpr | None:
        extra = node.get("additionalProperties")
        if extra is None or isinstance(extra, bool):
            return extra
        if extra == {}:
            return True
        return self.type(extra, _child(pointer, "additionalProperties"))

    def duplicates(self, node: JsonDict, pointer: str) -> dict[str, list[tuple[Any, bool, str]]]:
        raw = node.get(X_DUPLICATES, [])
        out: dict[str, list[tuple[Any, bool, str]]] = {}
        if not isinstance(raw, list):
            return out
        for index, entry in enumerate(raw):
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                entry_pointer = _child(_child(pointer, X_DUPLICATES), index)
                out.setdefault(entry["name"], []).append(
                    (entry.get("schema"), entry.get("required") is True, _child(entry_pointer, "schema"))
                )
        return out

    def ordered_properties(
        self,
        node: JsonDict,
        properties: JsonDict,
        required: set[str],
        duplicates: dict[str, list[tuple[Any, bool, str]]],
        pointer: str,
    ) -> list[tuple[str, Any, str, bool]]:
        """(name, property schema, pointer, required) in `x-fal-order-properties` order."""
        props_pointer = _child(pointer, "properties")
        order = node.get(X_ORDER)
        if order is not None and not (isinstance(order, list) and all(isinstance(item, str) for item in order)):
            self.report(Code.BAD_ORDER, f"`{X_ORDER}` is not a list of names", _child(pointer, X_ORDER))
            order = None
        if order is None:
            order = list(properties)
        out: list[tuple[str, Any, str, bool]] = []
        seen: set[str] = set()
        for name in order:
            if name in seen:
                queue = duplicates.get(name)
                if queue:
                    schema, is_required, dup_pointer = queue.pop(0)
                    out.append((name, schema, dup_pointer, is_required))
                else:
                    self.report(Code.BAD_ORDER, f"{name!r} is listed twice in `{X_ORDER}`", _child(pointer, X_ORDER))
                continue
            if name not in properties:
                self.report(Code.BAD_ORDER, f"{name!r} is in `{X_ORDER}` but not a property", _child(pointer, X_ORDER))
                continue
            seen.add(name)
            out.append((name, properties[name], _child(props_pointer, name), name in required))
        for name, prop in properties.items():
            if name not in seen:
                self.report(
                    Code.BAD_ORDER,
                    f"property {name!r} is missing from `{X_ORDER}`; it is put last",
                    _child(props_pointer, name),
                )
                out.append((name, prop, _child(props_pointer, name), name in required))
        return out

    def field(self, name: str, prop: Any, pointer: str, required: bool) -> Property:
        if not isinstance(prop, dict):
            if prop is not True:
                self.report(Code.BAD_PROPERTY, f"property {name!r} is not a schema; typed as any", pointer)
            return Property(
                name=name,
                type=TypeExpr(kind="any"),
                required=required,
                required_source="schema",
                provenance=self.provenance(None, pointer),
            )
        type_, nullable = self.property_type(prop, pointer)
        # The limits of the node the property's type came from (itself, or the one non-null
        # branch of its `anyOf`) are the property's: in JSON Schema each keyword applies to its
        # own type only, so hoisting past the `null` branch changes nothing.
        constraints = tuple_limits_dropped(property_constraints(prop, pointer, self.report), type_) or Constraints()
        if type_.constraints is not None:
            own = constraints.model_dump(exclude_defaults=True)
            constraints = Constraints(**{**type_.constraints.model_dump(exclude_defaults=True), **own})
            type_ = type_.model_copy(update={"constraints": None})
        description = prop.get("description")
        has_default = "default" in prop or X_INVALID_DEFAULT in prop
        default = prop.get("default", prop.get(X_INVALID_DEFAULT))
        source = prop.get(X_REQUIRED_SOURCE, "schema")
        if not isinstance(source, str) or source not in _REQUIRED_SOURCES:
            self.report(Code.BAD_REQUIRED_SOURCE, f"unknown required source {source!r}", _child(pointer, X_REQUIRED_SOURCE))
            source = "schema"
        return Property(
            name=name,
            type=type_,
            required=required,
            required_source=cast(RequiredSource, source),
            nullable=nullable,
            has_default=has_default,
            default=default,
            description=description if isinstance(description, str) else "",
            constraints=constraints,
            file=prop.get(X_FILE) is True,
            provenance=self.provenance(prop.get(X_SOURCE), pointer),
        )

    def property_type(self, prop: JsonDict, pointer: str) -> tuple[TypeExpr, bool]:
        """(type, nullable). An `enum` beside an `anyOf` restricts the value to the enum (and
        to what the `anyOf` allows): the enum decides, `null` included only when listed."""
        if "enum" in prop and any(key in prop for key in ("anyOf", "oneOf")):
            return self.enum_beside_union(prop, pointer), False
        any_of = prop.get("anyOf")
        if isinstance(any_of, list) and len(any_of) >= 2 and prop.get(X_NULLABLE) is not False:
            if self.ours:
                indexed = list(enumerate(any_of[:-1])) if any_of[-1] == NULL_SCHEMA else []
            else:
                indexed = [(i, node) for i, node in enumerate(any_of) if not _is_null_schema(node)]
                if len(indexed) == len(any_of):
                    indexed = []
            if indexed:
                any_pointer = _child(pointer, "anyOf")
                if len(indexed) == 1:
                    index, node = indexed[0]
                    return self.type(node, _child(any_pointer, index)), True
                variants = [self.type(node, _child(any_pointer, i)) for i, node in indexed]
                return TypeExpr(kind="union", variants=variants), True
        nullable = prop.get("nullable") is True  # OpenAPI 3.0 spelling
        declared = prop.get("type")
        if isinstance(declared, list) and "null" in declared and "enum" not in prop:
            rest = [item for item in declared if item != "null"]
            if rest:
                self.report(
                    Code.TYPE_LIST,
                    f"`type: {declared}` read as nullable {' | '.join(map(str, rest))}",
                    _child(pointer, "type"),
                )
                node = {**prop, "type": rest[0] if len(rest) == 1 else rest}
                return self.type(node, pointer, warn_list=False, limits=False), True
        all_of = prop.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], dict) and not self.ours:
            # fal's `allOf: [{$ref}]` wrapper: limits may stand beside it or inside it
            inner = node_constraints(all_of[0], _child(_child(pointer, "allOf"), 0), self.report)
            type_ = self.type(prop, pointer, limits=False)
            if inner is not None and type_.constraints is None:
                type_ = type_.model_copy(update={"constraints": inner})
            return type_, nullable
        return self.type(prop, pointer, limits=False), nullable

    def enum_beside_union(self, prop: JsonDict, pointer: str) -> TypeExpr:
        values = prop["enum"]
        if not isinstance(values, list):
            return self.type(prop, pointer, limits=False)
        keyword = "anyOf" if "anyOf" in prop else "oneOf"
        branches = prop[keyword] if isinstance(prop[keyword], list) else []
        allowed: set[str] = set()
        open_branch = False  # a branch without a `type` (a `$ref`, `{}`) may take any value
        for branch in branches:
            if not isinstance(branch, dict):
                continue
            stated = branch.get("type")
            if isinstance(stated, str):
                allowed.add(stated)
            elif isinstance(stated, list) and all(isinstance(kind, str) for kind in stated):
                allowed.update(stated)  # `type: [string, null]`
            else:
                open_branch = True
        kept: list[Any] = []
        dropped: list[Any] = []  # by position, not by `in`: `True == 1` and `1 == 1.0` in Python
        for value in values:
            kind = json_type(value)
            fits = open_branch or kind in allowed or (kind == "integer" and "number" in allowed)
            (kept if fits else dropped).append(value)
        if dropped:
            self.report(
                Code.UNSUPPORTED_SCHEMA,
                f"enum value(s) {dropped!r} fit no branch of the `{keyword}` beside them; the bindings drop them",
                _child(pointer, "enum"),
            )
        self.check_literals(kept, _child(pointer, "enum"))
        return TypeExpr(kind="enum", values=kept, name=self.enum_name(prop))

    # types ------------------------------------------------------------------------------

    def type(self, node: Any, pointer: str, warn_list: bool = True, limits: bool = True) -> TypeExpr:
        """The IR type of a schema node, with the limits it states when `limits` (a property's
        own node keeps its limits on the property)."""
        expr = self.bare_type(node, pointer, warn_list)
        if limits and isinstance(node, dict) and expr.constraints is None:
            found = tuple_limits_dropped(node_constraints(node, pointer, self.report), expr)
            if found is not None:
                expr = expr.model_copy(update={"constraints": found})
        return expr

    def bare_type(self, node: Any, pointer: str, warn_list: bool = True) -> TypeExpr:
        if node is True:
            return TypeExpr(kind="any")
        if not isinstance(node, dict):
            self.report(Code.UNSUPPORTED_SCHEMA, f"schema {node!r} read as any", pointer)
            return TypeExpr(kind="any")
        if X_UNRESOLVED_REF in node:
            ref = node[X_UNRESOLVED_REF]
            return TypeExpr(kind="ref", ref=ref if isinstance(ref, str) else None)
        marker = node.get(X_TYPE)
        if marker == "union":
            raw = node.get(X_VARIANTS)
            variants = (
                [self.type(v, _child(_child(pointer, X_VARIANTS), i)) for i, v in enumerate(raw)]
                if isinstance(raw, list)
                else None
            )
            return TypeExpr(kind="union", variants=variants)
        if marker == "enum":
            return TypeExpr(kind="enum", name=self.enum_name(node))
        if "$ref" in node:
            return self.ref(node["$ref"], _child(pointer, "$ref"))
        if "enum" in node:
            values = node["enum"]
            if not isinstance(values, list):
                self.report(Code.UNSUPPORTED_SCHEMA, "`enum` is not a list; typed as any", pointer)
                return TypeExpr(kind="any")
            self.check_literals(values, _child(pointer, "enum"))
            return TypeExpr(kind="enum", values=list(values), name=self.enum_name(node))
        if "const" in node:  # exactly a one-value enum
            self.check_literals([node["const"]], _child(pointer, "const"))
            return TypeExpr(kind="enum", values=[node["const"]], name=self.enum_name(node))
        for keyword in ("anyOf", "oneOf"):
            if keyword in node:
                return self.union(node, keyword, pointer)
        if "allOf" in node:
            return self.all_of(node, pointer)
        return self.typed(node, pointer, warn_list)

    def check_literals(self, values: list[Any], pointer: str) -> None:
        """Objects and lists cannot stand in Python's `Literal` (they are unhashable): the
        bindings type them by their JSON type and check membership at run time."""
        odd = [value for value in values if isinstance(value, (dict, list))]
        if odd:
            shown = ", ".join(json.dumps(value, ensure_ascii=False)[:60] for value in odd[:3])
            self.report(
                Code.ENUM_VALUE_NOT_LITERAL,
                f"enum value(s) {shown} are objects or lists, which a Python `Literal` cannot hold; "
                "the bindings type them by their JSON type and check membership at run time",
                pointer,
            )

    def enum_name(self, node: JsonDict) -> str | None:
        name = node.get(X_ENUM_NAME)
        return name if isinstance(name, str) else None

    def union(self, node: JsonDict, keyword: str, pointer: str) -> TypeExpr:
        raw = node[keyword]
        where = _child(pointer, keyword)
        if not isinstance(raw, list) or not raw:
            self.report(Code.UNSUPPORTED_SCHEMA, f"`{keyword}` is not a non-empty list; typed as any", where)
            return TypeExpr(kind="any")
        if keyword == "oneOf":
            detail = " (its discriminator is dropped)" if "discriminator" in node else ""
            self.report(Code.UNSUPPORTED_ONEOF, f"`oneOf` read as a union{detail}", where)
        return TypeExpr(kind="union", variants=[self.type(v, _child(where, i)) for i, v in enumerate(raw)])

    def all_of(self, node: JsonDict, pointer: str) -> TypeExpr:
        raw = node["allOf"]
        where = _child(pointer, "allOf")
        if not isinstance(raw, list) or not raw:
            self.report(Code.UNSUPPORTED_SCHEMA, "`allOf` is not a non-empty list; typed as any", where)
            return TypeExpr(kind="any")
        if len(raw) > 1:
            self.report(Code.UNSUPPORTED_ALLOF, f"`allOf` with {len(raw)} schemas; only the first is kept", where)
        return self.type(raw[0], _child(where, 0))

    def typed(self, node: JsonDict, pointer: str, warn_list: bool) -> TypeExpr:
        declared = node.get("type")
        if isinstance(declared, list):
            kinds = [item for item in declared if isinstance(item, str)]
            if warn_list:
                self.report(Code.TYPE_LIST, f"`type: {declared}` read as a union", _child(pointer, "type"))
            if not kinds:
                return TypeExpr(kind="any")
            variants = [self.typed({**node, "type": kind}, pointer, False) for kind in kinds]
            return variants[0] if len(variants) == 1 else TypeExpr(kind="union", variants=variants)
        if declared is None:
            if "properties" in node or "additionalProperties" in node:
                declared = "object"
            elif "items" in node:
                declared = "array"
            else:
                return TypeExpr(kind="any")
        if not isinstance(declared, str):
            self.report(Code.UNKNOWN_TYPE, f"`type: {declared!r}` is not a type name; typed as any", _child(pointer, "type"))
            return TypeExpr(kind="any")
        if declared == "string":  # a `format` is an annotation (JSON Schema): any string fits
            return TypeExpr(kind="string")
        if declared in _SCALARS:
            return TypeExpr(kind=cast(TypeKind, declared))
        if declared == "array":
            if "prefixItems" in node or isinstance(node.get("items"), list):
                return self.tuple(node, pointer)
            if "items" not in node:
                return TypeExpr(kind="array")
            return TypeExpr(kind="array", items=self.type(node["items"], _child(pointer, "items")))
        if declared == "object":
            return self.object_type(node, pointer)
        self.report(Code.UNKNOWN_TYPE, f"unknown type {declared!r}; typed as any", _child(pointer, "type"))
        return TypeExpr(kind="any")

    def tuple(self, node: JsonDict, pointer: str) -> TypeExpr:
        """`prefixItems` (or Draft 7's `items: [...]`) with `minItems` = `maxItems` = their
        number is a fixed tuple; any other tuple (items optional, or more allowed) is read as a
        list of any, its positions unchecked."""
        keyword = "prefixItems" if "prefixItems" in node else "items"
        prefix = node[keyword]
        count = len(prefix) if isinstance(prefix, list) else -1
        if count > 0 and node.get("minItems") == count and node.get("maxItems") == count:
            where = _child(pointer, keyword)
            return TypeExpr(kind="tuple", variants=[self.type(item, _child(where, i)) for i, item in enumerate(prefix)])
        self.report(
            Code.UNSUPPORTED_TUPLE,
            f"a tuple of {max(count, 0)} item(s) whose items may be missing or followed by more; read as a list of any",
            pointer,
        )
        return TypeExpr(kind="array", items=TypeExpr(kind="any"))

    def object_type(self, node: JsonDict, pointer: str) -> TypeExpr:
        properties = node.get("properties")
        if isinstance(properties, dict) and properties:
            return self.inline_object(node, pointer)
        extra = node.get("additionalProperties")
        if extra is None:
            return TypeExpr(kind="map")
        if extra is True:
            return TypeExpr(kind="map", items=TypeExpr(kind="any"))
        if extra is False:
            self.report(Code.UNSUPPORTED_SCHEMA, "an object with no properties allowed; read as a map", pointer)
            return TypeExpr(kind="map")
        return TypeExpr(kind="map", items=self.type(extra, _child(pointer, "additionalProperties")))

    def inline_object(self, node: JsonDict, pointer: str) -> TypeExpr:
        """An anonymous object schema becomes a named nested type."""
        title = node.get("title")
        stem = sanitize_component_key(title) if isinstance(title, str) and title else "Inline"
        name, counter = stem, 2
        while name in self.used_names:
            name, counter = f"{stem}_{counter}", counter + 1
        self.used_names.add(name)
        self.report(Code.INLINE_OBJECT, f"inline object schema read as nested type {name!r}", pointer)
        self.inline_types.append(self.object_schema(name, node, pointer))
        return TypeExpr(kind="ref", ref=name)

    def ref_key(self, ref: str) -> str | None:
        if not ref.startswith(SCHEMA_REF_PREFIX):
            return None
        return unquote(ref[len(SCHEMA_REF_PREFIX) :]).replace("~1", "/").replace("~0", "~")

    def ref(self, ref: Any, pointer: str) -> TypeExpr:
        if not isinstance(ref, str):
            self.report(Code.BAD_REF, f"`$ref` is not a string: {ref!r}; typed as any", pointer)
            return TypeExpr(kind="any")
        key = self.ref_key(ref)
        if key is None:
            self.report(Code.EXTERNAL_REF, f"`$ref` {ref!r} is not a local schema; typed as any", pointer)
            return TypeExpr(kind="any")
        if key in self.object_names:
            return TypeExpr(kind="ref", ref=self.object_names[key])
        if key in self.aliases:
            return self.alias(key, pointer)
        self.report(
            Code.DANGLING_REF,
            f"`$ref` {ref!r} names no schema in components.schemas; typed `Any` (an overlay can add `/types/{key}`)",
            pointer,
        )
        return TypeExpr(kind="ref", ref=key)

    def alias(self, key: str, pointer: str) -> TypeExpr:
        """A non-object component (an enum, a list, ...) is inlined where it is used."""
        cached = self.alias_cache.get(key)
        if cached is not None:
            return cached.model_copy(deep=True)
        if key in self.alias_stack:
            self.report(Code.RECURSIVE_ALIAS, f"schema {key!r} refers to itself; typed as any", pointer)
            return TypeExpr(kind="any")
        self.alias_stack.append(key)
        try:
            expr = self.type(self.schemas[key], _child("/components/schemas", key))
        finally:
            self.alias_stack.pop()
        if expr.kind == "enum" and expr.name is None:
            expr = expr.model_copy(update={"name": key})
        self.alias_cache[key] = expr
        return expr.model_copy(deep=True)
