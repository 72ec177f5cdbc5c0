"""OpenAPI JSON -> IR: reads back the specs falgen writes, and fal's own per-endpoint docs.

Two kinds of documents come in:

- falgen's own specs (they carry a top-level `x-fal-provenance`): every `x-fal-*` key of
  `generator.spec.write` is honoured, so `read_openapi(endpoint_to_openapi(e))` gives back `e`.
- fal's published queue OpenAPI (`fal.ai/api/openapi/queue/openapi.json?endpoint_id=...`):
  plain JSON Schema with fal's habits (`allOf: [{$ref}]` wrappers, nullable as `anyOf` with
  `{"type": "null"}`, `x-fal-order-properties`, per-property `examples`). Provenance points
  at the JSON file and line, required-ness comes from the schema, capabilities are `queue`.
  A document `falgen fetch catalog` wrote also carries fal's listing metadata
  (`info.x-fal-model`: display name, fine category, status, tags; see `generator.spec.fal_model`).

What the IR cannot hold (`oneOf` with a discriminator, `type` lists, `const`, inline object
schemas, `format: binary`, unknown types) maps to the nearest IR type with a warning that
names the file, line, JSON pointer and endpoint id. Nothing raises on bad input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast, get_args

from generator.core.codes import Code
from generator.core.diagnostics import diagnostic
from generator.core.fits import strict_json
from generator.core.ir import (
    CAPABILITY_ORDER,
    Capability,
    Diagnostic,
    Endpoint,
    Example,
    ParseResult,
    Provenance,
    RequiredSource,
    Schema,
    Severity,
)
from generator.core.names import schema_base_name
from generator.core.paths import display_path
from generator.spec.fal_model import read_model_facts
from generator.spec.keys import (
    QUEUE_STATUS,
    X_EXAMPLE_FROM_PROPERTIES,
    X_EXAMPLE_SOURCE,
    X_METADATA,
    X_ORIGINAL_NAME,
    X_PROVENANCE,
)
from generator.spec.pointers import LazyLines, pointer_lines
from generator.spec.pointers import child as _child
from generator.spec.pointers import escape as _escape
from generator.spec.read_schemas import SchemaReader, is_object_schema

__all__ = ["pointer_lines", "read_openapi", "read_openapi_bytes", "read_openapi_file", "read_spec_dir"]

JsonDict = dict[str, Any]

_REQUIRED_SOURCES: frozenset[str] = frozenset(get_args(RequiredSource))
_FAL_TITLE = re.compile(r"^Queue OpenAPI for \S+$")
_FAL_DESCRIPTION = re.compile(r"^The OpenAPI schema for the \S+ queue\.?$")
_REQUEST_PATH = re.compile(r"/requests/\{request_id\}$")


class _Reader(SchemaReader):
    """A whole document: metadata, operations, the endpoint's schemas, examples, provenance."""

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
        input_schema = self.io_schema(input_key, f"{base}Input", "Input")
        output_schema = self.io_schema(output_key, f"{base}Output", "Output")
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
        # fal's model listing (`info.x-fal-model`) names the model where the document is generic.
        facts = read_model_facts(info, metadata, self.report)
        title = title or facts.display_name or ""
        description = description or facts.description or ""
        category = facts.category or category

        provenance, sources = self.endpoint_provenance(id_pointer)
        return Endpoint(
            id=endpoint_id,
            title=title,
            description=description,
            category=category,
            status=facts.status,
            tags=facts.tags,
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
            if key in (input_key, output_key) or is_object_schema(node):
                original = node.get(X_ORIGINAL_NAME) if isinstance(node, dict) else None
                name = original if isinstance(original, str) else key
                self.object_names[key] = name
                self.used_names.add(name)
            else:
                self.aliases.add(key)

    def io_schema(self, key: str | None, fallback_name: str, role: str) -> Schema:
        if key is None:
            return Schema(name=fallback_name)
        schema = self.schema(key)
        node = self.schemas[key]
        if schema.fields or schema.any_value or not isinstance(node, dict) or _states_an_object(node):
            return schema
        # A string, a list, a union, a `$ref` to another schema: the IR's Input and Output are
        # objects, so say what is not modelled rather than read it as an empty object.
        stated = ", ".join(f"{k}: {json.dumps(node[k])[:60]}" for k in sorted(node) if not k.startswith(("x-", "title", "description", "example")))
        treated = "typed as any JSON value (`FalValue`)" if role == "Output" else "an open Input (any keys)"
        self.report(
            Code.NON_OBJECT_IO,
            f"the {role} schema {key!r} is not an object ({stated}): {treated}; an overlay can define it",
            _child("/components/schemas", key),
        )
        return schema.model_copy(update={"any_value": True})

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
            return Example(value=examples[0], provenance=provenance, from_properties=node.get(X_EXAMPLE_FROM_PROPERTIES) is True)
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
        return Example(value=value, provenance=self.provenance(None, pointer), from_properties=True)


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
    return read_openapi(doc, file, lines=LazyLines(text), surrogates_possible=escaped)


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


def _states_an_object(node: JsonDict) -> bool:
    """Whether a schema says its value is an object (or says nothing about its type)."""
    kind = node.get("type")
    stated = kind == "object" or (isinstance(kind, list) and "object" in kind)
    return stated or "properties" in node or "additionalProperties" in node
