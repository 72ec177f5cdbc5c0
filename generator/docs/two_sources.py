"""One endpoint from two sources: its doc page and fal's OpenAPI document.

Precedence (README, "Two sources, one endpoint"):

- fal's document is authoritative for structure: fields, types, required-ness, nullability,
  limits, defaults and nested types are the document's;
- the page adds what the document lacks: the streaming/realtime capabilities (documents state
  only the queue), the title and description when the document's are fal's generic texts (the
  reader leaves those empty), a field description the document leaves empty, the fine category
  (`text-to-image`; a document carries the coarse family `image`), and its examples unless the
  document has a whole example of its own (fal's documents give examples per property only; an
  example assembled from those is kept when the page has none).

Every disagreement is a diagnostic at the page's file:line, naming the document's pointer and
line. The structural comparison is `generator.core.compare` (the engine of `falgen diff`), run
with the document as "old" and the page as "new".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from generator.core.codes import Code
from generator.core.compare import Anchor, Change, diff_endpoints
from generator.core.diagnostics import Diagnostics, clip
from generator.core.fits import object_problems
from generator.core.ir import CAPABILITY_ORDER, Endpoint, Example, Property, Provenance, Schema, Severity
from generator.spec.pointers import escape

KIND_CODES: dict[str, Code] = {
    "input-field-removed": Code.DOCUMENT_FIELD_NOT_ON_PAGE,
    "output-field-removed": Code.DOCUMENT_FIELD_NOT_ON_PAGE,
    "required-input-added": Code.PAGE_FIELD_NOT_IN_DOCUMENT,
    "optional-input-added": Code.PAGE_FIELD_NOT_IN_DOCUMENT,
    "output-field-added": Code.PAGE_FIELD_NOT_IN_DOCUMENT,
    "input-made-required": Code.PAGE_REQUIRED_DISAGREES,
    "input-made-optional": Code.PAGE_REQUIRED_DISAGREES,
    "output-made-required": Code.PAGE_REQUIRED_DISAGREES,
    "output-made-optional": Code.PAGE_REQUIRED_DISAGREES,
    "type-changed": Code.PAGE_TYPE_DISAGREES,
    "nullable-added": Code.PAGE_NULLABLE_DISAGREES,
    "nullable-removed": Code.PAGE_NULLABLE_DISAGREES,
    "enum-value-removed": Code.PAGE_ENUM_DISAGREES,
    "enum-value-added": Code.PAGE_ENUM_DISAGREES,
    "enum-value-renamed": Code.PAGE_ENUM_DISAGREES,
    "limit-narrowed": Code.PAGE_LIMITS_DISAGREE,
    "limit-widened": Code.PAGE_LIMITS_DISAGREE,
    "default-changed": Code.PAGE_DEFAULT_DISAGREES,
    "description-changed": Code.PAGE_DESCRIPTION_DISAGREES,
}
"""Comparison kinds that are disagreements. Capabilities, category, title and examples are not
compared: documents do not state capabilities, name categories by family and carry generic
titles, so those are what the page adds; a page example is checked against the document's
schema instead."""

DISAGREEMENT_CODES = frozenset({*KIND_CODES.values(), Code.PAGE_EXAMPLE_DISAGREES})
"""Every code this module reports (the diagnostics report's "docs disagree with the API")."""

_WHAT = {
    Code.DOCUMENT_FIELD_NOT_ON_PAGE: "the page does not list {field}, which fal's document has",
    Code.PAGE_FIELD_NOT_IN_DOCUMENT: "the page lists {field}, which fal's document does not have",
    Code.PAGE_REQUIRED_DISAGREES: "{field} is {new} on the page, {old} in fal's document",
    Code.PAGE_TYPE_DISAGREES: "{field} is typed {new} on the page, {old} in fal's document",
    Code.PAGE_NULLABLE_DISAGREES: "{field} {new} on the page, {old} in fal's document",
    Code.PAGE_ENUM_DISAGREES: "{field}: enum values differ ({detail})",
    Code.PAGE_LIMITS_DISAGREE: "{field} has limits {new} on the page, {old} in fal's document",
    Code.PAGE_DEFAULT_DISAGREES: "{field} defaults to {new} on the page, {old} in fal's document",
    Code.PAGE_DESCRIPTION_DISAGREES: "{field} is described differently: page {new}, fal's document {old}",
}

_WORDS = {
    Code.PAGE_REQUIRED_DISAGREES: ("optional", "required"),
    Code.PAGE_NULLABLE_DISAGREES: ("does not accept null", "accepts null"),
}
"""How a yes/no difference reads (False, True)."""
_STATED_REQUIRED = frozenset({"marker", "schema", "wording"})
"""Required-ness the page states itself (the rest is inferred: from other pages, examples, rules)."""

_MARKUP = re.compile(r"[`*_]+")
_TRAILING = re.compile(r"[\s.:;]+$")


PointerAt = Callable[[Provenance], "str | None"]
"""The document's JSON pointer of the value at a line of it (None: not known)."""


def combine(document: Endpoint, page: Endpoint, diagnostics: Diagnostics, pointer_at: PointerAt | None = None) -> Endpoint:
    """The endpoint both sources describe (document first, see the module's precedence), every
    disagreement reported. `pointer_at` finds the document's pointers by line; without it they
    are spelled from the schema names."""
    changes = diff_endpoints([_comparable(document)], [_comparable(page)])
    merged = document.model_copy(deep=True)
    merged.title = merged.title or page.title
    merged.description = merged.description or page.description
    if page.category:
        merged.category = page.category
    merged.capabilities = sorted(set(document.capabilities) | set(page.capabilities), key=CAPABILITY_ORDER.index)
    from_page: list[str] = []
    for role in ("example_input", "example_output"):
        theirs: Example | None = getattr(page, role)
        ours: Example | None = getattr(merged, role)
        if theirs is not None and (ours is None or ours.from_properties):
            setattr(merged, role, theirs.model_copy(deep=True))
            from_page.append(role)
    merged.sources.extend(source for source in page.sources if source not in merged.sources)
    merged.sources.sort(key=lambda p: (p.file, p.line))
    for change in changes:
        code = KIND_CODES.get(change.kind if change.detail is None else change.detail)
        if code is None or change.location in ("/title", "/description"):
            continue
        if code is Code.PAGE_DESCRIPTION_DISAGREES:
            if not _normalised(str(change.old or "")):
                _fill_description(merged, change, str(change.new or ""))
                continue
            if _normalised(str(change.old or "")) == _normalised(str(change.new or "")):
                continue
        if code is Code.PAGE_DEFAULT_DISAGREES and change.old is None and change.new is None:
            continue  # a null default stated on one side only: the same for callers
        _report(code, change, document, page, diagnostics, pointer_at)
    _check_examples(merged, from_page, page, diagnostics)
    return merged


def _comparable(endpoint: Endpoint) -> Endpoint:
    """The endpoint as the comparison should see it: a `null` variant of a union (how a page
    writes `T | null`) as the nullability a document states with `anyOf [T, null]`."""
    copy = endpoint.model_copy(deep=True)
    for schema in copy.all_schemas():
        for item in schema.fields:
            variants = item.type.variants or []
            if item.type.kind == "union" and any(v.kind == "null" for v in variants):
                rest = [v for v in variants if v.kind != "null"]
                item.nullable = True
                if len(rest) == 1:
                    item.type = rest[0]
                elif rest:
                    item.type = item.type.model_copy(update={"variants": rest})
    return copy


def _normalised(text: str) -> str:
    """Description text as both sources can say it: no Markdown marks, one space, no case, no
    closing full stop (a scraped page loses the first, a document keeps them)."""
    return _TRAILING.sub("", " ".join(_MARKUP.sub("", text).split())).casefold()


def _schema(endpoint: Endpoint, name: str) -> Schema | None:
    for schema in endpoint.all_schemas():
        if schema.name == name:
            return schema
    return None


def _where(endpoint: Endpoint, anchor: Anchor | None) -> tuple[Schema | None, Property | None]:
    if anchor is None:
        return None, None
    schema = _schema(endpoint, anchor.schema)
    field = schema.field(anchor.field) if schema is not None and anchor.field is not None else None
    return schema, field


def _fill_description(merged: Endpoint, change: Change, text: str) -> None:
    schema, field = _where(merged, change.anchors[0])
    if field is not None:
        field.description = text
    elif schema is not None and change.anchors[0] is not None and change.anchors[0].field is None:
        schema.description = text


def document_pointer(anchor: Anchor | None) -> str | None:
    """The document's JSON pointer for a schema or one of its properties."""
    if anchor is None:
        return None
    pointer = f"/components/schemas/{escape(anchor.schema)}"
    return pointer if anchor.field is None else f"{pointer}/properties/{escape(anchor.field)}"


def _located(provenance: Provenance | None, *fallbacks: Provenance | None) -> Provenance:
    for candidate in (provenance, *fallbacks):
        if candidate is not None:
            return candidate
    return Provenance(file="<unknown>")


def _report(
    code: Code, change: Change, document: Endpoint, page: Endpoint, diagnostics: Diagnostics, pointer_at: PointerAt | None
) -> None:
    old_anchor, new_anchor = change.anchors
    page_schema, page_field = _where(page, new_anchor)
    doc_schema, doc_field = _where(document, old_anchor)
    at = _located(
        page_field.provenance if page_field else None,
        page_schema.provenance if page_schema else None,
        page.provenance,
    )
    there = _located(doc_field.provenance if doc_field else None, doc_schema.provenance if doc_schema else None, document.provenance)
    pointer = (pointer_at(there) if pointer_at is not None else None) or document_pointer(old_anchor)
    label = change.location.removeprefix("/").replace("/", ".") or "the endpoint"
    old, new = clip(repr(change.old)), clip(repr(change.new))
    if code in _WORDS:
        old, new = (_WORDS[code][bool(value)] for value in (change.old, change.new))
    if change.old is None:
        detail = f"only the page lists {clip(repr(change.new))}"
    elif change.new is None:
        detail = f"only fal's document lists {clip(repr(change.old))}"
    else:
        detail = f"fal's document has {clip(repr(change.old))} where the page has {clip(repr(change.new))}"
    message = _WHAT[code].format(field=label, old=old, new=new, detail=detail)
    silent = _page_silent(code, page_field)
    if silent and code in (Code.PAGE_LIMITS_DISAGREE, Code.PAGE_DEFAULT_DISAGREES):
        message = f"{label}: fal's document has {old}, the page states none"
    severity = Severity.INFO if silent else None
    diagnostics.emit(
        code, f"{message} (document: {there}); the document's is used", at.file, at.line, page.id, pointer, severity=severity
    )


def _page_silent(code: Code, field: Property | None) -> bool:
    """Whether the page says nothing on the point (an info then, not a contradiction)."""
    if field is None:
        return False
    if code is Code.PAGE_NULLABLE_DISAGREES:
        return not field.nullable
    if code is Code.PAGE_LIMITS_DISAGREE:
        return field.constraints.is_empty()
    if code is Code.PAGE_DEFAULT_DISAGREES:
        return not field.has_default
    if code is Code.PAGE_REQUIRED_DISAGREES:
        return field.required_source not in _STATED_REQUIRED
    return False


def _check_examples(merged: Endpoint, from_page: list[str], page: Endpoint, diagnostics: Diagnostics) -> None:
    """The page's examples the merged endpoint keeps, checked against the document's schema."""
    for role, schema in (("example_input", merged.input), ("example_output", merged.output)):
        example: Example | None = getattr(merged, role)
        if example is None or role not in from_page:
            continue
        where = _located(example.provenance, page.provenance)
        for problem in object_problems(example.value, schema, merged.type, "", required=schema is merged.input):
            diagnostics.emit(
                Code.PAGE_EXAMPLE_DISAGREES,
                f"the page's {schema.name} example disagrees with fal's document: {problem}",
                where.file,
                where.line,
                merged.id,
                document_pointer(Anchor(schema.name)),
            )
