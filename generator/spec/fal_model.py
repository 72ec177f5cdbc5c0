"""fal's model metadata in an OpenAPI document: what users know a model by.

fal's model API (`GET /v1/models`) lists, beside each endpoint's OpenAPI document, metadata the
document itself lacks: the display name (`FLUX.1 [dev]`; the document's title is the generic
"Queue OpenAPI for ..."), the fine category (`text-to-image`; the document's
`x-fal-metadata.category` may be a coarse family such as `image`), the status (`active`,
`deprecated`) and tags. `falgen fetch catalog` keeps them in the document it writes, under
`info.x-fal-model` (camelCase keys, as `x-fal-metadata` spells its own). falgen's normalized
specs carry status and tags in `info.x-fal-metadata`.

This module is the one place both sides agree on those keys: the writer
(`generator.tools.catalog.store`) and the OpenAPI reader (`generator.spec.read`, through
`read_model_facts`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.core.codes import Code

X_MODEL = "x-fal-model"

MODEL_KEYS: tuple[tuple[str, str], ...] = (
    ("display_name", "displayName"),
    ("category", "category"),
    ("description", "description"),
    ("status", "status"),
    ("tags", "tags"),
    ("date", "date"),
)
"""fal's metadata key -> the key kept in `info.x-fal-model`, in the order written.

Not kept: `updated_at` (it moves whenever fal edits anything, so every fetch would rewrite
the document), `thumbnail_url`, `highlighted`, `pinned` (presentation on fal's site, not the
model), `model_url` (`https://fal.run/<id>`, derived from the id) and keys fal adds later
(`falgen fetch catalog` names them, so a useful one can be added here)."""

NOT_KEPT = frozenset({"updated_at", "thumbnail_url", "highlighted", "pinned", "model_url"})
"""Keys fal is known to send that are deliberately left out (see MODEL_KEYS)."""

_KEPT_KEYS = frozenset(target for _, target in MODEL_KEYS)
"""The keys `info.x-fal-model` holds; any other is reported."""


@dataclass
class ModelFacts:
    """What the front-end takes from fal's metadata (None or empty when it is not stated)."""

    display_name: str | None = None
    description: str | None = None
    category: str | None = None
    status: str | None = None
    tags: list[str] = field(default_factory=list)


Warn = Callable[[Code, str, str], None]
"""(code, message, JSON pointer) -> None: how a problem is reported."""


def _text(container: Mapping[str, Any], key: str, pointer: str, warn: Warn) -> str | None:
    value = container.get(key)
    if value is None or isinstance(value, str):
        return value
    warn(Code.BAD_METADATA, f"{key} is not a string: {value!r}; ignored", f"{pointer}/{key}")
    return None


def _tags(container: Mapping[str, Any], pointer: str, warn: Warn) -> list[str] | None:
    value = container.get("tags")
    if value is None:
        return None
    if not isinstance(value, list):
        warn(Code.BAD_METADATA, f"tags is not a list: {value!r}; ignored", f"{pointer}/tags")
        return None
    tags: list[str] = []
    for index, tag in enumerate(value):
        if isinstance(tag, str):
            tags.append(tag)
        else:
            warn(Code.BAD_METADATA, f"tag {tag!r} is not a string; ignored", f"{pointer}/tags/{index}")
    return tags


def read_model_facts(info: Mapping[str, Any], metadata: Mapping[str, Any], warn: Warn) -> ModelFacts:
    """The facts of `info.x-fal-model` (fal's model listing), falling back to `status` and
    `tags` in `info.x-fal-metadata` (falgen's specs). The category here is only the listing's;
    the caller falls back to the document's own."""
    facts = ModelFacts()
    metadata_pointer = "/info/x-fal-metadata"
    model = info.get(X_MODEL)
    pointer = f"/info/{X_MODEL}"
    if model is not None and not isinstance(model, dict):
        warn(Code.BAD_METADATA, f"`{X_MODEL}` is not an object; ignored", pointer)
    if isinstance(model, dict):
        facts.display_name = _text(model, "displayName", pointer, warn)
        facts.description = _text(model, "description", pointer, warn)
        facts.category = _text(model, "category", pointer, warn)
        facts.status = _text(model, "status", pointer, warn)
        facts.tags = _tags(model, pointer, warn) or []
        for key in sorted(model.keys() - _KEPT_KEYS):
            warn(Code.BAD_METADATA, f"unknown key {key!r} in `{X_MODEL}`; ignored", pointer)
    if facts.status is None:
        facts.status = _text(metadata, "status", metadata_pointer, warn)
    if not facts.tags:
        facts.tags = _tags(metadata, metadata_pointer, warn) or []
    return facts


def model_metadata(metadata: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], list[str]]:
    """What `info.x-fal-model` keeps of fal's metadata for one model; the problems (a kept key
    of the wrong type is left out, saying so); and the unknown keys, neither kept nor known to
    be left out (so a run can name them)."""
    kept: dict[str, Any] = {}
    problems: list[str] = []
    for source, target in MODEL_KEYS:
        value = metadata.get(source)
        if value is None:
            continue
        if target == "tags":
            if isinstance(value, list) and all(isinstance(tag, str) for tag in value):
                kept[target] = list(value)
            else:
                problems.append(f"metadata.tags is not a list of strings ({value!r:.80}); left out")
        elif isinstance(value, str):
            kept[target] = value
        else:
            problems.append(f"metadata.{source} is not a string ({value!r:.80}); left out")
    known = {source for source, _ in MODEL_KEYS} | NOT_KEPT
    return kept, problems, sorted(str(key) for key in metadata if key not in known)
