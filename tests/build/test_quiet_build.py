"""A quiet, quick build: a spec change leaves `generated/pyproject.toml` untouched (so `make`
reinstalls nothing), the Makefile reinstalls only what changed and never in a deprecated mode,
and `falgen generate`'s summary adds up."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from tests.conftest import ROOT

SPECS = ROOT / "tests/golden/runtime/specs"
SUMMARY = re.compile(
    r"^(?P<out>\S+)/ holds (?P<total>\d+) files of fal-bindings (?P<version>\S+): (?P<written>\d+) written, "
    r"(?P<unchanged>\d+) unchanged, (?P<removed>\d+) removed \((?P<modules>\d+) endpoint and type modules: "
    r"(?P<rendered>\d+) rendered, (?P<reused>\d+) reused\) in \d+\.\d\ds$"
)


def _generate(specs: Path, out: Path, cache: Path) -> dict[str, int]:
    result = CliRunner().invoke(cli, ["generate", "--specs", str(specs), "--out", str(out)], env={"FALGEN_CACHE": str(cache)})
    assert result.exit_code == 0, result.output
    match = SUMMARY.match(result.output.strip())
    assert match, result.output
    return {key: int(value) for key, value in match.groupdict().items() if value.isdigit()}


def _change_a_description(specs: Path) -> None:
    path = next(specs.glob("*.json"))
    document = json.loads(path.read_text(encoding="utf-8"))
    document["info"]["description"] = document["info"].get("description", "") + " Changed."
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def test_a_spec_change_leaves_pyproject_toml_as_it_was_and_the_summary_adds_up(tmp_path: Path) -> None:
    specs, out, cache = tmp_path / "openapi", tmp_path / "generated", tmp_path / "cache"
    shutil.copytree(SPECS, specs)
    first = _generate(specs, out, cache)
    assert first["written"] == first["total"] > 0 and first["unchanged"] == first["removed"] == 0
    pyproject = out / "pyproject.toml"
    before = (pyproject.read_bytes(), pyproject.stat().st_mtime_ns)

    _change_a_description(specs)
    second = _generate(specs, out, cache)
    assert (pyproject.read_bytes(), pyproject.stat().st_mtime_ns) == before  # the Makefile's stamp holds
    assert 0 < second["written"] < second["total"]
    assert second["written"] + second["unchanged"] == second["total"] and second["removed"] == 0
    assert second["rendered"] + second["reused"] == second["modules"]

    (tmp_path / "VERSION").write_text("2.0.0\n", encoding="utf-8")  # beside --specs: the package's version
    third = _generate(specs, out, cache)
    assert 'version = "2.0.0"' in pyproject.read_text(encoding="utf-8")  # a release rewrites it
    assert third["written"] >= 2  # pyproject.toml and the package's __version__


# -- the Makefile: which installs `make` would run (`make -n`), in a copy with stamps -----------


def _make_project(tmp_path: Path) -> Path:
    """The Makefile and both pyproject.toml files, with a .venv whose install stamps are newer."""
    project = tmp_path / "project"
    (project / "generated").mkdir(parents=True)
    (project / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(ROOT / "Makefile", project / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copy(ROOT / "generated/pyproject.toml", project / "generated/pyproject.toml")
    for name in ("pyproject.toml", "generated/pyproject.toml"):
        os.utime(project / name, (1_000_000, 1_000_000))
    for stamp in (".venv/.installed", ".venv/.installed-generated"):
        (project / stamp).touch()
        os.utime(project / stamp, (2_000_000, 2_000_000))
    return project


def _installs(project: Path, target: str) -> list[str]:
    done = subprocess.run(["make", "-n", target], cwd=project, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if "pip install" in line or " -m venv" in line]


@pytest.mark.slow  # runs make
def test_make_reinstalls_only_what_changed_and_never_in_compat_mode(tmp_path: Path) -> None:
    project = _make_project(tmp_path)
    assert _installs(project, "test") == []

    os.utime(project / "generated/pyproject.toml", (3_000_000, 3_000_000))  # a dependency or version changed
    [install] = _installs(project, "test")
    assert "-e './generated[testing,cli]'" in install and "compat" not in install

    for stamp in (".venv/.installed", ".venv/.installed-generated"):  # a fresh machine
        (project / stamp).unlink()
    installs = _installs(project, "test")
    assert any("'.[dev]'" in line for line in installs) and any("./generated[testing,cli]" in line for line in installs)
    assert not [line for line in installs if "compat" in line]
