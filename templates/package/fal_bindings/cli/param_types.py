"""How command-line text becomes values for `fal-bindings run ID`: click parameter types (a file
or URL, a typed choice, a JSON value, a repeatable item), and the limits on JSON and text given
on the command line (nesting depth, lone surrogates). They know nothing of specs: `options`
picks one per Input field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

__all__ = [
    "FileOrUrl",
    "JsonTooDeepError",
    "JsonValue",
    "ListItem",
    "ParamType",
    "Splice",
    "TypedChoice",
    "choice_text",
    "is_url",
    "load_json",
    "lone_surrogate",
    "MAX_JSON_DEPTH",
]

_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(value: str) -> bool:
    """A URL (`scheme://...`) or a data URI: sent as it is."""
    return bool(_URL_RE.match(value)) or value.startswith("data:")


# --------------------------------------------------------------------------- JSON and text limits

MAX_JSON_DEPTH = 100
"""JSON given on the command line may nest this deep (fal's inputs need a handful of levels;
far deeper input would exhaust Python's recursion in the JSON parser or the validator)."""


class JsonTooDeepError(ValueError):
    """JSON nested deeper than `MAX_JSON_DEPTH`; `key` is the top-level key holding it, if any."""

    def __init__(self, key: str | None) -> None:
        self.key = key
        super().__init__(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}:]')


def _deep_key(text: str) -> str | None:
    """The top-level key under which `text` (JSON) first nests too deep (a scan, no recursion)."""
    depth, key, last = 0, None, None
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return key
        elif token in "]}":
            depth -= 1
        elif token == ":":
            if depth == 1 and last is not None:
                try:
                    key = json.loads(last)
                except ValueError:
                    key = last
        else:
            last = token
    return None


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                stack.extend(
                    (child, depth + 1)
                    for child in (node.values() if isinstance(node, dict) else node)
                )
    return deepest


def load_json(text: str) -> Any:
    """`json.loads`, refusing JSON nested deeper than `MAX_JSON_DEPTH` (`JsonTooDeepError`)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonTooDeepError(_deep_key(text)) from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise JsonTooDeepError(_deep_key(text))
    return value


def lone_surrogate(value: Any) -> tuple[str, str] | None:
    """(where, the offending text escaped) for the first string in `value` (keys included) with a
    lone surrogate: text from bytes that are not UTF-8 (an argument Python could not decode, a
    `\\udcff` escape in JSON), which no request can carry. Paths are local files: not checked."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            bad = next((c for c in node if 0xD800 <= ord(c) <= 0xDFFF), None)
            if bad is not None:
                return where, bad.encode("unicode_escape").decode("ascii")
        elif isinstance(node, dict):
            for key, child in reversed(list(node.items())):
                stack.append(
                    (child, f"{where}.{key}" if isinstance(key, str) else f"{where}[{key!r}]")
                )
                if isinstance(key, str):
                    stack.append((key, f"{where} (a key)"))
        elif isinstance(node, (list, tuple)):
            stack.extend((child, f"{where}[{i}]") for i, child in reversed(list(enumerate(node))))
    return None


# --------------------------------------------------------------------------- parameter types

# click's ParamType/Choice are generic for type checkers since click 8.4, plain classes before.
if TYPE_CHECKING:
    ParamType = click.ParamType[Any]
    _Choice = click.Choice[Any]
else:
    ParamType = click.ParamType
    _Choice = click.Choice


class FileOrUrl(ParamType):
    """A URL / data URI (kept as a string) or a readable local file (a `pathlib.Path`, which the
    runtime's `FileInput` sends as a data URI or uploads). An empty string is passed through."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Path):
            return value
        if not isinstance(value, str):
            self.fail(f"expected a URL or a local file path, got {json.dumps(value)}", param, ctx)
        if value == "" or is_url(value):
            return value
        path = Path(value).expanduser()
        if not path.exists():
            self.fail(
                f"{value!r}: no such file (expected a URL, a data: URI or a local file)", param, ctx
            )
        if not path.is_file():
            self.fail(f"{value!r}: not a regular file", param, ctx)
        try:
            with path.open("rb") as fh:
                fh.read(1)
        except OSError as exc:
            self.fail(f"{value!r}: cannot read file ({exc.strerror or exc})", param, ctx)
        return path


class TypedChoice(_Choice):
    """`click.Choice` over an enum's values shown as text; converts back to the typed value
    (so an integer enum sends `5`, not `"5"`)."""

    def __init__(self, values: Iterable[Any]) -> None:
        self.typed: dict[str, Any] = {choice_text(v): v for v in values}
        super().__init__(list(self.typed), case_sensitive=True)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            value = choice_text(value)
        text = super().convert(value, param, ctx)
        return self.typed.get(str(text), text)


def choice_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


class JsonValue(ParamType):
    """A JSON value (`expect="object"`: a JSON object), or - for unions with enum members - one
    of `choices` given as plain text."""

    name = "json"

    def __init__(
        self, expect: str = "any", choices: Iterable[Any] = (), describe: str = ""
    ) -> None:
        self.expect = expect
        self.typed: dict[str, Any] = {choice_text(v): v for v in choices}
        self.describe = describe

    def _allowed(self) -> str:
        what = self.describe or ("a JSON object" if self.expect == "object" else "a JSON value")
        if self.typed:
            return f"one of {', '.join(self.typed)}, or {what}"
        return what

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value  # already converted (defaults, --input-json)
        if value in self.typed:
            return self.typed[value]
        try:
            parsed = load_json(value)
        except JsonTooDeepError as exc:
            self.fail(str(exc), param, ctx)
        except ValueError as exc:
            msg = getattr(exc, "msg", str(exc))
            if self.typed:
                self.fail(f"{value!r} is not allowed: expected {self._allowed()}", param, ctx)
            self.fail(
                f"{value!r} is not valid JSON ({msg}); expected {self._allowed()}", param, ctx
            )
        if self.expect == "object" and not isinstance(parsed, dict):
            self.fail(f"{value!r} is not allowed: expected {self._allowed()}", param, ctx)
        return parsed


@dataclass(frozen=True)
class Splice:
    """Several list items given at once as a JSON array (`--image-urls '["a", "b"]'`)."""

    items: tuple[Any, ...]


class ListItem(ParamType):
    """One occurrence of a repeatable option: an item (converted by `inner`), or a JSON array of
    items (`[]` sends an empty list)."""

    def __init__(self, inner: ParamType) -> None:
        self.inner = inner
        self.name = inner.name

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.lstrip().startswith("["):
            try:
                parsed = load_json(value)
            except JsonTooDeepError as exc:
                self.fail(str(exc), param, ctx)
            except ValueError:
                parsed = None
            if isinstance(parsed, list):
                return Splice(tuple(self._item(v, param, ctx) for v in parsed))
        return self.inner.convert(value, param, ctx)

    def _item(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) or isinstance(self.inner, (TypedChoice, FileOrUrl)):
            return self.inner.convert(value, param, ctx)
        return value  # JSON-typed already; pydantic validates it
