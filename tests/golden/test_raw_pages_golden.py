"""The raw doc-page parse (pages alone, no overlays) is pinned: a digest of every spec and of the
diagnostics report it writes for the tests' seed pages. Work on other sources (fal's documents,
merging the two) must leave it as it is; a deliberate change to the page front-end updates it with
`UPDATE_GOLDEN=1` (`make golden`), and the diff names the specs that moved.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from generator.docs.diagnostics_report import summary, write_report
from generator.docs.parse import ParseRun
from tests.docs._support import SEED_PAGES, in_root

EXPECTED = Path(__file__).resolve().parent / "raw-pages" / "digests.json"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_golden_raw_page_parse_is_unchanged(tmp_path: Path) -> None:
    with in_root():
        run = ParseRun([Path(SEED_PAGES)], None)
        documents = run.documents()
        write_report(summary(run.result()), run.sorted_diagnostics(), tmp_path)
    digests = {name: _digest(data) for name, data in sorted(documents.items())}
    for report in ("diagnostics.json", "diagnostics.md"):
        digests[report] = _digest((tmp_path / report).read_bytes())
    if os.environ.get("UPDATE_GOLDEN") == "1":
        EXPECTED.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    changed = sorted(name for name in expected.keys() | digests.keys() if expected.get(name) != digests.get(name))
    assert not changed, f"the raw page parse changed for: {changed}"
