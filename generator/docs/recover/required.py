"""The required-ness rule for pages that lost their `* required` marks (README, "Required-ness rule")."""

from __future__ import annotations

import re

from generator.core.diagnostics import Diagnostics
from generator.core.ir import Endpoint, Property, RequiredSource
from generator.docs.recover.corpus import Corpus
from generator.docs.text import Page

# Wording that says a field may be left out (see README, "Required-ness rule").
# "Optional" counts only when it is about the field itself ("Optional URL of ...", "(optional)",
# "is optional"), not an adjective of something else ("Lyrics with optional formatting").
OPTIONAL_WORDING = re.compile(
    r"^\s*optional(ly)?\b|\(optional\)|\bis optional\b|\b(if not provided|if none|if provided|if not set|"
    r"if not specified|leave (it )?(empty|blank)|will be auto-generated|defaults? to)\b",
    re.IGNORECASE,
)


def decide_required(endpoint: Endpoint, page: Page, corpus: Corpus, diagnostics: Diagnostics) -> None:
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


def _required_by_rule(field: Property, role: str, example: object, corpus: Corpus) -> tuple[bool, RequiredSource]:
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
