"""The contract type-checks: the package generated from the golden tree `runtime` (its endpoint
module, its types and the runtime copied from templates/) and typing_usage.py pass
`mypy --strict`, with no configuration of this repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden.trees import generate

HERE = Path(__file__).resolve().parent


@pytest.mark.slow
def test_mypy_strict_on_generated_example_and_usage(tmp_path: Path) -> None:
    tree = generate("runtime", tmp_path / "package")
    env = {**os.environ, "MYPYPATH": f"{tree}{os.pathsep}{HERE}"}
    env.pop("PYTHONPATH", None)
    cmd = [
        sys.executable, "-m", "mypy", "--strict", "--config-file", os.devnull, "--python-version", "3.10",
        "--no-error-summary", "--cache-dir", str(tmp_path / ".mypy_cache"),
        "-p", "fal_bindings._runtime", "-p", "fal_bindings.endpoints", "-m", "typing_usage",
    ]  # fmt: skip
    result = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
