from __future__ import annotations

from pathlib import Path

import pytest

from generator.ir import ParseResult
from tests.docs._support import in_root


@pytest.fixture(scope="session")
def corpus() -> ParseResult:
    """The raw parse (no overlays) of every committed doc page, with `specs/sources/...` paths."""
    from generator.parse import parse

    with in_root():
        return parse([Path("specs/sources")], overlays=None)
