"""`make bench`: every figure of the benchmark issue, medians with min-max, ratios measured
side by side in the same run. Run: `python -m tests.bench.run [--endpoints N] [--quick]`.

Timings on a shared 2-core machine are noisy: read medians and ratios, never single runs.
Nothing here asserts a threshold; the README table records what a run printed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench.corpus import make_corpus

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RESULTS: list[dict[str, object]] = []


def record(name: str, samples: list[float], unit: str = "s", goal: str = "", note: str = "") -> dict[str, object]:
    row = {
        "name": name,
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
        "unit": unit,
        "goal": goal,
        "note": note,
    }
    RESULTS.append(row)
    scale = 1000.0 if unit == "ms" else 1.0
    print(
        f"{name:<58} {row['median'] * scale:9.3f} {unit:<3} ({min(samples) * scale:.3f}-{max(samples) * scale:.3f}, n={len(samples)})"  # type: ignore[operator]
        + (f"  goal {goal}" if goal else "")
        + (f"  {note}" if note else ""),
        flush=True,
    )
    return row


def ratio(name: str, numerator: list[float], denominator: list[float], goal: str = "") -> None:
    value = statistics.median(numerator) / statistics.median(denominator)
    RESULTS.append({"name": name, "ratio": value, "goal": goal})
    print(f"{name:<58} {value:9.3f} x" + (f"  goal {goal}" if goal else ""), flush=True)


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def peak_rss_mib(command: list[str], env: dict[str, str]) -> float:
    """Max resident set size of `command` (its own process, in MiB)."""
    probe = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=False, capture_output=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", probe, *command], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
    return int(done.stdout.strip()) / 1024


def repeat(times: int, action: Callable[[], float]) -> list[float]:
    return [action() for _ in range(times)]


def falgen(*args: str) -> list[str]:
    return [str(BIN / "falgen"), *args]


# -- corpus (the committed seeds) -----------------------------------------------------------


def bench_corpus(work: Path, runs: int) -> None:
    from generator.docs.parse import parse

    pages = parse([ROOT / "specs/sources"]).pages
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        parse([ROOT / "specs/sources"])
        samples.append(time.perf_counter() - started)
    record("parse: corpus (in process)", samples, "ms", note=f"{pages} pages")
    record("parse: per page", [s / pages for s in samples], "ms")

    sources, specs, out, cache = work / "c-sources", work / "c-specs", work / "c-generated", work / "c-cache"
    shutil.copytree(ROOT / "specs/sources", sources)
    env = {"FALGEN_CACHE": str(cache)}
    parse_args = falgen("parse", "-q", str(sources), "--out", str(specs), "--report", str(work))
    generate_args = falgen("generate", "--specs", str(specs), "--out", str(out))

    def cold() -> float:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        return timed(parse_args, env) + timed(generate_args, env)

    record("corpus: generate cold (parse+render, empty cache)", repeat(max(runs // 2, 2), cold), goal="< 3 s")
    record("corpus: generate no-op", repeat(runs, lambda: timed(parse_args, env) + timed(generate_args, env)), goal="< 1 s")
    page = sources / "004_2be51de54c4158be.txt"
    parse_samples, generate_samples = one_page_changed(page, parse_args, generate_args, env, runs)
    record("corpus: one page changed (parse+render)", [a + b for a, b in zip(parse_samples, generate_samples, strict=True)])
    record("corpus: make check (falgen check)", repeat(runs, lambda: timed(falgen("check"), env)), goal="< 3 s")


def one_page_changed(page: Path, parse_args: list[str], generate_args: list[str], env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Flip one default value on one page, then parse and generate: (parse, generate) samples."""
    original = page.read_text(encoding="utf-8")
    parse_samples: list[float] = []
    generate_samples: list[float] = []
    try:
        for _ in range(runs):
            text = page.read_text(encoding="utf-8")
            if "Default value: 28" in text:
                changed = text.replace("Default value: 28", "Default value: 29", 1)
            else:
                changed = text.replace("Default value: 29", "Default value: 28", 1)
            assert changed != text, f"{page} has no default value to flip"
            page.write_text(changed, encoding="utf-8")
            parse_samples.append(timed(parse_args, env))
            generate_samples.append(timed(generate_args, env))
    finally:
        page.write_text(original, encoding="utf-8")
    return parse_samples, generate_samples


# -- scale (synthetic catalogue) -------------------------------------------------------------


def bench_scale(work: Path, endpoints: int, runs: int) -> Path:
    sources, specs, out, cache = work / "s-sources", work / "s-specs", work / "s-generated", work / "s-cache"
    ids = make_corpus(sources, endpoints)
    env = {"FALGEN_CACHE": str(cache)}
    parse_args = falgen("parse", "-q", str(sources), "--out", str(specs), "--report", str(work / "s-report"))
    generate_args = falgen("generate", "--specs", str(specs), "--out", str(out))
    parse_cold, generate_cold = timed(parse_args, env), timed(generate_args, env)
    record(f"scale {endpoints}: parse cold (empty cache)", [parse_cold])
    record(f"scale {endpoints}: generate cold (empty cache)", [generate_cold])
    record(f"scale {endpoints}: cold total (parse + generate)", [parse_cold + generate_cold], goal="< 35 s")
    record(f"scale {endpoints}: no-op (parse + generate)", repeat(runs, lambda: timed(parse_args, env) + timed(generate_args, env)), goal="< 2 s")
    page = sorted(sources.glob("*.txt"))[0]
    parse_samples, generate_samples = one_page_changed(page, parse_args, generate_args, env, runs)
    record(f"scale {endpoints}: one page changed: parse", parse_samples)
    record(f"scale {endpoints}: one page changed: generate", generate_samples)
    total = [a + b for a, b in zip(parse_samples, generate_samples, strict=True)]
    record(f"scale {endpoints}: one page changed (parse + generate)", total, goal="< 3 s")
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    peaks = [peak_rss_mib(parse_args, env), peak_rss_mib(generate_args, env)]
    record(f"scale {endpoints}: peak memory, cold parse / generate (max)", [max(peaks)], "MiB", goal="< 1024 MiB", note=f"parse {peaks[0]:.0f}, generate {peaks[1]:.0f}")
    (work / "s-ids.json").write_text(json.dumps(ids))
    return out


def bench_imports(generated: Path, endpoint_id: str, runs: int) -> None:
    compileall.compile_dir(str(generated), quiet=1)
    env = {"PYTHONPATH": str(generated), "PYTHONDONTWRITEBYTECODE": ""}
    probe = "import time, sys; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"

    def child(code: str, *args: str) -> list[float]:
        done = subprocess.run([sys.executable, "-c", code, *args], env={**os.environ, **env}, capture_output=True, text=True, cwd="/")
        if done.returncode != 0:
            raise RuntimeError(f"benchmark child failed:\n{done.stderr}")
        return [float(x) for x in done.stdout.split()]

    def import_time(module: str) -> float:
        return child(probe.format(module=module))[0]

    fal_client = [import_time("fal_client") for _ in range(runs)]
    bindings = [import_time("fal_bindings") for _ in range(runs)]
    record("import fal_client", fal_client, "ms")
    record("import fal_bindings (synthetic catalogue)", bindings, "ms")
    ratio("import fal_bindings / import fal_client", bindings, fal_client, goal="<= 1.3x")

    # First use of one endpoint: `endpoint(id)` + `Input.model_validate(example)`, timed in a fresh
    # byte-compiled process after `import fal_bindings`. The example is made here and passed as
    # JSON: `fal_bindings.testing` imports jsonschema and much of the stdlib pydantic needs, which
    # would hide part of pydantic's import. Split, all samples interleaved in one loop:
    #   pydantic import:  `from pydantic import BaseModel, ConfigDict, Field` in a bare process;
    #   pydantic first model build:  the first validator pydantic builds in a process discovers
    #     plugins (imports importlib.metadata, scans entry points), whatever the model;
    #   (a)  pydantic imported, no model built yet: what a pydantic-importing process pays;
    #   (a') pydantic imported and one model built: the cost of the generated code alone
    #        (endpoint and runtime modules, Input schema build, validation);
    #   (b)  pydantic not imported: what a process that never imported pydantic pays.
    make_example = f"import json; from fal_bindings.testing import example_input; print(json.dumps(example_input({endpoint_id!r})))"
    example = subprocess.run([sys.executable, "-c", make_example], env={**os.environ, **env}, capture_output=True, text=True, cwd="/", check=True).stdout.strip()
    use = f"t = time.perf_counter(); e = fal_bindings.endpoint({endpoint_id!r}); e.input_model.model_validate(ex); print(time.perf_counter() - t)"
    head = "import json, sys, time, fal_bindings; ex = json.loads(sys.argv[1]);"
    pydantic_import = "from pydantic import BaseModel, ConfigDict, Field"
    warm = "\nclass _Warm(BaseModel):\n    x: int = 0\n_Warm.model_validate({})\n"
    bare = (
        f"import time; t = time.perf_counter(); {pydantic_import}; t1 = time.perf_counter(){warm}"
        "print(t1 - t, time.perf_counter() - t1)"
    )
    samples: dict[str, list[float]] = {"pydantic": [], "build": [], "a": [], "a_warm": [], "b": []}
    for _ in range(runs):
        imported, built = child(bare)
        samples["pydantic"].append(imported)
        samples["build"].append(built)
        samples["a"] += child(f"{head} {pydantic_import}\n{use}", example)
        samples["a_warm"] += child(f"{head} {pydantic_import}{warm}{use}", example)
        samples["b"] += child(f"{head}\n{use}", example)
    record("pydantic import (BaseModel, ConfigDict, Field)", samples["pydantic"], "ms")
    record("pydantic first model build (plugin discovery)", samples["build"], "ms")
    record("first use (a): pydantic imported", samples["a"], "ms", goal="< 50 ms")
    record("first use (a'): pydantic imported, warm (generated code)", samples["a_warm"], "ms")
    record("first use (b): pydantic not imported", samples["b"], "ms", note="(pydantic's own import included)")
    ratio("first use (a) / import fal_client", samples["a"], fal_client)
    ratio("first use (b) / import fal_client", samples["b"], fal_client)
    for command, label in ((["--help"], "--help"), (["list"], "list")):
        samples_cli = [timed([sys.executable, "-m", "fal_bindings", *command], env, cwd=Path("/")) for _ in range(runs)]
        record(f"fal-bindings {label} (synthetic catalogue)", samples_cli, "ms", goal="< 300 ms" if label == "--help" else "")


def bench_subscribe(calls: int) -> None:
    import fal_bindings
    import fal_client
    from fal_bindings.testing import emulator, example_input

    endpoint_id = "fal-ai/imagen4/preview"
    arguments = example_input(endpoint_id)
    binding = fal_bindings.endpoint(endpoint_id)
    with emulator():
        client = fal_client.SyncClient()
        typed = binding.with_options(client=client)
        model = binding.input_model.model_validate(arguments)
        for _ in range(20):  # warm up both paths (TLS, pydantic schema build)
            client.subscribe(endpoint_id, arguments)
            typed.subscribe(model)
        raw_samples, typed_samples = [], []
        for _ in range(calls):
            started = time.perf_counter()
            client.subscribe(endpoint_id, arguments)
            raw_samples.append(time.perf_counter() - started)
            started = time.perf_counter()
            typed.subscribe(**arguments)
            typed_samples.append(time.perf_counter() - started)
    record("raw fal_client.subscribe against the emulator", raw_samples, "ms")
    record("typed subscribe (validation + serialisation + parsing)", typed_samples, "ms")
    ratio("typed subscribe / raw subscribe", typed_samples, raw_samples, goal="<= 1.10x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoints", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="fewer runs, 200 endpoints")
    parser.add_argument("--out", type=Path, default=ROOT / ".bench" / "results.json")
    args = parser.parse_args()
    if args.quick:
        args.endpoints, args.runs = 200, 3
    work = Path(tempfile.mkdtemp(prefix="falgen-bench-"))
    started = time.perf_counter()
    try:
        print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; work dir {work}", flush=True)
        bench_corpus(work, args.runs)
        generated = bench_scale(work, args.endpoints, args.runs)
        ids = json.loads((work / "s-ids.json").read_text())
        bench_imports(generated, ids[len(ids) // 2], max(args.runs * 2, 5))
        bench_subscribe(200 if not args.quick else 50)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(RESULTS, indent=1) + "\n")
    print(f"results: {args.out} (bench took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
