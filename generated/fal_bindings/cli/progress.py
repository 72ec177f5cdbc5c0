# Copied from templates/package/fal_bindings/cli/progress.py by falgen. Edit the source, then run make generate.
"""Queue progress on stderr (position, elapsed time, logs) while `run` waits for a request.

On a terminal (and without `--quiet`): a rich spinner line, log lines above it. Without a
terminal, with `--progress` (`-v`): one plain line per change of state and per log line, for CI
logs and pipes (rich is not imported). Otherwise nothing but the request id `run` prints itself.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .output import iter_status_logs, terminal_safe

if TYPE_CHECKING:
    from rich.console import Console
    from rich.status import Status as RichStatus

__all__ = ["QueueProgress", "progress_enabled", "stderr_is_terminal"]


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def progress_enabled(quiet: bool) -> bool:
    """The spinner goes to stderr only when it is an interactive terminal."""
    return not quiet and stderr_is_terminal()


class QueueProgress:
    """`with QueueProgress(enabled) as p: p.update(status)` for each fal_client queue status.

    A spinner line shows the state (`queued, position 2`, `in progress`), the elapsed time and
    the request id; log lines the app emits are printed above it as they arrive.
    """

    def __init__(
        self,
        enabled: bool,
        *,
        request_id: str | None = None,
        console: Console | None = None,
        lines: bool = False,
    ) -> None:
        self.enabled = enabled or console is not None
        self.lines = lines and not self.enabled
        """Plain lines instead of a spinner (no terminal, `--progress`)."""
        self.request_id = request_id
        self._console = console
        self._status: RichStatus | None = None
        self._start = time.monotonic()
        self._logs_seen = 0
        self._label = "submitting"

    def __enter__(self) -> QueueProgress:
        if self.enabled:
            if self._console is None:
                from rich.console import Console

                self._console = Console(stderr=True, highlight=False)
            self._status = self._console.status(self._text(), spinner="dots")
            self._status.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def _text(self) -> str:
        elapsed = time.monotonic() - self._start
        from rich.markup import escape

        rid = (
            f"  [dim]{escape(terminal_safe(self.request_id, single_line=True))}[/dim]"
            if self.request_id
            else ""
        )
        return f"{self._label} [dim]·[/dim] {elapsed:.1f}s{rid}"

    def update(self, status: Any) -> None:
        """Show a fal_client `Queued` / `InProgress` / `Completed` status."""
        if self.lines:
            self._update_lines(status)
        if not self.enabled:
            return
        self._label = _label_of(status)
        new = self._new_log_lines(getattr(status, "logs", None))
        if new and self._console is not None:
            from rich.text import Text

            for line in new:
                self._console.print(Text(line, style="dim"))
        if self._status is not None:
            self._status.update(self._text())

    def _update_lines(self, status: Any) -> None:
        label = _label_of(status)
        if label != self._label:
            self._label = label
            elapsed = time.monotonic() - self._start
            sys.stderr.write(f"{label} ({elapsed:.1f}s)\n")
        for line in self._new_log_lines(getattr(status, "logs", None)):
            sys.stderr.write(f"  {line}\n")
        sys.stderr.flush()

    def _new_log_lines(self, logs: Any) -> list[str]:
        """The status's log lines not shown yet (fal_client statuses carry every line so far)."""
        lines = list(iter_status_logs(logs))
        if len(lines) < self._logs_seen:  # logs were reset server-side: show them all again
            self._logs_seen = 0
        new = lines[self._logs_seen :]
        self._logs_seen = len(lines)
        return new

    def note(self, message: str) -> None:
        """A one-off line (e.g. the request id right after submission)."""
        if self.enabled and self._console is not None:
            from rich.text import Text

            self._console.print(Text(terminal_safe(message), style="dim"))


def _label_of(status: Any) -> str:
    """`queued, position 2`, `in progress`, `completed` (another status: its class name)."""
    name = type(status).__name__
    if name == "Queued":
        return f"queued, position {int(getattr(status, 'position', 0) or 0)}"
    return {"InProgress": "in progress", "Completed": "completed"}.get(name, name.lower())
