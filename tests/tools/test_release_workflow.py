"""The release workflow (`.github/workflows/release.yml`): on a vX.Y.Z tag, build (after checking
the tag against specs/VERSION and that everything reproduces), test the built wheel in fresh
environments on every supported Python, then publish with trusted publishing, and nothing
else. What it runs up to the upload is run here by tests/render/test_install.py; the upload
itself cannot run here."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def _workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def _runs(job: str) -> list[str]:
    return [step.get("run", "") for step in _workflow()["jobs"][job]["steps"]]


def test_it_runs_on_release_tags_only_with_read_permissions() -> None:
    workflow = _workflow()
    assert workflow[True] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}  # `on:` reads as True
    assert workflow["permissions"] == {"contents": "read"}


def test_build_then_test_the_wheel_then_publish() -> None:
    jobs = _workflow()["jobs"]
    assert jobs["test"]["needs"] == "build" and jobs["publish"]["needs"] == "test"
    build = "\n".join(_runs("build"))
    assert build.index("specs/VERSION") < build.index("falgen check") < build.index("-m build --outdir dist generated")
    test = "\n".join(_runs("test"))
    assert '"$(ls dist/*.whl)[testing,cli]"' in test  # the built wheel, not the source folder
    assert "cp -r tests/downstream" in test and "FAL_BINDINGS_TEST_ALL=1" in test and "mypy --strict" in test
    assert jobs["test"]["strategy"]["matrix"]["python"] == ["3.10", "3.11", "3.12", "3.13"]


def test_publishing_is_trusted_publishing_and_nothing_else() -> None:
    publish = _workflow()["jobs"]["publish"]
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    [upload] = [step for step in publish["steps"] if "pypi-publish" in step.get("uses", "")]
    assert upload["uses"] == "pypa/gh-action-pypi-publish@release/v1" and "with" not in upload  # no password, no token
    assert "secrets." not in WORKFLOW.read_text(encoding="utf-8")


def test_inputs_reach_scripts_only_through_env() -> None:
    for job in _workflow()["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step.get("name")


@pytest.mark.slow  # runs the step's script in bash
def test_a_tag_that_is_not_the_generated_version_stops_the_release(tmp_path: Path) -> None:
    [script] = [run for run in _runs("build") if "specs/VERSION" in run]
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "VERSION").write_text("1.4.0\n", encoding="utf-8")

    def run(tag: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env={**os.environ, "TAG": tag}, capture_output=True, text=True, timeout=60)

    assert run("v1.4.0").returncode == 0
    wrong = run("v1.5.0")
    assert wrong.returncode == 1 and "tag v1.5.0, but specs/VERSION says 1.4.0" in wrong.stdout
