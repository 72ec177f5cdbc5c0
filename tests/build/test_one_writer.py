"""One writer at a time (issue 12, item 6), with real concurrent `falgen` processes.

Runs into one folder take turns (a lock on the folder; a later run waits, bounded, saying so);
the tree they leave is exactly what one of them renders, and what the next run calls up to date
is. A run that died half-way leaves a marker: the next run trusts nothing incremental and
removes what the dead run wrote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generator.build.output import OutputFolder
from generator.build.trees import IN_PROGRESS
from generator.core.ir import Endpoint
from generator.core.names import spec_file_name
from generator.python.namelock import LOCK_FILE
from generator.spec.read import read_openapi_file
from generator.spec.write import endpoint_to_openapi, render_spec
from generator.tools.check import compare_trees
from tests.conftest import BIN, ROOT

pytestmark = pytest.mark.slow  # every test here starts a process

SOURCES = ROOT / "tests" / "seed_pages"  # the tests' own pages (named below)
LORA_EDIT = "fal-ai__flux-2__lora__edit.json"
COPY_MODULE = "fal_bindings/endpoints/fal_ai/flux_2/lora/edit_copy.py"

CRASH_AFTER = """
import os, sys
real, last = os.replace, sys.argv[1]
def replace(source, target, *args, **kwargs):
    real(source, target, *args, **kwargs)
    if os.fspath(target).endswith(last):
        os._exit(9)  # dies as a killed run does: nothing after this line runs
os.replace = replace
sys.argv = ["falgen", *sys.argv[2:]]
from generator.cli import main
main()
"""
"""`python -c CRASH_AFTER NAME falgen-arguments...`: falgen, killed right after it writes NAME."""


def command(*arguments: str) -> list[str]:
    return [str(BIN / "falgen"), *arguments]


def run(arguments: list[str], cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(arguments, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "FALGEN_CACHE": str(cache)}, timeout=300)


def concurrently(commands: list[list[str]], cache: Path) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "FALGEN_CACHE": str(cache)}
    processes = [subprocess.Popen(c, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for c in commands]
    done = []
    for c, process in zip(commands, processes, strict=True):
        out, err = process.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(c, process.returncode, out, err))
    return done


def the_same(a: Path, b: Path) -> bool:
    """The same package. The names lock is left out: a folder's lock also remembers the
    endpoints earlier runs into it had (so their names stay reserved); a fresh reference's
    does not."""
    diff = compare_trees(a, b)
    return not [path for path in (*diff.added, *diff.removed, *diff.changed) if path != LOCK_FILE]


def copy_endpoint(specs: Path) -> None:
    endpoints, _ = read_openapi_file(specs / LORA_EDIT)
    endpoint: Endpoint = endpoints[0]
    endpoint.id = "fal-ai/flux-2/lora/edit-copy"
    (specs / spec_file_name(endpoint.id)).write_bytes(render_spec(endpoint_to_openapi(endpoint)))


@pytest.fixture(scope="module")
def spec_sets(seed_specs: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path]]:
    """Three spec sets, each with its reference render: the committed specs; one endpoint
    fewer and one more; one default changed."""
    where = tmp_path_factory.mktemp("spec-sets")
    sets = []
    for index in range(3):
        specs = where / f"specs-{index}"
        shutil.copytree(seed_specs, specs)
        sets.append(specs)
    (sets[1] / "creatify__lipsync.json").unlink()
    copy_endpoint(sets[1])
    lora = sets[2] / LORA_EDIT
    lora.write_text(lora.read_text(encoding="utf-8").replace('"default": 28', '"default": 29', 1), encoding="utf-8")
    result = []
    for index, specs in enumerate(sets):
        reference = where / f"reference-{index}"
        assert run(command("generate", "--specs", str(specs), "--out", str(reference)), where / "cache").returncode == 0
        result.append((specs, reference))
    return result


def test_concurrent_generates_into_one_folder_take_turns(tmp_path: Path, spec_sets: list[tuple[Path, Path]]) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    for _ in range(2):  # into a new folder, then into the tree the first round left
        results = concurrently([command("generate", "--specs", str(specs), "--out", str(out)) for specs, _ in spec_sets], cache)
        for result in results:
            assert result.returncode == 0, result.stderr
            assert "Traceback" not in result.stderr
        assert [the_same(out, reference) for _, reference in spec_sets].count(True) == 1, "a tree of one run, not a mix"
        assert not (out / IN_PROGRESS).exists()
    # What the next run calls up to date is up to date.
    for specs, reference in [*spec_sets, *reversed(spec_sets)]:
        assert run(command("generate", "--specs", str(specs), "--out", str(out)), cache).returncode == 0
        assert the_same(out, reference)


def test_concurrent_parses_into_one_folder_take_turns(tmp_path: Path) -> None:
    sets = []
    for index in range(3):
        sources = tmp_path / f"sources-{index}"
        shutil.copytree(SOURCES, sources)
        sets.append(sources)
    (sets[1] / "001_11878542ada84a38.txt").unlink()
    page = sets[2] / "004_2be51de54c4158be.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("Default value: 28", "Default value: 29", 1), encoding="utf-8")
    references = []
    for index, sources in enumerate(sets):
        reference = tmp_path / f"reference-{index}" / "openapi"
        assert run(command("parse", "-q", str(sources), "--out", str(reference)), tmp_path / "cache-reference").returncode == 0
        references.append(reference)
    out = tmp_path / "shared" / "openapi"
    results = concurrently([command("parse", "-q", str(sources), "--out", str(out)) for sources in sets], tmp_path / "cache")
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    assert [the_same(out, reference) for reference in references].count(True) == 1


def test_a_second_run_waits_and_says_so(seed_specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    arguments = command("generate", "--specs", str(seed_specs), "--out", str(out), "--wait", "60")
    with OutputFolder(out):
        process = subprocess.Popen(arguments, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "FALGEN_CACHE": str(tmp_path / "cache")})
        threading.Event().wait(3)
        assert process.poll() is None, "it waits while the folder is held"
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert f"waiting for another falgen run (pid {os.getpid()}) writing {out}" in stderr
    assert " holds " in stdout and " written, " in stdout


def test_a_run_that_cannot_get_the_lock_in_time_says_why(seed_specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputFolder(out):
        result = run(command("generate", "--specs", str(seed_specs), "--out", str(out), "--wait", "0.5"), tmp_path / "cache")
    assert result.returncode == 1
    assert f"another falgen run (pid {os.getpid()}) is still writing {out} after 0.5s" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists(), "nothing written (the folder the holder made and left empty is gone)"


def test_a_run_after_a_crashed_generate_is_a_full_run(tmp_path: Path, spec_sets: list[tuple[Path, Path]]) -> None:
    (first, first_reference), (second, _) = spec_sets[0], spec_sets[1]
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert run(command("generate", "--specs", str(first), "--out", str(out)), cache).returncode == 0
    crashed = run([sys.executable, "-c", CRASH_AFTER, "edit_copy.py", "generate", "--specs", str(second), "--out", str(out)], cache)
    assert crashed.returncode == 9, crashed.stderr
    assert (out / COPY_MODULE).is_file(), "the crashed run wrote a file of its own"
    again = run(command("generate", "--specs", str(first), "--out", str(out)), cache)
    assert again.returncode == 0, again.stderr
    assert " 0 reused)" in again.stdout, "nothing the crashed run left is trusted"
    assert the_same(out, first_reference)
    assert not (out / COPY_MODULE).exists()
    assert not (out / IN_PROGRESS).exists()
    assert "up to date" in run(command("generate", "--specs", str(first), "--out", str(out)), cache).stdout


def test_a_run_after_a_crashed_parse_is_a_full_run(tmp_path: Path) -> None:
    sources, out, cache = tmp_path / "sources", tmp_path / "openapi", tmp_path / "cache"
    shutil.copytree(SOURCES, sources)
    arguments = ["parse", "-q", str(sources), "--out", str(out)]
    assert run(command(*arguments), cache).returncode == 0
    reference = {p.name: p.read_bytes() for p in out.iterdir()}
    page = sources / "004_2be51de54c4158be.txt"
    original = page.read_text(encoding="utf-8")
    page.write_text(original.replace("Default value: 28", "Default value: 29", 1), encoding="utf-8")
    crashed = run([sys.executable, "-c", CRASH_AFTER, ".json", *arguments], cache)  # after the first spec
    assert crashed.returncode == 9, crashed.stderr
    assert (out / IN_PROGRESS).is_file()
    page.write_text(original, encoding="utf-8")
    again = run(command(*arguments), cache)
    assert again.returncode == 0, again.stderr
    assert "unchanged since the last parse" not in again.stdout
    assert {p.name: p.read_bytes() for p in out.iterdir()} == reference
