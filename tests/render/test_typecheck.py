"""Generated code passes ruff; a typed downstream example passes mypy --strict. (`mypy --strict`
on the whole generated package runs once per session, in the fresh venv of test_install.py.)"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN, ROOT

pytestmark = pytest.mark.slow  # every test here starts a process

RUFF_RULES = ["--select", "E,F,W,I,B,UP", "--ignore", "E501"]


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # MYPYPATH: the bindings are checked from generated/ whatever way they were installed.
    env = {**os.environ, "MYPYPATH": str(ROOT / "generated")}
    return subprocess.run([*args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


def test_generated_package_passes_ruff() -> None:
    done = _run(str(BIN / "ruff"), "check", "--no-cache", *RUFF_RULES, "fal_bindings", cwd=ROOT / "generated")
    assert done.returncode == 0, done.stdout + done.stderr


def test_downstream_example_type_checks() -> None:
    done = _run(str(BIN / "mypy"), "--strict", "--no-incremental", "tests/render/downstream_app.py")
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_type_error_downstream_is_caught(tmp_path: Path) -> None:
    """The check above can fail: a wrong enum value and a wrong result type are reported."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from fal_bindings.endpoints.fal_ai.flux_2 import Flux2\n"
        "Flux2().run(prompt='a', output_format='gif')\n"
        "x: int = Flux2().run(prompt='a').images[0].url\n"
    )
    done = _run(str(BIN / "mypy"), "--strict", "--no-incremental", str(bad))
    assert done.returncode == 1
    assert 'bad.py:2: error: No overload variant of "run"' in done.stdout
    assert "bad.py:3: error: Incompatible types in assignment" in done.stdout


def test_call_options_are_typed_once_and_a_misspelt_one_is_an_error(tmp_path: Path) -> None:
    """Options come from the runtime's `SubscribeOptions` (etc.): known ones type-check, with the
    right types, on both overloads and the async twin; a misspelt one is an error."""
    usage = tmp_path / "usage.py"
    usage.write_text(
        "import fal_client\n"
        "from fal_bindings.endpoints.fal_ai.flux_2 import AsyncFlux2, Flux2, Input\n"
        "flux = Flux2()\n"
        "flux.subscribe(prompt='x', timeout=3)\n"
        "flux.subscribe(Input(prompt='x'), with_logs=True, priority='low', client=fal_client.SyncClient())\n"
        "flux.submit(prompt='x', webhook_url='https://example.com/hook')\n"
        "async def main() -> None:\n"
        "    await AsyncFlux2().subscribe(prompt='x', client=fal_client.AsyncClient(), timeout=3)\n"
        "flux.subscribe(prompt='x', timeuot=3)\n"
        "flux.subscribe(prompt='x', priority='urgent')\n"
        "flux.run(prompt='x', webhook_url='https://example.com/hook')\n"
        "flux.subscribe(prompt='x', client=fal_client.AsyncClient())\n"
    )
    done = _run(str(BIN / "mypy"), "--strict", "--no-incremental", str(usage))
    errors = sorted({int(line.split(":")[1]) for line in done.stdout.splitlines() if ": error:" in line})
    assert errors == [9, 10, 11, 12], done.stdout  # timeuot, priority="urgent", run(webhook_url=), an AsyncClient
