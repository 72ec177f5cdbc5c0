"""falgen never deletes what it does not own (issue 12, item 4).

An output folder falgen wrote carries `.falgen-manifest`; a run removes only files a manifest
lists, refuses a non-empty folder without one (exit 2, with the reason) unless told
`--take-ownership`, never writes or removes through a symlinked directory, and makes a new
folder with the user's umask. The same rules hold for `falgen parse --out` (the specs folder).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from generator.tools.check import compare_trees
from tests.conftest import BIN, ROOT, falgen

pytestmark = pytest.mark.slow  # every test here starts a process

SOURCES = ROOT / "tests" / "seed_pages"  # the tests' own pages (named below)
LIPSYNC = "creatify__lipsync.json"


def generate(specs: Path, out: Path, *options: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return falgen("generate", "--specs", str(specs), "--out", str(out), *options, cwd=cwd, env={"FALGEN_CACHE": str(out.parent / "cache")})


def parse(sources: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return falgen("parse", "-q", str(sources), "--out", str(out), "--report", str(out.parent), *options, env={"FALGEN_CACHE": str(out.parent / "cache")})


def snapshot(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file() and not path.is_symlink()}


@pytest.fixture(scope="module")
def reference(seed_specs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed specs rendered into a new folder."""
    out = tmp_path_factory.mktemp("reference") / "generated"
    assert generate(seed_specs, out).returncode == 0
    return out


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# -- refusals ---------------------------------------------------------------------------------


def test_a_folder_with_unrelated_files_is_refused(seed_specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "fal_bindings").mkdir()
    (out / "fal_bindings" / "keep.py").write_text("x = 1\n", encoding="utf-8")
    before = snapshot(out)
    assert_refused(generate(seed_specs, out), "not empty", "--take-ownership", str(out))
    assert snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["fal_bindings", "notes.txt"]


def test_out_dot_in_a_git_repository_is_refused(seed_specs: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "app.py").write_text("print('mine')\n", encoding="utf-8")
    before = snapshot(repo)
    assert_refused(generate(seed_specs, Path("."), cwd=repo), "not empty")
    assert snapshot(repo) == before
    assert (repo / ".git" / "HEAD").is_file()


def test_out_equal_to_specs_is_refused(seed_specs: Path, tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(seed_specs, specs)
    before = snapshot(specs)
    assert_refused(generate(specs, specs), "overlaps")
    assert snapshot(specs) == before


def test_parse_into_its_own_sources_is_refused(seed_specs: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    shutil.copy(seed_specs / LIPSYNC, sources / "fal-openapi.json")  # a fal OpenAPI source page
    before = snapshot(sources)
    assert_refused(parse(sources, sources), "overlaps")
    assert snapshot(sources) == before


def test_parse_into_a_folder_of_other_json_files_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "openapi"
    out.mkdir()
    (out / "mine.json").write_text("{}", encoding="utf-8")
    assert_refused(parse(SOURCES, out), "not empty", "--take-ownership")
    assert [p.name for p in out.iterdir()] == ["mine.json"]


def test_a_damaged_manifest_is_refused_and_never_followed_outside(seed_specs: Path, tmp_path: Path, reference: Path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    shutil.copytree(reference, out)
    victim.write_text("precious", encoding="utf-8")
    (out / ".falgen-manifest").write_text(json.dumps({"falgen-manifest": 1, "files": ["../victim.txt"]}), encoding="utf-8")
    assert_refused(generate(seed_specs, out), "'../victim.txt'", "--take-ownership")
    assert victim.read_text(encoding="utf-8") == "precious"
    assert generate(seed_specs, out, "--take-ownership").returncode == 0
    assert victim.read_text(encoding="utf-8") == "precious"
    assert compare_trees(out, reference).clean


# -- what a run owns --------------------------------------------------------------------------


def test_take_ownership_keeps_the_files_falgen_did_not_write(seed_specs: Path, tmp_path: Path, reference: Path) -> None:
    specs, out = tmp_path / "specs", tmp_path / "out"
    shutil.copytree(seed_specs, specs)
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = generate(specs, out, "--take-ownership")
    assert result.returncode == 0, result.stderr
    assert compare_trees(out, reference).clean
    (out / "fal_bindings" / "endpoints" / "mine.py").write_text("x = 1\n", encoding="utf-8")
    # Owned now: later runs need no flag; an endpoint removed takes only its own files along.
    (specs / LIPSYNC).unlink()
    assert generate(specs, out).returncode == 0
    assert not (out / "fal_bindings" / "endpoints" / "creatify" / "lipsync.py").exists()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "fal_bindings" / "endpoints" / "mine.py").read_text(encoding="utf-8") == "x = 1\n"


def test_a_build_folder_left_by_pip_is_kept_and_check_passes(small_project_copy: Path) -> None:
    project_copy = small_project_copy
    generated = project_copy / "generated"
    build = generated / "build" / "lib" / "fal_bindings"
    build.mkdir(parents=True)
    (build / "__init__.py").write_text("# built by pip\n", encoding="utf-8")
    (generated / "dist").mkdir()
    (generated / "dist" / "fal_bindings-0.1.0.tar.gz").write_bytes(b"sdist")
    specs = project_copy / "specs"
    check = falgen("check", cwd=project_copy)
    assert check.returncode == 0, check.stdout
    (specs / "openapi" / LIPSYNC).unlink()  # something to do for the run below
    assert generate(specs / "openapi", generated).returncode == 0
    assert (build / "__init__.py").read_text(encoding="utf-8") == "# built by pip\n"
    assert (generated / "dist" / "fal_bindings-0.1.0.tar.gz").read_bytes() == b"sdist"


def test_stale_specs_go_and_other_files_stay(tmp_path: Path) -> None:
    sources, out = tmp_path / "sources", tmp_path / "openapi"
    shutil.copytree(SOURCES, sources)
    assert parse(sources, out).returncode == 0
    (out / "README.txt").write_text("mine", encoding="utf-8")
    assert (out / "fal-ai__flux-2__klein__4b__base.json").is_file()
    (sources / "001_11878542ada84a38.txt").unlink()  # the page of fal-ai/flux-2/klein/4b/base
    assert parse(sources, out).returncode in (0, 1)
    assert not (out / "fal-ai__flux-2__klein__4b__base.json").exists()
    assert (out / "README.txt").read_text(encoding="utf-8") == "mine"


def test_a_symlinked_directory_inside_the_output_is_never_followed(seed_specs: Path, tmp_path: Path, reference: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    shutil.copytree(reference, out)
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("mine", encoding="utf-8")
    shutil.rmtree(out / "fal_bindings" / "types")
    (out / "fal_bindings" / "types").symlink_to(elsewhere, target_is_directory=True)
    assert_refused(generate(seed_specs, out), "symbolic link", "fal_bindings/types")
    assert [p.name for p in elsewhere.iterdir()] == ["precious.txt"]
    (out / "fal_bindings" / "types").unlink()
    assert generate(seed_specs, out).returncode == 0
    assert compare_trees(out, reference).clean


def test_a_new_output_folder_gets_the_users_umask(seed_specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "new" / "generated"
    result = subprocess.run(
        ["sh", "-c", f'umask 022 && exec "$0" generate --specs {seed_specs} --out {out}', str(BIN / "falgen")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "FALGEN_CACHE": str(tmp_path / "cache")},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "fal_bindings").stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "README.md").stat().st_mode) == 0o644
