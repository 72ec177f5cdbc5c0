"""Fixtures of the `fal-bindings` CLI tests (helpers are in `helpers.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fal_bindings.testing import Emulator, emulator

from .helpers import CLI_SPECS, PNG_BYTES, SECRET


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """One emulator per test module, keyed with the distinctive test key."""
    with emulator(CLI_SPECS, key=SECRET, fast_retries=True) as running:
        yield running


@pytest.fixture
def emu_env(emu: Emulator) -> dict[str, str]:
    return dict(emu.env)


@pytest.fixture
def png(tmp_path: Path) -> Path:
    path = tmp_path / "input.png"
    path.write_bytes(PNG_BYTES)
    return path
