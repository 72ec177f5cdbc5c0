from __future__ import annotations

from pathlib import Path

import pytest

from generator.core.ir import ParseResult
from tests.docs._support import SEED_PAGES, in_root


@pytest.fixture(scope="session")
def corpus() -> ParseResult:
    """The raw parse (no overlays) of the tests' own seed pages, with `tests/seed_pages/...` paths."""
    from generator.docs.parse import parse

    with in_root():
        return parse([Path(SEED_PAGES)], overlays=None)
