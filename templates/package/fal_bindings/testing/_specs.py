"""Load the per-endpoint OpenAPI documents (layout in specs/README.md) and index them by endpoint id."""

from __future__ import annotations

import difflib
import json
import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SpecSource = str | os.PathLike[str] | Iterable[Mapping[str, Any]]
"""A directory (or single file) of OpenAPI JSON documents, or the documents themselves."""

DEFAULT_SPECS_DIR = Path(__file__).resolve().parent.parent / "_specs"
"""Where the generated package ships its specs (package data `fal_bindings/_specs/`)."""

CAPABILITIES = ("queue", "streaming", "realtime")


class SpecError(ValueError):
    """A spec document could not be used; the message names the document and the problem."""


@dataclass(frozen=True, eq=False)  # identity hash: usable as a cache key
class EndpointSpec:
    """One endpoint: its id, capabilities, and where its Input/Output schemas sit in `document`."""

    endpoint_id: str
    capabilities: tuple[str, ...]
    document: Mapping[str, Any] = field(repr=False)
    input_pointer: str
    output_pointer: str
    source: str
    """The file the document came from (or `specs[<index>]` for in-memory documents)."""

    def schema(self, pointer: str) -> dict[str, Any]:
        """The schema at a `#/...` JSON pointer inside this endpoint's document."""
        return resolve_pointer(self.document, pointer, self.source)

    def validator(self, pointer: str) -> Draft202012Validator:
        """A 2020-12 validator for the schema at `pointer`, resolving refs against the document."""
        # The whole document is the root resource, so `#/components/schemas/...` refs resolve; the
        # OpenAPI top-level keys are not JSON Schema keywords and are ignored by the validator.
        root = {**self.document, "$ref": pointer}
        return Draft202012Validator(root)

    @cached_property
    def input_validator(self) -> Draft202012Validator:
        return self.validator(self.input_pointer)

    @cached_property
    def output_validator(self) -> Draft202012Validator:
        return self.validator(self.output_pointer)

    def example(self, pointer: str) -> Any | None:
        """The first example of the schema at `pointer` (`examples[0]`, or OpenAPI's `example`)."""
        schema = self.schema(pointer)
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            return examples[0]
        return schema.get("example")


def resolve_pointer(document: Mapping[str, Any], pointer: str, source: str) -> dict[str, Any]:
    """Follow a local `#/a/b` pointer (RFC 6901 escapes) and return the schema object there."""
    if not pointer.startswith("#"):
        raise SpecError(f"{source}: only local $refs are supported, got {pointer!r}")
    node: Any = document
    for raw in pointer[1:].split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise SpecError(f"{source}: $ref {pointer!r} does not resolve (no {part!r})")
    if not isinstance(node, dict):
        raise SpecError(
            f"{source}: $ref {pointer!r} points at a {type(node).__name__}, not a schema"
        )
    return node


def schema_name(endpoint_id: str) -> str:
    """`fal-ai/flux-2/klein/4b/base` -> `Flux2Klein4bBase` (the `fal-ai` owner is dropped)."""
    parts = endpoint_id.split("/")
    if parts[0] == "fal-ai":
        parts = parts[1:]
    words = [word for part in parts for word in re.split(r"[^A-Za-z0-9]+", part) if word]
    return "".join(word[:1].upper() + word[1:] for word in words)


def load_specs(source: SpecSource | None = None) -> dict[str, EndpointSpec]:
    """Index every endpoint of `source` (default: the package's `_specs/`) by endpoint id."""
    if source is None:
        source = DEFAULT_SPECS_DIR
    if isinstance(source, (str, os.PathLike)):
        return dict(_load_path(Path(source)))
    if isinstance(source, Mapping):
        raise SpecError(
            "specs= takes a directory or an iterable of spec documents, not one document"
        )
    return _index((document, f"specs[{index}]") for index, document in enumerate(source))


_cache_lock = threading.Lock()
_path_cache: dict[Path, tuple[tuple[tuple[str, int, int], ...], dict[str, EndpointSpec]]] = {}


def _load_path(path: Path) -> dict[str, EndpointSpec]:
    # Cached per directory while no file changes: thousands of specs are parsed once per process,
    # not once per emulator.
    path = path.resolve()
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(path.rglob("*.json"))
    else:
        raise SpecError(f"spec directory not found: {path}")
    signature = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    with _cache_lock:
        cached = _path_cache.get(path)
        if cached and cached[0] == signature:
            return cached[1]
    specs = _index((_read_json(f), str(f)) for f in files)
    with _cache_lock:
        _path_cache[path] = (signature, specs)
    return specs


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SpecError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read spec: {exc}") from exc


def _index(documents: Iterable[tuple[Any, str]]) -> dict[str, EndpointSpec]:
    specs: dict[str, EndpointSpec] = {}
    for document, source in documents:
        spec = _endpoint(document, source)
        if spec.endpoint_id in specs:
            other = specs[spec.endpoint_id].source
            raise SpecError(f"{source}: endpoint {spec.endpoint_id!r} is also defined in {other}")
        specs[spec.endpoint_id] = spec
    return dict(sorted(specs.items()))


def _endpoint(document: Any, source: str) -> EndpointSpec:
    if not isinstance(document, dict):
        raise SpecError(f"{source}: a spec must be a JSON object, got {type(document).__name__}")
    info = document.get("info")
    metadata = info.get("x-fal-metadata") if isinstance(info, dict) else None
    if not isinstance(metadata, dict) or not isinstance(metadata.get("endpointId"), str):
        raise SpecError(f"{source}: info.x-fal-metadata.endpointId is missing")
    endpoint_id: str = metadata["endpointId"]
    capabilities = metadata.get("capabilities", ["queue"])
    if not isinstance(capabilities, list):
        raise SpecError(
            f"{source}: info.x-fal-metadata.capabilities must be a list, got {capabilities!r}"
        )
    unknown = [c for c in capabilities if c not in CAPABILITIES]
    if unknown:
        raise SpecError(
            f"{source}: unknown capabilities {unknown} (known: {', '.join(CAPABILITIES)})"
        )
    input_pointer = _schema_pointer(document, endpoint_id, "Input", source)
    output_pointer = _schema_pointer(document, endpoint_id, "Output", source)
    for pointer in (input_pointer, output_pointer):
        resolve_pointer(document, pointer, source)  # a dangling $ref fails here, not mid-request
    return EndpointSpec(
        endpoint_id=endpoint_id,
        capabilities=tuple(capabilities),
        document=document,
        input_pointer=input_pointer,
        output_pointer=output_pointer,
        source=source,
    )


def _schema_pointer(document: dict[str, Any], endpoint_id: str, kind: str, source: str) -> str:
    """Where the Input (request body) or Output (result) schema lives, as a `#/...` pointer."""
    if kind == "Input":
        path = f"/{endpoint_id}"
        location = ["paths", path, "post", "requestBody", "content", "application/json", "schema"]
    else:
        path = f"/{endpoint_id}/requests/{{request_id}}"
        location = [
            "paths",
            path,
            "get",
            "responses",
            "200",
            "content",
            "application/json",
            "schema",
        ]
    schema = _dig(document, location)
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return ref
        return "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in location)
    # Fallback: the `<Name>Input` / `<Name>Output` naming convention, or the only `*Input` schema.
    schemas = _dig(document, ["components", "schemas"])
    schemas = schemas if isinstance(schemas, dict) else {}
    name = schema_name(endpoint_id) + kind
    if name not in schemas:
        candidates = [n for n in schemas if n.endswith(kind)]
        if len(candidates) != 1:
            raise SpecError(
                f"{source}: no {kind} schema for {endpoint_id!r} (looked in {path} and for {name})"
            )
        name = candidates[0]
    return f"#/components/schemas/{name}"


def _dig(node: Any, keys: list[str]) -> Any:
    """`node[k1][k2]...`, or None where the path does not exist."""
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def lookup(specs: Mapping[str, EndpointSpec], endpoint_id: str) -> EndpointSpec:
    """The endpoint with this id, or a KeyError that suggests near misses."""
    spec = specs.get(endpoint_id)
    if spec is None:
        close = difflib.get_close_matches(endpoint_id, list(specs), n=3)
        hint = (
            f"; did you mean {', '.join(map(repr, close))}?"
            if close
            else f" ({len(specs)} endpoints loaded)"
        )
        raise KeyError(f"unknown endpoint {endpoint_id!r}{hint}")
    return spec
