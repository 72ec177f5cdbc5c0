"""`python -m tests.bench.compare`: two bench runs side by side, rows matched by name."""

from __future__ import annotations

from tests.bench.compare import table


def _row(name: str, samples: list[float] | None, unit: str = "s", note: str = "") -> dict[str, object]:
    if samples is None:
        return {"name": name, "median": None, "min": None, "max": None, "runs": 0, "unit": unit, "note": note}
    ordered = sorted(samples)
    return {"name": name, "median": ordered[len(ordered) // 2], "min": ordered[0], "max": ordered[-1],
            "runs": len(samples), "unit": unit, "note": note}


def test_rows_are_matched_by_name_with_medians_ranges_and_skips() -> None:
    before = {"rows": [_row("generate cold", [50.0, 57.0, 56.0]), _row("import", [0.0111], "ms"),
                       _row("make test", [600.0], note="3 failed")]}
    after = {"rows": [_row("generate cold", [40.0]), _row("make test", None, note="skipped: --no-suite"),
                      _row("new row", [2.5], "MB")]}
    lines = table(before, after).splitlines()
    assert lines[0] == "| figure | before | after | note (after; before) |"
    assert lines[2] == "| generate cold | 56.00 s (50.00–57.00, n=3) | 40.00 s |  |"
    assert lines[3] == "| import | 11.10 ms | - |  |"
    assert lines[4] == "| make test | 600.0 s | skipped | skipped: --no-suite; 3 failed |"
    assert lines[5] == "| new row | - | 2.50 MB |  |"
