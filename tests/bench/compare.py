"""Two `make bench` JSON files side by side as a Markdown table (tests/bench/RESULTS.md).

Run: `python -m tests.bench.compare BEFORE.json AFTER.json`. Rows are matched by name; a row
only one run has shows "-" in the other column.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def figure(row: dict[str, Any] | None) -> str:
    if row is None or row["median"] is None:
        return "-" if row is None else "skipped"
    scale, unit = (1000.0, "ms") if row["unit"] == "ms" else (1.0, row["unit"])
    digits = 3 if row["unit"] == "x" else (2 if scale * row["median"] < 100 else 1)
    median = f"{row['median'] * scale:,.{digits}f} {unit}"
    if row["runs"] > 1:
        median += f" ({row['min'] * scale:,.{digits}f}–{row['max'] * scale:,.{digits}f}, n={row['runs']})"
    return median


def table(before: dict[str, Any], after: dict[str, Any]) -> str:
    rows_before = {row["name"]: row for row in before["rows"]}
    rows_after = {row["name"]: row for row in after["rows"]}
    names = list(rows_before) + [name for name in rows_after if name not in rows_before]
    lines = ["| figure | before | after | note (after; before) |", "|---|---|---|---|"]
    for name in names:
        old, new = rows_before.get(name), rows_after.get(name)
        notes = [row["note"] for row in (new, old) if row and row["note"]]
        if len(notes) == 2 and notes[0] == notes[1]:
            notes = notes[:1]
        lines.append(f"| {name} | {figure(old)} | {figure(new)} | {'; '.join(notes).replace('|', '/')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    before_path, after_path = (Path(arg) for arg in (argv or sys.argv[1:]))
    print(table(json.loads(before_path.read_text(encoding="utf-8")), json.loads(after_path.read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main()
