"""Target-neutral names derived from doc text: schema base names, spec file names, and the
rule that keeps a derived name short and distinct (`bounded`)."""

from __future__ import annotations

import hashlib
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


# File names derived from doc text stay well below the 255-byte limit of common file systems.
MAX_FILE_STEM = 120


def short_hash(text: str, length: int = 8) -> str:
    """A stable hex digest of `text`, to tell apart names that sanitizing made equal."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def bounded(stem: str, source: str, limit: int = MAX_FILE_STEM, separator: str = "_", force: bool = False) -> str:
    """`stem` as is when it fits in `limit` UTF-8 bytes (and not `force`); else its start,
    `separator` and a hash of `source` (the text the stem was derived from), so names that
    were cut short or made equal stay distinct."""
    data = stem.encode("utf-8", "surrogatepass")
    if len(data) <= limit and not force:
        return stem
    suffix = separator + short_hash(source, 12)
    head = data[: limit - len(suffix)].decode("utf-8", "ignore")
    return head + suffix


_FILE_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def spec_file_name(endpoint_id: str) -> str:
    """`fal-ai/flux-2` -> `fal-ai__flux-2.json`.

    Distinct ids get distinct names: an id the plain name does not read back as (`a__b/c` and
    `a/b__c` both flatten to `a__b__c`), one that would name a hidden file, and one too long for
    a file name get a hash of the id appended.
    """
    stem = endpoint_id.replace("/", "__")
    readable = stem.replace("__", "/") == endpoint_id and not stem.startswith(".") and not _FILE_NAME_CONTROL.search(stem)
    head = _FILE_NAME_CONTROL.sub("_", stem).lstrip(".") or "endpoint"
    return bounded(head, endpoint_id, separator="-", force=not readable or not stem) + ".json"
