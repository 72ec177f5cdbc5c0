"""Collecting diagnostics: bad input is reported with file:line, never raised."""

from __future__ import annotations

from collections import Counter

from generator.core.ir import Diagnostic, Severity


class Diagnostics:
    """An append-only list of diagnostics with helpers for each severity."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(
        self,
        severity: Severity,
        code: str,
        message: str,
        file: str,
        line: int = 0,
        endpoint_id: str | None = None,
        pointer: str | None = None,
    ) -> Diagnostic:
        diagnostic = Diagnostic(
            code=code,
            severity=severity,
            message=message,
            file=file,
            line=line,
            endpoint_id=endpoint_id,
            pointer=pointer,
        )
        self.items.append(diagnostic)
        return diagnostic

    def error(self, code: str, message: str, file: str, line: int = 0, endpoint_id: str | None = None, pointer: str | None = None) -> Diagnostic:
        return self.add(Severity.ERROR, code, message, file, line, endpoint_id, pointer)

    def warning(self, code: str, message: str, file: str, line: int = 0, endpoint_id: str | None = None, pointer: str | None = None) -> Diagnostic:
        return self.add(Severity.WARNING, code, message, file, line, endpoint_id, pointer)

    def info(self, code: str, message: str, file: str, line: int = 0, endpoint_id: str | None = None, pointer: str | None = None) -> Diagnostic:
        return self.add(Severity.INFO, code, message, file, line, endpoint_id, pointer)

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
