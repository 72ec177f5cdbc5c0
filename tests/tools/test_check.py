"""The committed specs, report and generated package are exactly what the pipeline makes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from generator.check import compare_trees
from tests.conftest import ROOT, falgen


def test_committed_output_reproduces_from_the_docs() -> None:
    """Golden test: regenerate everything into a temporary directory and compare bytes."""
    result = falgen("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "clean" in result.stdout


def _generate_tree(tmp: Path, seed: str) -> Path:
    env = {**os.environ, "PYTHONHASHSEED": seed, "FALGEN_CACHE": str(tmp / f"cache-{seed}")}
    out = tmp / f"out-{seed}"
    for args in (
        ["parse", "-q", "--out", str(out / "openapi"), "--report", str(out)],
        ["generate", "--specs", str(out / "openapi"), "--out", str(out / "generated")],
    ):
        done = subprocess.run([str(Path(sys.executable).parent / "falgen"), *args], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_output_is_identical_across_hash_seeds(tmp_path: Path) -> None:
    first = _generate_tree(tmp_path, "0")
    second = _generate_tree(tmp_path, "1")
    diff = compare_trees(first, second)
    assert diff.clean, diff


def test_check_names_a_hand_edited_generated_file(project_copy: Path) -> None:
    target = project_copy / "generated/fal_bindings/endpoints/fal_ai/imagen4/preview.py"
    target.write_text(target.read_text() + "\n# a local tweak\n")
    result = falgen("check", "--sources", str(ROOT / "specs/sources"), "--specs", str(project_copy / "specs/openapi"),
                    "--generated", str(project_copy / "generated"), "--overlays", str(ROOT / "specs/overlays"))
    assert result.returncode == 1
    assert "edited by hand or out of date" in result.stdout
    assert "fal_bindings/endpoints/fal_ai/imagen4/preview.py" in result.stdout
    assert "make generate" in result.stdout


def test_check_names_a_hand_edited_spec(project_copy: Path) -> None:
    target = project_copy / "specs/openapi/fal-ai__imagen4__preview.json"
    target.write_text(target.read_text().replace('"Imagen 4"', '"Imagen 5"', 1))
    result = falgen("check", "--sources", str(ROOT / "specs/sources"), "--specs", str(project_copy / "specs/openapi"),
                    "--generated", str(project_copy / "generated"), "--overlays", str(ROOT / "specs/overlays"))
    assert result.returncode == 1
    assert "fal-ai__imagen4__preview.json" in result.stdout


def test_check_fails_on_a_doc_change_not_yet_regenerated(project_copy: Path) -> None:
    sources = project_copy / "specs/sources"
    page = sources / "001_11878542ada84a38.txt"
    page.write_text(page.read_text().replace("Default value: 28", "Default value: 30", 1))
    result = falgen("check", "--sources", str(sources), "--specs", str(project_copy / "specs/openapi"),
                    "--generated", str(project_copy / "generated"), "--overlays", str(ROOT / "specs/overlays"))
    assert result.returncode == 1
    assert "fal-ai__flux-2__klein__4b__base.json" in result.stdout
