"""Python versions: the package says 3.10+, and only 3.11 runs on this project's machines. What can
be checked without an interpreter is: mypy --strict as Python 3.10 and 3.13 on a generated
package (here one over the seed pages; `make lint` checks the whole catalogue's), ruff's py310
target on the whole generated package (syntax
newer than 3.10 is an error), and `make lint` runs both (`lint-versions`). The checks can fail:
a name 3.10 lacks and syntax 3.10 cannot parse are caught."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN, GENERATED, ROOT

pytestmark = pytest.mark.slow  # mypy, ruff and make subprocesses

CHECKED = ("3.10", "3.13")
RUFF_PY310 = ["check", "--no-cache", "--isolated", "--target-version", "py310", "--line-length", "100", "--select", "E,F,W,I,B,UP", "--ignore", "E501"]


def _mypy(version: str, target: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("MYPYPATH", "PYTHONPATH")}
    command = [str(BIN / "mypy"), "--strict", "--config-file", "", "--no-incremental", "--python-version", version, str(target)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


@pytest.mark.parametrize("version", CHECKED)
def test_the_generated_package_type_checks_as(version: str, small_project: Path) -> None:
    # A package over the seed pages: the same templates and the whole runtime, CLI and emulator,
    # at a fiftieth of the catalogue's mypy time (`make lint` checks the whole catalogue package).
    done = _mypy(version, Path("fal_bindings"), small_project / "generated")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_generated_package_is_python_3_10_syntax() -> None:
    done = subprocess.run([str(BIN / "ruff"), *RUFF_PY310, "fal_bindings"], cwd=GENERATED, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_checks_catch_what_python_3_10_lacks(tmp_path: Path) -> None:
    package = tmp_path / "fal_bindings"
    package.mkdir()
    (package / "__init__.py").write_text("")
    newer = package / "newer.py"
    newer.write_text("from typing import Self\n\n\nclass A:\n    def me(self) -> Self:\n        return self\n")
    assert _mypy("3.10", Path("fal_bindings"), tmp_path).returncode == 1
    assert _mypy("3.13", Path("fal_bindings"), tmp_path).returncode == 0
    newer.write_text("try:\n    pass\nexcept* ValueError:\n    pass\n")
    done = subprocess.run([str(BIN / "ruff"), *RUFF_PY310, "fal_bindings"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Cannot use `except*` on Python 3.10" in done.stdout


def test_make_lint_runs_the_version_checks() -> None:
    done = subprocess.run(["make", "-n", "--no-print-directory", "lint"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "CHECKED_PYTHONS" not in done.stdout and "for version in 3.10 3.13; do .venv/bin/mypy --python-version $version" in done.stdout
    assert 'mypy --strict --config-file "" --python-version $version generated/fal_bindings' in done.stdout
    assert "ruff check --isolated --target-version py310" in done.stdout
