"""The daily drift workflow: the catalogue first, then the doc pages, then generate, judge
(bump and changelog entry), test, pull request; untrusted inputs only through env."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "drift.yml"


def _steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = yaml.safe_load(WORKFLOW.read_text())["jobs"]["drift"]["steps"]
    return steps


def test_the_steps_run_in_order() -> None:
    runs = [step.get("run", "") for step in _steps()]

    def first(text: str) -> int:
        return next(index for index, run in enumerate(runs) if text in run)

    assert first("fetch catalog") < first("$FALGEN fetch $page_ids") < first("make generate") < first("--changelog CHANGELOG.md")
    assert first("--changelog CHANGELOG.md") < first("make test")
    assert "--current-version" in runs[first("--changelog CHANGELOG.md")]
    add_paths = next(s for s in _steps() if "create-pull-request" in s.get("uses", ""))["with"]["add-paths"]
    assert "CHANGELOG.md" in add_paths and "specs/sources/**" in add_paths


def test_inputs_and_secrets_reach_scripts_only_through_env() -> None:
    for step in _steps():
        assert "${{" not in step.get("run", ""), step.get("name")


@pytest.mark.slow  # runs the step's script in bash
def test_the_page_fetch_asks_only_for_doc_page_endpoints(tmp_path: Path) -> None:
    """Catalogue-only endpoints have fal's document, not a saved page; run the step's script
    (with `falgen` replaced by echo) on the project's specs."""
    script = next(s["run"] for s in _steps() if s.get("id") == "fetch")
    output = tmp_path / "github-output"
    env = {**os.environ, "IDS": "", "FALGEN": "echo", "GITHUB_OUTPUT": str(output)}
    (tmp_path / "specs").symlink_to(ROOT / "specs")
    done = subprocess.run(["bash", "-c", script.replace(".venv/bin/python", sys.executable)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    asked = [word for word in done.stdout.split()[1:] if not word.startswith("--")]
    expected = []
    for path in sorted((ROOT / "specs" / "openapi").glob("*.json")):
        doc = json.loads(path.read_bytes())
        if any(not s.rsplit(":", 1)[0].endswith(".json") for s in doc["x-fal-provenance"]["sources"]):
            expected.append(doc["info"]["x-fal-metadata"]["endpointId"])
    assert asked[: len(expected)] == expected and len(expected) > 10
    assert "status=0" in output.read_text()
