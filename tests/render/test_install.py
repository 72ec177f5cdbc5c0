"""`pip install ./generated` works in a fresh virtual environment (no editable install, no
falgen): the package stands on its own, and with its extras it passes `mypy --strict` on its own
(no configuration or stub package of this repository: whatever it needs, its extras declare)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A fresh venv with a copy of generated/ installed (not editable) with every extra, and mypy."""
    root = tmp_path_factory.mktemp("install")
    source = root / "src"
    shutil.copytree(ROOT / "generated", source, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build"))
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    python = root / "venv" / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"{source}[testing,cli]", "mypy"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    return python, root


def test_generated_package_installs_and_imports_in_a_fresh_venv(fresh_venv: tuple[Path, Path]) -> None:
    python, root = fresh_venv
    script = (
        "import fal_bindings, pydantic;"
        "b = fal_bindings.endpoint(fal_bindings.ENDPOINT_IDS[0]);"
        "assert 'site-packages' in fal_bindings.__file__, fal_bindings.__file__;"
        "import importlib.resources as r;"
        "assert r.files('fal_bindings').joinpath('py.typed').is_file();"
        "assert r.files('fal_bindings').joinpath('_catalog.json').is_file();"
        "print(len(fal_bindings.ENDPOINT_IDS), b.endpoint_id)"
    )
    done = subprocess.run([str(python), "-c", script], capture_output=True, text=True, timeout=120, cwd=root)
    assert done.returncode == 0, done.stderr
    specs = sorted((ROOT / "specs/openapi").glob("*.json"))
    count, first = done.stdout.split()
    assert int(count) == len(specs) and first
    assert sys.executable != str(python)


def test_installed_package_passes_mypy_strict_on_its_own(fresh_venv: tuple[Path, Path]) -> None:
    """Every module of the copy, the runtime, the CLI and the emulator included, in the venv that
    has only the package's dependencies and extras, with no configuration file: a stub package the
    code needs and its extras do not declare fails here."""
    python, root = fresh_venv
    env = {key: value for key, value in os.environ.items() if key not in ("MYPYPATH", "PYTHONPATH")}
    command = [str(python), "-m", "mypy", "--strict", "--config-file", os.devnull, "--no-incremental", "fal_bindings"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=root / "src", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
