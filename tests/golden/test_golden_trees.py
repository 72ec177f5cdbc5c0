"""Each feature's golden tree is what `falgen generate` makes of its specs, and type-checks.

`UPDATE_GOLDEN=1` (`make golden`) rewrites `expected/`; review the diff, then commit.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden.trees import FEATURES, derived_files, expected, generate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fresh_trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("golden")
    return {feature: generate(feature, root / feature) for feature in FEATURES}


def _diff(relative: str, old: bytes, new: bytes) -> str:
    lines = difflib.unified_diff(
        old.decode(errors="replace").splitlines(keepends=True),
        new.decode(errors="replace").splitlines(keepends=True),
        f"expected/{relative}",
        f"generated/{relative}",
    )
    return "".join(list(lines)[:40])


@pytest.mark.parametrize("feature", FEATURES)
def test_golden_tree_matches_expected(feature: str, fresh_trees: dict[str, Path]) -> None:
    fresh = derived_files(fresh_trees[feature])
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(expected(feature), ignore_errors=True)
        for relative, data in fresh.items():
            target = expected(feature) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    committed = derived_files(expected(feature))
    missing, extra = sorted(fresh.keys() - committed.keys()), sorted(committed.keys() - fresh.keys())
    changed = [path for path in sorted(fresh.keys() & committed.keys()) if fresh[path] != committed[path]]
    report = [f"not in expected/: {missing}"] if missing else []
    report += [f"no longer generated: {extra}"] if extra else []
    report += [_diff(path, committed[path], fresh[path]) for path in changed[:3]]
    assert not report, f"golden tree {feature!r} is out of date (run `make golden`):\n" + "\n".join(report)


@pytest.mark.parametrize("feature", FEATURES)
def test_golden_tree_type_checks(feature: str, fresh_trees: dict[str, Path]) -> None:
    """The feature's package (spec-derived modules and the copied runtime) passes mypy --strict."""
    tree = fresh_trees[feature]
    env = {**os.environ, "MYPYPATH": str(tree)}
    command = [
        sys.executable, "-m", "mypy", "--strict", "--config-file", os.devnull, "--python-version", "3.10",
        "--cache-dir", str(Path(tree).parent / ".mypy_cache"),
        "fal_bindings/endpoints", "fal_bindings/types", "fal_bindings/__init__.py",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
