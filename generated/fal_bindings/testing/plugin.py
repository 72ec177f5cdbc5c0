# Copied from templates/package/fal_bindings/testing/plugin.py by falgen. Edit the source, then run make generate.
"""pytest plugin: the `fal_emulator` fixture (a running `Emulator` per test).

Override `fal_emulator_options` in a conftest.py to pass `emulator()` arguments, e.g.
`return {"specs": "tests/specs", "key": "k"}`. Fast fal-client retries are on unless
`fast_retries=False` is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._emulator import Emulator


@pytest.fixture
def fal_emulator_options() -> dict[str, Any]:
    """Keyword arguments for `fal_bindings.testing.emulator()`; override to customise."""
    return {}


@pytest.fixture
def fal_emulator(fal_emulator_options: dict[str, Any]) -> Iterator[Emulator]:
    """A fal emulator that fal-client is pointed at for the duration of the test."""
    from ._emulator import emulator  # here, not at the top: keeps pytest's start-up fast

    with emulator(**{"fast_retries": True, **fal_emulator_options}) as emu:
        yield emu
