# Copied from templates/package/fal_bindings/testing/_synth.py by falgen. Edit the source, then run make generate.
"""Deterministic, schema-valid values: synthesized from a schema, or repaired from an example."""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .._runtime.spec import carries_files, non_null_variants, resolve
from ._media import MEDIA_TYPES, extension_for, media_bytes, media_type
from ._specs import EndpointSpec
from ._validate import extra_names

FileUrl = Callable[[str, str], str]
"""Builds the URL of a generated file from a stem and an extension: `(\"images-0\", \"png\")`."""

PLACEHOLDER_FILES = "https://fal-emulator.invalid/__files__/generated"
"""File URLs in examples built outside a running emulator (`.invalid` never resolves)."""

_MAX_DEPTH = 16
_MAX_REPAIRS = 200
_FILE_FIELDS = ("url", "content_type", "file_name", "file_size")
# Checked in order against the property name and the file object's type name.
_EXTENSION_HINTS = (
    ("video", "mp4"),
    ("audio", "mp3"),
    ("speech", "mp3"),
    ("voice", "mp3"),
    ("music", "mp3"),
    ("sound", "mp3"),
    ("image", "png"),
    ("mask", "png"),
    ("frame", "png"),
    ("thumbnail", "png"),
    ("zip", "zip"),
    ("archive", "zip"),
    ("json", "json"),
    ("subtitle", "srt"),
    ("text", "txt"),
)
_NUMBER_HINTS = {"seed": 42, "width": 1024, "height": 1024, "fps": 24}
_FORMAT_VALUES = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00",
    "email": "user@example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


def placeholder_file_url(stem: str, extension: str) -> str:
    return f"{PLACEHOLDER_FILES}/{stem}.{extension}"


@dataclass(frozen=True)
class _Ctx:
    """Where a value sits: the nearest property name, its JSON path, the $refs followed, and
    whether the property holds file URLs (`x-fal-file`, kept for a list's items)."""

    name: str = ""
    path: tuple[str | int, ...] = ()
    refs: tuple[str, ...] = ()
    file: bool = False

    def child(self, key: str | int, prop: Any = None) -> _Ctx:
        """The context of property `key` (its schema `prop`) or of list item `key`."""
        if isinstance(key, str):
            return _Ctx(
                key, (*self.path, key), self.refs, isinstance(prop, dict) and carries_files(prop)
            )
        return _Ctx(self.name, (*self.path, key), self.refs, self.file)

    @property
    def stem(self) -> str:
        text = "-".join(str(part) for part in self.path) or "output"
        return re.sub(r"[^A-Za-z0-9_-]+", "-", text)[:80]


class Synthesizer:
    """Builds values for the schemas of one endpoint document.

    `required_only` leaves optional properties out (inputs: the smallest valid request);
    otherwise every property is filled (outputs: exercise the whole model).
    """

    def __init__(
        self, spec: EndpointSpec, file_url: FileUrl, *, required_only: bool = False
    ) -> None:
        self._spec = spec
        self._file_url = file_url
        self._required_only = required_only
        self._validators: dict[int, tuple[dict[str, Any], Draft202012Validator]] = {}

    def synthesize(self, pointer: str) -> Any:
        """A value for the schema at `pointer` (e.g. the endpoint's output pointer)."""
        return self._value({"$ref": pointer}, _Ctx())

    def repair(self, value: Any, pointer: str) -> Any:
        """A valid copy of `value`: bad parts are replaced, missing required ones filled, extras dropped.

        Falls back to plain synthesis when the value cannot be mended.
        """
        validator = self._spec.validator(pointer)
        current = copy.deepcopy(value)
        for _ in range(_MAX_REPAIRS):
            errors = sorted(validator.iter_errors(current), key=_error_order)
            if not errors:
                return current
            if not self._fix(current, errors[0]):
                break
        return self.synthesize(pointer)

    # -- repair -------------------------------------------------------------------------------

    def _fix(self, root: Any, error: ValidationError) -> bool:
        """Mend the problem `error` reports, in place; False if only starting over can."""
        path = list(error.absolute_path)
        instance = error.instance
        ctx = _Ctx(next((p for p in reversed(path) if isinstance(p, str)), ""), tuple(path))
        if error.validator == "required" and isinstance(instance, dict):
            properties = (
                error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            )
            required: Any = error.validator_value  # `Any | Unset` in the stubs; set on every error
            for name in required:
                if name not in instance:
                    instance[name] = self._value(
                        properties.get(name, {}), ctx.child(name, properties.get(name))
                    )
            return True
        if error.validator in ("additionalProperties", "unevaluatedProperties") and isinstance(
            instance, dict
        ):
            for name in extra_names(error.schema, instance):
                del instance[name]
            return True
        if not path:
            return False
        parent = root
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = self._value(
            error.schema,
            _Ctx(
                ctx.name,
                ctx.path,
                ctx.refs,
                isinstance(error.schema, dict) and carries_files(error.schema),
            ),
        )
        return True

    # -- synthesis ----------------------------------------------------------------------------

    def _value(self, node: Any, ctx: _Ctx) -> Any:
        if not isinstance(node, dict) or len(ctx.path) > 2 * _MAX_DEPTH:
            return None  # `true` schemas accept anything; endless required recursion cannot be met
        node, ctx = self._deref(node, ctx)
        if "const" in node:
            return copy.deepcopy(node["const"])
        if "default" in node and self._valid(node, node["default"]):
            return copy.deepcopy(node["default"])
        enum = node.get("enum")
        if isinstance(enum, list) and enum:
            ordered = [v for v in enum if v is not None] + [v for v in enum if v is None]
            return copy.deepcopy(next((v for v in ordered if self._valid(node, v)), ordered[0]))
        examples = node.get("examples")
        # Whole-payload examples are the caller's business (see `repair`), and file objects'
        # examples point at remote hosts; smaller examples make realistic values.
        usable = ctx.path and not ctx.file and not _is_file_object(node)
        if isinstance(examples, list) and usable:
            for example in examples:
                if self._valid(node, example):
                    return copy.deepcopy(example)
        for keyword in ("anyOf", "oneOf"):
            if isinstance(node.get(keyword), list):
                return self._union(node, node[keyword], ctx)
        if isinstance(node.get("allOf"), list):
            return self._value(*self._merge(node, ctx))
        kind = _schema_type(node)
        if kind == "object":
            return self._object(node, ctx)
        if kind == "array":
            return self._array(node, ctx)
        if kind == "string":
            return self._string(node, ctx)
        if kind in ("integer", "number"):
            return self._number(node, ctx, integer=kind == "integer")
        if kind == "boolean":
            return False
        # A schema that says nothing (`{}`, a dangling `$ref`) takes any value: `null` for a part,
        # an object for a whole payload (what fal's apps send and take).
        return None if ctx.path else {}

    def _deref(self, node: dict[str, Any], ctx: _Ctx) -> tuple[dict[str, Any], _Ctx]:
        while isinstance(node.get("$ref"), str):
            pointer = node["$ref"]
            target = self._spec.schema(pointer)
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **siblings}
            ctx = _Ctx(ctx.name, ctx.path, (*ctx.refs, pointer.rsplit("/", 1)[-1]), ctx.file)
        return node, ctx

    def _union(self, node: dict[str, Any], variants: list[Any], ctx: _Ctx) -> Any:
        # Non-null branches first: a `T | null` output should carry a T.
        ordered = sorted(variants, key=lambda v: isinstance(v, dict) and v.get("type") == "null")
        candidate: Any = None
        for variant in ordered:
            candidate = self._value(variant, ctx)
            if self._valid(node, candidate):
                return candidate
        return candidate

    def _merge(self, node: dict[str, Any], ctx: _Ctx) -> tuple[dict[str, Any], _Ctx]:
        """`node` with its `allOf` parts merged in, and `ctx` with the `$ref`s they followed (fal
        refers to a type as `allOf: [{$ref}]`: a recursive type is seen to recur through them)."""
        merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
        for part in node["allOf"]:
            if not isinstance(part, dict):
                continue
            part, ctx = self._deref(part, ctx)
            for key, value in part.items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **value}
                elif key == "required":
                    merged["required"] = [*merged.get("required", []), *value]
                else:
                    merged.setdefault(key, value)
        return merged, ctx

    def _object(self, node: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        properties: dict[str, Any] = node.get("properties", {})
        required: list[str] = node.get("required", [])
        # Recursive types and deep nesting stop at what is required, so synthesis terminates
        # (unless the recursion itself is required: see the depth cap in `_value`).
        minimal = self._required_only or _recursing(ctx)
        file_values = self._file_fields(node, ctx) if _is_file_object(node) else {}
        out: dict[str, Any] = {}
        for name, schema in properties.items():
            if minimal and name not in required:
                continue
            if name in file_values and self._valid(schema, file_values[name]):
                out[name] = file_values[name]
            else:
                out[name] = self._value(schema, ctx.child(name, schema))
        for name in required:
            out.setdefault(name, None)
        return out

    def _array(self, node: dict[str, Any], ctx: _Ctx) -> list[Any]:
        # One item shows the shape; inside a recursive type (a tree's `children`) none, unless
        # required, so a required list of nodes ends the tree instead of nesting to the depth cap.
        count = int(node.get("minItems", 0))
        count = count if _recursing(ctx) else max(count, 1)
        if isinstance(node.get("maxItems"), int):
            count = min(count, node["maxItems"])
        prefix: list[Any] = node["prefixItems"] if isinstance(node.get("prefixItems"), list) else []
        items = node.get("items", {})
        values = [
            self._value(prefix[i] if i < len(prefix) else items, ctx.child(i)) for i in range(count)
        ]
        if node.get("uniqueItems"):
            values = [_vary(value, i) for i, value in enumerate(values)]
        return values

    def _string(self, node: dict[str, Any], ctx: _Ctx) -> str:
        fmt = node.get("format")
        if isinstance(fmt, str) and fmt in _FORMAT_VALUES:
            text = _FORMAT_VALUES[fmt]
        elif ctx.file or fmt in ("uri", "url", "iri"):
            text = self._file_url(ctx.stem, _hinted_extension([ctx.name]))
        elif ctx.name == "content_type":
            text = media_type(_hinted_extension([ctx.name, *reversed(ctx.refs)]))
        else:
            text = ctx.name or "string"
        min_length, max_length = node.get("minLength"), node.get("maxLength")
        if isinstance(min_length, int) and len(text) < min_length:
            text = text.ljust(min_length, "x")
        if isinstance(max_length, int):
            text = text[:max_length]
        return text

    def _number(self, node: dict[str, Any], ctx: _Ctx, *, integer: bool) -> int | float:
        value = _NUMBER_HINTS.get(ctx.name, 1)
        lower, lower_open, upper, upper_open = _bounds(node)
        if not integer:
            return _bounded_float(float(value), lower, lower_open, upper, upper_open)
        low = None if lower is None else math.floor(lower) + 1 if lower_open else math.ceil(lower)
        high = None if upper is None else math.ceil(upper) - 1 if upper_open else math.floor(upper)
        if low is not None:
            value = max(value, low)
        if high is not None:
            value = min(value, high)
        step = node.get("multipleOf")
        if isinstance(step, int) and step > 0:
            value = math.ceil(value / step) * step
            if high is not None and value > high:
                value -= step
        return value

    # -- files --------------------------------------------------------------------------------

    def _file_fields(self, node: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        """Consistent url/content_type/file_name/file_size for a file-like object."""
        properties = node["properties"]
        extension = _declared_extension(self._spec, properties) or _hinted_extension(
            [ctx.name, *reversed(ctx.refs)]
        )
        stem = ctx.stem
        return {
            "url": self._file_url(stem, extension),
            "content_type": media_type(extension),
            "file_name": f"{stem}.{extension}",
            "file_size": len(media_bytes(extension)),
        }

    def _valid(self, node: Any, value: Any) -> bool:
        if not isinstance(node, dict):
            return node is not False
        cached = self._validators.get(id(node))
        if cached is None:
            # Keep `node` referenced so its id stays unique while cached.
            cached = (node, Draft202012Validator({**self._spec.document, **node}))
            self._validators[id(node)] = cached
        return bool(cached[1].is_valid(value))


def localize_file_urls(
    value: Any, file_url: FileUrl, own_prefix: str, spec: EndpointSpec, pointer: str
) -> Any:
    """A copy of `value` (valid for the schema at `pointer`) whose file URLs, the properties the
    spec marks `x-fal-file`, point at `file_url` instead. URLs under `own_prefix` and data URIs
    are kept. Where the schema says nothing about a value (`{}`, a dangling `$ref`), any http(s)
    URL in it is served too: a file cannot be told from text there, and an emulator's output
    must not send a test to a remote host."""
    document = spec.document

    def remote(text: Any) -> bool:
        # An empty URL (docs show `"url": ""` as a placeholder) gets a real file too.
        if text == "":
            return True
        return (
            isinstance(text, str)
            and text.startswith(("http://", "https://"))
            and not text.startswith(own_prefix)
        )

    def local(text: str, ctx: _Ctx, siblings: dict[str, Any]) -> str:
        extension = _url_extension(text)
        content_type = siblings.get("content_type")
        if extension is None and isinstance(content_type, str):
            extension = extension_for(content_type)
        return file_url(ctx.stem, extension or _hinted_extension([ctx.name]))

    def walk(node: Any, schema: dict[str, Any], ctx: _Ctx) -> Any:
        schema = _branch(document, schema, node)
        if isinstance(node, str) and node and remote(node) and _says_nothing(schema):
            return local(node, ctx, {})
        if isinstance(node, list):
            items = schema.get("items")
            return [
                walk(item, items if isinstance(items, dict) else {}, ctx.child(i))
                for i, item in enumerate(node)
            ]
        if not isinstance(node, dict):
            return node
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        out: dict[str, Any] = {}
        for key, item in node.items():
            prop = properties.get(key)
            prop = prop if isinstance(prop, dict) else {}
            child = ctx.child(key, prop) if key != "url" else ctx
            if carries_files(prop) and remote(item):
                out[key] = local(item, child, node)
            elif carries_files(prop) and isinstance(item, list):
                out[key] = [
                    local(u, child.child(i), {}) if remote(u) else u for i, u in enumerate(item)
                ]
            else:
                out[key] = walk(item, prop, child)
        return out

    return walk(value, {"$ref": pointer}, _Ctx())


def _branch(document: Mapping[str, Any], schema: dict[str, Any], value: Any) -> dict[str, Any]:
    """The (resolved) schema `value` is read with: for a union, the first branch of its shape
    (`{}` when no branch says anything)."""
    schema = resolve(document, schema)
    variants = non_null_variants(schema)
    if variants is None:
        return schema
    resolved_variants = [resolve(document, variant) for variant in variants]
    for resolved in resolved_variants:
        kind = _schema_type(resolved)
        if (isinstance(value, dict) and kind == "object") or (
            isinstance(value, list) and kind == "array"
        ):
            return resolved
    if resolved_variants and all(_says_nothing(v) for v in resolved_variants):
        return {}
    return schema


_ASSERTIONS = ("anyOf", "oneOf", "allOf", "enum", "const", "not", "$ref", "pattern")


def _says_nothing(schema: dict[str, Any]) -> bool:
    """Whether a (resolved) schema accepts any value: no type, no keyword that restricts one."""
    return _schema_type(schema) is None and not any(key in schema for key in _ASSERTIONS)


def _recursing(ctx: _Ctx) -> bool:
    """Whether `ctx` is inside a schema that contains itself (a `$ref` followed twice on its path)
    or deeper than `_MAX_DEPTH`: from there on, only what is required is built."""
    return len(ctx.refs) != len(set(ctx.refs)) or len(ctx.path) > _MAX_DEPTH


def _error_order(error: ValidationError) -> tuple[int, list[str], str]:
    # Shallow problems first: fixing a parent often removes its children's errors.
    path = list(error.absolute_path)
    return len(path), [str(p) for p in path], str(error.validator)


def _schema_type(node: dict[str, Any]) -> str | None:
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in node or "required" in node or "additionalProperties" in node:
        return "object"
    if "items" in node or "prefixItems" in node:
        return "array"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _bounds(node: dict[str, Any]) -> tuple[float | None, bool, float | None, bool]:
    """(lower, lower is exclusive, upper, upper is exclusive): the tighter of each pair of bounds.

    OpenAPI 3.0 spelled exclusivity as booleans; only numbers are 2020-12 bounds.
    """

    def bound(key: str, exclusive: bool) -> list[tuple[float, bool]]:
        value = node.get(key)
        return (
            [(float(value), exclusive)]
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            else []
        )

    lows = bound("minimum", False) + bound("exclusiveMinimum", True)
    highs = bound("maximum", False) + bound("exclusiveMaximum", True)
    lower, lower_open = max(lows, default=(None, False))
    upper, upper_open = min(
        highs, key=lambda bound: (bound[0], not bound[1]), default=(None, False)
    )
    return lower, lower_open, upper, upper_open


def _bounded_float(
    value: float, lower: float | None, lower_open: bool, upper: float | None, upper_open: bool
) -> float:
    too_low = lower is not None and (value < lower or (lower_open and value == lower))
    too_high = upper is not None and (value > upper or (upper_open and value == upper))
    if not too_low and not too_high:
        return value
    if lower is not None and upper is not None:
        if lower_open or upper_open:
            return (lower + upper) / 2
        return lower if too_low else upper
    if lower is not None:
        return lower + 1 if lower_open else lower
    assert upper is not None
    return upper - 1 if upper_open else upper


def _vary(value: Any, index: int) -> Any:
    """Distinct items for `uniqueItems` arrays."""
    if index == 0:
        return value
    if isinstance(value, str):
        return f"{value}-{index}"
    if _is_number(value):
        return value + index
    return value


def _is_file_object(node: dict[str, Any]) -> bool:
    """A file object (`File`, `ImageFile`, ...): its `url` property carries a file."""
    properties = node.get("properties")
    url = properties.get("url") if isinstance(properties, dict) else None
    return isinstance(url, dict) and carries_files(url)


def _hinted_extension(names: list[str]) -> str:
    for name in names:
        lowered = name.lower()
        for word, extension in _EXTENSION_HINTS:
            if word in lowered:
                return extension
    return "bin"


def _declared_extension(spec: EndpointSpec, properties: dict[str, Any]) -> str | None:
    """The extension a file object's schema states through its content_type, file_name or url."""
    for name, read in (
        ("content_type", extension_for),
        ("file_name", _url_extension),
        ("url", _url_extension),
    ):
        schema = properties.get(name)
        if not isinstance(schema, dict):
            continue
        if isinstance(schema.get("$ref"), str):
            schema = spec.schema(schema["$ref"])
        candidates = [schema.get("const"), schema.get("default")]
        for key in ("enum", "examples"):
            if isinstance(schema.get(key), list):
                candidates.extend(schema[key])
        for candidate in candidates:
            if isinstance(candidate, str) and (extension := read(candidate)):
                return extension
    return None


def _url_extension(url: str) -> str | None:
    suffix = urlsplit(url).path.rsplit("/", 1)[-1].rpartition(".")[2].lower()
    return suffix if suffix in MEDIA_TYPES else None
