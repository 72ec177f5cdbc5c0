"""Ctrl-C while a request waits in the queue: the CLI cancels it and exits with 130."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest
from fal_bindings.testing import Emulator

from .helpers import Result, check_output, cli_command, cli_env, records

pytestmark = pytest.mark.slow  # every test here starts a process

ENDPOINT = "fal-ai/pixverse/v5/image-to-video"


def test_sigint_cancels_the_queued_request_and_exits_130(emu: Emulator) -> None:
    emu.configure(ENDPOINT, queue_polls=100_000)
    args = ["run", ENDPOINT, "--prompt", "x", "--image-url", "https://example.com/a.png"]
    proc = subprocess.Popen(
        cli_command(args), env=cli_env(emu.env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while not any(r.operation == "submit" and r.endpoint_id == ENDPOINT for r in records(emu)):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the submit never reached the emulator"
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        emu.configure(ENDPOINT, queue_polls=0)
    result = check_output(Result(args, proc.returncode, stdout, stderr))
    assert result.returncode == 130, str(result)
    submit = next(r for r in records(emu) if r.operation == "submit" and r.endpoint_id == ENDPOINT)
    cancels = [r for r in records(emu) if r.operation == "cancel"]
    assert cancels and cancels[-1].method == "PUT", [(r.method, r.path) for r in records(emu)]
    assert cancels[-1].path.endswith("/cancel") and cancels[-1].status in (200, 202)
    request_id = cancels[-1].path.rsplit("/", 2)[-2]
    assert f"cancelled request {request_id}" in result.stderr
    assert submit.time < cancels[-1].time
    assert result.stdout == ""
