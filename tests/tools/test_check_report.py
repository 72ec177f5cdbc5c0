"""`falgen check` explains drift semantically: per endpoint, what changed and whether it breaks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.tools.check import check
from tests.conftest import falgen
from tests.tools.conftest import KLEIN, NB


@pytest.mark.slow
def test_check_reports_what_changed_for_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A project of one seed page, committed as falgen made it; then the page changes."""
    monkeypatch.chdir(tmp_path)  # provenance paths read `specs/sources/...`, as in a project
    page = Path("specs/sources") / KLEIN.name
    page.parent.mkdir(parents=True)
    shutil.copy(KLEIN, page)
    Path("specs/overlays").mkdir()
    for command in (("parse", "-q", "--report", "specs"), ("generate",)):
        done = falgen(*command, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
    text = page.read_text(encoding="utf-8")
    seed = f"seed{NB}integer\n\nThe seed to use for the generation. If not provided, a random seed will be used.\n\n"
    assert text.count(seed) == 1 and text.count("Default value: 28") == 1
    page.write_text(text.replace(seed, "").replace("Default value: 28", "Default value: 30"), encoding="utf-8")

    clean, report = check(Path("specs/sources"), Path("specs/openapi"), Path("generated"), Path("specs/overlays"))

    assert not clean
    semantic = report[report.index("What changed for users") :]
    lines = semantic.splitlines()
    header = lines.index("  fal-ai/flux-2/klein/4b/base: 1 breaking, 1 notable")
    block = [line.split() for line in lines[header + 1 : header + 3]]
    assert block == [
        ["BREAKING", "input", "field", "removed", "/input/seed", '("integer"', "->", "-)"],
        ["notable", "default", "changed", "/input/num_inference_steps", "(28", "->", "30)"],
    ], semantic
    assert not lines[header + 3].startswith("    ")  # nothing else changed on that endpoint
    assert "suggested version bump for the generated package: major" in semantic
    assert "make generate" in report
