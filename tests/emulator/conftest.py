"""Shared fixtures for the emulator tests: the specs of the golden tree `emulator` and a client that cleans up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import fal_client
import pytest
from fal_bindings.testing import Emulator, plugin

from tests.golden.trees import specs as golden_specs

SPECS = golden_specs("emulator")


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
