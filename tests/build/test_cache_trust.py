"""A cache never runs code (issue 12, item 2).

Whoever can write `.falgen-cache` can put any bytes there (a CI cache restored from another
branch is foreign input). Each test writes what such a writer could, with a valid checksum in
front so that only the reader's own checks stand in the way, and checks that nothing runs, the
entry is a miss, and the output is what a run without a cache gives.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build.cache import Store
from generator.cli import cli
from generator.core.ir import Endpoint, Schema, TypeExpr
from generator.core.ir import Property as Field_
from generator.docs.parse import ParseRun
from generator.render.formatting import format_python, same_program
from generator.spec.write import write_specs
from generator.tools.check import compare_trees
from tests.conftest import ROOT, falgen

pytestmark = pytest.mark.slow  # whole-corpus runs and falgen subprocesses

SOURCES = ROOT / "tests" / "seed_pages"  # the tests' own pages (named below)
OVERLAYS = None  # the raw parse: the seed pages are the tests' own, the overlays are the live corpus's


class _Exploit:
    """Unpickling this runs `open(path, "w")`: the marker file proves code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def blob(data: bytes) -> bytes:
    """A cache file as falgen writes one: 16 bytes of sha256, then the data."""
    return hashlib.sha256(data).digest()[:16] + data


def entries(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*") if path.is_file())


def parse_outcome(run: ParseRun) -> tuple[dict[str, bytes], list[str], dict[str, object]]:
    return run.documents(), [d.render() for d in run.sorted_diagnostics()], run.summary()


@pytest.fixture(scope="module")
def expected_parse() -> tuple[dict[str, bytes], list[str], dict[str, object]]:
    return parse_outcome(ParseRun([SOURCES], OVERLAYS))


def _poisoned_parse(tmp_path: Path, payload: bytes, expected: tuple[dict[str, bytes], list[str], dict[str, object]]) -> None:
    cache = tmp_path / "cache"
    ParseRun([SOURCES], OVERLAYS, Store("parse", root=cache))
    written = entries(cache / "parse")
    assert written, "the first run fills the cache"
    for path in written:
        path.write_bytes(blob(payload))
    assert parse_outcome(ParseRun([SOURCES], OVERLAYS, Store("parse", root=cache))) == expected


def test_a_crafted_parse_entry_runs_no_code(tmp_path: Path, expected_parse: tuple[dict[str, bytes], list[str], dict[str, object]]) -> None:
    marker = tmp_path / "code-ran"
    _poisoned_parse(tmp_path, pickle.dumps(_Exploit(marker)), expected_parse)
    assert not marker.exists(), "a cache entry ran code"


@pytest.mark.parametrize(
    "payload",
    [pickle.dumps(1), b"1", b"[1]", b'{"id": 3, "evidence": "x"}', b"[[], [[1, 2]]]", b"\xff\xfe", b"[" * 100_000, b'[["0000"], []]'],
    ids=["pickled-int", "json-int", "json-list", "json-dict-of-another-shape", "nested-wrong-types", "not-utf8", "deeply-nested", "right-shape-foreign-pages"],
)
def test_a_parse_entry_of_another_shape_is_a_miss(tmp_path: Path, payload: bytes, expected_parse: tuple[dict[str, bytes], list[str], dict[str, object]]) -> None:
    _poisoned_parse(tmp_path, payload, expected_parse)


def _generate(specs: Path, out: Path, cache: Path) -> str:
    result = CliRunner().invoke(cli, ["generate", "--specs", str(specs), "--out", str(out)], env={"FALGEN_CACHE": str(cache)})
    assert result.exit_code == 0, result.output
    return result.output


def test_a_crafted_generate_state_runs_no_code(seed_specs: Path, tmp_path: Path) -> None:
    specs, out, cache, marker = seed_specs, tmp_path / "out", tmp_path / "cache", tmp_path / "code-ran"
    _generate(specs, out, cache)
    states = entries(cache / "generate")
    assert states
    for state in states:
        state.write_bytes(pickle.dumps({"key": "x", "summaries": _Exploit(marker)}))
    shutil.rmtree(cache / "stages")  # so the run reads its state
    _generate(specs, out, cache)
    assert not marker.exists(), "the generate state ran code"
    _generate(specs, tmp_path / "reference", tmp_path / "reference-cache")
    assert compare_trees(out, tmp_path / "reference").clean


def test_a_generate_state_of_another_shape_is_a_miss(seed_specs: Path, tmp_path: Path) -> None:
    specs, out, cache = seed_specs, tmp_path / "out", tmp_path / "cache"
    _generate(specs, out, cache)
    for state in entries(cache / "generate"):
        data = json.loads(state.read_bytes())
        data["records"] = {slot: 7 for slot in data["records"]}  # the right key, the wrong shape
        state.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    shutil.rmtree(cache / "stages")
    (out / "fal_bindings" / "types" / "image_size.py").unlink()
    _generate(specs, out, cache)
    _generate(specs, tmp_path / "reference", tmp_path / "reference-cache")
    assert compare_trees(out, tmp_path / "reference").clean


def test_a_generate_state_that_moves_a_module_is_not_trusted(seed_specs: Path, tmp_path: Path) -> None:
    """A well-shaped state whose record for one endpoint names another endpoint's (intact)
    module: trusted, it would drop the first endpoint's module from the tree."""
    specs, out, cache = seed_specs, tmp_path / "out", tmp_path / "cache"
    _generate(specs, out, cache)
    [state] = entries(cache / "generate")
    data = json.loads(state.read_bytes())
    slots = sorted(slot for slot in data["records"] if slot.startswith("endpoint:"))
    data["records"][slots[0]] = data["records"][slots[1]]
    state.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    shutil.rmtree(cache / "stages")
    _generate(specs, out, cache)
    _generate(specs, tmp_path / "reference", tmp_path / "reference-cache")
    assert compare_trees(out, tmp_path / "reference").clean
def test_a_foreign_stage_record_is_a_miss(tmp_path: Path) -> None:
    """A parse stage record with a summary and exit code of the wrong type (the record is
    otherwise valid, so the run would trust it) is ignored: a full parse, not a crash."""
    cache, out = tmp_path / "cache", tmp_path / "openapi"
    env = {"FALGEN_CACHE": str(cache)}
    arguments = ["parse", "-q", str(SOURCES), "--no-overlays", "--out", str(out), "--report", str(tmp_path)]
    assert falgen(*arguments, env=env).returncode == 0
    [record] = entries(cache / "stages")
    data = json.loads(record.read_bytes())
    data.update(summary=["\x1b[2J"], exit="not a number")
    record.write_text(json.dumps(data), encoding="utf-8")
    again = falgen(*arguments, env=env)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    assert again.stdout.startswith("parsed 36 page(s)") and "unchanged" not in again.stdout


# -- the formatting cache: its text becomes imported code -------------------------------------


def _needs_black() -> Endpoint:
    """An endpoint whose module black must lay out (a field line far over 100 columns)."""
    long_name = "a_field_name_long_enough_that_its_line_cannot_fit_in_one_hundred_columns_" + "x" * 40
    fields = [Field_(name=long_name, type=TypeExpr(kind="string"), description="A long field."), Field_(name="seed", type=TypeExpr(kind="integer"))]
    return Endpoint(id="acme/long-lines", input=Schema(name="Input", fields=fields), output=Schema(name="Output", fields=fields[:1]))


def test_a_poisoned_formatting_entry_never_reaches_generated(tmp_path: Path) -> None:
    specs, out, cache = tmp_path / "specs", tmp_path / "out", tmp_path / "cache"
    write_specs([_needs_black()], specs)
    _generate(specs, out, cache)
    poisoned = entries(cache / "format")
    assert poisoned, "black's output for the long-lines module is cached"
    injected = '\nimport os\nos.system("echo pwned")\n'
    for path in poisoned:
        text = path.read_bytes()[16:].decode("utf-8")
        path.write_bytes(blob((text + injected).encode("utf-8")))
    _generate(specs, tmp_path / "again", cache)  # a new folder: no state says what it holds
    _generate(specs, tmp_path / "reference", tmp_path / "reference-cache")
    assert compare_trees(tmp_path / "again", tmp_path / "reference").clean
    assert not any("pwned" in p.read_text(encoding="utf-8") for p in (tmp_path / "again").rglob("*.py"))


def test_a_genuine_formatting_entry_is_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import black

    monkeypatch.setenv("FALGEN_CACHE", str(tmp_path / "cache"))
    source = "# Generated by falgen test from spec 0123456789ab.\n" + "x = [" + ", ".join(f'"item number {i}"' for i in range(20)) + "]\n"
    calls: list[str] = []
    real = black.format_str
    monkeypatch.setattr(black, "format_str", lambda text, mode: calls.append(text) or real(text, mode=mode))
    first = format_python({"m.py": source})
    assert len(calls) == 1
    assert format_python({"m.py": source}) == first
    assert len(calls) == 1, "the cached text was checked and reused, black did not run again"


def test_same_program_rejects_code_a_coding_declaration_hides() -> None:
    expected = "# Generated by falgen\nx = 1\n"
    assert same_program(expected, "# Generated by falgen\nx = (\n    1\n)\n")
    assert not same_program(expected, "# Generated by falgen\nx = 2\n")
    assert not same_program(expected, "# Generated by falgen\nx = 1\nimport os\n")
    # Read as text this is `x = 1` and two comments; the interpreter decodes the file's bytes
    # as UTF-7, where `+AAo-` is a newline: the second comment becomes a statement.
    hidden = '# Generated by falgen\n# -*- coding: utf-7 -*-\nx = 1\n#+AAo-print("pwned")\n'
    assert not same_program(expected, hidden)
    assert not same_program(expected, "# another header\nx = 1\n")


# -- the cache folder -------------------------------------------------------------------------
def test_the_cache_folder_is_created_private(tmp_path: Path) -> None:
    cache = tmp_path / "new" / "cache"
    result = falgen("parse", "-q", str(SOURCES), "--no-overlays", "--out", str(tmp_path / "openapi"), "--report", str(tmp_path), env={"FALGEN_CACHE": str(cache)})
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_cache_folder_another_user_owns_is_not_used(seed_specs: Path, tmp_path: Path) -> None:
    cache, out = tmp_path / "cache", tmp_path / "openapi"
    ParseRun([SOURCES], OVERLAYS, Store("parse", root=cache))
    for path in entries(cache / "parse"):
        path.write_bytes(blob(pickle.dumps(1)))
    for path in [cache, *cache.rglob("*")]:
        os.chown(path, 65534, 65534)
    count = len(entries(cache))
    result = falgen("parse", "-q", str(SOURCES), "--no-overlays", "--out", str(out), "--report", str(tmp_path), env={"FALGEN_CACHE": str(cache)})
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert compare_trees(out, seed_specs).clean
    assert len(entries(cache)) == count, "nothing is written into it"
def test_falgen_check_runs_without_the_cache(tmp_path: Path, small_project: Path) -> None:
    cache = tmp_path / "no-cache-here"
    result = falgen("check", cwd=small_project, env={"FALGEN_CACHE": str(cache)})
    assert result.returncode == 0, result.stdout
    assert not cache.exists(), "falgen check neither reads nor writes the cache"
