"""What every test shares: the project's paths, the `falgen` CLI, a small project, and two
session rules.

- Tested in place: at session start `falgen generate` (incremental; ~0.5 s when nothing
  changed) brings generated/ up to date with templates/package and specs/openapi, so the tests of
  the runtime, CLI and emulator (and every subprocess they start) run the code as it is in
  templates/package, without `make generate` first. Under CI a stale committed generated/ is an
  error instead (the commit must carry it).
- Tiers: a test that starts a process (a subprocess, a virtual environment, mypy) must be marked
  `slow`; one that is not fails, naming the command. `make test-fast` runs `-m "not slow"`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GENERATED = ROOT / "generated"
SEED_PAGES = ROOT / "tests" / "seed_pages"
"""The tests' own doc pages: a frozen copy of the seed scrapes. Tests that name a page, a line, an
endpoint or a count use these, so the live corpus (specs/sources) can gain and lose pages."""


def falgen(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the `falgen` CLI of this environment as a subprocess."""
    return subprocess.run(
        [str(BIN / "falgen"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.fixture(scope="session")
def small_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project laid out like this one over the tests' own doc pages (specs/sources: the seed
    pages, specs/overlays: tests/seed_overlays), with specs/openapi, the report and generated/ as
    `falgen parse` and `falgen generate` make them. For the tests of `falgen check` and the output
    folders, whose behaviour does not depend on the corpus: a check of the live catalogue costs
    half a minute, and `tests/tools/test_check.py` runs one. Read only: use `small_project_copy`."""
    root = tmp_path_factory.mktemp("small") / "project"
    shutil.copytree(SEED_PAGES, root / "specs" / "sources")
    shutil.copytree(ROOT / "tests" / "seed_overlays", root / "specs" / "overlays")
    for args in (("parse", "-q"), ("generate",)):
        done = falgen(*args, cwd=root)
        assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.fixture
def small_project_copy(small_project: Path, tmp_path: Path) -> Path:
    """A copy of `small_project` to mutate freely."""
    target = tmp_path / "project"
    shutil.copytree(small_project, target, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".falgen-lock"))
    return target


@pytest.fixture(scope="session")
def seed_specs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """specs/openapi as `falgen parse` makes it from the seed pages (no overlays). Read only:
    copy it before changing anything."""
    out = tmp_path_factory.mktemp("seed") / "openapi"
    done = falgen("parse", "-q", str(SEED_PAGES), "--out", str(out), "--report", str(out.parent), "--no-overlays")
    assert done.returncode == 0, done.stdout + done.stderr
    return out


# --- tested in place: generated/ follows templates/package before any test runs ---------------

_refresh: dict[str, Any] = {"changed": [], "error": None}


def _tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file (falgen writes a file only when its bytes change)."""
    state = {}
    for path in root.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and not path.parent.name.endswith(".egg-info"):
            stat = path.stat()
            state[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return state


def pytest_sessionstart(session: pytest.Session) -> None:
    # Under pytest-xdist the controller refreshes once, before it starts the workers.
    if os.environ.get("FALGEN_TEST_NO_REFRESH") == "1" or hasattr(session.config, "workerinput"):
        return
    before = _tree_state(GENERATED)
    done = falgen("generate")
    if done.returncode != 0:  # a broken generator must not stop its own unit tests
        _refresh["error"] = (done.stdout + done.stderr).strip()
        return
    after = _tree_state(GENERATED)
    changed = sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    _refresh["changed"] = changed
    if changed and os.environ.get("CI"):
        pytest.exit(
            f"generated/ is not what templates/package and specs/openapi make ({len(changed)} file(s), "
            f"e.g. {changed[0]}): run `make generate` and commit generated/",
            returncode=1,
        )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _refresh["error"]:
        terminalreporter.write_line(f"generated/ could not be refreshed (falgen generate failed):\n{_refresh['error']}", red=True)
    elif _refresh["changed"]:
        shown = ", ".join(_refresh["changed"][:5]) + (" ..." if len(_refresh["changed"]) > 5 else "")
        terminalreporter.write_line(f"generated/ refreshed from templates/ and specs/ (commit it): {shown}", yellow=True)


# --- tiers: a test that starts a process must be marked slow ---------------------------------

_current: list[pytest.Item] = []


def _guarded_popen_init(original: Any) -> Any:
    def init(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
        item = _current[-1] if _current else None
        if item is not None and item.get_closest_marker("slow") is None:
            command = args[0] if args else kwargs.get("args")
            pytest.fail(f"{item.nodeid} starts a process ({command!r}): mark it `slow`", pytrace=False)
        original(self, *args, **kwargs)

    return init


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    _current.append(item)
    try:
        yield
    finally:
        _current.pop()


def pytest_configure(config: pytest.Config) -> None:
    subprocess.Popen.__init__ = _guarded_popen_init(subprocess.Popen.__init__)  # type: ignore[method-assign]
