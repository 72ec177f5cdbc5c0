"""The generated models accept exactly what fal's schema accepts, construct by construct.

The models are the golden tree `faithful` (`tests/golden/faithful/specs`, parsed from a fal-style
document that uses every JSON-Schema construct fal's documents use), mounted into the installed
package: these tests run the generated code itself, in process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fal_bindings._runtime import to_payload
from fal_bindings._runtime.constraints import is_multiple
from pydantic import ValidationError

from tests.golden.trees import mount

mount("faithful")

from fal_bindings.endpoints.fal_ai import faithful_any, faithful_demo  # noqa: E402
from fal_bindings.types.faithful_lora import FaithfulLora  # noqa: E402
from fal_bindings.types.faithful_size import FaithfulSize  # noqa: E402

Input, Output = faithful_demo.Input, faithful_demo.Output
REQUIRED: dict[str, Any] = {"prompt": "a fox", "image_url": "https://x/a.png", "strength": 0.5}
OUTPUT: dict[str, Any] = {"seed": 1, "debug": None, "timings": {"total": 1}}


def accepts(**fields: Any) -> dict[str, Any]:
    """The payload sent for a valid input (required fields filled in)."""
    return to_payload(Input.model_validate({**REQUIRED, **fields}))


def rejects(**fields: Any) -> None:
    with pytest.raises(ValidationError):
        Input.model_validate({**REQUIRED, **fields})


# --- nullability -------------------------------------------------------------------------


def test_null_is_accepted_in_every_nullable_form() -> None:
    # anyOf [T, null] with a non-null default, required, with a null default; nullable: true
    payload = accepts(acceleration=None, strength=None, seed=None, style=None)
    assert payload["acceleration"] is None and payload["strength"] is None and payload["style"] is None
    assert Input.model_validate(REQUIRED).acceleration == "regular"
    # a required nullable field must still be given
    with pytest.raises(ValidationError):
        Input.model_validate({"prompt": "a", "image_url": "u"})
    # a required nullable output, and a nullable output with a non-null default
    out = Output.model_validate({**OUTPUT, "content_type": None})
    assert out.debug is None and out.content_type is None
    # nulls inside a tuple
    assert Output.model_validate({**OUTPUT, "span": [None, 2]}).model_dump(mode="json", exclude_unset=True)["span"] == [None, 2]


def test_null_is_rejected_where_the_schema_has_no_null() -> None:
    rejects(steps=None)
    rejects(voice=None)  # the enum beside `anyOf [string, null]` does not list null
    rejects(mode=None)  # optional, no default: absent is None, an explicit None is refused
    rejects(weights=None)
    model = Input.model_validate(REQUIRED)
    assert model.mode is None and "mode" not in to_payload(model)
    with pytest.raises(ValidationError, match="null is not allowed"):
        model.mode = None
    with pytest.raises(ValidationError):
        Output.model_validate({**OUTPUT, "seed": None})


# --- strict types and numbers ------------------------------------------------------------


def test_strings_for_numbers_and_booleans_are_rejected() -> None:
    rejects(steps="16")
    rejects(seed="5")
    rejects(scale="2")
    rejects(steps=True)
    with pytest.raises(ValidationError):
        Output.model_validate({**OUTPUT, "seed": "1"})


def test_whole_numbers_stay_integers() -> None:
    assert accepts(scale=3)["scale"] == 3 and isinstance(accepts(scale=3)["scale"], int)
    assert isinstance(accepts(scale=0.5)["scale"], float)
    out = Output.model_validate({**OUTPUT, "ratio": 2})
    assert out.model_dump(mode="json", exclude_unset=True)["ratio"] == 2
    assert '"ratio":2,' in out.model_dump_json(exclude_unset=True) or out.model_dump_json().count('"ratio":2') == 1
    assert Input.model_validate(REQUIRED).scale == 2 and isinstance(Input.model_validate(REQUIRED).scale, int)


# --- limits --------------------------------------------------------------------------------


def test_multiple_of_is_exact_decimal_arithmetic() -> None:
    for valid in (0.3, 0.7, 3, 9.9, 0):
        assert accepts(scale=valid)["scale"] == valid
    for invalid in (0.35, 0.30000000000000004, 1e-17):
        rejects(scale=invalid)
    accepts(steps=24)
    rejects(steps=20)
    assert is_multiple(0.3, 0.1) and is_multiple(1.05, 0.05) and not is_multiple(0.151, 0.05)


def test_bounds_lengths_and_patterns() -> None:
    rejects(scale=10)  # exclusiveMaximum
    rejects(scale=-0.1)
    rejects(steps=72)
    rejects(prompt="")
    rejects(prompt="<b>")  # pattern
    accepts(prompt="a = b")
    rejects(weights=[0.5, 1.5])  # limits on array items
    accepts(weights=[0, 1])
    rejects(weights_by_name={"a": -1})  # limits on map values
    rejects(mixed=0)  # limits inside anyOf variants
    rejects(mixed="long")
    accepts(mixed=1)
    accepts(mixed="abc")


def test_file_field_lengths_check_strings_and_exempt_local_files(tmp_path: Path) -> None:
    rejects(image_url="")
    rejects(image_url="x" * 2049)
    local = tmp_path / "a.png"
    local.write_bytes(b"\x89PNG\r\n\x1a\n")
    Input.model_validate({**REQUIRED, "image_url": local})  # becomes a data URI when sent
    Input.model_validate({**REQUIRED, "image_url": b"\x89PNG\r\n\x1a\n"})


def test_unique_items_const_and_enum_beside_any_of() -> None:
    rejects(tags=["a", "a"])
    rejects(tags=["a", "b", "c", "a"])
    accepts(tags=["a", "c"])
    rejects(mode="slow")
    accepts(mode="fast")
    rejects(voice="Nobody")
    accepts(voice="Ivy")


def test_tuples() -> None:
    assert accepts(point=[1.5, 2])["point"] == [1.5, 2]
    assert accepts(point=(1, 2))["point"] == [1, 2]
    rejects(point=[1.5])
    rejects(point=[1.5, 2, 3])
    rejects(point=[1.5, 2.5])


# --- objects -------------------------------------------------------------------------------


def test_object_defaults_are_typed_instances_built_per_instance() -> None:
    first, second = Input.model_validate(REQUIRED), Input.model_validate(REQUIRED)
    assert isinstance(first.image_size, FaithfulSize) and first.image_size.width == 512
    assert isinstance(first.loras[0], FaithfulLora) and first.loras[0].path_ == "a.safetensors"
    assert first.image_size is not second.image_size and first.loras is not second.loras
    assert first.tags == ["a", "b"] and first.tags is not second.tags
    # defaults are not sent: fal applies its own
    assert set(to_payload(first)) == set(REQUIRED)


def test_additional_properties() -> None:
    # true on the Input: extra keys accepted, kept and sent
    assert accepts(extra_option=1)["extra_option"] == 1
    # false on the Output: unknown keys rejected
    with pytest.raises(ValidationError):
        Output.model_validate({**OUTPUT, "surprise": 1})
    # a schema: extra values validated
    Output.model_validate({**OUTPUT, "timings": {"a": 1, "b": 2.5}})
    with pytest.raises(ValidationError):
        Output.model_validate({**OUTPUT, "timings": {"a": "slow"}})


def test_any_value_output() -> None:
    for value in ([1, "two"], "text", 3, None, {"a": [1.0]}):
        out = faithful_any.Output.model_validate(value)
        assert out.value == value
        assert out.model_dump(mode="json", exclude_unset=True) == value


def test_dangling_ref_is_any() -> None:
    assert accepts(trajectory=[{"x": 1}, [2], "3"])["trajectory"] == [{"x": 1}, [2], "3"]


def test_validate_assignment_is_kept() -> None:
    model = Input.model_validate(REQUIRED)
    with pytest.raises(ValidationError):
        model.steps = 20
    model.steps = 24
    assert to_payload(model)["steps"] == 24
