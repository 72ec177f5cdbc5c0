"""The CLI as a daily tool, through the real `fal-bindings` console script: what it says without a
terminal (the request id, `--progress`), `--timeout` and an unreachable host, no key, `show` at
80 columns, `cancel` of a finished request in words, `--version`; and `falgen`'s `--version` and
full command descriptions."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fal_bindings.testing import Emulator

from tests.conftest import falgen

from .helpers import Result, check_output, cli_env, input_properties

CONSOLE_SCRIPT = Path(sys.executable).parent / "fal-bindings"
ENDPOINT = "fal-ai/luma-dream-machine/ray-2-flash"
pytestmark = pytest.mark.slow  # every test starts the console script


def script(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Result:
    """The real console script (with the CLI tests' package and environment)."""
    proc = subprocess.run(
        [str(CONSOLE_SCRIPT), *args],
        env=cli_env(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    return check_output(Result(list(args), proc.returncode, proc.stdout, proc.stderr))


# --------------------------------------------------------------------------- without a terminal


def test_run_without_a_terminal_prints_the_request_id_on_stderr(emu: Emulator) -> None:
    done = script("run", ENDPOINT, "--prompt", "x", "--json", env=emu.env)
    assert done.returncode == 0, str(done)
    (request_id,) = re.findall(r"^request id: ([0-9a-f-]{36})$", done.stderr, re.M)
    assert done.json()  # stdout holds only the output
    assert any(r.path.endswith(f"/requests/{request_id}") for r in emu.requests)
    quiet = script("run", ENDPOINT, "--prompt", "x", "--json", "--quiet", env=emu.env)
    assert quiet.returncode == 0 and quiet.stderr == "", str(quiet)


def test_progress_prints_queue_states_and_logs_as_lines(emu: Emulator) -> None:
    emu.configure(ENDPOINT, queue_polls=2, progress_polls=2)
    try:
        done = script("run", ENDPOINT, "--prompt", "x", "--json", "--progress", env=emu.env)
    finally:
        emu.configure(ENDPOINT, queue_polls=0, progress_polls=0)
    assert done.returncode == 0, str(done)
    lines = done.stderr.splitlines()
    assert lines[0].startswith("request id: ")
    assert any(re.fullmatch(r"queued, position \d+ \(\d+\.\ds\)", line) for line in lines), lines
    assert any(line.startswith("in progress (") for line in lines), lines
    assert "  Processing step 1/2" in lines and "  Processing step 2/2" in lines
    assert lines[-1].startswith("completed ("), lines


# --------------------------------------------------------------------------- unreachable, timeout, no key


@pytest.fixture
def blackhole() -> Iterator[dict[str, str]]:
    """The environment of a fal whose host accepts nothing and answers nothing (a listening
    socket that never accepts: TCP may connect, TLS never completes)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    host = f"127.0.0.1:{listener.getsockname()[1]}"
    try:
        yield {
            "FAL_RUN_HOST": host,
            "FAL_QUEUE_RUN_HOST": f"{host}/__queue__",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    finally:
        listener.close()


def test_a_host_that_never_answers_fails_in_bounded_time_with_one_message(
    blackhole: dict[str, str],
) -> None:
    started = time.monotonic()
    done = script("run", ENDPOINT, "--prompt", "x", env=blackhole, timeout=90)
    elapsed = time.monotonic() - started
    assert done.returncode == 1, str(done)
    # default limits: 5 s per connection attempt, 2 attempts (fal_client alone: 10 x 120 s)
    assert elapsed < 25, f"took {elapsed:.1f} s\n{done}"
    assert done.stderr.count("\n") == 1, str(done)  # one line, no retry chatter
    assert done.stderr.startswith("Error: could not connect to 127.0.0.1:")
    assert "no answer within 5 s); tried 2 times" in done.stderr


def test_timeout_bounds_the_whole_run(blackhole: dict[str, str]) -> None:
    started = time.monotonic()
    done = script("run", ENDPOINT, "--prompt", "x", "--timeout", "1.5", env=blackhole)
    elapsed = time.monotonic() - started
    assert done.returncode == 1, str(done)
    assert elapsed < 8, f"took {elapsed:.1f} s\n{done}"
    assert done.stderr == "Error: timed out after 1.5 s (--timeout)\n", str(done)


def test_timeout_cancels_the_queued_request(emu: Emulator) -> None:
    emu.configure(ENDPOINT, processing_time=30)
    try:
        done = script("run", ENDPOINT, "--prompt", "x", "--timeout", "2", env=emu.env)
    finally:
        emu.configure(ENDPOINT, processing_time=0)
    assert done.returncode == 1, str(done)
    (request_id,) = re.findall(r"^request id: (\S+)$", done.stderr, re.M)
    assert f"cancelled request {request_id}" in done.stderr
    assert done.stderr.endswith("Error: timed out after 2 s (--timeout)\n"), str(done)
    assert [r for r in emu.requests if r.operation == "cancel" and request_id in r.path]


def test_no_key_says_set_fal_key(emu: Emulator, tmp_path: Path) -> None:
    env = {**emu.env, "FAL_KEY": "", "FAL_HOME_DIR": str(tmp_path)}
    before = len(emu.requests)
    done = script("run", ENDPOINT, "--prompt", "x", env=env)
    assert done.returncode == 2, str(done)
    assert done.stderr.startswith("Error: no fal API key: set FAL_KEY"), str(done)
    assert "unexpected" not in done.stderr
    assert len(emu.requests) == before


# --------------------------------------------------------------------------- show, cancel, version


def test_show_at_80_columns_keeps_every_option_name_whole() -> None:
    endpoint = "fal-ai/flux-2"
    done = script("show", endpoint, env={"COLUMNS": "80"})
    assert done.returncode == 0, str(done)
    words = set(done.stdout.split())
    for name in input_properties(endpoint):
        assert "--" + name.replace("_", "-") in words, f"--{name} split or missing\n{done.stdout}"
    assert max(len(line.rstrip()) for line in done.stdout.splitlines()) <= 80


def test_cancel_of_a_finished_request_says_so_in_words(emu: Emulator) -> None:
    submitted = script("run", ENDPOINT, "--prompt", "x", "--submit", env=emu.env)
    request_id = submitted.stdout.strip()
    assert script("result", ENDPOINT, request_id, "--json", env=emu.env).returncode == 0
    done = script("cancel", ENDPOINT, request_id, env=emu.env)
    assert done.returncode == 1, str(done)
    assert "the request has already completed, so there is nothing to cancel" in done.stderr
    assert "ALREADY_COMPLETED" not in done.stderr and "{" not in done.stderr, str(done)


def test_version() -> None:
    done = script("--version")
    assert done.returncode == 0, str(done)
    assert re.fullmatch(r"fal-bindings \S+ \(fal-client \S+, Python 3\.\d+\.\d+\S*\)\n", done.stdout)
    made = falgen("--version")
    assert made.returncode == 0 and re.fullmatch(r"falgen, version \S+\n", made.stdout), made.stdout


def test_falgen_help_shows_whole_command_descriptions() -> None:
    done = falgen("--help", env={"COLUMNS": "80"})
    assert done.returncode == 0
    commands = done.stdout.split("Commands:\n", 1)[1]
    assert "..." not in commands, commands
    flat = " ".join(commands.split())
    assert "(the working tree, committed or not: commit them for CI, which checks a fresh clone)." in flat
    assert "Parse doc pages (files or directories; default specs/sources) into one spec per endpoint." in flat
