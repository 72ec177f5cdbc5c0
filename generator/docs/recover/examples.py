"""What examples say: a value's type, an Output derived from the output example, and every
place an example or a default disagrees with its schema."""

from __future__ import annotations

from generator.core.codes import Code
from generator.core.diagnostics import Diagnostics, clip
from generator.core.fits import object_problems, value_fits
from generator.core.ir import Endpoint, Property, Provenance, TypeExpr
from generator.docs.text import Page


def type_from_value(value: object, page: Page | None = None) -> TypeExpr:
    if isinstance(value, bool):
        return TypeExpr(kind="boolean")
    if isinstance(value, int):
        return TypeExpr(kind="integer")
    if isinstance(value, float):
        return TypeExpr(kind="number")
    if isinstance(value, str):
        return TypeExpr(kind="string")
    if isinstance(value, list):
        return TypeExpr(kind="array", items=type_from_value(value[0], page) if value else TypeExpr(kind="any"))
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


def derive_empty_output(endpoint: Endpoint, page: Page, diagnostics: Diagnostics) -> None:
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
                Property(
                    name=key,
                    type=type_from_value(value, page),
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


def check_examples(endpoint: Endpoint, diagnostics: Diagnostics) -> None:
    """Every place an example disagrees with its schema. An example assembled from per-property
    examples (fal's documents) is partial by nature: a required field it lacks is no mismatch."""
    for example, schema in ((endpoint.example_input, endpoint.input), (endpoint.example_output, endpoint.output)):
        if example is None:
            continue
        where = example.provenance or endpoint.provenance or Provenance(file="<unknown>")
        required = schema is endpoint.input and not example.from_properties
        for problem in object_problems(example.value, schema, endpoint.type, "", required=required):
            diagnostics.emit(
                Code.EXAMPLE_MISMATCH,
                f"{schema.name} example disagrees with its schema: {problem}",
                where.file,
                where.line,
                endpoint.id,
            )


def check_defaults(endpoint: Endpoint, diagnostics: Diagnostics) -> None:
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
