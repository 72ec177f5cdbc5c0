"""The committed specs, report and generated package are exactly what the pipeline makes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.tools.check import compare_trees
from tests.conftest import ROOT, falgen
from tests.support.sampling import stable_sample

pytestmark = pytest.mark.slow  # every test here starts a process


def test_committed_output_reproduces_from_the_docs() -> None:
    """Golden test: regenerate everything into a temporary directory and compare bytes."""
    result = falgen("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "clean: specs/openapi/, specs/diagnostics.{json,md} and generated/ as they are on disk (committed or not)" in result.stdout


def _sampled_sources(tmp: Path, documents: int) -> Path:
    """The project's doc pages and a deterministic sample of its other sources (fal's documents):
    both front-ends, shared types across many endpoints, at a fraction of two cold runs over all."""
    sources = tmp / "sources"
    files = sorted(p.relative_to(ROOT / "specs/sources").as_posix() for p in (ROOT / "specs/sources").rglob("*") if p.is_file())
    pages = [f for f in files if "/" not in f]
    for relative in pages + stable_sample([f for f in files if "/" in f], documents):
        (sources / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "specs/sources" / relative, sources / relative)
    return sources


def _generate_tree(tmp: Path, seed: str, sources: Path) -> Path:
    env = {**os.environ, "PYTHONHASHSEED": seed, "FALGEN_CACHE": str(tmp / f"cache-{seed}")}
    out = tmp / f"out-{seed}"
    for args in (
        ["parse", "-q", str(sources), "--out", str(out / "openapi"), "--report", str(out)],
        ["generate", "--specs", str(out / "openapi"), "--out", str(out / "generated")],
    ):
        done = subprocess.run([str(Path(sys.executable).parent / "falgen"), *args], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_output_is_identical_across_hash_seeds(tmp_path: Path) -> None:
    """Two cold runs under different hash seeds write the same bytes (over the doc pages and a
    sample of 150 of fal's documents; the whole catalogue is reproduced by the test above)."""
    sources = _sampled_sources(tmp_path, 150)
    first = _generate_tree(tmp_path, "0", sources)
    second = _generate_tree(tmp_path, "1", sources)
    diff = compare_trees(first, second)
    assert diff.clean, diff


def _first_endpoint_module(generated: Path) -> str:
    """The module of the first endpoint in the catalogue (relative to generated/)."""
    catalog = json.loads((generated / "fal_bindings/_catalog.json").read_text(encoding="utf-8"))
    module = min(catalog, key=lambda entry: entry["id"])["module"]
    return module.replace(".", "/") + ".py"


def _check(project: Path) -> subprocess.CompletedProcess[str]:
    return falgen("check", cwd=project)


def test_check_names_a_hand_edited_generated_file(small_project_copy: Path) -> None:
    relative = _first_endpoint_module(small_project_copy / "generated")
    target = small_project_copy / "generated" / relative
    target.write_text(target.read_text() + "\n# a local tweak\n")
    result = _check(small_project_copy)
    assert result.returncode == 1
    assert "edited by hand or out of date" in result.stdout
    assert relative in result.stdout
    assert "make generate" in result.stdout


def test_check_names_a_hand_edited_spec(small_project_copy: Path) -> None:
    target = min((small_project_copy / "specs/openapi").glob("*.json"))
    document = json.loads(target.read_text(encoding="utf-8"))
    document["info"]["title"] += " (edited)"
    target.write_text(json.dumps(document, indent=2), encoding="utf-8")
    result = _check(small_project_copy)
    assert result.returncode == 1
    assert target.name in result.stdout


def test_check_fails_on_a_doc_change_not_yet_regenerated(small_project_copy: Path) -> None:
    assert _check(small_project_copy).returncode == 0  # the project reproduces before the edit
    sources = small_project_copy / "specs/sources"
    # Any stated integer default of any page: the spec it belongs to no longer reproduces.
    page, line = next(
        (path, line)
        for path in sorted(sources.iterdir())
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"Default value: \d+$", line)
    )
    bumped = re.sub(r"\d+$", lambda number: str(int(number.group()) + 1), line)
    page.write_text(page.read_text(encoding="utf-8").replace(line, bumped, 1))
    from_page = [spec.name for spec in (small_project_copy / "specs/openapi").glob("*.json") if f"/{page.name}:" in spec.read_text()]
    result = _check(small_project_copy)
    assert result.returncode == 1
    assert any(name in result.stdout for name in from_page), result.stdout


def test_check_says_what_it_compares_and_names_what_is_not_committed(small_project_copy: Path) -> None:
    """`make check` compares with the working tree: it says so, and names the compared paths
    that hold changes git has not committed (CI checks the commit)."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "project"]):
        subprocess.run([*git, *args], cwd=small_project_copy, check=True, capture_output=True)
    clean = falgen("check", cwd=small_project_copy)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "not committed" not in clean.stdout
    module = small_project_copy / "generated" / _first_endpoint_module(small_project_copy / "generated")
    module.write_text(module.read_text() + "\n# a local tweak\n")
    edited = falgen("check", cwd=small_project_copy)
    assert edited.returncode == 1
    lines = edited.stdout.splitlines()
    assert lines[0] == "falgen check: specs/openapi/, specs/diagnostics.{json,md} and generated/ as they are on disk (committed or not) do not reproduce from specs/sources."
    assert lines[1] == "note: not committed yet (CI checks the commit): generated/ (1 file)"
