"""Lost field names: an orphan description gets its field back from another page or the example."""

from __future__ import annotations

from collections import Counter

from generator.core.codes import Code
from generator.core.diagnostics import Diagnostics, clip
from generator.core.ir import Property, Provenance, TypeExpr
from generator.docs.doc_values import parse_default, typed_values
from generator.docs.recover.corpus import Corpus
from generator.docs.recover.examples import type_from_value
from generator.docs.recover.ids import resolve_id
from generator.docs.text import Orphan, Page, PageSchema


def recover_names(page: Page, corpus: Corpus, diagnostics: Diagnostics) -> str | None:
    """First pass over a page: its endpoint id and its lost field names (in place)."""
    endpoint_id = resolve_id(page, diagnostics)
    if endpoint_id is not None:
        for schema in page.schemas():
            recover_orphans(page, schema, endpoint_id, corpus, diagnostics)
    return endpoint_id


def recover_orphans(page: Page, schema: PageSchema, endpoint_id: str, corpus: Corpus, diagnostics: Diagnostics) -> None:
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
            type_expr = type_from_value(schema.example.value[missing], page)
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
        field = Property(
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


def _with_enum(type_expr: TypeExpr, values: list[str], default_text: str | None) -> TypeExpr:
    enum = TypeExpr(kind="enum", values=typed_values(values, default_text))
    if type_expr.kind == "string":
        return enum
    return TypeExpr(kind="union", variants=[type_expr, enum])
