"""An independent oracle: datamodel-code-generator's pydantic v2 models of the same schemas.

Every instance the harness put to falgen's models (valid ones and one-keyword mutations) is put
to the oracle's model of the same side, and the two verdicts (accept / reject) are compared per
keyword. The oracle sees the schema the harness judged by (`Input` with open objects closed),
so the deliberate choice is not a disagreement. Its modules are generated in a temporary
directory per run, many schemas per call (it takes seconds per call).
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
import tempfile
import warnings
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from .harness import Run, judged

ROOT_TITLE = "FidelityOracleRoot"
BATCH = 100
VALID = "(valid instances)"
MAX_LISTED = 40


def _generate(sources: Path, target: Path) -> None:
    from datamodel_code_generator import DataModelType, InputFileType, generate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        generate(
            sources,
            input_file_type=InputFileType.JsonSchema,
            output=target,
            output_model_type=DataModelType.PydanticV2BaseModel,
            field_constraints=True,
            strict_nullable=True,
            formatters=[],
            disable_timestamp=True,
            enum_field_as_literal="all",
        )


def _build(jobs: dict[str, dict[str, Any]], workdir: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """Module name -> root model class, and module name -> why it could not be built."""
    roots: dict[str, Any] = {}
    failed: dict[str, str] = {}
    names = sorted(jobs)
    for start in range(0, len(names), BATCH):
        batch = names[start : start + BATCH]
        package = f"fidelity_oracle_{start // BATCH:04d}"
        try:
            _generate_batch({name: jobs[name] for name in batch}, workdir, package)
        except Exception:  # one schema it cannot handle fails the whole call: retry one by one
            for name in batch:
                try:
                    _generate_batch({name: jobs[name]}, workdir, f"{package}_{name}")
                except Exception as exc:
                    failed[name] = f"generate: {type(exc).__name__}: {str(exc)[:120]}"
                    continue
                _import(f"{package}_{name}", [name], roots, failed)
            continue
        _import(package, batch, roots, failed)
    return roots, failed


def _generate_batch(jobs: dict[str, dict[str, Any]], workdir: Path, package: str) -> None:
    sources = workdir / "in" / package
    sources.mkdir(parents=True)
    for name, schema in jobs.items():
        (sources / f"{name}.json").write_text(json.dumps({"title": ROOT_TITLE, **schema}), encoding="utf-8")
    target = workdir / "out" / package
    if len(jobs) == 1:  # a single file generates a module, not a package
        target.mkdir(parents=True)
        (target / "__init__.py").write_text("", encoding="utf-8")
        _generate(sources / f"{next(iter(jobs))}.json", target / f"{next(iter(jobs))}.py")
    else:
        _generate(sources, target)


def _import(package: str, names: list[str], roots: dict[str, Any], failed: dict[str, str]) -> None:
    importlib.invalidate_caches()  # the package was written after the import system last looked
    for name in names:
        try:
            module = importlib.import_module(f"{package}.{name}")
            root = getattr(module, ROOT_TITLE, None) or module.Model
            root.model_rebuild()
            roots[name] = root
        except Exception as exc:
            failed[name] = f"import: {type(exc).__name__}: {str(exc)[:120]}"


def _accepts(root: Any, instance: Any) -> bool | str:
    from pydantic import ValidationError

    try:
        root.model_validate(instance)
    except ValidationError:
        return False
    except Exception as exc:
        return f"crashed: {type(exc).__name__}"
    return True


def compare(run: Run) -> dict[str, Any]:
    jobs: dict[str, dict[str, Any]] = {}
    owners: dict[str, tuple[str, str]] = {}
    for index, result in enumerate(run.results):
        if result.extracted is None or not result.verdicts:
            continue
        for side_name in {v.side for v in result.verdicts}:
            name = f"m{index:05d}_{side_name}"
            jobs[name] = judged(result.extracted.side(side_name)).schema
            owners[name] = (result.endpoint_id, side_name)
    workdir = Path(tempfile.mkdtemp(prefix="falgen-fidelity-oracle-"))
    (workdir / "out").mkdir()
    sys.path.insert(0, str(workdir / "out"))
    try:
        roots, failed = _build(jobs, workdir)
        return _tally(run, roots, failed, owners)
    finally:
        sys.path.remove(str(workdir / "out"))
        shutil.rmtree(workdir, ignore_errors=True)


def _tally(
    run: Run, roots: dict[str, Any], failed: dict[str, str], owners: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    by_keyword: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: {"total": 0, "agree": 0, "falgen_right": 0, "oracle_right": 0})
    )
    disagreements: Counter[tuple[str, str, str, str, str, str]] = Counter()
    crashes = 0
    for index, result in enumerate(run.results):
        for verdict in result.verdicts:
            root = roots.get(f"m{index:05d}_{verdict.side}")
            if root is None:
                continue
            oracle = _accepts(root, verdict.instance)
            crashes += isinstance(oracle, str)
            oracle_accepts = oracle is True
            row = by_keyword[verdict.side][verdict.keyword or VALID]
            row["total"] += 1
            row["agree"] += oracle_accepts == verdict.accepted
            row["falgen_right"] += verdict.accepted == verdict.expect_valid
            row["oracle_right"] += oracle_accepts == verdict.expect_valid
            if oracle_accepts != verdict.accepted:
                oracle_word = "accept" if oracle_accepts else ("reject" if oracle is False else str(oracle))
                key = (
                    result.endpoint_id, verdict.side, verdict.keyword or VALID,
                    "valid" if verdict.expect_valid else "invalid", "accept" if verdict.accepted else "reject",
                    oracle_word,
                )  # fmt: skip
                disagreements[key] += 1
    return {
        "models_built": len(roots),
        "models_failed": [
            {"endpoint": owners[n][0], "side": owners[n][1], "reason": r} for n, r in sorted(failed.items())
        ],
        "crashes": crashes,
        "by_keyword": {side: dict(sorted(rows.items())) for side, rows in sorted(by_keyword.items())},
        "disagreements": sum(disagreements.values()),
        "disagreements_by_place": [
            dict(zip(("endpoint", "side", "keyword", "schema_says", "falgen", "oracle"), key, strict=True), count=n)
            for key, n in sorted(disagreements.items())
        ],
    }


def oracle_text(oracle: dict[str, Any]) -> list[str]:
    from .report import _table

    lines = [
        "",
        "## Oracle: datamodel-code-generator's models of the same schemas",
        "",
        f"models built: {oracle['models_built']}; could not build: {len(oracle['models_failed'])}; "
        f"oracle crashes: {oracle['crashes']}; time: {oracle.get('seconds', '?')} s",
        "",
    ]
    rows = []
    for side, keywords in oracle["by_keyword"].items():
        for keyword, row in keywords.items():
            total = row["total"] or 1
            rows.append(
                [
                    side, keyword, str(row["total"]), f"{100 * row['agree'] / total:.1f}%",
                    f"{100 * row['falgen_right'] / total:.1f}%", f"{100 * row['oracle_right'] / total:.1f}%",
                ]
            )  # fmt: skip
    lines += _table(rows, ["side", "instances of", "n", "agree", "falgen matches schema", "oracle matches schema"])
    places = oracle["disagreements_by_place"]
    lines += ["", f"disagreements: {oracle['disagreements']} instances at {len(places)} endpoint/side/keyword places"]
    wrong = [p for p in places if p["oracle"] != ("accept" if p["schema_says"] == "valid" else "reject")]
    lines += ["", f"where the oracle, not falgen, departs from the schema ({len(wrong)}; all places in --json):"]
    lines += [
        f"- {p['endpoint']} {p['side']} [{p['keyword']}] x{p['count']}: schema says {p['schema_says']}, "
        f"oracle {p['oracle']}, falgen {p['falgen']}"
        for p in wrong[:MAX_LISTED]
    ] or ["none"]
    if oracle["models_failed"]:
        lines += ["", "oracle could not build:"]
        lines += [f"- {f['endpoint']} {f['side']}: {f['reason']}" for f in oracle["models_failed"][:50]]
    return lines
