"""The committed package is small and reads well: at most 16 KB per endpoint for its module and
spec copy, each description written once, friendly type names, minified spec copies."""

from __future__ import annotations

from tests.conftest import GENERATED
from tests.render.package_shape import (
    BUDGET,
    bytes_per_endpoint,
    descriptions_written_twice,
    hashed_names_in_annotations,
    spec_copies_not_minified,
)


def test_endpoint_module_and_spec_copy_fit_the_budget() -> None:
    sizes = bytes_per_endpoint(GENERATED)
    assert sizes
    average = sum(sizes.values()) / len(sizes)
    assert average <= BUDGET, f"{average:.0f} bytes per endpoint (budget {BUDGET})"


def test_each_description_is_written_once() -> None:
    assert descriptions_written_twice(GENERATED) == []


def test_annotations_use_friendly_type_names() -> None:
    assert hashed_names_in_annotations(GENERATED) == []


def test_spec_copies_are_minified_without_provenance() -> None:
    assert spec_copies_not_minified(GENERATED) == []
