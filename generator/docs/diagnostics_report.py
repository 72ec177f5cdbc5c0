"""The committed diagnostics report: `specs/diagnostics.json` and a readable `.md`.

Both are deterministic (sorted, no timestamps, relative paths) so a review shows exactly
how the anomalies changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.core.diagnostics import count_by_code
from generator.core.ir import Diagnostic, ParseResult, Severity
from generator.core.markdown import md_code, md_text

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
    data = {"summary": info, "diagnostics": [d.model_dump(mode="json") for d in diagnostics]}
    json_path = directory / "diagnostics.json"
    _write_if_changed(json_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    md_path = directory / "diagnostics.md"
    _write_if_changed(md_path, render_markdown(info, diagnostics))
    return [json_path, md_path]


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
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        items = [d for d in diagnostics if d.severity is severity]
        if not items:
            continue
        lines += ["", f"## {severity.value.capitalize()}s ({len(items)})", "", "| where | endpoint | code | message |", "|---|---|---|---|"]
        for d in items:
            lines.append(
                f"| {md_code(d.location, table=True)} | {md_text(d.endpoint_id or '')} | `{d.code}` | {md_text(d.message)} |"
            )
    return "\n".join(lines) + "\n"
