"""Comparing two IR endpoints: every change, with its verdict for users of the generated package.

Pure: it reads the IR and nothing else, so both `falgen diff` (`generator.tools.drift`, which
compares spec directories) and the parse stage (which compares an endpoint's doc page with fal's
document for it) use it. Verdicts:

- breaking: code written against the old package may stop working (endpoint, input field or
  capability removed, new required input, optional input made required, type changed, enum
  value removed or renamed, limit narrowed, output field removed or made optional, a
  breaking change inside a nested output type);
- non-breaking: only additions or relaxations (new endpoint, new optional input, new enum
  value, limit widened, new output field, required input made optional, description change);
- notable: not breaking, but behaviour users may notice (a default changed; on the output
  side, new enum values or wider limits that exhaustive user code may not expect).

Nested types are compared by the structure reachable from the input and the output, never by
name: a renamed but identical type (or enum) is no change, and a change inside a nested
output type is reported as `nested-output-type-changed` at the data path where it shows
(`/output/images/url`) with the inner kind in `detail`. Input-side changes are judged with
the input's variance (narrowing breaks callers), output-side with the output's (widening is
what callers may not expect). Provenance, required-ness sources and unreferenced types (not
rendered into an endpoint's module) are not compared. Each change also names where it stands
on either side (`Change.anchors`: schema and field), for reports that point into the sources.

The suggested semver bump for the generated package: breaking -> major, other non-breaking
changes -> minor, notable or description/example-only -> patch, nothing -> none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

from generator.core.ir import Constraints, Endpoint, Property, Schema, TypeExpr
from generator.core.json_pointer import escape

Verdict = Literal["breaking", "non-breaking", "notable"]
Bump = Literal["major", "minor", "patch", "none"]
Side = Literal["input", "output"]

VERDICTS: tuple[Verdict, ...] = ("breaking", "non-breaking", "notable")

KIND_LABELS: dict[str, str] = {
    "endpoint-removed": "endpoint removed",
    "endpoint-added": "new endpoint",
    "endpoint-renamed": "public name moved",
    "type-renamed": "shared type name moved",
    "capability-removed": "capability removed",
    "capability-added": "new capability",
    "input-field-removed": "input field removed",
    "required-input-added": "new required input",
    "optional-input-added": "new optional input",
    "input-made-required": "optional input made required",
    "input-made-optional": "required input made optional",
    "output-field-removed": "output field removed",
    "output-field-added": "new output field",
    "output-made-optional": "output field made optional",
    "output-made-required": "output field made required",
    "nested-output-type-changed": "nested output type changed",
    "type-changed": "type changed",
    "nullable-added": "null now allowed",
    "nullable-removed": "null no longer allowed",
    "enum-value-removed": "enum value removed",
    "enum-value-renamed": "enum value renamed",
    "enum-value-added": "new enum value",
    "limit-narrowed": "limit narrowed",
    "limit-widened": "limit widened",
    "default-changed": "default changed",
    "description-changed": "description changed",
    "category-changed": "category changed",
    "example-changed": "example changed",
}

COSMETIC_KINDS = frozenset({"description-changed", "example-changed"})
"""Non-breaking kinds that change no behaviour: alone, they suggest a patch release."""

_UNNESTED_KINDS = frozenset({"description-changed", "default-changed"})
"""Kinds reported as themselves even inside a nested output type."""

_LIMITS: tuple[tuple[str, Literal["lower", "upper"]], ...] = (
    ("minimum", "lower"),
    ("exclusive_minimum", "lower"),
    ("min_length", "lower"),
    ("min_items", "lower"),
    ("maximum", "upper"),
    ("exclusive_maximum", "upper"),
    ("max_length", "upper"),
    ("max_items", "upper"),
)


@dataclass(frozen=True)
class Anchor:
    """Where a change stands on one side: a schema (its IR name) and a field of it (None: the
    schema itself, e.g. the one a field is missing from)."""

    schema: str
    field: str | None = None


@dataclass(frozen=True)
class Change:
    """One difference between the old and the new spec of an endpoint."""

    endpoint: str
    location: str
    """JSON-pointer-like data path: `/input/prompt`, `/output/images/url`, `/capabilities/streaming`."""
    kind: str
    verdict: Verdict
    old: Any = None
    new: Any = None
    detail: str | None = None
    """For `nested-output-type-changed`: the kind of the change inside the nested type."""
    anchors: tuple[Anchor | None, Anchor | None] = field(default=(None, None), compare=False, repr=False)
    """(old side, new side); None for changes outside any schema (capabilities, title)."""

    @property
    def label(self) -> str:
        label = KIND_LABELS.get(self.kind, self.kind)
        if self.detail:
            label += f" ({KIND_LABELS.get(self.detail, self.detail)})"
        return label

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "endpoint": self.endpoint,
            "location": self.location,
            "kind": self.kind,
            "verdict": self.verdict,
            "old": self.old,
            "new": self.new,
        }
        if self.detail is not None:
            out["detail"] = self.detail
        return out


def suggested_bump(changes: Iterable[Change]) -> Bump:
    bump: Bump = "none"
    for change in changes:
        if change.verdict == "breaking":
            return "major"
        if change.verdict == "non-breaking" and change.kind not in COSMETIC_KINDS:
            bump = "minor"
        elif bump == "none":
            bump = "patch"
    return bump


# --------------------------------------------------------------------------- comparing


def _same_value(a: Any, b: Any) -> bool:
    """JSON equality that tells `true` from `1` (and `1` from `"1"`), but not `5` from `5.0`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def _contains(values: list[Any], value: Any) -> bool:
    return any(_same_value(value, candidate) for candidate in values)


def _text(value: str) -> str:
    return " ".join(value.split())


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _numbers_only(a: str, b: str) -> bool:
    """True when two descriptions differ only in their numbers."""
    return _NUMBER.sub("#", _text(a)) == _NUMBER.sub("#", _text(b))


_OTHER_LIMITS = ("multiple_of", "pattern", "unique_items")
"""Limits that are no bound (compared by `_narrowing`)."""


def _limits(constraints: Constraints | None) -> dict[str, Any]:
    if constraints is None:
        return {}
    names = [name for name, _ in _LIMITS] + list(_OTHER_LIMITS)
    return {name: getattr(constraints, name) for name in names if getattr(constraints, name) not in (None, False)}


def _narrowing(name: str, before: Any, after: Any) -> tuple[bool, bool]:
    """(narrowed, widened) for a change of `multipleOf`, `pattern` or `uniqueItems`: added is
    narrower, removed wider; a new step that is a multiple of the old one narrows, a divisor
    widens; any other change (a different pattern) may reject what was valid: narrowed."""
    if before in (None, False):
        return True, False
    if after in (None, False):
        return False, True
    if name == "multiple_of":
        if _divides(before, after):
            return True, False
        if _divides(after, before):
            return False, True
    return True, False


def _divides(step: float, value: float) -> bool:
    try:
        return Decimal(repr(value)) % Decimal(repr(step)) == 0
    except ArithmeticError:
        return False


@dataclass(frozen=True)
class _Context:
    side: Side
    nested: bool = False
    """Inside a type reached through a `ref` (only matters on the output side)."""
    stack: tuple[tuple[str, str], ...] = ()
    """(old, new) type names being compared, to stop on recursive types."""
    anchors: tuple[Anchor | None, Anchor | None] = (None, None)
    """Where the schema or field being compared stands on either side."""

    def into(self, pair: tuple[str, str]) -> _Context:
        return _Context(self.side, True, (*self.stack, pair))

    def at(self, old: Anchor, new: Anchor) -> _Context:
        return replace(self, anchors=(old, new))


class _EndpointDiffer:
    def __init__(self, old: Endpoint, new: Endpoint) -> None:
        self.id = new.id
        self.old = old
        self.new = new
        self.old_types = {schema.name: schema for schema in old.types}
        self.new_types = {schema.name: schema for schema in new.types}
        self.changes: list[Change] = []

    def record(
        self,
        location: str,
        kind: str,
        verdict: Verdict,
        old: Any = None,
        new: Any = None,
        detail: str | None = None,
        anchors: tuple[Anchor | None, Anchor | None] = (None, None),
    ) -> None:
        self.changes.append(Change(self.id, location, kind, verdict, old, new, detail, anchors))

    def schema_change(self, ctx: _Context, location: str, kind: str, verdict: Verdict, old: Any = None, new: Any = None) -> None:
        """A change inside a schema: wrapped as `nested-output-type-changed` inside nested output types."""
        if ctx.side == "output" and ctx.nested and kind not in _UNNESTED_KINDS:
            self.record(location, "nested-output-type-changed", verdict, old, new, detail=kind, anchors=ctx.anchors)
        else:
            self.record(location, kind, verdict, old, new, anchors=ctx.anchors)

    def run(self) -> list[Change]:
        old, new = self.old, self.new
        for capability in old.capabilities:
            if capability not in new.capabilities:
                self.record(f"/capabilities/{capability}", "capability-removed", "breaking", capability, None)
        for capability in new.capabilities:
            if capability not in old.capabilities:
                self.record(f"/capabilities/{capability}", "capability-added", "non-breaking", None, capability)
        if old.category != new.category:
            self.record("/category", "category-changed", "notable", old.category, new.category)
        for attribute in ("title", "description"):
            before, after = getattr(old, attribute), getattr(new, attribute)
            if _text(before) != _text(after):
                self.record(f"/{attribute}", "description-changed", "non-breaking", before, after)
        self.schema(old.input, new.input, "/input", _Context("input"))
        self.schema(old.output, new.output, "/output", _Context("output"))
        for role, before_example, after_example in (
            ("input", old.example_input, new.example_input),
            ("output", old.example_output, new.example_output),
        ):
            before = before_example.value if before_example is not None else None
            after = after_example.value if after_example is not None else None
            if not _same_value(before, after):
                self.record(f"/examples/{role}", "example-changed", "non-breaking", before, after)
        return self.changes

    def schema(self, old: Schema, new: Schema, path: str, ctx: _Context) -> None:
        ctx = ctx.at(Anchor(old.name), Anchor(new.name))
        if not ctx.nested and _text(old.description) != _text(new.description):
            self.record(path, "description-changed", "non-breaking", old.description, new.description, anchors=ctx.anchors)
        self.extra_keys(old, new, path or "/", ctx)
        new_by_name = _first_by_name(new.fields)
        old_by_name = _first_by_name(old.fields)
        for before in old_by_name.values():
            location = f"{path}/{escape(before.name)}"
            after = new_by_name.get(before.name)
            if after is None:
                kind = "input-field-removed" if ctx.side == "input" else "output-field-removed"
                self.schema_change(ctx.at(Anchor(old.name, before.name), Anchor(new.name)), location, kind, "breaking", before.type.render(), None)
            else:
                self.field(before, after, location, ctx.at(Anchor(old.name, before.name), Anchor(new.name, after.name)))
        for after in new_by_name.values():
            if after.name in old_by_name:
                continue
            location = f"{path}/{escape(after.name)}"
            ctx = ctx.at(Anchor(old.name), Anchor(new.name, after.name))
            if ctx.side == "output":
                self.schema_change(ctx, location, "output-field-added", "non-breaking", None, after.type.render())
            elif after.required:
                self.schema_change(ctx, location, "required-input-added", "breaking", None, after.type.render())
            else:
                self.schema_change(ctx, location, "optional-input-added", "non-breaking", None, after.type.render())

    def field(self, old: Property, new: Property, location: str, ctx: _Context) -> None:
        inward = ctx.side == "input"
        if old.required != new.required:
            kind: str
            verdict: Verdict
            if inward:
                kind, verdict = ("input-made-required", "breaking") if new.required else ("input-made-optional", "non-breaking")
            else:
                kind, verdict = ("output-made-required", "non-breaking") if new.required else ("output-made-optional", "breaking")
            self.schema_change(ctx, location, kind, verdict, old.required, new.required)
        if old.nullable != new.nullable:
            kind = "nullable-added" if new.nullable else "nullable-removed"
            breaks = (not new.nullable) if inward else new.nullable
            self.schema_change(ctx, location, kind, "breaking" if breaks else "non-breaking", old.nullable, new.nullable)
        self.type(old.type, new.type, location, ctx)
        limits_changed = self.limits(old.constraints, new.constraints, location, ctx)
        if old.has_default != new.has_default or (old.has_default and not _same_value(old.default, new.default)):
            self.record(
                location,
                "default-changed",
                "notable",
                old.default if old.has_default else None,
                new.default if new.has_default else None,
                anchors=ctx.anchors,
            )
        if _text(old.description) != _text(new.description) and not (
            limits_changed and _numbers_only(old.description, new.description)
        ):
            # (a limit read from prose, "(1-4)" -> "(1-2)", is reported once: as the limit change)
            self.record(location, "description-changed", "non-breaking", old.description, new.description, anchors=ctx.anchors)

    def type(self, old: TypeExpr, new: TypeExpr, location: str, ctx: _Context) -> None:
        if old.kind != new.kind:
            self.schema_change(ctx, location, "type-changed", "breaking", old.render(), new.render())
            return
        # limits on a node below the property (an array's items, a union's variant)
        self.limits(old.constraints, new.constraints, location, ctx)
        if old.kind == "tuple":
            before, after = old.variants or [], new.variants or []
            if len(before) != len(after):
                self.schema_change(ctx, location, "type-changed", "breaking", old.render(), new.render())
            for index, (item_before, item_after) in enumerate(zip(before, after, strict=False)):
                self.type(item_before, item_after, f"{location}/{index}", ctx)
        elif old.kind in ("array", "map"):
            if old.items is not None and new.items is not None:
                self.type(old.items, new.items, location, ctx)
            elif (old.items is None) != (new.items is None):
                self.schema_change(ctx, location, "type-changed", "breaking", old.render(), new.render())
        elif old.kind == "ref":
            self.ref(old, new, location, ctx)
        elif old.kind == "enum":
            self.enum(list(old.values or []), list(new.values or []), location, ctx)
        elif old.kind == "union":
            self.union(old, new, location, ctx)

    def ref(self, old: TypeExpr, new: TypeExpr, location: str, ctx: _Context) -> None:
        old_name, new_name = old.ref or "", new.ref or ""
        before, after = self.old_types.get(old_name), self.new_types.get(new_name)
        if before is None or after is None:
            if (before is None) != (after is None) or old_name != new_name:
                self.schema_change(ctx, location, "type-changed", "breaking", old.render(), new.render())
            return
        pair = (old_name, new_name)
        if pair in ctx.stack:
            return
        self.schema(before, after, location, ctx.into(pair))

    def union(self, old: TypeExpr, new: TypeExpr, location: str, ctx: _Context) -> None:
        old_variants, new_variants = list(old.variants or []), list(new.variants or [])
        if sorted(v.kind for v in old_variants) != sorted(v.kind for v in new_variants):
            self.schema_change(ctx, location, "type-changed", "breaking", old.render(), new.render())
            return
        several_refs = sum(1 for v in new_variants if v.kind == "ref") > 1
        remaining = list(new_variants)
        for before in old_variants:
            after = next(v for v in remaining if v.kind == before.kind)
            remaining.remove(after)
            where = f"{location}/{escape(after.ref or '')}" if several_refs and after.kind == "ref" else location
            self.type(before, after, where, ctx)

    def enum(self, old: list[Any], new: list[Any], location: str, ctx: _Context) -> None:
        removed = [value for value in old if not _contains(new, value)]
        added = [value for value in new if not _contains(old, value)]
        inward = ctx.side == "input"
        renamed: list[tuple[Any, Any]] = []
        for value in list(removed):
            index = next(i for i, candidate in enumerate(old) if _same_value(candidate, value))
            if index < len(new) and _contains(added, new[index]):
                renamed.append((value, new[index]))
                removed.remove(value)
                added = [a for a in added if not _same_value(a, new[index])]
        for before, after in renamed:
            self.schema_change(ctx, location, "enum-value-renamed", "breaking", before, after)
        for value in removed:
            self.schema_change(ctx, location, "enum-value-removed", "breaking" if inward else "non-breaking", value, None)
        for value in added:
            self.schema_change(ctx, location, "enum-value-added", "non-breaking" if inward else "notable", None, value)

    def extra_keys(self, old: Schema, new: Schema, location: str, ctx: _Context) -> None:
        """`additionalProperties` and `{}`: which keys and values an object (or the whole Output)
        takes beyond its fields, judged like a limit."""
        before, after = _openness(old, ctx.side), _openness(new, ctx.side)
        if before == after:
            if isinstance(old.additional_properties, TypeExpr) and isinstance(new.additional_properties, TypeExpr):
                self.type(old.additional_properties, new.additional_properties, location, ctx)
            return
        narrowed = after < before
        kind = "limit-narrowed" if narrowed else "limit-widened"
        if ctx.side == "input":
            verdict: Verdict = "breaking" if narrowed else "non-breaking"
        else:
            verdict = "non-breaking" if narrowed else "notable"
        self.schema_change(ctx, location, kind, verdict, _extra_text(old), _extra_text(new))

    def limits(self, old: Constraints | None, new: Constraints | None, location: str, ctx: _Context) -> bool:
        old, new = old or Constraints(), new or Constraints()
        narrowed = widened = False
        for name in _OTHER_LIMITS:
            before, after = getattr(old, name), getattr(new, name)
            if before != after:
                narrows, widens = _narrowing(name, before, after)
                narrowed, widened = narrowed or narrows, widened or widens
        for name, bound in _LIMITS:
            before, after = getattr(old, name), getattr(new, name)
            if before == after:
                continue
            if before is None:
                narrowed = True
            elif after is None:
                widened = True
            elif (after > before) == (bound == "lower"):
                narrowed = True
            else:
                widened = True
        if not (narrowed or widened):
            return False
        kind = "limit-narrowed" if narrowed else "limit-widened"
        if ctx.side == "input":
            verdict: Verdict = "breaking" if narrowed else "non-breaking"
        else:
            verdict = "non-breaking" if narrowed else "notable"
        self.schema_change(ctx, location, kind, verdict, _limits(old), _limits(new))
        return True


def _openness(schema: Schema, side: Side) -> int:
    """0 closed (`additionalProperties: false`; unsaid on an Input object, closed by choice),
    1 extra values of a type, 2 any extra key (unsaid on an Output object), 3 any JSON value."""
    if schema.any_value:
        return 3
    extra = schema.additional_properties
    if extra is None:
        return 0 if side == "input" else 2
    if extra is False:
        return 0
    return 2 if extra is True or extra.kind == "any" else 1


def _extra_text(schema: Schema) -> str:
    if schema.any_value:
        return "any value"
    extra = schema.additional_properties
    if isinstance(extra, TypeExpr):
        return f"extra keys: {extra.render()}"
    return {None: "extra keys: unsaid", True: "extra keys: any", False: "extra keys: none"}[extra]


def _first_by_name(fields: list[Property]) -> dict[str, Property]:
    """Fields by wire name; a name listed twice (`x-fal-duplicate-properties`) is the first
    one, the property the spec's JSON Schema and the bindings use."""
    out: dict[str, Property] = {}
    for item in fields:
        out.setdefault(item.name, item)
    return out


def diff_endpoints(old: Iterable[Endpoint], new: Iterable[Endpoint]) -> list[Change]:
    """Every change from `old` to `new`, endpoints in id order."""
    before = {endpoint.id: endpoint for endpoint in old}
    after = {endpoint.id: endpoint for endpoint in new}
    changes: list[Change] = []
    for endpoint_id in sorted(before.keys() | after.keys()):
        if endpoint_id not in after:
            changes.append(Change(endpoint_id, "/", "endpoint-removed", "breaking", endpoint_id, None))
        elif endpoint_id not in before:
            changes.append(Change(endpoint_id, "/", "endpoint-added", "non-breaking", None, endpoint_id))
        else:
            changes.extend(_EndpointDiffer(before[endpoint_id], after[endpoint_id]).run())
    return changes


