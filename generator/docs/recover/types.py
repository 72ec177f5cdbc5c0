"""Nested types: a type used but not described is copied from another page or left open; a type
nothing uses is reported."""

from __future__ import annotations

from generator.core.codes import Code
from generator.core.diagnostics import Diagnostics
from generator.core.ir import Endpoint, Provenance, Schema
from generator.docs.recover.corpus import Corpus


def resolve_types(endpoint: Endpoint, corpus: Corpus, diagnostics: Diagnostics) -> None:
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


def flag_unreferenced(endpoint: Endpoint, diagnostics: Diagnostics) -> None:
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
