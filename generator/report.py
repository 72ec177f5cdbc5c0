"""The committed diagnostics report: `specs/diagnostics.json` and a readable `.md`.

Both are deterministic (sorted, no timestamps, relative paths) so a review shows exactly
how the anomalies changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.diagnostics import count_by_code
from generator.ir import ParseResult, Severity


def summary(result: ParseResult) -> dict[str, object]:
    fields = sum(len(schema.fields) for endpoint in result.endpoints for schema in endpoint.all_schemas())
    return {
        "pages": result.pages,
        "endpoints": len(result.endpoints),
        "fields": fields,
        "diagnostics": count_by_code(result.diagnostics),
    }


def write_report(result: ParseResult, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    data = {
        "summary": summary(result),
        "diagnostics": [d.model_dump(mode="json") for d in result.diagnostics],
    }
    json_path = directory / "diagnostics.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path = directory / "diagnostics.md"
    md_path.write_text(render_markdown(result), encoding="utf-8")
    return [json_path, md_path]


def render_markdown(result: ParseResult) -> str:
    info = summary(result)
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
        items = [d for d in result.diagnostics if d.severity is severity]
        if not items:
            continue
        lines += ["", f"## {severity.value.capitalize()}s ({len(items)})", "", "| where | endpoint | code | message |", "|---|---|---|---|"]
        for d in items:
            message = d.message.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| `{d.location}` | {d.endpoint_id or ''} | `{d.code}` | {message} |")
    return "\n".join(lines) + "\n"


def summary_text(result: ParseResult) -> str:
    info = summary(result)
    counts = ", ".join(f"{key}={count}" for key, count in info["diagnostics"].items()) or "none"  # type: ignore[attr-defined]
    return (
        f"parsed {info['pages']} page(s): {info['endpoints']} endpoint(s), {info['fields']} field(s); "
        f"diagnostics: {counts}"
    )
