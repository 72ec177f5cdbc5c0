"""Generated code passes mypy --strict and ruff; so does a typed downstream example."""

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


def test_generated_package_passes_mypy_strict() -> None:
    done = _run(str(BIN / "mypy"), "--strict", "--no-incremental", "fal_bindings/endpoints", "fal_bindings/types", "fal_bindings/__init__.py", cwd=ROOT / "generated")
    assert done.returncode == 0, done.stdout + done.stderr


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
