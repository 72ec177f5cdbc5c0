"""The downstream tests stand alone: run from a copy of this folder (the release workflow, the
fresh-venv test), they see only the installed `fal-bindings` and its extras, no file of this
repository; the `slow` marker is declared here for those runs (the project declares it too)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: starts a process")
