"""`make bench` on a tiny corpus, so the harness cannot rot: every row is produced (timings are
not asserted: they belong to the machine). The suite rows are skipped here (`--no-suite`, what
`--quick` implies) and stay in the table, saying so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.bench.run import main

pytestmark = pytest.mark.slow  # falgen, mypy, pip and python subprocesses

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ["fal-ai__flux-2.json", "fal-ai__uno.json"]

ROWS = [
    "generate cold: parse (empty cache)",
    "generate cold: generate (fresh output dir)",
    "generate cold: parse + generate",
    "generate no-op: parse + generate",
    "one document changed: parse + generate",
    "make check (falgen check)",
    "import fal_client",
    "import fal_bindings",
    "first use: endpoint + Input + Output (fal-ai/flux-2)",
    "import fal_bindings / import fal_client",
    "first use / import fal_client",
    "import + first use / import fal_client",
    "fal-bindings --help",
    "mypy --strict on the package (cold cache)",
    "generated/ on disk, per endpoint",
    "wheel size",
    "installed size",
    "datamodel-code-generator: models only (2 documents)",
    "falgen: whole package, cold (2 documents)",
    "falgen whole package / datamodel-code-generator",
    "make test",
    "make test-fast",
]


def test_the_bench_produces_every_row_on_a_tiny_corpus(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in DOCUMENTS:
        shutil.copy2(ROOT / "specs" / "sources" / "fal-openapi" / name, sources / name)
    results = tmp_path / "results.json"

    main(["--quick", "--sources", str(sources), "--import-runs", "2", "--json", str(results)])

    report = json.loads(results.read_text(encoding="utf-8"))
    rows = {row["name"]: row for row in report["rows"]}
    assert [row["name"] for row in report["rows"]] == ROWS
    assert report["endpoints"] == len(DOCUMENTS)
    for name in ROWS[:-2]:
        assert rows[name]["runs"] >= 1 and rows[name]["median"] is not None, name
    assert rows["make check (falgen check)"]["note"].startswith("exit 0")
    assert rows["mypy --strict on the package (cold cache)"]["note"].startswith("Success")
    assert rows["import fal_client"]["runs"] == 2
    for name in ("make test", "make test-fast"):
        assert rows[name]["median"] is None and rows[name]["note"] == "skipped: --no-suite"
