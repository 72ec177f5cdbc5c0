"""The release workflow's path, up to the upload (`.github/workflows/release.yml`): the sdist and
the wheel of generated/ build (`python -m build`, named after specs/VERSION, as the package's
README says), the wheel installs with its extras into a fresh venv (no editable install, no
falgen), the downstream tests pass there from a copy outside this repository, and the package
passes `mypy --strict` on its own (no configuration or stub package of this repository: whatever
it needs, its extras declare). The suite's one wheel build and one fresh venv."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@dataclass
class Installed:
    python: Path
    root: Path
    source: Path
    dist: Path


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """generated/ built into an sdist and a wheel, and the wheel installed with every extra (and
    mypy) into a fresh venv."""
    root = tmp_path_factory.mktemp("install")
    source, dist = root / "src", root / "dist"
    shutil.copytree(ROOT / "generated", source, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build", "dist"))
    built = _run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    python = root / "venv" / "bin" / "python"
    wheel = next(dist.glob("*.whl"))
    install = _run([str(python), "-m", "pip", "install", "-q", f"{wheel}[testing,cli]", "mypy"], timeout=900)
    assert install.returncode == 0, install.stdout + install.stderr
    return Installed(python, root, source, dist)


def test_the_sdist_and_the_wheel_are_named_as_the_readme_says(installed: Installed) -> None:
    version = (ROOT / "specs/VERSION").read_text(encoding="utf-8").strip()
    wheel = f"fal_bindings-{version}-py3-none-any.whl"
    assert sorted(path.name for path in installed.dist.iterdir()) == [wheel, f"fal_bindings-{version}.tar.gz"]
    readme = (ROOT / "generated/README.md").read_text(encoding="utf-8")
    commands = re.findall(r"`(pip install [^`]+)`", readme)
    assert commands == [
        "pip install './generated[testing,cli]'",
        "pip install build",
        f"pip install 'generated/dist/{wheel}[testing,cli]'",
        f"pip install 'fal-bindings[testing,cli]=={version}'",
    ]


def test_the_wheel_installs_and_imports_in_a_fresh_venv(installed: Installed) -> None:
    script = (
        "import fal_bindings, pydantic;"
        "b = fal_bindings.endpoint(fal_bindings.ENDPOINT_IDS[0]);"
        "assert 'site-packages' in fal_bindings.__file__, fal_bindings.__file__;"
        "print(len(fal_bindings.ENDPOINT_IDS), b.endpoint_id)"
    )
    done = _run([str(installed.python), "-c", script], timeout=120, cwd=installed.root)
    assert done.returncode == 0, done.stderr
    specs = sorted((ROOT / "specs/openapi").glob("*.json"))
    count, first = done.stdout.split()
    assert int(count) == len(specs) and first
    assert sys.executable != str(installed.python)


def test_the_downstream_tests_pass_against_the_installed_wheel(installed: Installed) -> None:
    """As the release workflow runs them: a copy of tests/downstream outside this repository,
    every endpoint (FAL_BINDINGS_TEST_ALL=1)."""
    shutil.copytree(ROOT / "tests/downstream", installed.root / "downstream", ignore=shutil.ignore_patterns("__pycache__"))
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "FAL_KEY")}
    command = [str(installed.python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "downstream"]
    done = _run(command, timeout=600, cwd=installed.root, env={**env, "FAL_BINDINGS_TEST_ALL": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\b\d+ passed\b", done.stdout) and "skipped" not in done.stdout, done.stdout


def test_the_package_passes_mypy_strict_on_its_own(installed: Installed) -> None:
    """Every module of the copy, the runtime, the CLI and the emulator included, in the venv that
    has only the package's dependencies and extras, with no configuration file: a stub package the
    code needs and its extras do not declare fails here."""
    env = {key: value for key, value in os.environ.items() if key not in ("MYPYPATH", "PYTHONPATH")}
    command = [str(installed.python), "-m", "mypy", "--strict", "--config-file", os.devnull, "--no-incremental", "fal_bindings"]
    done = _run(command, timeout=900, cwd=installed.source, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
