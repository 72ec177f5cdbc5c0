"""Shared fixtures for the emulator tests: the hand-written specs and a client that cleans up."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
SPECS = HERE / "specs"

try:
    import fal_bindings.testing  # noqa: F401  (installed with the generated package)
except ImportError:  # before `make generate`: test the template source directly
    sys.path.insert(0, str(HERE.parents[1] / "templates" / "package"))

import fal_client  # noqa: E402
from fal_bindings.testing import Emulator, plugin  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    # The plugin normally arrives through the pytest11 entry point or `-p`; without either
    # (say, before `make generate` installed the package), register it here.
    if not config.pluginmanager.is_registered(plugin):
        config.pluginmanager.register(plugin, "fal_bindings.testing.plugin")


@pytest.fixture
def fal_emulator_options() -> dict[str, Any]:
    return {"specs": SPECS}


@pytest.fixture
def client(fal_emulator: Emulator) -> Iterator[fal_client.SyncClient]:
    """A fresh sync client; its connection pool is closed afterwards."""
    sync = fal_client.SyncClient(key=fal_emulator.key)
    yield sync
    pool = vars(sync).get("_client")
    if pool is not None:
        pool.close()
