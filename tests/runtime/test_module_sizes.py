"""The package's hand-written modules (runtime, CLI, emulator) stay small enough to read: one job
per module (issue 13), so none grows past about 600 lines. A module that does must be split
along its jobs (as the emulator app was: `testing/_app.py` and its parts), not trimmed."""

from __future__ import annotations

from tests.conftest import ROOT

PACKAGE = ROOT / "templates" / "package"
MAX_LINES = 600


def test_no_hand_written_module_is_over_the_limit() -> None:
    sizes = {
        path.relative_to(PACKAGE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert sizes, f"no modules under {PACKAGE}"
    too_long = {name: lines for name, lines in sizes.items() if lines > MAX_LINES}
    assert not too_long, f"split these along their jobs (limit {MAX_LINES} lines): {too_long}"
