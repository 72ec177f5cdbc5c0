"""What the emulator takes from a client and where it may send: JSON bodies that fal refuses
with 422, and webhook URLs (delivered to loopback only, unless a test opts in)."""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

import httpx

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
    return {"loc": ["body", *(_printable(p) if isinstance(p, str) else p for p in path)], "msg": message, "type": "string_unicode"}


def _printable(text: str) -> str:
    """A name that can be sent back as UTF-8 JSON: lone surrogates escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def webhook_refusal(url: str, *, allow_external: bool) -> str | None:
    """Why the emulator will not POST to `url`, or None when it may.

    A test of code configured with a production webhook URL must not send fake results there:
    only loopback targets (127.0.0.0/8, ::1, `localhost`) are delivered to unless the test
    opts in. Names other than `localhost` are not resolved, so they count as external.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        return f"malformed webhook URL ({exc})"
    if parsed.scheme not in ("http", "https"):
        return f"malformed webhook URL (scheme {parsed.scheme!r}; expected http or https)"
    if not parsed.host:
        return "malformed webhook URL (no host)"
    if allow_external or is_loopback(parsed.host):
        return None
    return (
        f"refused: {parsed.host} is not a loopback address; the emulator delivers webhooks only to "
        "127.0.0.0/8, ::1 or localhost unless created with allow_external_webhooks=True"
    )


def is_loopback(host: str) -> bool:
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback
