"""Collecting diagnostics: bad input is reported with file:line, never raised. Every code is one
the registry (`generator.core.codes`) declares."""

from __future__ import annotations

from collections import Counter

from generator.core.codes import Code
from generator.core.ir import Diagnostic, Severity


def diagnostic(
    code: Code,
    message: str,
    file: str,
    line: int = 0,
    endpoint_id: str | None = None,
    pointer: str | None = None,
    *,
    severity: Severity | None = None,
) -> Diagnostic:
    """One diagnostic of a registered code, at its usual severity unless `severity` names another
    one the code declares."""
    chosen = code.severity if severity is None else severity
    if chosen not in code.severities:
        raise ValueError(f"diagnostic code {code.code!r} is not declared with severity {chosen.value!r}")
    return Diagnostic(code=code.code, severity=chosen, message=message, file=file, line=line, endpoint_id=endpoint_id, pointer=pointer)


class Diagnostics:
    """An append-only list of diagnostics."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def emit(
        self,
        code: Code,
        message: str,
        file: str,
        line: int = 0,
        endpoint_id: str | None = None,
        pointer: str | None = None,
        *,
        severity: Severity | None = None,
    ) -> Diagnostic:
        found = diagnostic(code, message, file, line, endpoint_id, pointer, severity=severity)
        self.items.append(found)
        return found

    def extend(self, items: list[Diagnostic]) -> None:
        self.items.extend(items)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)


def clip(text: str, limit: int = 60) -> str:
    """Doc text shortened for a diagnostic message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, str, str, str]:
    return (diagnostic.file, diagnostic.line, diagnostic.code, diagnostic.endpoint_id or "", diagnostic.message)


def count_by_code(diagnostics: list[Diagnostic]) -> dict[str, int]:
    counts = Counter(f"{d.severity.value}:{d.code}" for d in diagnostics)
    return dict(sorted(counts.items()))
