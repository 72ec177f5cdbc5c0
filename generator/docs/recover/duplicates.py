"""A page that appears twice becomes one endpoint, every difference between the copies reported."""

from __future__ import annotations

from collections import defaultdict

from generator.core.codes import Code
from generator.core.diagnostics import Diagnostics, clip
from generator.core.ir import CAPABILITY_ORDER, Endpoint, Provenance, Schema
from generator.core.names import spec_file_name


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
            if keep.status is None:  # fal's listing metadata, when only one copy has it
                keep.status, keep.tags = other.status, list(other.tags)
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
