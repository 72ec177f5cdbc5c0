"""The fidelity report: per-keyword tables, overall rates, failures; as text and as JSON."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from .harness import CHECKS, Run
from .schemas import SIDES

TITLES = {"accept": "valid accepted", "round-trip": "round-tripped", "reject": "invalid rejected"}


def overall(run: Run) -> dict[str, dict[str, list[int]]]:
    """Per side: [passed, total] for valid accepted, accepted round-tripped, invalid rejected."""
    counts: Counter[str] = Counter()
    for result in run.results:
        counts.update(result.instances)
    return {
        side: {
            "accept": [counts[f"{side}:accepted"], counts[f"{side}:valid"]],
            "round-trip": [counts[f"{side}:round-tripped"], counts[f"{side}:accepted"]],
            "reject": [counts[f"{side}:rejected"], counts[f"{side}:invalid"]],
        }
        for side in SIDES
    }


def to_json(run: Run) -> dict[str, Any]:
    return {
        "package": run.package_file,
        "documents": len(run.results),
        "per_endpoint": run.per_endpoint,
        "seconds": round(run.seconds, 1),
        "overall": overall(run),
        "keywords": {
            side: {keyword: tally.counts for keyword, tally in sorted(run.tallies[side].items())} for side in SIDES
        },
        "failures": [
            {
                "endpoint": key[0],
                "side": key[1],
                "check": key[2],
                "pointer": key[3],
                "keyword": key[4],
                "count": count,
                "reason": run.reasons[key],
            }  # fmt: skip
            for key, count in sorted(run.failures.items())
        ],
        "could_not_draw": [
            {"endpoint": r.endpoint_id, "side": side, "reason": reason}
            for r in run.results
            for side, reason in sorted(r.could_not_draw.items())
        ],
        "drawn_partly": [
            {"endpoint": r.endpoint_id, "side": side, "reason": reason}
            for r in run.results
            for side, reason in sorted(r.drawn_partly.items())
        ],
        "not_loaded": [
            {"endpoint": r.endpoint_id, "path": r.path, "reason": r.not_loaded} for r in run.results if r.not_loaded
        ],
        "dangling_refs": [
            {"endpoint": r.endpoint_id, "side": side, "refs": refs}
            for r in run.results
            for side, refs in sorted(r.dangling.items())
        ],
        "oracle": run.oracle,
    }


def _rate(pair: list[int]) -> str:
    passed, total = pair
    if not total:
        return "-"
    return f"{passed}/{total} ({100 * passed / total:.1f}%)"


def _table(rows: list[list[str]], header: list[str]) -> list[str]:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return lines


def to_text(run: Run, *, max_failures: int = 200) -> str:
    data = to_json(run)
    lines = [
        "# Fidelity of the generated models to fal's schemas",
        "",
        f"package: {data['package']}",
        f"documents: {data['documents']}; valid instances drawn per side: up to {run.per_endpoint} "
        f"(+ a quarter with every optional field); time: {data['seconds']} s",
        "",
        "## Overall",
        "",
    ]
    rows = [[side, *(_rate(data["overall"][side][check]) for check in CHECKS)] for side in SIDES]
    lines += _table(rows, ["side", *(TITLES[c] for c in CHECKS)])
    for side in SIDES:
        lines += ["", f"## By keyword: {side.capitalize()}", ""]
        rows = [[kw, *(_rate(counts[c]) for c in CHECKS)] for kw, counts in data["keywords"][side].items()]
        lines += _table(rows, ["keyword / form", *(TITLES[c] for c in CHECKS)])
    lines += _failure_summary(data, max_failures)
    lines += _could_not(data)
    if run.oracle:
        from .oracle import oracle_text

        lines += oracle_text(run.oracle)
    return "\n".join(lines) + "\n"


def _failure_summary(data: dict[str, Any], max_failures: int) -> list[str]:
    failures = data["failures"]
    lines = ["", f"## Failures ({len(failures)} distinct endpoint/side/check/pointer/keyword)", ""]
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for failure in failures:
        groups[(failure["side"], failure["check"], failure["keyword"])].append(failure)
    rows = []
    for (side, check, keyword), items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        endpoints = len({f["endpoint"] for f in items})
        reasons = Counter(f["reason"].split(":")[0] if check != "reject" else "accepted" for f in items)
        rows.append([side, check, keyword, str(len(items)), str(endpoints), reasons.most_common(1)[0][0]])
    lines += _table(rows, ["side", "check", "keyword / form", "locations", "endpoints", "commonest reason"])
    shown = sorted(failures, key=lambda f: (f["check"], f["keyword"], f["endpoint"], f["side"], f["pointer"]))
    lines += ["", f"### Failing locations (first {min(max_failures, len(shown))} of {len(shown)}; all in --json)", ""]
    for f in shown[:max_failures]:
        lines.append(
            f"- {f['endpoint']} {f['side']} {f['check']} `{f['pointer']}` [{f['keyword']}] x{f['count']}: {f['reason']}"
        )
    return lines


def _could_not(data: dict[str, Any]) -> list[str]:
    lines = ["", f"## Could not draw ({len(data['could_not_draw'])})", ""]
    lines += [f"- {c['endpoint']} {c['side']}: {c['reason']}" for c in data["could_not_draw"]] or ["none"]
    lines += [
        "",
        f"## Drawn partly: one of the draws failed, the others gave instances ({len(data['drawn_partly'])})",
        "",
    ]
    lines += [f"- {c['endpoint']} {c['side']}: {c['reason']}" for c in data["drawn_partly"]] or ["none"]
    lines += ["", f"## Not loaded ({len(data['not_loaded'])})", ""]
    lines += [f"- {c['endpoint']}: {c['reason']}" for c in data["not_loaded"]] or ["none"]
    lines += ["", f"## Dangling $refs, validated as {{}} ({len(data['dangling_refs'])})", ""]
    lines += [f"- {c['endpoint']} {c['side']}: {', '.join(c['refs'])}" for c in data["dangling_refs"]] or ["none"]
    return lines
