"""Schema-valid instances from hypothesis-jsonschema, deterministic (derandomized, no database)."""

from __future__ import annotations

import json
import signal
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

# Formats hypothesis-jsonschema knows; any other is an annotation (Draft 7): any string will do.
_KNOWN_FORMATS = frozenset(
    {
        "date-time", "date", "time", "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6",
        "uri", "uri-reference", "iri", "iri-reference", "uri-template", "json-pointer",
        "relative-json-pointer", "regex", "color", "full-date", "full-time", "partial-time",
    }
)  # fmt: skip


class DrawError(Exception):
    """The schema could not be drawn from (unsatisfiable, recursive, too slow, ...)."""


def canonical(value: Any) -> str:
    """Type-strict JSON text: `2` and `2.0`, `1` and `true` differ; key order does not."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)


def _formats(schema: Any, found: set[str]) -> set[str]:
    if isinstance(schema, dict):
        if isinstance(schema.get("format"), str):
            found.add(schema["format"])
        for key, value in schema.items():
            if key not in ("default", "examples", "example", "enum", "const"):
                _formats(value, found)
    elif isinstance(schema, list):
        for item in schema:
            _formats(item, found)
    return found


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Abort a draw that runs longer than `seconds` (main thread only; elsewhere unbounded)."""
    try:
        previous = signal.signal(signal.SIGALRM, _raise_timeout)
    except ValueError:  # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _raise_timeout(signum: int, frame: Any) -> None:
    raise DrawError("timed out")


def draw(schema: dict[str, Any], count: int, *, timeout: float = 60.0) -> list[Any]:
    """Up to `count` distinct instances of `schema` (fewer when the schema allows fewer, or when
    drawing stopped early: what was drawn is kept). `DrawError` carries the reason when none
    could be drawn."""
    if count <= 0:
        return []
    custom = {name: st.text(max_size=24) for name in _formats(schema, set()) - _KNOWN_FORMATS}
    collected: dict[str, Any] = {}

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(from_schema(schema, custom_formats=custom))
    def collect(value: Any) -> None:
        collected.setdefault(canonical(value), value)

    try:
        with warnings.catch_warnings(), _deadline(timeout):
            warnings.simplefilter("ignore")
            collect()
    except DrawError:
        if not collected:
            raise
    except Exception as exc:  # hypothesis-jsonschema raises assorted errors on schemas it cannot handle
        if not collected:
            raise DrawError(f"{type(exc).__name__}: {_short(str(exc))}") from exc
    return list(collected.values())[:count]


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
