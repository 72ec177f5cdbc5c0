"""What `falgen parse` prints: errors and new warnings with file:line on every run (also when the
stage is skipped), known warnings (the report committed at git HEAD) counted, line numbers that
stay inside their file."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from generator.core.ir import Diagnostic, Severity
from generator.docs.diagnostics_console import Baseline, console_lines, identity, split
from generator.docs.lines import to_lines
from generator.docs.parse import parse
from tests.conftest import SEED_PAGES, falgen
from tests.docs._support import HTML_DIR, in_root


def _warning(message: str, line: int = 3, file: str = "a.txt") -> Diagnostic:
    return Diagnostic(code="undefined-type", severity=Severity.WARNING, message=message, file=file, line=line, endpoint_id="x/y")


def _baseline(*items: Diagnostic) -> Baseline:
    return Baseline("HEAD:specs/diagnostics.json", Counter(identity(d) for d in items))


def test_known_warnings_are_matched_without_their_line_number() -> None:
    """An edit above a warning moves it; it stays known. Another message is new, and so is a
    second copy of a known warning."""
    committed = _warning("type 'Timings' is used but described on no page", line=276)
    moved = _warning("type 'Timings' is used but described on no page", line=280)
    other = _warning("type 'LoRAInput' is used but described on no page", line=10)
    found = split([moved, other, moved], _baseline(committed))
    assert found.warnings_known == [moved]
    assert found.warnings_new == [other, moved]
    # Nor the line of another page a message names as its evidence.
    cited = _warning("recovered 'images' from the same description at specs/sources/001.txt:272")
    assert split([_warning(cited.message.replace(":272", ":274"))], _baseline(cited)).warnings_new == []


def test_known_warnings_are_counted_new_ones_and_errors_shown_with_file_and_line() -> None:
    known = [_warning(f"known {n}", line=n) for n in range(1, 20)]
    new = _warning("a new one", line=7, file="b.txt")
    error = Diagnostic(code="no-output", severity=Severity.ERROR, message="cut off", file="b.txt", line=9, endpoint_id="x/z")
    lines = console_lines(split([*known, new, error], _baseline(*known, error)))
    assert lines == [
        "1 error:",
        "b.txt:9: error no-output [x/z]: cut off",
        "19 known warnings, 1 new:",
        "b.txt:7: warning undefined-type [x/y]: a new one",
    ]
    assert len(console_lines(split([*known, new, error], _baseline(*known)), show_all=True)) == 1 + 1 + 1 + 20


def test_without_a_committed_report_every_warning_is_shown() -> None:
    items = [_warning("one"), _warning("two")]
    lines = console_lines(split(items, None))
    assert lines[0].startswith("2 warnings (no committed report")
    assert lines[1:] == [d.render() for d in items]


def test_a_final_line_break_does_not_make_a_line() -> None:
    assert [line.number for line in to_lines("a\nb\n", "f")] == [1, 2]
    assert [line.number for line in to_lines("a\nb", "f")] == [1, 2]
    assert [line.number for line in to_lines("a\r\n\r\n", "f")] == [1, 2]


def _line_count(path: Path) -> int:
    return len(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n").splitlines())


@pytest.mark.parametrize("keep", [136, 91, 1])
def test_no_diagnostic_points_past_the_end_of_its_file(tmp_path: Path, keep: int) -> None:
    """A page cut off (before Output, right after the Input heading, after its first line) and
    every seed page and HTML page: each diagnostic's line is inside its file."""
    cut = tmp_path / "cut.txt"
    cut.write_text("".join((SEED_PAGES / "000_7739271ab35a701a.txt").read_text(encoding="utf-8").splitlines(keepends=True)[:keep]), encoding="utf-8")
    sources = [cut, SEED_PAGES, *sorted(HTML_DIR.glob("*.html"))]
    with in_root():
        result = parse(sources, overlays=None)
        lengths = {d.file: _line_count(Path(d.file)) for d in result.diagnostics}
    if keep == 136:
        [no_output] = [d for d in result.diagnostics if d.code == "no-output"]
        assert no_output.line == 136
    beyond = [d.render() for d in result.diagnostics if not 0 <= d.line <= lengths[d.file]]
    assert not beyond


# -- as a maintainer would: `make generate` twice after adding, then breaking, a page ----------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=falgen-test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.mark.slow
def test_a_maintainer_sees_the_error_and_the_new_warning_on_every_run(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "specs" / "sources").mkdir(parents=True)
    for page in sorted(SEED_PAGES.glob("00[1-4]_*.txt")):
        shutil.copy(page, project / "specs" / "sources" / page.name)
    env = {"FALGEN_CACHE": str(tmp_path / "cache")}
    first = falgen("parse", cwd=project, env=env)
    assert first.returncode == 0, first.stderr
    assert "19 warnings (no committed report" in first.stderr  # nothing accepted yet: all shown
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "accepted")
    clean = falgen("parse", "--force", cwd=project, env=env)
    assert clean.stderr.splitlines() == ["19 known warnings, none new"], clean.stderr
    assert "0 errors, 19 warnings" in clean.stdout

    # An edit above known warnings moves their lines; none becomes new.
    moved = project / "specs" / "sources" / "001_11878542ada84a38.txt"
    moved.write_text("\n\n" + moved.read_text(encoding="utf-8"), encoding="utf-8")
    assert falgen("parse", cwd=project, env=env).stderr.splitlines() == ["19 known warnings, none new"]

    # A new page with a damaged id line (a new warning), cut off before its Output section (an
    # error): both shown with file:line, on this run and the next (skipped as up to date).
    page = project / "specs" / "sources" / "000_new.txt"
    text = (SEED_PAGES / "000_7739271ab35a701a.txt").read_text(encoding="utf-8")
    page.write_text("".join(text.splitlines(keepends=True)[:136]).replace("\nfal-ai/flux-2/klein/realtime\n", "\nal-ai/flux-2/klein/realtime\n", 1), encoding="utf-8")
    endpoint = "[fal-ai/flux-2/klein/realtime]"
    for run in range(2):
        done = falgen("parse", cwd=project, env=env)
        assert done.returncode == 1
        lines = done.stderr.splitlines()
        assert lines[:2] == ["1 error:", f"specs/sources/000_new.txt:136: error no-output {endpoint}: page has no Output section (cut off?); Output accepts any object"], done.stderr
        assert lines[2] == "19 known warnings, 1 new:"
        assert lines[3].startswith(f"specs/sources/000_new.txt:5: warning id-repaired {endpoint}: ")
        assert len(lines) == 4
        assert ("unchanged since the last parse" in done.stdout) == (run == 1), done.stdout
        assert "1 error, 20 warnings (1 new)" in done.stdout
