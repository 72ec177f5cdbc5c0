"""The test session's two rules, and the package's hand-written code checked in place.

The hand-written package code (runtime, CLI, emulator) is tested where it lives,
templates/package: linted (ruff, black at the generated package's line length), type-checked
(mypy --strict, with the repository's configuration, which covers it), and the tests see an edit
there without `make generate` first (the session starts with an incremental `falgen generate`;
under CI a stale committed generated/ fails instead). A test that starts a process must be
marked slow (make test-fast leaves those out)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BIN, ROOT

pytestmark = pytest.mark.slow  # ruff, black, mypy and pytest subprocesses

PACKAGE = ROOT / "templates" / "package"
LINE_LENGTH = "100"
"""The generated package's (generator.formatting.BLACK_LINE_LENGTH)."""


def _run(*command: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


def test_ruff_in_place() -> None:
    done = _run(str(BIN / "ruff"), "check", "--no-cache", "--line-length", LINE_LENGTH, "--config", "src = ['templates/package']", str(PACKAGE))
    assert done.returncode == 0, done.stdout + done.stderr


def test_black_in_place() -> None:
    done = _run(str(BIN / "black"), "--check", "--line-length", LINE_LENGTH, "--target-version", "py310", str(PACKAGE))
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_in_place_covers_cli_and_testing() -> None:
    files = ["_runtime", "cli", "testing", "__main__.py"]
    done = _run(sys.executable, "-m", "mypy", *(str(PACKAGE / "fal_bindings" / name) for name in files))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout


MARKER = "EDITED_IN_PLACE = True\n"
PROBE = """
def test_the_edit_is_seen():
    import fal_bindings._runtime.enums as enums
    assert enums.__file__.startswith({generated!r}), enums.__file__
    assert enums.EDITED_IN_PLACE
"""


@pytest.fixture
def edited_copy(tmp_path: Path, small_project: Path) -> Path:
    """A copy of the project (its specs and generated/ those of the small project: the session
    start renders the copy's tree cold) whose runtime source has an edit generated/ does not have yet."""
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".falgen-lock")
    for name in ("generator", "templates"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    for name in ("specs", "generated"):
        shutil.copytree(small_project / name, copy / name, ignore=ignore)
    (copy / "tests").mkdir()
    for name in ("__init__.py", "conftest.py"):
        shutil.copy(ROOT / "tests" / name, copy / "tests" / name)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    source = copy / "templates/package/fal_bindings/_runtime/enums.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n" + MARKER, encoding="utf-8")
    (copy / "tests" / "test_probe.py").write_text(PROBE.format(generated=str(copy / "generated")), encoding="utf-8")
    return copy


def _pytest(copy: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    # The copy's generator (so its templates) and the copy's generated package come first.
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "FALGEN_TEST_NO_REFRESH")}
    env.update(PYTHONPATH=f"{copy}{os.pathsep}{copy / 'generated'}", FALGEN_CACHE=str(copy / ".cache"), **extra)
    return _run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_probe.py", cwd=copy, env=env)


def test_an_edit_in_templates_is_tested_without_make_generate(edited_copy: Path) -> None:
    done = _pytest(edited_copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "generated/ refreshed from templates/ and specs/ (commit it): fal_bindings/_runtime/enums.py" in done.stdout
    copied = (edited_copy / "generated/fal_bindings/_runtime/enums.py").read_text(encoding="utf-8")
    assert MARKER in copied


def test_under_ci_a_stale_generated_tree_fails_the_session(edited_copy: Path) -> None:
    done = _pytest(edited_copy, CI="true")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "generated/ is not what templates/package and specs/openapi make" in done.stdout + done.stderr
    assert "make generate" in done.stdout + done.stderr


UNMARKED = """
import subprocess, sys
import pytest

def test_starts_a_process_unmarked():
    subprocess.run([sys.executable, "-c", "pass"], check=True)

@pytest.mark.slow
def test_starts_a_process_marked():
    subprocess.run([sys.executable, "-c", "pass"], check=True)

def test_starts_nothing():
    assert True
"""


def test_an_unmarked_test_that_starts_a_process_fails(edited_copy: Path) -> None:
    (edited_copy / "tests" / "test_probe.py").write_text(UNMARKED, encoding="utf-8")
    done = _pytest(edited_copy, FALGEN_TEST_NO_REFRESH="1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 2 passed" in done.stdout, done.stdout
    assert "test_starts_a_process_unmarked starts a process" in done.stdout and "mark it `slow`" in done.stdout
