"""What `falgen parse` prints: errors and new warnings with `file:line`, counts for the rest.

Every run prints the diagnostics that stand, also when the stage is skipped as up to date (the
report it wrote, which the stage stamp verifies, is read back). What is *known* is what the
repository accepted: the report as committed (`git show HEAD:<report>`), so a warning a
maintainer has not committed stays *new* on every run until it is. Diagnostics are matched by
code, file, endpoint and message, never by line: an edit above a warning does not make it new.
At catalogue scale there are hundreds of known warnings, so known ones are counted and only
errors and new warnings are shown in full (`--all` shows everything).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from generator.core.ir import Diagnostic, Severity

Identity = tuple[str, str, str, str]
"""(code, file, endpoint, message): what makes two runs' diagnostics the same one."""

_PLACE = re.compile(r"(\.[A-Za-z]{1,5}):\d+")
"""A `file.ext:line` a message names (evidence from another page): its line moves with edits too."""


def identity(diagnostic: Diagnostic) -> Identity:
    message = _PLACE.sub(r"\1:", diagnostic.message)
    return (diagnostic.code, diagnostic.file, diagnostic.endpoint_id or "", message)


@dataclass
class Baseline:
    """The diagnostics the repository accepted, as identities (a multiset: a page can repeat one)."""

    source: str
    """Where it was read from, for the message (`HEAD:specs/diagnostics.json`)."""
    known: Counter[Identity] = field(default_factory=Counter)


def committed_baseline(report: Path) -> Baseline | None:
    """The report `report` (a `diagnostics.json`) as committed at git HEAD; None outside a git
    repository, without git, or when HEAD holds no such file or an unreadable one."""
    try:
        shown = subprocess.run(
            ["git", "show", f"HEAD:./{report.name}"],
            cwd=report.parent,
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if shown.returncode != 0:
        return None
    try:
        data = json.loads(shown.stdout.decode("utf-8"))
        items = data["diagnostics"]
        known = Counter(identity(Diagnostic.model_validate(item)) for item in items)
    except (ValueError, KeyError, TypeError, RecursionError, ValidationError):
        return None
    return Baseline(source=f"HEAD:{report.as_posix()}", known=known)


def read_report(report: Path) -> tuple[dict[str, object], list[Diagnostic]] | None:
    """The summary and diagnostics a run wrote to `report`; None when it cannot be read back."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        summary = data["summary"]
        diagnostics = [Diagnostic.model_validate(item) for item in data["diagnostics"]]
    except (OSError, ValueError, KeyError, TypeError, RecursionError, ValidationError):
        return None
    if not isinstance(summary, dict):
        return None
    return summary, diagnostics


@dataclass
class Split:
    """A run's diagnostics by severity, warnings split into known and new."""

    ordered: list[Diagnostic]
    """Every diagnostic, in report order."""
    errors: list[Diagnostic]
    warnings_new: list[Diagnostic]
    warnings_known: list[Diagnostic]
    infos: list[Diagnostic]
    baseline: Baseline | None


def split(diagnostics: Iterable[Diagnostic], baseline: Baseline | None) -> Split:
    """`diagnostics` in report order; a warning is known while the baseline has one more copy
    of it left (so a second copy of a known warning is new)."""
    left = Counter(baseline.known) if baseline is not None else Counter[Identity]()
    result = Split(list(diagnostics), [], [], [], [], baseline)
    for diagnostic in result.ordered:
        if diagnostic.severity is Severity.ERROR:
            result.errors.append(diagnostic)
        elif diagnostic.severity is Severity.INFO:
            result.infos.append(diagnostic)
        elif left[identity(diagnostic)] > 0:
            left[identity(diagnostic)] -= 1
            result.warnings_known.append(diagnostic)
        else:
            result.warnings_new.append(diagnostic)
    return result


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def console_lines(found: Split, show_all: bool = False) -> list[str]:
    """What the run prints on stderr: every error, then the warnings (new ones in full, known
    ones counted), each diagnostic on one line starting with its `file:line`."""
    lines: list[str] = []
    if found.errors:
        lines.append(f"{_plural(len(found.errors), 'error')}:")
        lines += [d.render() for d in found.errors]
    warnings = found.warnings_known + found.warnings_new
    if show_all:
        if warnings:
            lines.append(f"{_plural(len(warnings), 'warning')} ({len(found.warnings_new)} new):")
            lines += [d.render() for d in found.ordered if d.severity is Severity.WARNING]
        if found.infos:
            lines.append(f"{len(found.infos)} info:")
            lines += [d.render() for d in found.infos]
        return lines
    if found.baseline is None:
        if warnings:
            lines.append(f"{_plural(len(warnings), 'warning')} (no committed report to compare with, so all are shown):")
            lines += [d.render() for d in found.warnings_new]
        return lines
    known = len(found.warnings_known)
    if found.warnings_new:
        lines.append(f"{known} known {'warning' if known == 1 else 'warnings'}, {len(found.warnings_new)} new:")
        lines += [d.render() for d in found.warnings_new]
    elif known:
        lines.append(f"{known} known {'warning' if known == 1 else 'warnings'}, none new")
    return lines


def summary_line(info: dict[str, object], found: Split, report_dir: Path) -> str:
    """One short line: what was parsed, how many diagnostics of each severity, where the rest is."""
    parts = [_plural(len(found.errors), "error")]
    warnings = len(found.warnings_known) + len(found.warnings_new)
    new = f" ({len(found.warnings_new)} new)" if found.baseline is not None and found.warnings_new else ""
    parts.append(_plural(warnings, "warning") + new)
    parts.append(f"{len(found.infos)} info")
    report = (report_dir / "diagnostics.md").as_posix()
    return (
        f"parsed {info.get('pages')} page(s): {info.get('endpoints')} endpoint(s), {info.get('fields')} field(s); "
        f"{', '.join(parts)}; report: {report}"
    )


__all__ = ["Baseline", "Split", "committed_baseline", "console_lines", "identity", "read_report", "split", "summary_line"]
