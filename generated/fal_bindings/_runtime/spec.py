# Copied from templates/package/fal_bindings/_runtime/spec.py by falgen. Edit the source, then run make generate.
"""Reading the package's endpoint specs (`_specs/*.json`, OpenAPI 3.1): the one JSON-pointer
resolver, `$ref` following, where an endpoint's Input and Output schemas live, and the facts the
parser wrote into them (`x-fal-file`). Shared by the CLI and the emulator. Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "SpecError",
    "SCHEMA_REF_PREFIX",
    "X_FILE",
    "carries_files",
    "dig",
    "escape_token",
    "io_pointer",
    "non_null_variants",
    "pointer_target",
    "ref_name",
    "resolve",
    "schema_name",
    "single_all_of",
]

SCHEMA_REF_PREFIX = "#/components/schemas/"
X_FILE = "x-fal-file"
"""Set (`true`) by falgen's parser on a property that carries file URLs (a string, or a list of
them): inputs take a URL, a data URI or a local file; the emulator serves files for outputs."""
_MAX_REFS = 32


class SpecError(ValueError):
    """A spec that cannot be used: not an object, no endpoint id, a `$ref` that resolves nowhere."""


def carries_files(prop: Mapping[str, Any]) -> bool:
    """Whether the property schema `prop` (as written, before `$ref`s are followed) carries file URLs."""
    return prop.get(X_FILE) is True


def dig(node: Any, *keys: str) -> Any:
    """`node[k1][k2]...`, or None where the path does not exist."""
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def escape_token(token: str) -> str:
    """`token` as one JSON-pointer segment (RFC 6901: `~` -> `~0`, `/` -> `~1`)."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer_target(
    document: Mapping[str, Any], pointer: str, source: str = "spec"
) -> dict[str, Any]:
    """The schema object a local `#/a/b` pointer (RFC 6901 escapes) names; SpecError otherwise."""
    if not pointer.startswith("#"):
        raise SpecError(f"{source}: only local $refs are supported, got {pointer!r}")
    node: Any = document
    for raw in pointer[1:].split("/")[1:]:
        part = _unescape(raw)
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


def single_all_of(schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """The member of `allOf: [X]` (how OpenAPI attaches a description to a `$ref`)."""
    members = schema.get("allOf")
    if isinstance(members, list) and len(members) == 1 and isinstance(members[0], dict):
        return members[0]
    return None


def resolve(
    document: Mapping[str, Any], schema: dict[str, Any], source: str | None = None
) -> dict[str, Any]:
    """`schema` with its `$ref`s (local only) and single-member `allOf`s followed; a `$ref` that
    resolves nowhere gives `{}` (any value), or, given the spec's `source`, a SpecError naming it.
    """
    for _ in range(_MAX_REFS):
        member = single_all_of(schema)
        if member is not None:
            schema = member
            continue
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            break
        try:
            schema = pointer_target(document, ref, source or "spec")
        except SpecError:
            if source is not None:
                raise
            return {}
    return schema


def ref_name(schema: Mapping[str, Any]) -> str | None:
    """The component name a schema refers to (through a single-member `allOf`), if any."""
    member = single_all_of(schema)
    if member is not None:
        return ref_name(member)
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMA_REF_PREFIX):
        return _unescape(ref[len(SCHEMA_REF_PREFIX) :])
    return None


def non_null_variants(schema: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """The members of an `anyOf`/`oneOf` union other than `{"type": "null"}` (None: no union)."""
    for key in ("anyOf", "oneOf"):
        variants = schema.get(key)
        if isinstance(variants, list):
            return [v for v in variants if isinstance(v, dict) and v.get("type") != "null"]
    return None


def schema_name(endpoint_id: str) -> str:
    """`fal-ai/flux-2/klein/4b/base` -> `Flux2Klein4bBase` (the `fal-ai` owner is dropped)."""
    parts = endpoint_id.split("/")
    if parts[0] == "fal-ai":
        parts = parts[1:]
    words = [word for part in parts for word in re.split(r"[^A-Za-z0-9]+", part) if word]
    return "".join(word[:1].upper() + word[1:] for word in words)


def io_pointer(
    document: Mapping[str, Any], endpoint_id: str, kind: str, source: str = "spec"
) -> str:
    """Where the Input (request body) or Output (queue result) schema of an endpoint lives, as a
    `#/...` pointer: the operation's schema; else the `<Name>Input`/`<Name>Output` component, or
    the only component named `*Input`/`*Output`. SpecError when there is none."""
    if kind not in ("Input", "Output"):
        raise ValueError(f"kind is Input or Output, not {kind!r}")
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
    schema = dig(document, *location)
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return ref
        return "#/" + "/".join(escape_token(part) for part in location)
    schemas = dig(document, "components", "schemas")
    schemas = schemas if isinstance(schemas, dict) else {}
    name = schema_name(endpoint_id) + kind
    if name not in schemas:
        candidates = [n for n in schemas if n.endswith(kind)]
        if len(candidates) != 1:
            raise SpecError(
                f"{source}: no {kind} schema for {endpoint_id!r} (looked in {path} and for {name})"
            )
        name = candidates[0]
    return SCHEMA_REF_PREFIX + escape_token(name)
