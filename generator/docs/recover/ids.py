"""The endpoint id of a page: its id line, repaired or replaced by its code samples."""

from __future__ import annotations

import difflib
from collections import Counter

from generator.core.codes import Code
from generator.core.diagnostics import Diagnostics
from generator.docs.text import Page


def resolve_id(page: Page, diagnostics: Diagnostics) -> str | None:
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
