"""`pip install ./generated` works in a fresh virtual environment (no editable install, no
falgen): the package stands on its own."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

from tests.conftest import ROOT


def test_generated_package_installs_and_imports_in_a_fresh_venv(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT / "generated", source, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build"))
    venv.EnvBuilder(with_pip=True).create(tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", str(source)], capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stdout + install.stderr
    script = (
        "import fal_bindings, pydantic;"
        "b = fal_bindings.endpoint('fal-ai/flux-2');"
        "m = b.input_model(prompt='a fox', num_images=2);"
        "assert 'site-packages' in fal_bindings.__file__, fal_bindings.__file__;"
        "import importlib.resources as r;"
        "assert r.files('fal_bindings').joinpath('py.typed').is_file();"
        "assert r.files('fal_bindings').joinpath('_catalog.json').is_file();"
        "print(len(fal_bindings.ENDPOINT_IDS), m.num_images)"
    )
    done = subprocess.run([str(python), "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(len(list((ROOT / "specs/openapi").glob("*.json")))), "2"]
    assert sys.executable != str(python)
