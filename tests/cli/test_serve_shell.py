"""The standalone emulator serves a CLI user fully: `python -m fal_bindings.testing serve` prints
`export` lines (storage and token URLs included), and `fal-bindings run ... --upload-files` with
those variables, and nothing else, uploads a local file and runs: what a user does in a shell."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import Result, check_output, cli_env, cli_package

CONSOLE_SCRIPT = Path(sys.executable).parent / "fal-bindings"
ENDPOINT = "decart/lucy-5b/image-to-video"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, str]]:
    """`serve` as a subprocess; the environment its `export` lines name."""
    env = cli_env({"FAL_KEY": ""})
    proc = subprocess.Popen(
        [sys.executable, "-m", "fal_bindings.testing", "serve", "--key", "shell-key-123456"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    exports: dict[str, str] = {}
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("export "):
                for word in shlex.split(line)[1:]:
                    name, _, value = word.partition("=")
                    exports[name] = value
            if "NO_PROXY" in exports:
                break
        assert "NO_PROXY" in exports, f"serve printed no exports (exit {proc.poll()})"
        yield exports
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def shell(*args: str, exports: dict[str, str]) -> Result:
    """The console script with the exported variables, as after `eval "$(... serve)"`."""
    env = {k: v for k, v in cli_env().items() if not k.startswith("FAL_")}
    env.update(exports)
    env["PYTHONPATH"] = str(cli_package())
    done = subprocess.run(
        [str(CONSOLE_SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60
    )
    return check_output(Result(list(args), done.returncode, done.stdout, done.stderr), [exports["FAL_KEY"]])


def test_serve_prints_the_storage_and_token_urls_to_export(served: dict[str, str]) -> None:
    base = "https://" + served["FAL_RUN_HOST"]
    assert served["FAL_BINDINGS_REST_URL"] == base + "/__rest__"
    assert served["FAL_BINDINGS_CDN_URL"] == base + "/__cdn__"
    assert Path(served["SSL_CERT_FILE"]).is_file()


def test_run_with_upload_files_works_from_a_shell(served: dict[str, str], png: Path) -> None:
    done = shell(
        "run", ENDPOINT, "--prompt", "x", "--image-url", str(png), "--upload-files", "--json",
        exports=served,
    )  # fmt: skip
    assert done.returncode == 0, str(done)
    assert done.json()


def test_a_failed_upload_is_named_as_the_step_that_failed(
    served: dict[str, str], png: Path
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    unreachable = {
        **served,
        "FAL_BINDINGS_REST_URL": f"https://127.0.0.1:{port}/__rest__",
        "FAL_BINDINGS_CDN_URL": f"https://127.0.0.1:{port}/__cdn__",
    }
    done = shell("run", ENDPOINT, "--prompt", "x", "--image-url", str(png), "--upload-files", exports=unreachable)
    assert done.returncode == 1, str(done)
    assert done.stderr.startswith(
        "Error: uploading 'input.png' to fal's storage failed, so the request was not sent: "
        f"could not reach 127.0.0.1:{port}"
    ), str(done)
    assert done.stderr.count("\n") == 1, str(done)
