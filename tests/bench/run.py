"""`make bench`: the figures of issue 14 item 8 at the real catalogue, in one run.

Run: `python -m tests.bench.run [--quick] [--no-suite] [--root DIR] [--sources DIR] [--json PATH]`.
It measures the project at `--root` (default this checkout: its code, its `.venv`) fed the
documents under `--sources` (default that project's `specs/sources`), so an older checkout of the
project measured on the same documents gives the "before" column. Medians with min-max over a few
runs; ratios come from figures measured side by side in the same run (interleaved). Timings on a
shared 2-core machine are noisy: the table notes the load average, read medians and ratios.
Nothing here asserts a threshold; README.md and tests/bench/RESULTS.md record what a run printed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.pieces import (
    FIRST_USE_ENDPOINT,
    Bench,
    bench_datamodel_codegen,
    bench_generate,
    bench_imports,
    bench_mypy,
    bench_sizes,
    bench_suite,
    format_row,
)

ROOT = Path(__file__).resolve().parents[2]


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="the project checkout to measure (default: this one)")
    parser.add_argument("--sources", type=Path, help="documents to feed it (default: ROOT/specs/sources)")
    parser.add_argument("--runs", type=int, default=5, help="runs of the cheap rows (cold runs and the "
                        "datamodel-code-generator comparison take runs-2)")
    parser.add_argument("--import-runs", type=int, default=7, help="runs of the import, first-use and --help rows")
    parser.add_argument("--documents", type=int, default=100, help="documents for the datamodel-code-generator "
                        "comparison: a fixed sample spread over the sorted list; 0 = all")
    parser.add_argument("--suite", action=argparse.BooleanOptionalAction, default=None,
                        help="time make test and make test-fast (minutes; default on, off with --quick)")
    parser.add_argument("--endpoint", default=FIRST_USE_ENDPOINT, help="the endpoint of the first-use row")
    parser.add_argument("--quick", action="store_true", help="a smoke run: one run per row, at most 5 "
                        "import runs and 10 documents for datamodel-code-generator, no suite")
    parser.add_argument("--json", type=Path, default=ROOT / ".bench" / "results.json", help="where to write the rows")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.import_runs, args.documents = 1, min(args.import_runs, 5), min(args.documents, 10)
    if args.suite is None:
        args.suite = not args.quick
    args.root = args.root.resolve()
    args.sources = (args.sources or args.root / "specs" / "sources").resolve()
    return args


def machine() -> dict[str, object]:
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "load": [round(value, 2) for value in os.getloadavg()],
    }


def revision(root: Path) -> str:
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "?"


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    if not (args.root / ".venv" / "bin" / "falgen").exists():
        raise SystemExit(f"{args.root} has no .venv/bin/falgen: run `make generate` there first")
    work = Path(tempfile.mkdtemp(prefix="falgen-bench-"))
    bench = Bench(root=args.root, sources=args.sources, work=work, runs=args.runs, import_runs=args.import_runs,
                  first_use_endpoint=args.endpoint)
    started, before = time.perf_counter(), machine()
    print(f"bench of {args.root} (git {revision(args.root)}) on {args.sources}; {before['cores']} cores, "
          f"load {before['load']}, {before['date']}", flush=True)
    print(f"{'name':<52} {'median':>10} {'':<4} {'min-max':<19} {'runs':>4}  note", flush=True)
    try:
        bench_generate(bench)
        bench_imports(bench)
        bench_mypy(bench)
        bench_sizes(bench)
        bench_datamodel_codegen(bench, args.documents)
        bench_suite(bench, args.suite, args.json.parent / f"{args.json.stem}-logs")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    after = machine()
    print("\n" + "\n".join(format_row(row) for row in bench.rows))
    result = {
        "root": str(args.root),
        "revision": revision(args.root),
        "sources": str(args.sources),
        "endpoints": bench.endpoints,
        "start": before,
        "end": after,
        "seconds": round(time.perf_counter() - started, 1),
        "rows": [row.as_json() for row in bench.rows],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"results: {args.json} (bench took {result['seconds']:.0f} s; load at the end {after['load']})")


if __name__ == "__main__":
    main()
