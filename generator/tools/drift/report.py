"""Drift reports: Markdown (a pull request's body), JSON, the compact text `falgen check`
prints, and changelog entries."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator.core.markdown import md_code, md_text
from generator.tools.drift.compare import VERDICTS, Bump, Change, DiffResult, diff_dirs


def _show(value: Any, limit: int = 60) -> str:
    if value is None:
        return "-"
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _md_value(value: Any) -> str:
    """A change's old or new value in a table cell: its JSON as an inert code span."""
    return "-" if value is None else md_code(_show(value), table=True)


def _counts_text(changes: list[Change]) -> str:
    counted = Counter(change.verdict for change in changes)
    return ", ".join(f"{counted[v]} {v}" for v in VERDICTS if counted[v])


def render_json(result: DiffResult) -> str:
    doc = {
        "bump": result.bump,
        "counts": result.counts(),
        "changes": [change.to_json() for change in result.changes],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_markdown(result: DiffResult, title: str = "Spec drift") -> str:
    """A PR body: verdict summary table, then one section per endpoint."""
    grouped = result.by_endpoint()
    lines = [f"## {title}", ""]
    if not result.changes:
        lines += ["No change visible to users of the generated package.", "", "Suggested version bump: **none**", ""]
        return "\n".join(lines)
    lines += [
        f"{len(result.changes)} change(s) in {len(grouped)} endpoint(s). "
        f"Suggested version bump for the generated package: **{result.bump}**.",
        "",
        "| verdict | changes | endpoints |",
        "|---|---:|---:|",
    ]
    for verdict in VERDICTS:
        matching = [c for c in result.changes if c.verdict == verdict]
        lines.append(f"| {verdict} | {len(matching)} | {len({c.endpoint for c in matching})} |")
    lines.append("")
    for endpoint_id, changes in grouped.items():
        lines += [f"### {md_code(endpoint_id) or md_text(endpoint_id)}", "", f"{_counts_text(changes)}", ""]
        lines += ["| verdict | change | location | old | new |", "|---|---|---|---|---|"]
        for change in changes:
            shown = f"**{change.verdict}**" if change.verdict == "breaking" else change.verdict
            lines.append(
                f"| {shown} | {md_text(change.label)} | {md_code(change.location, table=True)} "
                f"| {_md_value(change.old)} | {_md_value(change.new)} |"
            )
        lines.append("")
    return "\n".join(lines)


def render_compact(result: DiffResult, indent: str = "  ") -> str:
    """Plain text for terminals and `falgen check`: per endpoint, one line per change."""
    lines: list[str] = []
    for endpoint_id, changes in result.by_endpoint().items():
        lines.append(f"{indent}{endpoint_id}: {_counts_text(changes)}")
        width = max(len(change.label) for change in changes)
        for change in changes:
            values = f"{_show(change.old, 40)} -> {_show(change.new, 40)}"
            tag = change.verdict.upper() if change.verdict == "breaking" else change.verdict
            lines.append(f"{indent}  {tag:<12}  {change.label:<{width}}  {change.location}  ({values})")
    if result.changes:
        lines.append(f"{indent}suggested version bump for the generated package: {result.bump}")
    return "\n".join(lines)


def next_version(current: str, bump: Bump) -> str:
    """`current` (MAJOR.MINOR.PATCH) after a `bump`."""
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", current.strip())
    if not match:
        raise click.BadParameter(f"not a MAJOR.MINOR.PATCH version: {current!r}", param_hint="--current-version")
    major, minor, patch = (int(part) for part in match.groups())
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    if bump == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return current


def render_changelog_entry(result: DiffResult, current_version: str | None = None, bump: Bump | None = None) -> str:
    """A deterministic changelog entry (no dates): heading with the bump (`bump`, else the
    suggested one), changes by verdict."""
    bump = bump or result.bump
    heading = next_version(current_version, bump) if current_version else "Unreleased"
    lines = [f"## {heading} ({bump} bump)", ""]
    for verdict in VERDICTS:
        matching = [c for c in result.changes if c.verdict == verdict]
        if not matching:
            continue
        lines += [f"### {verdict.capitalize()}", ""]
        for change in matching:
            values = f"{_show(change.old, 40)} -> {_show(change.new, 40)}"
            lines.append(f"- {md_code(change.endpoint)}: {change.label} {md_code(change.location)} ({md_code(values)})")
        lines.append("")
    return "\n".join(lines)


def prepend_changelog(path: Path, entry: str, title: str = "", replaces: Callable[[str], bool] | None = None) -> bool:
    """Put `entry` at the top of `path` (below a leading `# ` title; a new file starts with
    `title`, when given); False when it is there already. Leading entries whose heading line
    `replaces` accepts (what `entry` supersedes) give way to it."""
    existing = path.read_text(encoding="utf-8") if path.is_file() else (f"{title}\n" if title else "")
    title = ""
    body = existing
    if existing.startswith("# "):
        first, _, rest = existing.partition("\n")
        title = first + "\n\n"
        body = rest.lstrip("\n")
    if body.startswith(entry):
        return False
    while replaces is not None and body.startswith("## ") and replaces(body.partition("\n")[0]):
        following = body.find("\n## ")
        body = body[following + 1 :] if following >= 0 else ""
    text = title + entry + ("\n" + body if body else "")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    tmp.replace(path)
    return True


def semantic_report(old_dir: Path, new_dir: Path) -> str:
    """The drift between two spec directories, compact, for `falgen check`'s failure output."""
    try:
        result = diff_dirs(old_dir, new_dir)
    except Exception as error:  # a report must never hide check's own output
        return f"  (semantic diff unavailable: {type(error).__name__}: {error})"
    lines = [f"  note: {problem}" for problem in result.problems]
    if result.changes:
        lines.append(render_compact(result))
    elif _same_tree(old_dir, new_dir):
        return "\n".join(lines)
    else:
        lines.append("  no change visible to users of the generated package (provenance or formatting only)")
    return "\n".join(lines)


def _same_tree(a: Path, b: Path) -> bool:
    files_a = {p.name: p for p in a.glob("*.json")} if a.is_dir() else {}
    files_b = {p.name: p for p in b.glob("*.json")} if b.is_dir() else {}
    return files_a.keys() == files_b.keys() and all(files_a[n].read_bytes() == files_b[n].read_bytes() for n in files_a)


