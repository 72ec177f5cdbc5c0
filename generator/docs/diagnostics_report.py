"""The committed diagnostics report: `specs/diagnostics.json` and a readable `.md`.

Both are deterministic (sorted, no timestamps, relative paths) so a review shows exactly
how the anomalies changed. Where a doc page and fal's document describe one endpoint differently,
both also list it under "docs disagree with the API", by endpoint: what fal's users reading the
page would get wrong (`generator.docs.two_sources`).
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.core.diagnostics import count_by_code
from generator.core.ir import Diagnostic, ParseResult, Severity
from generator.core.markdown import md_code, md_text
from generator.docs.two_sources import DISAGREEMENT_CODES

_DISAGREEMENTS = frozenset(code.code for code in DISAGREEMENT_CODES)

Summary = dict[str, object]
"""pages, endpoints, fields, and diagnostic counts by `severity:code`."""


def summary(result: ParseResult) -> Summary:
    fields = sum(len(schema.fields) for endpoint in result.endpoints for schema in endpoint.all_schemas())
    return {
        "pages": result.pages,
        "endpoints": len(result.endpoints),
        "fields": fields,
        "diagnostics": count_by_code(result.diagnostics),
    }


def write_report(info: Summary, diagnostics: list[Diagnostic], directory: Path) -> list[Path]:
    """`diagnostics` sorted as the report lists them."""
    directory.mkdir(parents=True, exist_ok=True)
    data: dict[str, object] = {"summary": info, "diagnostics": [d.model_dump(mode="json") for d in diagnostics]}
    grouped = disagreements(diagnostics)
    if grouped:  # (absent without documents: a parse of pages alone writes what it always wrote)
        data["docs_disagree_with_api"] = [
            {"endpoint": endpoint_id, "disagreements": [_disagreement(d) for d in items]} for endpoint_id, items in grouped.items()
        ]
    json_path = directory / "diagnostics.json"
    _write_if_changed(json_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    md_path = directory / "diagnostics.md"
    _write_if_changed(md_path, render_markdown(info, diagnostics))
    return [json_path, md_path]


def disagreements(diagnostics: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    """Page/document disagreements by endpoint id (sorted), in report order within each."""
    grouped: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.code in _DISAGREEMENTS:
            grouped.setdefault(d.endpoint_id or "", []).append(d)
    return dict(sorted(grouped.items()))


def _disagreement(d: Diagnostic) -> dict[str, object]:
    return {"page": d.location, "document_pointer": d.pointer, "code": d.code, "severity": d.severity.value, "message": d.message}


def _write_if_changed(path: Path, text: str) -> None:
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    path.write_text(text, encoding="utf-8")


def render_markdown(info: Summary, diagnostics: list[Diagnostic]) -> str:
    lines = [
        "# Parse diagnostics",
        "",
        "Written by `falgen parse`; do not edit. Every anomaly found in `specs/sources`, with where it is.",
        "",
        f"{info['pages']} pages, {info['endpoints']} endpoints, {info['fields']} fields.",
        "",
        "| severity | code | count |",
        "|---|---|---|",
    ]
    for key, count in info["diagnostics"].items():  # type: ignore[attr-defined]
        severity, code = key.split(":", 1)
        lines.append(f"| {severity} | `{code}` | {count} |")
    grouped = disagreements(diagnostics)
    if grouped:
        count = sum(len(items) for items in grouped.values())
        lines += [
            "",
            f"## Docs disagree with the API ({count} on {len(grouped)} endpoints)",
            "",
            "Where an endpoint's doc page and fal's OpenAPI document for it differ. The bindings follow the "
            "document; info rows are points the page leaves unsaid (no default, no limits, no null, an "
            "inferred required-ness), warnings are contradictions.",
        ]
        for endpoint_id, items in grouped.items():
            lines += ["", f"### {md_text(endpoint_id)}", "", "| page | document | severity | code | message |", "|---|---|---|---|---|"]
            for d in items:
                lines.append(
                    f"| {md_code(d.location, table=True)} | {md_code(d.pointer or '', table=True)} | {d.severity.value} "
                    f"| `{d.code}` | {md_text(d.message)} |"
                )
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        items = [d for d in diagnostics if d.severity is severity and d.code not in _DISAGREEMENTS]
        if not items:
            continue
        lines += ["", f"## Other {severity.value}s ({len(items)})" if grouped else f"## {severity.value.capitalize()}s ({len(items)})", "", "| where | endpoint | code | message |", "|---|---|---|---|"]
        for d in items:
            lines.append(
                f"| {md_code(d.location, table=True)} | {md_text(d.endpoint_id or '')} | `{d.code}` | {md_text(d.message)} |"
            )
    return "\n".join(lines) + "\n"
