# Copied from templates/package/fal_bindings/testing/_bodies.py by falgen. Edit the source, then run make generate.
"""JSON bodies that fal refuses with 422: not JSON, nested too deeply, or not valid Unicode."""

from __future__ import annotations

import json
import re
from typing import Any

from ._validate import Detail

MAX_JSON_DEPTH = 200
"""Deeper JSON is refused: no fal input nests this far, and validating or echoing it would
recurse without bound."""

_SURROGATE = re.compile("[\ud800-\udfff]")
"""After `json.loads` a paired `\\ud83d\\ude00` is one character; any surrogate left is lone,
and cannot be encoded as UTF-8."""


class BadJSON(ValueError):
    """A body fal answers with 422; `details` are fal's `{"loc", "msg", "type"}` entries."""

    def __init__(self, details: list[Detail]) -> None:
        super().__init__(details[0]["msg"])
        self.details = details


def parse_json(raw: bytes | str) -> Any:
    """`raw` as JSON, or `BadJSON`: not JSON (`NaN` and `Infinity` included), nested deeper than
    `MAX_JSON_DEPTH`, or holding a string that is not valid Unicode (a lone surrogate such as
    `"\\ud800"`)."""
    try:
        value = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise BadJSON([_json_invalid(f"nested deeper than {MAX_JSON_DEPTH} levels")]) from None
    except ValueError as exc:
        raise BadJSON([_json_invalid(str(exc))]) from exc
    check_json(value)
    return value


def check_json(value: Any) -> None:
    """Raise `BadJSON` for an already decoded value fal would refuse (see `parse_json`)."""
    pending: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while pending:  # iterative: the value may be as deep as the decoder allowed
        node, path = pending.pop()
        if len(path) >= MAX_JSON_DEPTH:
            raise BadJSON([_json_invalid(f"nested deeper than {MAX_JSON_DEPTH} levels")])
        if isinstance(node, str) and _SURROGATE.search(node):
            raise BadJSON([_not_unicode(path)])
        if isinstance(node, dict):
            for key, item in node.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    raise BadJSON([_not_unicode((*path, _printable(key)))])
                pending.append((item, (*path, key)))
        elif isinstance(node, list):
            pending.extend((item, (*path, index)) for index, item in enumerate(node))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _json_invalid(reason: str) -> Detail:
    return {"loc": ["body", 0], "msg": f"JSON decode error: {reason}", "type": "json_invalid"}


def _not_unicode(path: tuple[str | int, ...]) -> Detail:
    # What fal's pydantic answers for a str it cannot read as UTF-8.
    message = "Input should be a valid string, unable to parse raw data as a unicode string"
    return {
        "loc": ["body", *(_printable(p) if isinstance(p, str) else p for p in path)],
        "msg": message,
        "type": "string_unicode",
    }


def _printable(text: str) -> str:
    """A name that can be sent back as UTF-8 JSON: lone surrogates escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
