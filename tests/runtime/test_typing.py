"""The contract type-checks: the runtime, the example endpoint module and typing_usage.py pass
`mypy --strict` (so generated modules written the same way do too).

mypy checks the runtime in templates/ (the source of truth), copied into a regular package in a
temporary directory: an installed `generated/` package (a regular package) would otherwise win
over the namespace package under templates/package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RUNTIME = ROOT / "templates" / "package" / "fal_bindings" / "_runtime"


@pytest.mark.skipif(shutil.which("mypy", path=str(Path(sys.executable).parent)) is None, reason="mypy not installed")
def test_mypy_strict_on_runtime_example_and_usage(tmp_path: Path):
    package = tmp_path / "src" / "fal_bindings"
    shutil.copytree(RUNTIME, package / "_runtime", ignore=shutil.ignore_patterns("__pycache__"))
    (package / "__init__.py").write_text("")
    (package / "py.typed").write_text("")
    env = {**os.environ, "MYPYPATH": f"{tmp_path / 'src'}{os.pathsep}{HERE}"}
    env.pop("PYTHONPATH", None)
    cmd = [
        sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10", "--no-error-summary",
        "--cache-dir", str(ROOT / ".mypy_cache" / "runtime-tests"),
        "-p", "fal_bindings._runtime", "-m", "example_endpoint", "-m", "typing_usage",
    ]  # fmt: skip
    result = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
