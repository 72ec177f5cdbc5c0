"""OpenAPI JSON -> IR: reads back the specs falgen writes, and fal's own per-endpoint docs.

Two kinds of documents come in:

- falgen's own specs (they carry a top-level `x-fal-provenance`): every `x-fal-*` key of
  `generator.spec.write` is honoured, so `read_openapi(endpoint_to_openapi(e))` gives back `e`.
- fal's published queue OpenAPI (`fal.ai/api/openapi/queue/openapi.json?endpoint_id=...`):
  plain JSON Schema with fal's habits (`allOf: [{$ref}]` wrappers, nullable as `anyOf` with
  `{"type": "null"}`, `x-fal-order-properties`, per-property `examples`). Provenance points
  at the JSON file and line, required-ness comes from the schema, capabilities are `queue`.

What the IR cannot hold (`oneOf` with a discriminator, `type` lists, `const`, inline object
schemas, `format: binary`, unknown types) maps to the nearest IR type with a warning that
names the file, line, JSON pointer and endpoint id. Nothing raises on bad input.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast, get_args
from urllib.parse import unquote

from generator.core.codes import Code
from generator.core.diagnostics import diagnostic
from generator.core.fits import strict_json
from generator.core.ir import (
    CAPABILITY_ORDER,
    Capability,
    Constraints,
    Diagnostic,
    Endpoint,
    Example,
    Field_,
    ParseResult,
    Provenance,
    RequiredSource,
    Schema,
    Severity,
    TypeExpr,
    TypeKind,
)
from generator.core.names import schema_base_name
from generator.core.paths import display_path
from generator.spec.write import (
    CONSTRAINT_KEYS,
    LENGTH_KEYWORDS,
    NULL_SCHEMA,
    QUEUE_STATUS,
    SCHEMA_REF_PREFIX,
    X_DUPLICATES,
    X_ENUM_NAME,
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
    sanitize_component_key,
)

__all__ = ["display_path", "pointer_lines", "read_openapi", "read_openapi_bytes", "read_openapi_file", "read_spec_dir"]

JsonDict = dict[str, Any]

_REQUIRED_SOURCES: frozenset[str] = frozenset(get_args(RequiredSource))
_SCALARS = frozenset({"string", "integer", "number", "boolean", "null"})
_HARMLESS_FORMATS = frozenset(
    {
        "uri",
        "url",
        "uri-reference",
        "iri",
        "date-time",
        "date",
        "time",
        "duration",
        "email",
        "hostname",
        "ipv4",
        "ipv6",
        "uuid",
        "regex",
        "int32",
        "int64",
        "float",
        "double",
        "byte",
        "password",
        "data-url",
        "color",
    }
)
_FAL_TITLE = re.compile(r"^Queue OpenAPI for \S+$")
_FAL_DESCRIPTION = re.compile(r"^The OpenAPI schema for the \S+ queue\.?$")
_REQUEST_PATH = re.compile(r"/requests/\{request_id\}$")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _child(pointer: str, token: str | int) -> str:
    return f"{pointer}/{_escape(str(token))}"


# --- line numbers ---------------------------------------------------------------------


def pointer_lines(text: str) -> dict[str, int]:
    """JSON pointer -> 1-based line of every value in a JSON text (of its key, for members).

    Only called on text that `json.loads` accepted; returns what it found so far if the text
    turns out not to be JSON after all.
    """
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    lines: dict[str, int] = {}
    decoder = json.JSONDecoder()
    whitespace = re.compile(r"[ \t\n\r]*")

    def line_of(position: int) -> int:
        return bisect.bisect_right(starts, position)

    def skip(position: int) -> int:
        match = whitespace.match(text, position)
        return match.end() if match else position

    def value(position: int, pointer: str) -> int:
        position = skip(position)
        lines.setdefault(pointer, line_of(position))
        char = text[position]
        if char == "{":
            position = skip(position + 1)
            if text[position] == "}":
                return position + 1
            while True:
                position = skip(position)
                key_line = line_of(position)
                key, position = decoder.raw_decode(text, position)
                child = _child(pointer, str(key))
                lines[child] = key_line
                position = skip(position)  # at ':'
                position = skip(value(position + 1, child))
                if text[position] == ",":
                    position += 1
                    continue
                return position + 1  # '}'
        if char == "[":
            position = skip(position + 1)
            if text[position] == "]":
                return position + 1
            index = 0
            while True:
                position = skip(value(position, _child(pointer, index)))
                index += 1
                if text[position] == ",":
                    position += 1
                    continue
                return position + 1  # ']'
        _, end = decoder.raw_decode(text, position)
        return int(end)

    with contextlib.suppress(ValueError, IndexError, RecursionError):
        value(0, "")
    return lines


# --- the reader -----------------------------------------------------------------------


def _is_null_schema(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and node.get("type") == "null"
        and not any(key in node for key in ("enum", "const", "$ref", "anyOf", "oneOf", "allOf"))
    )


def _is_object_schema(node: Any) -> bool:
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


class _Reader:
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

    # document ---------------------------------------------------------------------------

    def read(self) -> Endpoint | None:
        doc = self.doc
        version = doc.get("openapi")
        if not (isinstance(version, str) and version.startswith("3.")):
            self.report(Code.OPENAPI_VERSION, f"not an OpenAPI 3.x document (openapi: {version!r})", "")

        info = doc.get("info")
        if not isinstance(info, dict):
            self.report(Code.MISSING_INFO, "document has no `info` object", "/info")
            info = {}
        metadata = info.get(X_METADATA)
        if not isinstance(metadata, dict):
            if X_METADATA in info:
                self.report(Code.BAD_METADATA, f"`{X_METADATA}` is not an object", "/info/" + X_METADATA)
            metadata = {}

        paths = doc.get("paths")
        if not isinstance(paths, dict):
            self.report(Code.MISSING_PATHS, "document has no `paths` object", "/paths")
            paths = {}
        post_path, input_ref, output_ref = self.read_paths(paths)

        endpoint_id = metadata.get("endpointId")
        id_pointer = f"/info/{_escape(X_METADATA)}/endpointId"
        if not isinstance(endpoint_id, str) or not endpoint_id:
            if post_path is None:
                self.report(
                    Code.MISSING_ENDPOINT_ID,
                    "no endpoint id (info.x-fal-metadata.endpointId) and no POST path to take it from",
                    id_pointer,
                )
                return None
            endpoint_id = post_path.lstrip("/")
            self.report(
                Code.MISSING_ENDPOINT_ID,
                f"no info.x-fal-metadata.endpointId; using the POST path {post_path!r}",
                id_pointer,
                severity=Severity.WARNING,
            )
        self.endpoint_id = endpoint_id

        components = doc.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        if not isinstance(schemas, dict):
            self.report(
                Code.MISSING_COMPONENTS,
                "document has no `components.schemas`; input and output are empty",
                "/components/schemas",
            )
            schemas = {}
        self.schemas = schemas

        base = schema_base_name(endpoint_id)
        input_key = self.io_key(input_ref, "Input", base, "/paths")
        output_key = self.io_key(output_ref, "Output", base, "/paths")
        self.classify(input_key, output_key)

        types: list[Schema] = []
        for key in self.schemas:
            if key in self.object_names and key not in (input_key, output_key):
                types.append(self.schema(key))
        input_schema = self.io_schema(input_key, f"{base}Input")
        output_schema = self.io_schema(output_key, f"{base}Output")
        types.extend(self.inline_types)

        title = info.get("title")
        description = info.get("description")
        title = title if isinstance(title, str) else ""
        description = description if isinstance(description, str) else ""
        if not self.ours:
            title = "" if _FAL_TITLE.match(title) else title
            description = "" if _FAL_DESCRIPTION.match(description) else description
        category = metadata.get("category")
        if category is not None and not isinstance(category, str):
            self.report(Code.BAD_METADATA, f"category is not a string: {category!r}", id_pointer)
            category = None

        provenance, sources = self.endpoint_provenance(id_pointer)
        return Endpoint(
            id=endpoint_id,
            title=title,
            description=description,
            category=category,
            capabilities=self.capabilities(metadata),
            input=input_schema,
            output=output_schema,
            types=types,
            example_input=self.example(input_key, input_schema),
            example_output=self.example(output_key, output_schema),
            provenance=provenance,
            sources=sources,
        )

    def read_paths(self, paths: JsonDict) -> tuple[str | None, Any, Any]:
        """(POST path, request body `$ref`, result response `$ref`)."""
        post_path: str | None = None
        input_ref: Any = None
        output_ref: Any = None
        for path, item in paths.items():
            if not isinstance(item, dict):
                continue
            post = item.get("post")
            if post_path is None and isinstance(post, dict) and "{request_id}" not in path:
                post_path = path
                input_ref = _dig(post, "requestBody", "content", "application/json", "schema")
            get = item.get("get")
            if output_ref is None and isinstance(get, dict) and _REQUEST_PATH.search(path):
                output_ref = _dig(get, "responses", "200", "content", "application/json", "schema")
        return post_path, input_ref, output_ref

    def io_key(self, ref_schema: Any, role: str, base: str, pointer: str) -> str | None:
        """The component key of the endpoint's Input or Output schema."""
        if isinstance(ref_schema, dict) and isinstance(ref_schema.get("$ref"), str):
            ref = ref_schema["$ref"]
            key = self.ref_key(ref)
            if key is not None and key in self.schemas:
                return key
            self.report(Code.DANGLING_REF, f"{role} schema {ref!r} is not in components.schemas", pointer)
            return None
        for candidate in (f"{base}{role}", *self.schemas):
            if candidate in self.schemas and candidate.endswith(role):
                self.report(Code.MISSING_OPERATION, f"no operation names the {role} schema; using {candidate!r}", pointer)
                return candidate
        self.report(Code.MISSING_INPUT if role == "Input" else Code.MISSING_OUTPUT, f"no {role} schema; it is left empty", pointer)
        return None

    def classify(self, input_key: str | None, output_key: str | None) -> None:
        for key, node in self.schemas.items():
            if key == QUEUE_STATUS and key not in (input_key, output_key):
                continue
            if key in (input_key, output_key) or _is_object_schema(node):
                original = node.get(X_ORIGINAL_NAME) if isinstance(node, dict) else None
                name = original if isinstance(original, str) else key
                self.object_names[key] = name
                self.used_names.add(name)
            else:
                self.aliases.add(key)

    def io_schema(self, key: str | None, fallback_name: str) -> Schema:
        if key is None:
            return Schema(name=fallback_name)
        return self.schema(key)

    def capabilities(self, metadata: JsonDict) -> list[Capability]:
        raw = metadata.get("capabilities")
        if raw is None:
            return ["queue"]
        pointer = f"/info/{_escape(X_METADATA)}/capabilities"
        if not isinstance(raw, list):
            self.report(Code.BAD_METADATA, f"capabilities is not a list: {raw!r}; using queue", pointer)
            return ["queue"]
        out: list[Capability] = []
        for index, value in enumerate(raw):
            if value in CAPABILITY_ORDER:
                out.append(cast(Capability, value))
            else:
                self.report(Code.BAD_METADATA, f"unknown capability {value!r} ignored", _child(pointer, index))
        return out

    def endpoint_provenance(self, id_pointer: str) -> tuple[Provenance | None, list[Provenance]]:
        raw = self.doc.get(X_PROVENANCE)
        if not isinstance(raw, dict):
            located = Provenance(file=self.file, line=self.line(id_pointer))
            return located, [located]
        pointer = "/" + X_PROVENANCE
        page_value = raw.get("page")
        page: Provenance | None = None
        if page_value is not None:
            page = self.provenance(page_value, _child(pointer, "page"))
        sources: list[Provenance] = []
        raw_sources = raw.get("sources", [])
        if not isinstance(raw_sources, list):
            self.report(Code.BAD_PROVENANCE, "sources is not a list", _child(pointer, "sources"))
            raw_sources = []
        for index, value in enumerate(raw_sources):
            source = self.provenance(value, _child(_child(pointer, "sources"), index))
            if source is not None:
                sources.append(source)
        return page, sources

    def example(self, key: str | None, schema: Schema) -> Example | None:
        if key is None:
            return None
        node = self.schemas[key]
        if not isinstance(node, dict):
            return None
        pointer = _child("/components/schemas", key)
        examples = node.get("examples")
        if isinstance(examples, list) and examples:
            source = node.get(X_EXAMPLE_SOURCE)
            provenance = self.provenance(source, _child(pointer, "examples"))
            return Example(value=examples[0], provenance=provenance)
        if "example" in node:
            return Example(value=node["example"], provenance=self.provenance(None, pointer))
        if self.ours:
            return None
        # fal puts examples on the properties; the page's example payload is made of them.
        properties = node.get("properties")
        if not isinstance(properties, dict):
            return None
        value: JsonDict = {}
        for item in schema.fields:
            prop = properties.get(item.name)
            if not isinstance(prop, dict):
                continue
            prop_examples = prop.get("examples")
            if isinstance(prop_examples, list) and prop_examples:
                value[item.name] = prop_examples[0]
            elif "example" in prop:
                value[item.name] = prop["example"]
        if not value:
            return None
        return Example(value=value, provenance=self.provenance(None, pointer))

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
            provenance=self.provenance(node.get(X_SOURCE), pointer),
        )

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

    def field(self, name: str, prop: Any, pointer: str, required: bool) -> Field_:
        if not isinstance(prop, dict):
            if prop is not True:
                self.report(Code.BAD_PROPERTY, f"property {name!r} is not a schema; typed as any", pointer)
            return Field_(
                name=name,
                type=TypeExpr(kind="any"),
                required=required,
                required_source="schema",
                provenance=self.provenance(None, pointer),
            )
        type_, nullable, inner = self.property_type(prop, pointer)
        description = prop.get("description")
        has_default = "default" in prop or X_INVALID_DEFAULT in prop
        default = prop.get("default", prop.get(X_INVALID_DEFAULT))
        source = prop.get(X_REQUIRED_SOURCE, "schema")
        if not isinstance(source, str) or source not in _REQUIRED_SOURCES:
            self.report(Code.BAD_REQUIRED_SOURCE, f"unknown required source {source!r}", _child(pointer, X_REQUIRED_SOURCE))
            source = "schema"
        return Field_(
            name=name,
            type=type_,
            required=required,
            required_source=cast(RequiredSource, source),
            nullable=nullable,
            has_default=has_default,
            default=default,
            description=description if isinstance(description, str) else "",
            constraints=self.constraints(prop, inner, pointer),
            file=prop.get(X_FILE) is True,
            provenance=self.provenance(prop.get(X_SOURCE), pointer),
        )

    def property_type(self, prop: JsonDict, pointer: str) -> tuple[TypeExpr, bool, Any]:
        """(type, nullable, the branch the type came from when it is wrapped)."""
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
                    type_ = self.type(node, _child(any_pointer, index))
                    return type_, True, node
                variants = [self.type(node, _child(any_pointer, i)) for i, node in indexed]
                return TypeExpr(kind="union", variants=variants), True, None
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
                return self.type(node, pointer, warn_list=False), True, None
        all_of = prop.get("allOf")
        inner = all_of[0] if isinstance(all_of, list) and len(all_of) == 1 else None
        return self.type(prop, pointer), nullable, inner

    def constraints(self, prop: JsonDict, inner: Any, pointer: str) -> Constraints:
        sources: list[tuple[JsonDict, str]] = [(prop, pointer)]
        invalid = prop.get(X_INVALID_CONSTRAINTS)
        if isinstance(invalid, dict):
            sources.append((invalid, _child(pointer, X_INVALID_CONSTRAINTS)))
        if not self.ours and isinstance(inner, dict):
            sources.append((inner, pointer))
        values: dict[str, Any] = {}
        for attribute, keyword in CONSTRAINT_KEYS:
            for source, where in sources:
                if keyword not in source:
                    continue
                value = self.limit(keyword, source[keyword], _child(where, keyword))
                if value is not None:
                    values[attribute] = value
                break
        return Constraints(**values, inferred=prop.get(X_INFERRED) is True)

    def limit(self, keyword: str, value: Any, pointer: str) -> int | float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.report(Code.BAD_CONSTRAINT, f"`{keyword}: {value!r}` is not a number; ignored", pointer)
            return None
        if keyword in LENGTH_KEYWORDS and not isinstance(value, int):
            if not value.is_integer():
                self.report(Code.BAD_CONSTRAINT, f"`{keyword}: {value!r}` is not an integer; ignored", pointer)
                return None
            return int(value)
        return value

    # types ------------------------------------------------------------------------------

    def type(self, node: Any, pointer: str, warn_list: bool = True) -> TypeExpr:
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
        if "const" in node:
            self.report(Code.UNSUPPORTED_CONST, f"`const: {node['const']!r}` read as a one-value enum", pointer)
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
        if declared == "string":
            self.check_format(node, pointer)
            return TypeExpr(kind="string")
        if declared in _SCALARS:
            return TypeExpr(kind=cast(TypeKind, declared))
        if declared == "array":
            if "prefixItems" in node or isinstance(node.get("items"), list):
                self.report(Code.UNSUPPORTED_TUPLE, "tuple arrays read as a list of any", pointer)
                return TypeExpr(kind="array", items=TypeExpr(kind="any"))
            if "items" not in node:
                return TypeExpr(kind="array")
            return TypeExpr(kind="array", items=self.type(node["items"], _child(pointer, "items")))
        if declared == "object":
            return self.object_type(node, pointer)
        self.report(Code.UNKNOWN_TYPE, f"unknown type {declared!r}; typed as any", _child(pointer, "type"))
        return TypeExpr(kind="any")

    def check_format(self, node: JsonDict, pointer: str) -> None:
        fmt = node.get("format")
        if fmt is None or (isinstance(fmt, str) and fmt in _HARMLESS_FORMATS):
            return
        if fmt == "binary":
            message = "`format: binary` (raw bytes) read as a string"
        else:
            message = f"unknown string format {fmt!r} ignored"
        self.report(Code.UNSUPPORTED_FORMAT, message, _child(pointer, "format"))

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
        self.report(Code.DANGLING_REF, f"`$ref` {ref!r} names no schema in components.schemas", pointer)
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


def _dig(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


# --- entry points ---------------------------------------------------------------------


def read_openapi(
    doc: Any, file: str, *, lines: Mapping[str, int] | None = None, surrogates_possible: bool = True
) -> tuple[list[Endpoint], list[Diagnostic]]:
    """The endpoint described by one OpenAPI document (none if it cannot be identified).

    `file` is the document's path as it should appear in provenance and diagnostics;
    `lines` maps JSON pointers to line numbers (see `pointer_lines`) when the text is known.
    """
    if not isinstance(doc, dict):
        kind = type(doc).__name__
        return [], [
            diagnostic(
                Code.NOT_AN_OBJECT, f"an OpenAPI document is a JSON object, not a {kind}", file, (lines or {}).get("", 0), pointer=""
            )
        ]
    reader = _Reader(doc, file, lines)
    try:
        reader.doc, replaced = _without_surrogates(doc) if surrogates_possible else (doc, 0)
        if replaced:
            reader.report(Code.LONE_SURROGATE, f"{replaced} string(s) hold lone surrogates (`\\ud800`-`\\udfff` escapes); replaced by U+FFFD", "")
        endpoint = reader.read()
    except RecursionError:
        reader.report(Code.TOO_DEEP, "schemas nest too deeply to read", "")
        endpoint = None
    except Exception as error:  # noqa: BLE001 - a bad document must not stop a whole run
        reader.report(Code.READER_FAILURE, f"cannot read document: {type(error).__name__}: {error}", "")
        endpoint = None
    return ([endpoint] if endpoint is not None else []), reader.diagnostics


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _without_surrogates(node: Any) -> tuple[Any, int]:
    """`node` with every lone surrogate (a `\\ud800` escape JSON allows) in keys and strings
    replaced by U+FFFD: such text cannot be written as UTF-8 (specs, code, reports); and how
    many strings had one. Untouched documents are returned as they are."""
    if isinstance(node, str):
        return (_SURROGATE.sub("\ufffd", node), 1) if _SURROGATE.search(node) else (node, 0)
    if isinstance(node, list):
        items = [_without_surrogates(item) for item in node]
        count = sum(found for _, found in items)
        return ([item for item, _ in items] if count else node), count
    if isinstance(node, dict):
        entries = [(_without_surrogates(key), _without_surrogates(value)) for key, value in node.items()]
        count = sum(k[1] + v[1] for k, v in entries)
        return ({k[0]: v[0] for k, v in entries} if count else node), count
    return node, 0


def _file_error(code: Code, message: str, file: str, line: int = 0) -> Diagnostic:
    return diagnostic(code, message, file, line)


def read_openapi_bytes(data: bytes, file: str) -> tuple[list[Endpoint], list[Diagnostic]]:
    """`read_openapi` on the raw bytes of a JSON file; bad bytes or bad JSON is an error
    diagnostic with file:line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return [], [_file_error(Code.NOT_UTF8, f"file is not UTF-8 ({error.reason})", file, line)]
    try:
        doc = strict_json(text)
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} (column {error.colno})"
        return [], [_file_error(Code.INVALID_JSON, message, file, error.lineno)]
    except ValueError as error:  # NaN, 1e999, an integer with more digits than Python converts
        return [], [_file_error(Code.INVALID_JSON, f"not valid JSON: {error}", file, 1)]
    except RecursionError:
        return [], [_file_error(Code.INVALID_JSON, "JSON nests too deeply", file, 1)]
    # Decoded UTF-8 holds no surrogates; only `\ud800`-style escapes in the JSON can make them.
    escaped = _SURROGATE_ESCAPE.search(text) is not None
    return read_openapi(doc, file, lines=_LazyLines(text), surrogates_possible=escaped)


class _LazyLines(Mapping[str, int]):
    """`pointer_lines(text)`, computed only when a line is first asked for: documents we wrote
    ourselves carry their provenance, so reading them never needs it."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[str, int] | None = None

    def _load(self) -> dict[str, int]:
        if self._lines is None:
            self._lines = pointer_lines(self._text)
        return self._lines

    def __getitem__(self, key: str) -> int:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def read_openapi_file(path: Path, *, file: str | None = None) -> tuple[list[Endpoint], list[Diagnostic]]:
    """`read_openapi` on a JSON file; an unreadable file or invalid JSON is an error diagnostic.

    `file` is the name used in provenance and diagnostics (default: `path` relative to the
    working directory).
    """
    shown = file if file is not None else display_path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return [], [_file_error(Code.UNREADABLE, f"cannot read file: {error.strerror or error}", shown)]
    return read_openapi_bytes(data, shown)


def read_spec_dir(path: Path, *, root: Path | None = None) -> ParseResult:
    """Every `*.json` in `path` (sorted by name), endpoints sorted by id.

    File names in provenance and diagnostics are relative to `root` (default: the working
    directory). When two files describe the same endpoint id, the first one is kept.
    """
    diagnostics: list[Diagnostic] = []
    shown_dir = display_path(path, root)
    if not path.is_dir():
        diagnostics.append(_file_error(Code.MISSING_DIR, "spec directory does not exist", shown_dir))
        return ParseResult(diagnostics=diagnostics)
    files = sorted(candidate for candidate in path.glob("*.json") if candidate.is_file())
    by_id: dict[str, Endpoint] = {}
    first_file: dict[str, str] = {}
    for candidate in files:
        shown = display_path(candidate, root)
        endpoints, found = read_openapi_file(candidate, file=shown)
        diagnostics.extend(found)
        for endpoint in endpoints:
            if endpoint.id in by_id:
                diagnostics.append(
                    diagnostic(
                        Code.DUPLICATE_ENDPOINT,
                        f"endpoint also read from {first_file[endpoint.id]}; this copy is ignored",
                        shown,
                        endpoint_id=endpoint.id,
                    )
                )
                continue
            by_id[endpoint.id] = endpoint
            first_file[endpoint.id] = shown
    return ParseResult(
        endpoints=[by_id[key] for key in sorted(by_id)],
        diagnostics=diagnostics,
        pages=len(files),
    )
