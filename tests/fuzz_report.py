"""How many examples each fuzz test ran.

Wrap a fuzz test's body with `@counted` (below `@given`) and import the `fuzz_report` fixture
into the module. When the module's tests are done, each test's count is printed (shown with
`pytest -s`) and, when the environment names a file in `FALGEN_FUZZ_REPORT`, appended to it as
`<module>::<test> <examples>` (one line per test; `make fuzz` reads it back).

`FALGEN_FUZZ_EXAMPLES` sets the examples per test (default 60, quick enough for `make test`).
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

EXAMPLES = int(os.environ.get("FALGEN_FUZZ_EXAMPLES", "60"))
REPORT_ENV = "FALGEN_FUZZ_REPORT"

_counts: Counter[str] = Counter()
F = TypeVar("F", bound=Callable[..., Any])


def counted(test: F) -> F:
    """Count every call of a fuzz test's body (one per example hypothesis runs)."""
    key = f"{test.__module__}::{test.__name__}"
    _counts.setdefault(key, 0)

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _counts[key] += 1
        return test(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def counts(module: str) -> dict[str, int]:
    return {key: value for key, value in sorted(_counts.items()) if key.startswith(module + "::")}


def write_report(module: str) -> None:
    found = counts(module)
    for key, value in found.items():
        print(f"\nfuzz examples: {key} {value}")
    path = os.environ.get(REPORT_ENV)
    if path and found:
        with open(path, "a", encoding="utf-8") as report:
            report.writelines(f"{key} {value}\n" for key, value in found.items() if value)


@pytest.fixture(scope="module", autouse=True)
def fuzz_report(request: pytest.FixtureRequest) -> Iterator[None]:
    """Import into a fuzz module: reports its counts when the module is done."""
    yield
    write_report(request.module.__name__)
