"""Corpus-wide recovery: turn pages as stated into complete endpoints.

A scrape loses things (see DESIGN.md). Each rule here recovers one kind of loss from the
evidence that is left — code samples, examples, and the same field on other pages — and
records a diagnostic naming what was recovered and from where. Rules are general: no rule
names a page, an endpoint or a field.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from generator.core.codes import Code
from generator.core.diagnostics import Diagnostics, clip
from generator.core.fits import object_problems, value_fits
from generator.core.ir import (
    CAPABILITY_ORDER,
    Constraints,
    Endpoint,
    Field_,
    Provenance,
    RequiredSource,
    Schema,
    TypeExpr,
)
from generator.core.names import spec_file_name
from generator.docs.files import mark_file_properties
from generator.docs.text import Orphan, Page, PageSchema, parse_default, typed_values

# Wording that says a field may be left out (see README, "Required-ness rule").
# "Optional" counts only when it is about the field itself ("Optional URL of ...", "(optional)",
# "is optional"), not an adjective of something else ("Lyrics with optional formatting").
OPTIONAL_WORDING = re.compile(
    r"^\s*optional(ly)?\b|\(optional\)|\bis optional\b|\b(if not provided|if none|if provided|if not set|"
    r"if not specified|leave (it )?(empty|blank)|will be auto-generated|defaults? to)\b",
    re.IGNORECASE,
)
CATEGORY_IN_ID = re.compile(r"(?:^|/)(?P<category>[a-z]+-to-[a-z]+)(?:/|$)")


@dataclass
class FieldEvidence:
    """A field as a page with intact `* required` marks states it."""

    name: str
    type: TypeExpr
    required: bool
    provenance: Provenance | None


class Corpus:
    """What all pages say, indexed for cross-page recovery.

    Recovery of one page reads the rest of the corpus only through `evidence`, `types_named`
    and `required_elsewhere`; each read is logged in `reads` (kind, key), so the parse stage
    can tell exactly which other pages a cached result depends on (see `generator.docs.parse`).
    """

    def __init__(
        self,
        evidence: Mapping[str, list[FieldEvidence]],
        types: Mapping[str, list[Schema]] | None = None,
    ) -> None:
        self._evidence = evidence
        """Field evidence from pages with intact marks, by normalised description, in corpus order."""
        self._types = types or {}
        """Nested types by name as their pages state them after name recovery, in corpus order."""
        self.reads: set[tuple[str, str]] = set()

    def evidence(self, description: str) -> list[FieldEvidence]:
        key = _normalise(description)
        self.reads.add(("d", key))
        return self._evidence.get(key, [])

    def types_named(self, name: str) -> list[Schema]:
        self.reads.add(("t", name))
        return self._types.get(name, [])

    def required_elsewhere(self, field: Field_) -> bool | None:
        """Majority required-ness of the same field (name and description) on marked pages."""
        key = _normalise(field.description)
        self.reads.add(("n", f"{field.name}\0{key}"))
        votes = Counter(e.required for e in self._evidence.get(key, []) if e.name == field.name)
        if not votes or votes[True] == votes[False]:
            return None
        return votes[True] > votes[False]


def page_evidence(page: Page) -> list[tuple[str, FieldEvidence]]:
    """What a page with intact `* required` marks says about its fields, keyed by normalised
    description (fields as stated, before any recovery)."""
    if not page.has_markers:
        return []
    found: list[tuple[str, FieldEvidence]] = []
    for schema in page.schemas():
        for field in schema.fields:
            key = _normalise(field.description)
            if key:
                found.append((key, FieldEvidence(field.name, field.type, field.required, field.provenance)))
    return found


def page_types(page: Page) -> list[Schema]:
    """The nested types a page states, as IR (after its lost names were recovered; nothing
    edits a page after that, and a page that borrows a type copies it deeply)."""
    return [_page_schema_to_ir(schema) for schema in page.types]


def recover_names(page: Page, corpus: Corpus, diagnostics: Diagnostics) -> str | None:
    """First pass over a page: its endpoint id and its lost field names (in place)."""
    endpoint_id = _resolve_id(page, diagnostics)
    if endpoint_id is not None:
        for schema in page.schemas():
            _recover_orphans(page, schema, endpoint_id, corpus, diagnostics)
    return endpoint_id


# -- endpoint id ------------------------------------------------------------------------


def _resolve_id(page: Page, diagnostics: Diagnostics) -> str | None:
    code_ids = Counter(code_id for code_id, _ in page.code_ids)
    from_code = code_ids.most_common(1)[0][0] if code_ids else None
    if page.id_line is not None:
        stated = page.id_line.stripped
        if from_code is None or stated == from_code or stated in code_ids:
            return stated
        if from_code.endswith(stated) or _close(stated, from_code):
            diagnostics.emit(
                Code.ID_REPAIRED,
                f"endpoint id line {stated!r} is damaged; using {from_code!r} from the page's code samples",
                page.id_line.file,
                page.id_line.number,
                from_code,
            )
            return from_code
        diagnostics.emit(
            Code.ID_MISMATCH,
            f"endpoint id line {stated!r} differs from the code samples' {from_code!r}; keeping the id line",
            page.id_line.file,
            page.id_line.number,
            stated,
        )
        return stated
    if from_code is not None:
        line = page.code_ids[0][1]
        diagnostics.emit(
            Code.ID_FROM_CODE_SAMPLE,
            f"page has no endpoint id line; id {from_code!r} recovered from its code samples",
            line.file,
            line.number,
            from_code,
        )
        return from_code
    lost = sum(len(schema.fields) for schema in page.schemas())
    diagnostics.emit(
        Code.NO_ENDPOINT_ID,
        f"page has neither an endpoint id line nor code samples naming one; its {lost} field(s) cannot be keyed and are not written",
        page.file,
        page.first_line,
    )
    return None


def _close(a: str, b: str) -> bool:
    """Ids that differ by a couple of characters (a lost letter, a typo)."""
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.9


# -- endpoint ---------------------------------------------------------------------------


def build_endpoint(page: Page, endpoint_id: str, corpus: Corpus, diagnostics: Diagnostics) -> Endpoint:
    """Second pass: the page as an endpoint, completed from the rest of the corpus."""
    input_schema = _page_schema_to_ir(page.input) if page.input else Schema(name="Input")
    output_schema = _page_schema_to_ir(page.output) if page.output else Schema(name="Output")
    endpoint = Endpoint(
        id=endpoint_id,
        title=page.title or endpoint_id,
        description=page.description,
        capabilities=sorted(page.capabilities, key=CAPABILITY_ORDER.index),
        input=input_schema,
        output=output_schema,
        types=[_page_schema_to_ir(schema) for schema in page.types],
        example_input=page.input.example if page.input else None,
        example_output=page.output.example if page.output else None,
        provenance=page.provenance,
        sources=[page.provenance],
    )
    anchor = page.provenance
    if page.input is None:
        diagnostics.emit(Code.NO_INPUT, "page has no Input section", anchor.file, anchor.line, endpoint_id)
    _derive_empty_output(endpoint, page, diagnostics)
    _resolve_types(endpoint, corpus, diagnostics)
    _decide_required(endpoint, page, corpus, diagnostics)
    for ir_schema in endpoint.all_schemas():
        for ir_field in ir_schema.fields:
            _infer_constraints(ir_field)
    _check_examples(endpoint, diagnostics)
    _check_defaults(endpoint, diagnostics)
    _flag_unreferenced(endpoint, diagnostics)
    endpoint.category = _infer_category(endpoint)
    mark_file_properties(endpoint)
    return endpoint


def _page_schema_to_ir(schema: PageSchema, deep: bool = False) -> Schema:
    """The IR schema of a page section. Fields are copied (recovery reassigns their attributes,
    never mutates what they hold), deeply when the schema is borrowed by another endpoint."""
    provenance = _heading_provenance(schema)
    name = schema.name if schema.role == "type" else schema.role.capitalize()
    return Schema(name=name, fields=[field.model_copy(deep=deep) for field in schema.fields], provenance=provenance)


def _heading_provenance(schema: PageSchema) -> Provenance | None:
    return Provenance(file=schema.heading.file, line=schema.heading.number) if schema.heading else None


# -- lost field names ---------------------------------------------------------------------


def _recover_orphans(page: Page, schema: PageSchema, endpoint_id: str, corpus: Corpus, diagnostics: Diagnostics) -> None:
    """Give each orphan description back its field, or report it.

    Evidence, strongest first: the same description on another page (name and type); a key
    of the section's example that no field covers, standing where the orphan stands. With
    neither, text right below a field continues that field's description.
    """
    # Work from the last orphan back so earlier positions stay valid as fields are inserted.
    for orphan in sorted(schema.orphans, key=lambda o: o.position, reverse=True):
        line = orphan.lines[0]
        missing = _missing_example_key(schema, orphan)
        others = [e for e in corpus.evidence(orphan.description) if e.provenance is None or e.provenance.file != line.file or e.provenance.line != line.number]
        if missing is not None and others:
            named = [e for e in others if e.name == missing]
            others = named or others
        if others:
            evidence = sorted(others, key=lambda e: (str(e.provenance), e.name))[0]
            name, type_expr = evidence.name, evidence.type.model_copy(deep=True)
            source = f"the same description at {evidence.provenance}"
            if missing == name:
                source += " (confirmed by the example)"
        elif missing is not None:
            name = missing
            assert schema.example is not None
            type_expr = _type_from_value(schema.example.value[missing], page)
            if orphan.enum_values:
                type_expr = _with_enum(type_expr, orphan.enum_values, orphan.default_text)
            source = f"the {schema.name} example key {missing!r} (type inferred from its value)"
        elif orphan.position > 0:
            previous = schema.fields[orphan.position - 1]
            if orphan.default_text is not None and previous.has_default:
                _lost(orphan, schema, endpoint_id, diagnostics)
                continue
            # Text right below continues the paragraph; text after a blank line is a new one.
            joiner = "\n" if orphan.after_field else "\n\n"
            previous.description = (previous.description + joiner + orphan.description).strip()
            if orphan.default_text is not None:
                previous.has_default = True
                previous.default = parse_default(orphan.default_text, previous.type)
            diagnostics.emit(
                Code.DESCRIPTION_CONTINUED,
                f"text below field {previous.name!r} in {schema.name} read as more of its description",
                line.file,
                line.number,
                endpoint_id,
            )
            continue
        else:
            _lost(orphan, schema, endpoint_id, diagnostics)
            continue
        field = Field_(
            name=name,
            type=type_expr,
            description=orphan.description,
            provenance=Provenance(file=line.file, line=line.number),
        )
        if orphan.default_text is not None:
            field.has_default = True
            field.default = parse_default(orphan.default_text, type_expr)
        required = [e.required for e in others] if others else []
        if page.has_markers and required:
            # The marker was on the lost line; the other page's mark stands in for it.
            field.required = Counter(required).most_common(1)[0][0]
            field.required_source = "other-page"
        schema.fields.insert(orphan.position, field)
        diagnostics.emit(
            Code.RECOVERED_FIELD_NAME,
            f"{schema.name} field name line lost; recovered {name!r} ({type_expr.render()}) from {source}",
            line.file,
            line.number,
            endpoint_id,
            f"/{schema.name.lower()}/{name}",
        )
    schema.orphans = []


def _lost(orphan: Orphan, schema: PageSchema, endpoint_id: str, diagnostics: Diagnostics) -> None:
    line = orphan.lines[0]
    diagnostics.emit(
        Code.LOST_FIELD_NAME,
        f"{schema.name}: text {clip(orphan.description)!r} belongs to a field whose name line was lost, "
        "and neither the example nor another page names it; the field is not in the spec",
        line.file,
        line.number,
        endpoint_id,
    )


def _missing_example_key(schema: PageSchema, orphan: Orphan) -> str | None:
    """The example key that stands where the orphan stands and that no field covers."""
    if schema.example is None or not isinstance(schema.example.value, dict):
        return None
    keys = list(schema.example.value)
    names = {field.name for field in schema.fields}
    missing = [key for key in keys if key not in names]
    if not missing:
        return None
    before = [field.name for field in schema.fields[: orphan.position] if field.name in keys]
    after = [field.name for field in schema.fields[orphan.position :] if field.name in keys]
    low = keys.index(before[-1]) if before else -1
    high = keys.index(after[0]) if after else len(keys)
    between = [key for key in missing if low < keys.index(key) < high]
    return between[0] if between else None


def _type_from_value(value: object, page: Page | None = None) -> TypeExpr:
    if isinstance(value, bool):
        return TypeExpr(kind="boolean")
    if isinstance(value, int):
        return TypeExpr(kind="integer")
    if isinstance(value, float):
        return TypeExpr(kind="number")
    if isinstance(value, str):
        return TypeExpr(kind="string")
    if isinstance(value, list):
        return TypeExpr(kind="array", items=_type_from_value(value[0], page) if value else TypeExpr(kind="any"))
    if isinstance(value, dict) and page is not None:
        match = _matching_type(set(value), page)
        if match is not None:
            return TypeExpr(kind="ref", ref=match)
    if isinstance(value, dict):
        return TypeExpr(kind="map", items=TypeExpr(kind="any"))
    return TypeExpr(kind="any")


def _matching_type(keys: set[str], page: Page) -> str | None:
    """The page's nested type whose fields cover every key (fewest extra fields wins)."""
    candidates = []
    for schema in page.types:
        names = {field.name for field in schema.fields}
        if keys and keys <= names:
            candidates.append((len(names - keys), schema.name))
    return min(candidates)[1] if candidates else None


def _with_enum(type_expr: TypeExpr, values: list[str], default_text: str | None) -> TypeExpr:
    enum = TypeExpr(kind="enum", values=typed_values(values, default_text))
    if type_expr.kind == "string":
        return enum
    return TypeExpr(kind="union", variants=[type_expr, enum])


# -- output -----------------------------------------------------------------------------


def _derive_empty_output(endpoint: Endpoint, page: Page, diagnostics: Diagnostics) -> None:
    if endpoint.output.fields:
        return
    if page.output is None:
        diagnostics.emit(
            Code.NO_OUTPUT,
            "page has no Output section (cut off?); Output accepts any object",
            page.file,
            page.last_line,
            endpoint.id,
        )
        return
    anchor = page.output.heading
    file = anchor.file if anchor else page.file
    line = anchor.number if anchor else page.first_line
    example = endpoint.example_output
    if example is not None and isinstance(example.value, dict) and example.value:
        for key, value in example.value.items():
            endpoint.output.fields.append(
                Field_(
                    name=key,
                    type=_type_from_value(value, page),
                    required=True,
                    required_source="example",
                    provenance=example.provenance,
                )
            )
        diagnostics.emit(
            Code.OUTPUT_FROM_EXAMPLE,
            f"Output section is empty; schema derived from the output example ({len(example.value)} field(s))",
            file,
            line,
            endpoint.id,
        )
        return
    diagnostics.emit(
        Code.EMPTY_OUTPUT,
        "Output section is empty and there is no output example; Output accepts any object",
        file,
        line,
        endpoint.id,
    )


# -- nested types -----------------------------------------------------------------------


def _resolve_types(endpoint: Endpoint, corpus: Corpus, diagnostics: Diagnostics) -> None:
    """Every referenced type must exist: copy it from another page, or add an open placeholder."""
    pending = [ref for schema in endpoint.all_schemas() for field in schema.fields for ref in field.type.refs()]
    seen: set[str] = set()
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        if endpoint.type(name) is not None:
            pending.extend(ref for field in endpoint.type(name).fields for ref in field.type.refs())  # type: ignore[union-attr]
            continue
        where = _first_use(endpoint, name)
        elsewhere = sorted(corpus.types_named(name), key=lambda s: str(s.provenance))
        if elsewhere:
            copied = elsewhere[0].model_copy(deep=True)
            endpoint.types.append(copied)
            pending.extend(ref for field in copied.fields for ref in field.type.refs())
            diagnostics.emit(
                Code.TYPE_FROM_OTHER_PAGE,
                f"type {name!r} is used but not described on this page; copied from {copied.provenance}",
                where.file,
                where.line,
                endpoint.id,
            )
            continue
        endpoint.types.append(
            Schema(
                name=name,
                description="Not described in the docs; any object is accepted.",
                provenance=where,
            )
        )
        diagnostics.emit(
            Code.UNDEFINED_TYPE,
            f"type {name!r} is used but described on no page; kept as an open object",
            where.file,
            where.line,
            endpoint.id,
        )


def _first_use(endpoint: Endpoint, name: str) -> Provenance:
    for schema in endpoint.all_schemas():
        for field in schema.fields:
            if name in field.type.refs() and field.provenance is not None:
                return field.provenance
    return endpoint.provenance or Provenance(file="<unknown>")


def _flag_unreferenced(endpoint: Endpoint, diagnostics: Diagnostics) -> None:
    reachable = set(endpoint.reachable_types(endpoint.input, endpoint.output))
    for schema in endpoint.types:
        if schema.name not in reachable:
            where = schema.provenance or endpoint.provenance or Provenance(file="<unknown>")
            diagnostics.emit(
                Code.UNREFERENCED_TYPE,
                f"type {schema.name!r} is described but neither Input nor Output uses it; kept in the spec",
                where.file,
                where.line,
                endpoint.id,
            )


# -- required-ness ----------------------------------------------------------------------


def _decide_required(endpoint: Endpoint, page: Page, corpus: Corpus, diagnostics: Diagnostics) -> None:
    """Pages with intact `* required` marks are taken as stated. On pages that lost every
    mark, evidence is weighed in this order (README, "Required-ness rule"): a default makes
    a field optional; so does wording such as "optional" or "if not provided"; the same field
    with the same description on a page that kept its marks decides next; then, for the
    input, presence in the example; a boolean is optional (its false default is never shown);
    a top-level output field is required; anything else is optional."""
    if page.has_markers:
        return
    example = endpoint.example_input.value if endpoint.example_input else None
    for role, schema in (("input", endpoint.input), ("output", endpoint.output), *(("type", t) for t in endpoint.types)):
        for field in schema.fields:
            if field.required_source in ("other-page", "example") and field.required:
                continue
            field.required, field.required_source = _required_by_rule(field, role, example, corpus)


def _required_by_rule(field: Field_, role: str, example: object, corpus: Corpus) -> tuple[bool, RequiredSource]:
    if field.has_default:
        return False, "default"
    if OPTIONAL_WORDING.search(field.description):
        return False, "wording"
    elsewhere = corpus.required_elsewhere(field)
    if elsewhere is not None:
        return elsewhere, "other-page"
    if field.type.kind == "boolean":
        return False, "rule"
    if role == "input" and isinstance(example, dict):
        value = example.get(field.name)
        present = field.name in example and value not in ([], {}, None)
        return present, "example"
    if role == "output":
        return True, "rule"
    return False, "rule"


# -- constraints from prose --------------------------------------------------------------

_RANGE_PAREN = re.compile(r"\((?P<low>-?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(?P<high>-?\d+(?:\.\d+)?)\)")
_BETWEEN = re.compile(r"\bbetween (?P<low>-?\d+(?:\.\d+)?) and (?P<high>-?\d+(?:\.\d+)?)(?P<unit>[A-Za-z%]*)")
_MAX_CHARS = re.compile(
    r"\b(?:cannot|can't|must not|should not|may not) exceed (?P<n>\d+) characters"
    r"|\bmax(?:imum)?\.?:? (?:of )?(?P<m>\d+) characters|\bup to (?P<u>\d+) characters",
    re.IGNORECASE,
)
_CHAR_RANGE = re.compile(r"\b(?P<low>\d+)\s*(?:-|–|to)\s*(?P<high>\d+) characters", re.IGNORECASE)


def _infer_constraints(field: Field_) -> None:
    """Limits the prose states unambiguously, marked as inferred.

    Only one range phrase, on a plain number field, without a unit ("between 3.0s and
    20.0s" is about the file, not the value); character limits only on strings.
    """
    if not field.constraints.is_empty():
        return
    text = field.description
    kind = field.type.kind
    if kind in ("integer", "number"):
        ranges = [*_RANGE_PAREN.finditer(text), *(m for m in _BETWEEN.finditer(text) if not m.group("unit"))]
        if len(ranges) == 1:
            low, high = _number(ranges[0].group("low")), _number(ranges[0].group("high"))
            if low <= high and (kind == "number" or (float(low).is_integer() and float(high).is_integer())):
                field.constraints = Constraints(minimum=low, maximum=high, inferred=True)
    elif kind == "string":
        matches = list(_MAX_CHARS.finditer(text))
        ranges = list(_CHAR_RANGE.finditer(text))
        if len(ranges) == 1 and not matches:
            low, high = _count(ranges[0].group("low")), _count(ranges[0].group("high"))
            if 0 <= low <= high:
                field.constraints = Constraints(min_length=low, max_length=high, inferred=True)
        elif len(matches) == 1:
            match = matches[0]
            limit = _count(match.group("n") or match.group("m") or match.group("u"))
            if limit >= 0:
                field.constraints = Constraints(max_length=limit, inferred=True)


def _number(text: str) -> int | float:
    value = float(text)
    if not math.isfinite(value) or abs(value) > _LIMIT_BOUND:
        return math.nan  # a limit beyond any real one: `low <= high` fails, nothing is inferred
    return int(value) if value.is_integer() and "." not in text else value


_LIMIT_BOUND = 2**53
"""Limits read from prose must be exact in a float (and an `int()` of them cheap)."""


def _count(text: str) -> int:
    """A character count from prose; an absurd one (`99999...` over 15 digits) counts as -1."""
    return int(text) if len(text) <= 15 else -1


# -- examples ---------------------------------------------------------------------------


def _check_examples(endpoint: Endpoint, diagnostics: Diagnostics) -> None:
    for example, schema in ((endpoint.example_input, endpoint.input), (endpoint.example_output, endpoint.output)):
        if example is None:
            continue
        where = example.provenance or endpoint.provenance or Provenance(file="<unknown>")
        for problem in object_problems(example.value, schema, endpoint.type, "", required=schema is endpoint.input):
            diagnostics.emit(
                Code.EXAMPLE_MISMATCH,
                f"{schema.name} example disagrees with its schema: {problem}",
                where.file,
                where.line,
                endpoint.id,
            )


def _check_defaults(endpoint: Endpoint, diagnostics: Diagnostics) -> None:
    """A default its own type rejects (`Default value: "abc"` on an integer, an enum default
    not among the values) is kept in the spec (`x-fal-invalid-default`); the bindings cannot
    use it, so it is reported."""
    for schema in endpoint.all_schemas():
        for field in schema.fields:
            if not field.has_default or value_fits(field.default, field.type, endpoint.type):
                continue
            where = field.provenance or schema.provenance or endpoint.provenance or Provenance(file="<unknown>")
            diagnostics.emit(
                Code.DEFAULT_MISMATCH,
                f"default {clip(repr(field.default))} of {schema.name}.{field.name} is not a valid {field.type.render()}; "
                "the bindings default to None",
                where.file,
                where.line,
                endpoint.id,
            )


# -- duplicates -------------------------------------------------------------------------


def merge_duplicates(endpoints: list[Endpoint], diagnostics: Diagnostics) -> list[Endpoint]:
    """A page that appears twice becomes one endpoint: capabilities united, the copy that
    states more kept, and every difference between the copies reported."""
    groups: dict[str, list[Endpoint]] = defaultdict(list)
    for endpoint in endpoints:
        groups[endpoint.id].append(endpoint)
    merged: list[Endpoint] = []
    for endpoint_id in sorted(groups):
        copies = groups[endpoint_id]
        # A page saved under the endpoint's own name (as `falgen fetch` writes it) is the
        # current one; otherwise the copy that states more is kept.
        keep = max(
            copies,
            key=lambda e: (_named_after_id(e), sum(len(s.fields) for s in e.all_schemas()), -copies.index(e)),
        )
        if len(copies) == 1:
            merged.append(keep)
            continue
        keep = keep.model_copy(deep=True)
        for other in copies:
            if other.provenance == keep.provenance:
                continue
            differences = _differences(keep, other)
            where = other.provenance or Provenance(file="<unknown>")
            if differences:
                diagnostics.emit(
                    Code.DUPLICATE_PAGE_CONFLICT,
                    f"page appears again (first at {keep.provenance}) with differences: {'; '.join(differences[:8])}"
                    + (f" (+{len(differences) - 8} more)" if len(differences) > 8 else "")
                    + f"; the copy at {keep.provenance} is kept",
                    where.file,
                    where.line,
                    endpoint_id,
                )
            else:
                diagnostics.emit(
                    Code.DUPLICATE_PAGE,
                    f"page appears again (first at {keep.provenance}); identical, merged",
                    where.file,
                    where.line,
                    endpoint_id,
                )
            for capability in other.capabilities:
                if capability not in keep.capabilities:
                    keep.capabilities.append(capability)
            keep.capabilities.sort(key=CAPABILITY_ORDER.index)
            keep.sources.extend(source for source in other.sources if source not in keep.sources)
            if keep.example_input is None:
                keep.example_input = other.example_input
            if keep.example_output is None:
                keep.example_output = other.example_output
        keep.sources.sort(key=lambda p: (p.file, p.line))
        merged.append(keep)
    return merged


def _named_after_id(endpoint: Endpoint) -> bool:
    if endpoint.provenance is None:
        return False
    stem = endpoint.provenance.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem == spec_file_name(endpoint.id).removesuffix(".json")


def _differences(a: Endpoint, b: Endpoint) -> list[str]:
    found: list[str] = []
    for attribute in ("title", "description"):
        if getattr(a, attribute) != getattr(b, attribute):
            found.append(f"{attribute} {getattr(b, attribute)!r} vs {getattr(a, attribute)!r}")
    if a.capabilities != b.capabilities:
        found.append(f"capabilities {b.capabilities} vs {a.capabilities}")
    for schema_a, schema_b in ((a.input, b.input), (a.output, b.output)):
        found.extend(_schema_differences(schema_a, schema_b))
    names_a = {t.name for t in a.types}
    names_b = {t.name for t in b.types}
    for name in sorted(names_a ^ names_b):
        found.append(f"type {name} only in {'one copy' if name in names_b else 'the kept copy'}")
    ex_a = a.example_input.value if a.example_input else None
    ex_b = b.example_input.value if b.example_input else None
    if ex_a != ex_b:
        found.append("input example differs")
    return found


def _schema_differences(a: Schema, b: Schema) -> list[str]:
    found: list[str] = []
    fields_a = {f.name: f for f in a.fields}
    fields_b = {f.name: f for f in b.fields}
    for name in fields_b.keys() - fields_a.keys():
        found.append(f"{a.name}.{name} only in the other copy")
    for name in fields_a.keys() - fields_b.keys():
        found.append(f"{a.name}.{name} missing from the other copy")
    for name in sorted(fields_a.keys() & fields_b.keys()):
        fa, fb = fields_a[name], fields_b[name]
        for attribute in ("type", "required", "default", "description"):
            if getattr(fa, attribute) != getattr(fb, attribute):
                va, vb = getattr(fa, attribute), getattr(fb, attribute)
                if attribute == "type":
                    va, vb = fa.type.render(), fb.type.render()
                found.append(f"{a.name}.{name} {attribute} {clip(repr(vb))} vs {clip(repr(va))}")
    return sorted(found)


# -- category ----------------------------------------------------------------------------


def _infer_category(endpoint: Endpoint) -> str | None:
    """fal's category (`text-to-image`, ...) from the id, else from what goes in and out."""
    match = CATEGORY_IN_ID.search(endpoint.id)
    if match:
        return match.group("category")
    outputs = {field.name for field in endpoint.output.fields}
    inputs = {field.name for field in endpoint.input.fields}
    produced = next((kind for kind in ("video", "image", "audio") if any(kind in name for name in outputs)), None)
    if produced is None and any("lora" in name for name in outputs):
        return "training"
    consumed = next((kind for kind in ("video", "image", "audio") if any(name.startswith(kind) and "url" in name for name in inputs)), None)
    if produced is None:
        return None
    source = consumed or ("text" if "prompt" in inputs else None)
    return f"{source}-to-{produced}" if source else None


def _normalise(text: str) -> str:
    return " ".join(text.split())



__all__ = ["Corpus", "build_endpoint", "merge_duplicates", "recover_names"]
