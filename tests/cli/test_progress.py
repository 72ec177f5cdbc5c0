"""Queue progress rendering (rich, on a forced terminal) and when it is shown."""

from __future__ import annotations

import io
import os
import pty
import subprocess

import pytest
from fal_bindings.cli.progress import QueueProgress, progress_enabled
from fal_bindings.testing import Emulator
from fal_client import Completed, InProgress, Queued
from rich.console import Console

from .helpers import Result, check_output, cli_command, cli_env, file_urls


def test_progress_prints_new_log_lines_once() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=80, color_system=None)
    with QueueProgress(True, request_id="req-1", console=console) as progress:
        progress.update(Queued(position=2))
        assert "queued, position 2" in progress._text() and "req-1" in progress._text()
        progress.update(InProgress(logs=[{"message": "loading model", "level": "INFO"}]))
        assert progress._text().startswith("in progress")
        progress.update(InProgress(logs=[{"message": "loading model"}, {"message": "step 1/2", "level": "INFO"}]))
        progress.update(
            Completed(
                logs=[{"message": "loading model"}, {"message": "step 1/2"}, {"message": "oops", "level": "ERROR"}],
                metrics={},
            )
        )
    text = buffer.getvalue()
    assert text.count("loading model") == 1 and text.count("step 1/2") == 1
    assert "[ERROR] oops" in text


def test_progress_is_silent_when_disabled() -> None:
    with QueueProgress(False) as progress:
        progress.update(Queued(position=1))
        progress.note("nothing")
    assert progress_enabled(quiet=True) is False


@pytest.mark.slow
def test_progress_shows_on_a_terminal_and_quiet_silences_it(emu: Emulator) -> None:
    endpoint = "fal-ai/luma-dream-machine/ray-2-flash"
    emu.configure(endpoint, queue_polls=4, progress_polls=4)
    try:
        shown = _run_with_tty_stderr(emu, ["run", endpoint, "--prompt", "x", "--json"])
        quiet = _run_with_tty_stderr(emu, ["run", endpoint, "--prompt", "x", "--json", "--quiet"])
    finally:
        emu.configure(endpoint, queue_polls=0, progress_polls=0)
    assert shown.returncode == 0, str(shown)
    assert file_urls(shown.json())
    assert "queued, position" in shown.stderr or "in progress" in shown.stderr, str(shown)
    assert "Traceback" not in shown.stderr
    assert quiet.returncode == 0 and quiet.stderr == "", str(quiet)


def _run_with_tty_stderr(emu: Emulator, args: list[str]) -> Result:
    """Run the CLI with stderr on a pseudo-terminal (stdout stays a pipe)."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            cli_command(args),
            env=cli_env({**emu.env, "TERM": "xterm", "COLUMNS": "100"}),
            stdout=subprocess.PIPE,
            stderr=slave,
            text=True,
        )
        os.close(slave)
        chunks: list[bytes] = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        stdout = proc.stdout.read() if proc.stdout else ""
        proc.wait(timeout=60)
    finally:
        os.close(master)
    stderr = b"".join(chunks).decode("utf-8", "replace")
    return check_output(Result(args, proc.returncode, stdout, stderr))
