"""A page as an endpoint, completed from the rest of the corpus: each rule family in its module."""

from __future__ import annotations

import re

from generator.core.codes import Code
from generator.core.diagnostics import Diagnostics
from generator.core.ir import CAPABILITY_ORDER, Endpoint, Schema
from generator.docs.files import mark_file_properties
from generator.docs.recover.constraints import infer_constraints
from generator.docs.recover.corpus import Corpus, page_schema_to_ir
from generator.docs.recover.examples import check_defaults, check_examples, derive_empty_output
from generator.docs.recover.required import decide_required
from generator.docs.recover.types import flag_unreferenced, resolve_types
from generator.docs.text import Page

CATEGORY_IN_ID = re.compile(r"(?:^|/)(?P<category>[a-z]+-to-[a-z]+)(?:/|$)")


def build_endpoint(page: Page, endpoint_id: str, corpus: Corpus, diagnostics: Diagnostics) -> Endpoint:
    """Second pass: the page as an endpoint, completed from the rest of the corpus."""
    input_schema = page_schema_to_ir(page.input) if page.input else Schema(name="Input")
    output_schema = page_schema_to_ir(page.output) if page.output else Schema(name="Output")
    endpoint = Endpoint(
        id=endpoint_id,
        title=page.title or endpoint_id,
        description=page.description,
        capabilities=sorted(page.capabilities, key=CAPABILITY_ORDER.index),
        input=input_schema,
        output=output_schema,
        types=[page_schema_to_ir(schema) for schema in page.types],
        example_input=page.input.example if page.input else None,
        example_output=page.output.example if page.output else None,
        provenance=page.provenance,
        sources=[page.provenance],
    )
    anchor = page.provenance
    if page.input is None:
        diagnostics.emit(Code.NO_INPUT, "page has no Input section", anchor.file, anchor.line, endpoint_id)
    derive_empty_output(endpoint, page, diagnostics)
    resolve_types(endpoint, corpus, diagnostics)
    decide_required(endpoint, page, corpus, diagnostics)
    for ir_schema in endpoint.all_schemas():
        for ir_field in ir_schema.fields:
            infer_constraints(ir_field)
    check_examples(endpoint, diagnostics)
    check_defaults(endpoint, diagnostics)
    flag_unreferenced(endpoint, diagnostics)
    endpoint.category = infer_category(endpoint)
    mark_file_properties(endpoint)
    return endpoint


def infer_category(endpoint: Endpoint) -> str | None:
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
