"""The measurements of `make bench`, each a function of a `Bench` that adds its rows.

A `Bench` measures one project checkout (`root`: its code, its `.venv`, its `specs/overlays`)
fed one source tree (`sources`, default the project's own `specs/sources`), so the same harness
measures the code before and after a change on the same documents (`--root`). Every command runs
in the measured project's virtual environment. Rows that a run does not measure stay in the
table with the reason (`skipped: ...`), so the table always has the same rows.
"""

from __future__ import annotations

import compileall
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

FIRST_USE_ENDPOINT = "fal-ai/flux-2"
SUITE_TIMEOUT = 45 * 60
MYPY_TIMEOUT = 30 * 60


@dataclass
class Row:
    name: str
    samples: list[float]
    unit: str = "s"
    note: str = ""

    def as_json(self) -> dict[str, object]:
        measured = bool(self.samples)
        return {
            "name": self.name,
            "median": statistics.median(self.samples) if measured else None,
            "min": min(self.samples) if measured else None,
            "max": max(self.samples) if measured else None,
            "runs": len(self.samples),
            "unit": self.unit,
            "note": self.note,
        }


@dataclass
class Run:
    seconds: float
    returncode: int
    output: str


@dataclass
class Bench:
    root: Path
    sources: Path
    work: Path
    runs: int
    import_runs: int
    rows: list[Row] = field(default_factory=list)
    first_use_endpoint: str = FIRST_USE_ENDPOINT
    endpoints: int = 0

    @property
    def python(self) -> str:
        return str(self.root / ".venv" / "bin" / "python")

    def falgen(self, *args: str) -> list[str]:
        return [str(self.root / ".venv" / "bin" / "falgen"), *args]

    @property
    def specs(self) -> Path:
        return self.work / "specs"

    @property
    def package(self) -> Path:
        """The package the cold run generated from `sources`: what the later rows measure."""
        return self.work / "generated"

    def add(self, name: str, samples: list[float], unit: str = "s", note: str = "") -> Row:
        row = Row(name, samples, unit, note)
        self.rows.append(row)
        print(format_row(row), flush=True)
        return row

    def skip(self, name: str, unit: str, why: str) -> Row:
        return self.add(name, [], unit, f"skipped: {why}")

    def ratio(self, name: str, numerator: list[float], denominator: list[float], note: str = "") -> Row:
        """median/median; min-max from the pairs measured side by side (interleaved)."""
        pairs = [a / b for a, b in zip(numerator, denominator, strict=True)]
        median = statistics.median(numerator) / statistics.median(denominator)
        return self.add(name, pairs, "x", f"median/median {median:.3f}" + (f"; {note}" if note else ""))

    def run(self, command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
            unset: tuple[str, ...] = (), timeout: float | None = None) -> Run:
        environment = {key: value for key, value in os.environ.items() if key not in unset}
        environment.update(env or {})
        started = time.perf_counter()
        done = subprocess.run(command, cwd=cwd or self.root, env=environment, capture_output=True, text=True,
                              timeout=timeout, check=False)
        result = Run(time.perf_counter() - started, done.returncode, done.stdout + done.stderr)
        if "Traceback (most recent call last)" in result.output and command[1:3] != ["-m", "pytest"]:
            raise RuntimeError(f"{' '.join(command)} crashed (exit {done.returncode}):\n{result.output[-3000:]}")
        return result


def format_row(row: Row) -> str:
    data = row.as_json()
    scale, unit = (1000.0, "ms") if row.unit == "ms" else (1.0, row.unit)
    if data["median"] is None:
        figures = f"{'-':>10} {'':<4} {'':<19}"
    else:
        low, high = float(data["min"]) * scale, float(data["max"]) * scale  # type: ignore[arg-type]
        figures = f"{float(data['median']) * scale:10.3f} {unit:<4} {f'{low:.3f}-{high:.3f}':<19}"  # type: ignore[arg-type]
    return f"{row.name:<52} {figures} {len(row.samples):>4}  {row.note}"


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def exit_note(run: Run) -> str:
    """`exit N` and the parse summary's error counts, when a command did not exit 0."""
    if run.returncode == 0:
        return ""
    errors = re.findall(r"error:[\w-]+=\d+", run.output)
    return f"exit {run.returncode}" + (f" ({', '.join(errors)})" if errors else "")


# -- make generate: cold, no-op, one document changed; make check ---------------------------


def bench_generate(bench: Bench) -> None:
    sources, cache = bench.work / "sources", bench.work / "cache"
    report = bench.work  # beside specs/, where falgen check looks for the diagnostics report
    shutil.copytree(bench.sources, sources)
    env = {"FALGEN_CACHE": str(cache)}
    parse = bench.falgen("parse", "-q", str(sources), "--out", str(bench.specs), "--report", str(report))
    generate = bench.falgen("generate", "--specs", str(bench.specs), "--out", str(bench.package))

    parse_cold: list[float] = []
    generate_cold: list[float] = []
    notes: set[str] = set()
    for _ in range(max(bench.runs - 2, 1)):
        for path in (cache, bench.specs, bench.package):
            shutil.rmtree(path, ignore_errors=True)
        parsed = bench.run(parse, env=env)
        if not bench.specs.is_dir():
            raise RuntimeError(f"falgen parse wrote no specs:\n{parsed.output[-3000:]}")
        generated = bench.run(generate, env=env)
        if generated.returncode != 0:
            raise RuntimeError(f"falgen generate failed:\n{generated.output[-3000:]}")
        parse_cold.append(parsed.seconds)
        generate_cold.append(generated.seconds)
        notes.add(exit_note(parsed))
    endpoints = bench.endpoints = len(list(bench.specs.glob("*.json")))
    parse_note = "; ".join(sorted(note for note in notes if note)) or "exit 0"
    bench.add("generate cold: parse (empty cache)", parse_cold, note=f"{endpoints} endpoints; {parse_note}; {load()}")
    bench.add("generate cold: generate (fresh output dir)", generate_cold, note=load())
    bench.add("generate cold: parse + generate", [a + b for a, b in zip(parse_cold, generate_cold, strict=True)])

    bench.add("generate no-op: parse + generate",
              [bench.run(parse, env=env).seconds + bench.run(generate, env=env).seconds for _ in range(bench.runs)],
              note=load())

    document = changed_document(sources)
    original = document.read_text(encoding="utf-8")
    samples = []
    for index in range(bench.runs):
        document.write_text(edit_description(original, index), encoding="utf-8")
        samples.append(bench.run(parse, env=env).seconds + bench.run(generate, env=env).seconds)
    document.write_text(original, encoding="utf-8")
    bench.run(parse, env=env), bench.run(generate, env=env)  # the output matches the sources again
    bench.add("one document changed: parse + generate", samples,
              note=f"{document.relative_to(sources)}: description edited; {load()}")

    check = bench.falgen("check", "--sources", str(sources), "--specs", str(bench.specs),
                         "--generated", str(bench.package))
    checks = [bench.run(check, env=env) for _ in range(max(bench.runs - 2, 1))]
    bench.add("make check (falgen check)", [run.seconds for run in checks],
              note="; ".join(sorted({exit_note(run) or "exit 0" for run in checks})) + f"; {load()}")


def changed_document(sources: Path) -> Path:
    """The flux-2 document when the sources have it, else the first document (sorted)."""
    documents = sorted(sources.rglob("*.json"))
    if not documents:
        raise RuntimeError(f"no OpenAPI document (*.json) under {sources}")
    preferred = [path for path in documents if path.name == "fal-ai__flux-2.json"]
    return (preferred or documents)[0]


def edit_description(text: str, index: int) -> str:
    """The document with its first description prefixed by a mark that differs per run."""
    marker = '"description": "'
    at = text.find(marker)
    if at < 0:
        raise RuntimeError("the changed document has no description to edit")
    at += len(marker)
    return f"{text[:at]}(bench edit {index}) {text[at:]}"


# -- the package: imports, first use, --help, mypy, sizes ------------------------------------


def bench_imports(bench: Bench) -> None:
    """`import fal_bindings` and first use as ratios to `import fal_client`, byte-compiled."""
    compileall.compile_dir(str(bench.package / "fal_bindings"), quiet=1, workers=1)
    env = {"PYTHONPATH": str(bench.package)}
    unset = ("PYTHONDONTWRITEBYTECODE",)
    endpoint_id = bench.first_use_endpoint
    ids = json.loads(bench.run([bench.python, "-c", "import json, fal_bindings; print(json.dumps(list(fal_bindings.ENDPOINT_IDS)))"],
                               cwd=Path("/"), env=env, unset=unset).output)
    if endpoint_id not in ids:
        endpoint_id = sorted(ids)[0]
    examples = bench.run([bench.python, "-c", (
        "import json; from fal_bindings.testing import example_input, example_output;"
        f"print(json.dumps([example_input({endpoint_id!r}), example_output({endpoint_id!r})]))")],
        cwd=Path("/"), env=env, unset=unset)
    if examples.returncode != 0:
        raise RuntimeError(f"no examples for {endpoint_id}:\n{examples.output[-2000:]}")
    client_probe = "import time; t = time.perf_counter(); import fal_client; print(time.perf_counter() - t)"
    bindings_probe = (
        "import json, sys, time; examples = json.loads(sys.argv[1]); t0 = time.perf_counter(); import fal_bindings;"
        f"t1 = time.perf_counter(); e = fal_bindings.endpoint({endpoint_id!r}); e.input_model.model_validate(examples[0]);"
        "e.output_model.model_validate(examples[1]); print(t1 - t0, time.perf_counter() - t1)"
    )
    client: list[float] = []
    imported: list[float] = []
    first_use: list[float] = []
    for _ in range(bench.import_runs):  # interleaved: both see the same machine load
        probe = bench.run([bench.python, "-c", client_probe], cwd=Path("/"), env=env, unset=unset)
        client.append(float(probe.output.split()[0]))
        probe = bench.run([bench.python, "-c", bindings_probe, examples.output.strip()], cwd=Path("/"), env=env, unset=unset)
        first, second = (float(value) for value in probe.output.split()[:2])
        imported.append(first)
        first_use.append(second)
    bench.add("import fal_client", client, "ms", note=f"byte-compiled; {load()}")
    bench.add("import fal_bindings", imported, "ms")
    bench.add(f"first use: endpoint + Input + Output ({endpoint_id})", first_use, "ms",
              note="after import fal_bindings; models built and validated")
    bench.ratio("import fal_bindings / import fal_client", imported, client)
    bench.ratio("first use / import fal_client", first_use, client)
    bench.ratio("import + first use / import fal_client", [a + b for a, b in zip(imported, first_use, strict=True)], client)
    help_runs = [bench.run([bench.python, "-m", "fal_bindings", "--help"], cwd=Path("/"), env=env, unset=unset)
                 for _ in range(bench.import_runs)]
    bench.add("fal-bindings --help", [run.seconds for run in help_runs], "ms",
              note="; ".join(sorted({exit_note(run) or "exit 0" for run in help_runs})))


def bench_mypy(bench: Bench) -> None:
    command = [bench.python, "-m", "mypy", "--strict", "--config-file", os.devnull, "--python-version", "3.10",
               "--cache-dir", str(bench.work / "mypy-cache"), "fal_bindings"]
    done = bench.run(command, cwd=bench.package, timeout=MYPY_TIMEOUT)
    summary = [line for line in done.output.splitlines() if line.startswith(("Found ", "Success"))]
    bench.add("mypy --strict on the package (cold cache)", [done.seconds],
              note=(summary[-1] if summary else exit_note(done)) + f"; {load()}")


def bench_sizes(bench: Bench) -> None:
    endpoints = len(list(bench.specs.glob("*.json")))
    tree = tree_size(bench.package)
    bench.add("generated/ on disk, per endpoint", [tree / endpoints / 1000], "KB",
              note=f"{tree / 1e6:.1f} MB for {endpoints} endpoints")
    build = bench.work / "build-copy"
    shutil.copytree(bench.package, build)  # pip writes build/ and egg-info/ next to the sources
    wheels = bench.work / "wheel"
    done = bench.run([bench.python, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(build)], timeout=1200)
    built = sorted(wheels.glob("*.whl"))
    if done.returncode != 0 or not built:
        raise RuntimeError(f"pip wheel failed:\n{done.output[-3000:]}")
    bench.add("wheel size", [built[0].stat().st_size / 1e6], "MB", note="pip wheel --no-deps")
    target = bench.work / "installed"
    done = bench.run([bench.python, "-m", "pip", "install", "-q", "--no-deps", "--no-compile", "--target", str(target),
                      str(built[0])], timeout=1200)
    if done.returncode != 0:
        raise RuntimeError(f"pip install of the wheel failed:\n{done.output[-3000:]}")
    bench.add("installed size", [tree_size(target) / 1e6], "MB", note="pip install --no-compile of the wheel")


def tree_size(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file() and "__pycache__" not in path.parts)


# -- datamodel-code-generator, models only, vs falgen's whole package ------------------------

DATAMODEL_CODEGEN = """
import sys, warnings
from pathlib import Path
from datamodel_code_generator import DataModelType, InputFileType, generate
out, failed = Path(sys.argv[1]), 0
out.mkdir(parents=True, exist_ok=True)
for index, document in enumerate(sorted(Path(sys.argv[2]).glob("*.json"))):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            generate(document, input_file_type=InputFileType.OpenAPI, output=out / f"m{index:05d}.py",
                     output_model_type=DataModelType.PydanticV2BaseModel, disable_timestamp=True)
    except Exception:
        failed += 1
print(failed)
"""


def sample_documents(sources: Path, count: int) -> list[Path]:
    """`count` documents spread evenly over the sorted list (all of them when count is 0)."""
    documents = sorted(sources.rglob("*.json"))
    if count <= 0 or count >= len(documents):
        return documents
    return [documents[index * len(documents) // count] for index in range(count)]


def bench_datamodel_codegen(bench: Bench, count: int) -> None:
    documents = sample_documents(bench.sources, count)
    sample = bench.work / "sample"
    sample.mkdir()
    for document in documents:
        shutil.copy2(document, sample / document.name)
    python = bench.python
    if bench.run([python, "-c", "import datamodel_code_generator"]).returncode != 0:
        python = sys.executable  # the measured project predates the dependency: the harness's own
    out, specs, cache = bench.work / "sample-out", bench.work / "sample-specs", bench.work / "sample-cache"
    env = {"FALGEN_CACHE": str(cache)}
    theirs: list[float] = []
    ours: list[float] = []
    failures = set()
    for _ in range(max(bench.runs - 2, 1)):  # interleaved: both see the same machine load
        for path in (out, specs, cache, bench.work / "dcg-out"):
            shutil.rmtree(path, ignore_errors=True)
        done = bench.run([python, "-c", DATAMODEL_CODEGEN, str(bench.work / "dcg-out"), str(sample)])
        theirs.append(done.seconds)
        failures.add(done.output.strip().splitlines()[-1] if done.output.strip() else "?")
        parsed = bench.run(bench.falgen("parse", "-q", str(sample), "--out", str(specs), "--report", str(bench.work / "sample-report")), env=env)
        generated = bench.run(bench.falgen("generate", "--specs", str(specs), "--out", str(out)), env=env)
        if generated.returncode != 0:
            raise RuntimeError(f"falgen generate (sample) failed:\n{generated.output[-3000:]}")
        ours.append(parsed.seconds + generated.seconds)
    which = "all" if len(documents) == len(sorted(bench.sources.rglob("*.json"))) else "a fixed sample of"
    bench.add(f"datamodel-code-generator: models only ({len(documents)} documents)", theirs,
              note=f"{which} {len(documents)} documents, one process; {'/'.join(sorted(failures))} failed; {load()}")
    bench.add(f"falgen: whole package, cold ({len(documents)} documents)", ours, note="parse + generate, empty cache")
    bench.ratio("falgen whole package / datamodel-code-generator", ours, theirs)


# -- the test suite ---------------------------------------------------------------------------


def bench_suite(bench: Bench, enabled: bool, logs: Path) -> None:
    """One run each; the whole output goes to `logs/make-<target>.log` (failures are findings)."""
    for target in ("test", "test-fast"):
        name = f"make {target}"
        if not enabled:
            bench.skip(name, "s", "--no-suite")
            continue
        try:
            done = bench.run(["make", "-C", str(bench.root), target], timeout=SUITE_TIMEOUT)
        except subprocess.TimeoutExpired:
            bench.add(name, [float(SUITE_TIMEOUT)], note=f"stopped at the {SUITE_TIMEOUT // 60} min limit; {load()}")
            continue
        logs.mkdir(parents=True, exist_ok=True)
        (logs / f"make-{target}.log").write_text(done.output, encoding="utf-8")
        results = [line.strip("= ") for line in done.output.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
        bench.add(name, [done.seconds], note=f"{results[-1] if results else exit_note(done)}; {load()}")
