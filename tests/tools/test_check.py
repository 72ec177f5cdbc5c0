"""The committed specs, report and generated package are exactly what the pipeline makes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.tools.check import compare_trees
from tests.conftest import ROOT, falgen

pytestmark = pytest.mark.slow  # every test here starts a process


def test_committed_output_reproduces_from_the_docs() -> None:
    """Golden test: regenerate everything into a temporary directory and compare bytes."""
    result = falgen("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "clean: specs/openapi/, specs/diagnostics.{json,md} and generated/ as they are on disk (committed or not)" in result.stdout


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


def _first_endpoint_module(generated: Path) -> str:
    """The module of the first endpoint in the catalogue (relative to generated/)."""
    catalog = json.loads((generated / "fal_bindings/_catalog.json").read_text(encoding="utf-8"))
    module = min(catalog, key=lambda entry: entry["id"])["module"]
    return module.replace(".", "/") + ".py"


def test_check_names_a_hand_edited_generated_file(project_copy: Path) -> None:
    relative = _first_endpoint_module(project_copy / "generated")
    target = project_copy / "generated" / relative
    target.write_text(target.read_text() + "\n# a local tweak\n")
    result = falgen("check", "--sources", str(ROOT / "specs/sources"), "--specs", str(project_copy / "specs/openapi"),
                    "--generated", str(project_copy / "generated"), "--overlays", str(ROOT / "specs/overlays"))
    assert result.returncode == 1
    assert "edited by hand or out of date" in result.stdout
    assert relative in result.stdout
    assert "make generate" in result.stdout


def test_check_names_a_hand_edited_spec(project_copy: Path) -> None:
    target = min((project_copy / "specs/openapi").glob("*.json"))
    document = json.loads(target.read_text(encoding="utf-8"))
    document["info"]["title"] += " (edited)"
    target.write_text(json.dumps(document, indent=2), encoding="utf-8")
    result = falgen("check", "--sources", str(ROOT / "specs/sources"), "--specs", str(project_copy / "specs/openapi"),
                    "--generated", str(project_copy / "generated"), "--overlays", str(ROOT / "specs/overlays"))
    assert result.returncode == 1
    assert target.name in result.stdout


def test_check_fails_on_a_doc_change_not_yet_regenerated(project_copy: Path) -> None:
    sources = project_copy / "specs/sources"
    # Any stated integer default of any page: the spec it belongs to no longer reproduces.
    page, line = next(
        (path, line)
        for path in sorted(sources.iterdir())
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"Default value: \d+$", line)
    )
    bumped = re.sub(r"\d+$", lambda number: str(int(number.group()) + 1), line)
    page.write_text(page.read_text(encoding="utf-8").replace(line, bumped, 1))
    from_page = [spec.name for spec in (project_copy / "specs/openapi").glob("*.json") if f"/{page.name}:" in spec.read_text()]
    result = falgen("check", "--sources", str(sources), "--specs", str(project_copy / "specs/openapi"),
                    "--generated", str(project_copy / "generated"), "--overlays", str(ROOT / "specs/overlays"))
    assert result.returncode == 1
    assert any(name in result.stdout for name in from_page), result.stdout


def test_check_says_what_it_compares_and_names_what_is_not_committed(project_copy: Path) -> None:
    """`make check` compares with the working tree: it says so, and names the compared paths
    that hold changes git has not committed (CI checks the commit)."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "project"]):
        subprocess.run([*git, *args], cwd=project_copy, check=True, capture_output=True)
    clean = falgen("check", cwd=project_copy)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "not committed" not in clean.stdout
    module = project_copy / "generated" / _first_endpoint_module(project_copy / "generated")
    module.write_text(module.read_text() + "\n# a local tweak\n")
    edited = falgen("check", cwd=project_copy)
    assert edited.returncode == 1
    lines = edited.stdout.splitlines()
    assert lines[0] == "falgen check: specs/openapi/, specs/diagnostics.{json,md} and generated/ as they are on disk (committed or not) do not reproduce from specs/sources."
    assert lines[1] == "note: not committed yet (CI checks the commit): generated/ (1 file)"
