from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def falgen(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the `falgen` CLI of this environment as a subprocess."""
    return subprocess.run(
        [str(BIN / "falgen"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's data (sources, overlays, specs, generated) to mutate freely."""
    target = tmp_path / "project"
    target.mkdir()
    for name in ("specs", "generated"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return target
