"""Names derived from doc text: endpoint ids, schema names, identifiers."""

from __future__ import annotations

import re

_OWNER_DROPPED = "fal-ai"
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+")


def _pascal_words(text: str) -> str:
    """Join the alphanumeric runs of `text`, each with its first letter upper-cased."""
    return "".join(word[:1].upper() + word[1:] for word in _WORD_SPLIT.split(text) if word)


def schema_base_name(endpoint_id: str) -> str:
    """The PascalCase stem of an endpoint's schema names (`<Name>Input`, `<Name>Output`).

    The owner `fal-ai` is dropped (other owners are kept); the id is split on every
    non-alphanumeric character (`/ - . _`), each part gets an upper-case first letter and
    keeps the rest as written: `fal-ai/kling-video/v2.1/master/text-to-video` ->
    `KlingVideoV21MasterTextToVideo`. A leading digit gets a `Fal` prefix; an id with no
    letters or digits gives `Endpoint`.
    """
    segments = endpoint_id.split("/")
    if segments and segments[0] == _OWNER_DROPPED:
        segments = segments[1:]
    name = "".join(_pascal_words(segment) for segment in segments)
    if not name:
        return "Endpoint"
    if name[0].isdigit():
        return "Fal" + name
    return name
