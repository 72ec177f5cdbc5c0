"""Drift verdicts for the limits falgen learnt from fal's documents: `pattern`, `multipleOf`,
`uniqueItems`, limits on nested type nodes (array items, union variants), tuples and
`additionalProperties`. Judged on the IR, both sides read back through the spec writer."""

from __future__ import annotations

from typing import Any

import pytest

from generator.core.ir import Constraints, Endpoint, Property, Schema, TypeExpr
from generator.spec.read import read_openapi
from generator.spec.write import endpoint_to_openapi
from generator.tools.drift.compare import diff_endpoints


def _endpoint(input_field: Property | None = None, output_field: Property | None = None, **schema: Any) -> Endpoint:
    inputs = [input_field] if input_field is not None else []
    outputs = [output_field] if output_field is not None else []
    return Endpoint(
        id="fal-ai/demo",
        input=Schema(name="DemoInput", fields=inputs, **schema.get("input", {})),
        output=Schema(name="DemoOutput", fields=outputs, **schema.get("output", {})),
    )


def _through_spec(endpoint: Endpoint) -> Endpoint:
    (read,), _ = read_openapi(endpoint_to_openapi(endpoint), "spec.json")
    return read


def _judged(old: Endpoint, new: Endpoint) -> list[tuple[str, str, str]]:
    return [(c.kind, c.location, c.verdict) for c in diff_endpoints([_through_spec(old)], [_through_spec(new)])]


def _text(**limits: Any) -> Property:
    return Property(name="code", type=TypeExpr(kind="string"), constraints=Constraints(**limits))


def _number(**limits: Any) -> Property:
    return Property(name="scale", type=TypeExpr(kind="number"), constraints=Constraints(**limits))


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (_text(), _text(pattern="^[a-z]+$"), ("limit-narrowed", "breaking")),
        (_text(pattern="^[a-z]+$"), _text(), ("limit-widened", "non-breaking")),
        (_text(pattern="^[a-z]+$"), _text(pattern="^[a-f]+$"), ("limit-narrowed", "breaking")),
        (_number(), _number(multiple_of=0.5), ("limit-narrowed", "breaking")),
        (_number(multiple_of=0.5), _number(multiple_of=1), ("limit-narrowed", "breaking")),
        (_number(multiple_of=0.5), _number(multiple_of=0.1), ("limit-widened", "non-breaking")),
        (_number(multiple_of=0.5), _number(), ("limit-widened", "non-breaking")),
    ],
    ids=["pattern-added", "pattern-removed", "pattern-changed", "step-added", "step-multiple", "step-divisor", "step-removed"],
)
def test_new_input_limits(before: Property, after: Property, expected: tuple[str, str]) -> None:
    location = f"/input/{before.name}"
    assert _judged(_endpoint(before), _endpoint(after)) == [(expected[0], location, expected[1])]


def test_output_limits_have_their_own_variance() -> None:
    assert _judged(_endpoint(output_field=_text()), _endpoint(output_field=_text(pattern="^a"))) == [
        ("limit-narrowed", "/output/code", "non-breaking")
    ]


def test_unique_items_and_limits_on_array_items() -> None:
    def tags(unique: bool, item_limit: int | None) -> Property:
        item = TypeExpr(kind="number", constraints=Constraints(maximum=item_limit) if item_limit is not None else None)
        return Property(name="tags", type=TypeExpr(kind="array", items=item), constraints=Constraints(unique_items=unique))

    assert _judged(_endpoint(tags(False, None)), _endpoint(tags(True, None))) == [("limit-narrowed", "/input/tags", "breaking")]
    assert _judged(_endpoint(tags(False, 4)), _endpoint(tags(False, 2))) == [("limit-narrowed", "/input/tags", "breaking")]
    assert _judged(_endpoint(tags(False, 2)), _endpoint(tags(False, None))) == [("limit-widened", "/input/tags", "non-breaking")]


def test_tuple_items_are_compared_by_position() -> None:
    def point(second: str) -> Property:
        variants = [TypeExpr(kind="number"), TypeExpr(kind=second)]  # type: ignore[arg-type]
        return Property(name="point", type=TypeExpr(kind="tuple", variants=variants), required=True)

    assert _judged(_endpoint(point("integer")), _endpoint(point("integer"))) == []
    assert _judged(_endpoint(point("integer")), _endpoint(point("string"))) == [("type-changed", "/input/point/1", "breaking")]


def test_additional_properties() -> None:
    closed = _endpoint()
    invited = _endpoint(input={"additional_properties": True})
    typed = _endpoint(input={"additional_properties": TypeExpr(kind="number")})
    assert _judged(closed, invited) == [("limit-widened", "/input", "non-breaking")]
    assert _judged(invited, closed) == [("limit-narrowed", "/input", "breaking")]
    assert _judged(invited, typed) == [("limit-narrowed", "/input", "breaking")]
    forbidding = _endpoint(output={"additional_properties": False})
    assert _judged(_endpoint(), forbidding) == [("limit-narrowed", "/output", "non-breaking")]
    any_value = _endpoint(output={"any_value": True})
    assert _judged(_endpoint(), any_value) == [("limit-widened", "/output", "notable")]
