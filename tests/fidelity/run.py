"""`python -m tests.fidelity.run [DOCS ...]`: the fidelity harness over fal OpenAPI documents.

DOCS are documents or directories of them (default `specs/sources/fal-openapi`). The models come
from the importable `fal_bindings`; `--build-from DIR` first builds a package from the documents
in DIR (`falgen parse --no-overlays` then `falgen generate`, in a temporary directory) and runs
the harness in a fresh interpreter with that package first on `PYTHONPATH`.

Exit status: 0 when the report was written (whatever the rates: the tables are the result), 2 on
usage errors or a failed build.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DOCS = PROJECT_ROOT / "specs" / "sources" / "fal-openapi"


def stable_sample(paths: list[Path], count: int) -> list[Path]:
    """`count` documents chosen by a hash of their file name: the same files on every run and
    machine, spread over the catalogue, and adding documents moves few choices."""
    ranked = sorted(paths, key=lambda p: hashlib.sha256(p.stem.encode()).hexdigest())
    return sorted(ranked[:count])


def collect(inputs: list[Path]) -> list[Path]:
    from .harness import documents

    found: list[Path] = []
    for item in inputs:
        if item.is_dir():
            found.extend(documents(item))
        elif item.is_file():
            found.append(item)
        else:
            print(f"fidelity: no such document or directory: {item}", file=sys.stderr)
            raise SystemExit(2)
    return found


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tests.fidelity.run", description=__doc__.split("\n\n")[0])
    p.add_argument("docs", nargs="*", type=Path, help=f"documents or directories (default {DEFAULT_DOCS})")
    p.add_argument("-n", "--per-endpoint", type=int, default=10, help="valid instances drawn per side (default 10)")
    p.add_argument("--sample", type=int, default=0, help="only this many documents, chosen by a stable hash")
    p.add_argument("--json", type=Path, help="also write the full report as JSON here")
    p.add_argument("--text", type=Path, help="also write the text report here")
    p.add_argument("--oracle", action="store_true", help="compare with datamodel-code-generator's models")
    p.add_argument(
        "--build-from", type=Path, metavar="DIR", action="append",
        help="build fal_bindings from the documents in DIR first (repeatable; DOCS default to these)",
    )  # fmt: skip
    p.add_argument("--build-dir", type=Path, help="where --build-from builds (default: a temporary directory)")
    p.add_argument("--max-failures", type=int, default=200, help="failing locations listed in the text")
    p.add_argument("--draw-timeout", type=float, default=60.0, help="seconds allowed to draw one schema")
    p.add_argument("--expect-package", type=Path, help=argparse.SUPPRESS)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.build_from is not None:
        return build_and_rerun(args, list(sys.argv[1:] if argv is None else argv))
    docs = collect(args.docs or [DEFAULT_DOCS])
    if args.sample:
        docs = stable_sample(docs, args.sample)
    if not docs:
        print("fidelity: no documents to check", file=sys.stderr)
        return 2

    import fal_bindings

    if args.expect_package and not Path(fal_bindings.__file__).resolve().is_relative_to(args.expect_package.resolve()):
        print(
            f"fidelity: imported {fal_bindings.__file__}, expected the build in {args.expect_package}", file=sys.stderr
        )
        return 2
    from . import harness, report

    def progress(number: int, total: int, result: harness.EndpointResult) -> None:
        if not args.quiet:
            print(f"[{number}/{total}] {result.endpoint_id} {result.seconds:.2f}s", file=sys.stderr, flush=True)

    outcome = harness.run(docs, per_endpoint=args.per_endpoint, draw_timeout=args.draw_timeout, progress=progress)
    if args.oracle:
        from . import oracle

        started = time.perf_counter()
        outcome.oracle = oracle.compare(outcome)
        outcome.oracle["seconds"] = round(time.perf_counter() - started, 1)
    text = report.to_text(outcome, max_failures=args.max_failures)
    sys.stdout.write(text)
    if args.text:
        args.text.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(report.to_json(outcome), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


def _without_build_options(argv: list[str]) -> list[str]:
    out, skip = [], False
    for item in argv:
        if skip:
            skip = False
            continue
        if item in ("--build-from", "--build-dir"):
            skip = True
            continue
        if item.startswith(("--build-from=", "--build-dir=")):
            continue
        out.append(item)
    return out


def build_and_rerun(args: argparse.Namespace, argv: list[str]) -> int:
    """Parse + generate the documents of each `--build-from` into one package, then run this command
    again in a fresh interpreter that imports that package."""
    sources = [source.resolve() for source in args.build_from]
    for source in sources:
        if not source.is_dir():
            print(f"fidelity: --build-from {source}: not a directory", file=sys.stderr)
            return 2
    workdir = Path(tempfile.mkdtemp(prefix="falgen-fidelity-")) if args.build_dir is None else args.build_dir.resolve()
    try:
        package = build(sources, workdir, quiet=args.quiet)
        if package is None:
            return 2
        rest = _without_build_options(argv)
        if not args.docs:
            rest.extend(str(source) for source in sources)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package), str(PROJECT_ROOT)])}
        command = [sys.executable, "-m", "tests.fidelity.run", "--expect-package", str(package), *rest]
        return subprocess.run(command, env=env, cwd=PROJECT_ROOT, check=False).returncode
    finally:
        if args.build_dir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def build(sources: list[Path], workdir: Path, *, quiet: bool = False) -> Path | None:
    """`falgen parse --no-overlays` + `falgen generate` into `workdir`; the package dir or None.
    `parse` exits 1 when documents have errors (fal's dangling `$ref`s) but still writes specs
    for what it parsed: the build goes on when it wrote any."""
    falgen = [sys.executable, "-c", "import sys; from generator.cli import main; sys.exit(main())"]
    specs, package = workdir / "specs" / "openapi", workdir / "pkg"
    env = {**os.environ, "FALGEN_CACHE": str(workdir / "cache")}  # the project's cache stays untouched
    started = time.perf_counter()
    parse = subprocess.run(
        [*falgen, "parse", *map(str, sources), "--out", str(specs), "--no-overlays", "-q"],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if parse.returncode not in (0, 1) or not specs.is_dir() or not any(specs.iterdir()):
        print(f"fidelity: falgen parse failed ({parse.returncode}):\n{parse.stdout}{parse.stderr}", file=sys.stderr)
        return None
    generate = subprocess.run(
        [*falgen, "generate", "--specs", str(specs), "--out", str(package)],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if generate.returncode != 0:
        print(f"fidelity: falgen generate failed:\n{generate.stdout}{generate.stderr}", file=sys.stderr)
        return None
    if not quiet:
        summary = (parse.stdout.strip().splitlines() or [""])[-1]
        print(f"built {package} in {time.perf_counter() - started:.1f}s ({summary})", file=sys.stderr)
    return package


if __name__ == "__main__":
    sys.exit(main())
