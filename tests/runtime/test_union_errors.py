"""A value that fits no member of a union is one validation error, not one per member: a wrong
enum value through keyword arguments (`image_size="huge"` against `ExampleImageSize |
Literal[...]`) reports the enum's choices, under the field's own name."""

from __future__ import annotations

import pytest
from fal_bindings.endpoints.fal_ai.example import Example
from pydantic import ValidationError


def _errors(**fields: object) -> list[dict[str, object]]:
    with pytest.raises(ValidationError) as caught:
        Example().run(prompt="x", **fields)  # type: ignore[arg-type]
    return [dict(e) for e in caught.value.errors(include_url=False)]


def test_a_wrong_enum_value_is_one_error_naming_the_choices() -> None:
    (error,) = _errors(image_size="huge")
    assert error["loc"] == ("image_size",) and error["type"] == "literal_error"
    assert "'square_hd'" in str(error["msg"])


def test_a_bad_object_is_reported_inside_the_object() -> None:
    (error,) = _errors(image_size={"width": "wide"})
    # Strict models: text is no integer (`int_type`); the error is inside the object member,
    # so the enum member (for which a dict is another kind) is the noise.
    assert error["loc"] == ("image_size", "width") and error["type"] == "int_type"


def test_a_value_of_no_members_kind_keeps_every_member() -> None:
    errors = _errors(image_size=5)  # neither an object nor text: both members are news
    assert {e["type"] for e in errors} == {"model_type", "literal_error"}


def test_the_dict_input_path_prunes_too() -> None:
    with pytest.raises(ValidationError) as caught:
        Example().run({"prompt": "x", "image_size": "huge"})  # type: ignore[arg-type]
    assert caught.value.error_count() == 1


def test_errors_of_other_fields_are_kept() -> None:
    errors = _errors(image_size="huge", num_images="many")
    assert [e["loc"] for e in errors] == [("image_size",), ("num_images",)]
