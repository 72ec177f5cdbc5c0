"""An emulator app tests can steer: the output an endpoint returns (a fixed value or a function of
the input), per endpoint and for the next calls, checked against the Output schema; and the
testing API is discoverable (`__all__`, `dir()`, completion)."""

from __future__ import annotations

import rlcompleter
from typing import Any

import fal_bindings.testing
import fal_client
import pytest
from fal_bindings.testing import Emulator, example_input, example_output

from tests.golden.trees import specs as golden_specs

FLUX = "fal-ai/flux-2/klein/4b/base"
VIDEO = "fal-ai/kling-video/v2.1/master/text-to-video"


def chosen(prompt: str = "chosen", seed: int = 7) -> dict[str, Any]:
    output = example_output(FLUX, specs=golden_specs("emulator"))
    return {**output, "prompt": prompt, "seed": seed}


def test_a_fixed_output_per_endpoint(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.configure(FLUX, output=chosen())
    assert client.run(FLUX, {"prompt": "anything"}) == chosen()
    assert client.subscribe(FLUX, {"prompt": "queued"}) == chosen()
    assert client.run(VIDEO, {"prompt": "x"}) != chosen()  # other endpoints keep their example
    fal_emulator.configure(FLUX, output=None)
    assert client.run(FLUX, {"prompt": "back"})["prompt"] == "back"


def test_an_output_computed_from_the_input(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.configure(FLUX, output=lambda input: chosen(prompt=input["prompt"].upper()))
    assert client.run(FLUX, {"prompt": "a fox"})["prompt"] == "A FOX"
    assert client.submit(FLUX, {"prompt": "an owl"}).get()["prompt"] == "AN OWL"


def test_an_output_for_the_next_calls_only(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.configure(FLUX, output=chosen("configured"))
    fal_emulator.next_output(FLUX, chosen("first"))
    fal_emulator.next_output(FLUX, lambda input: chosen("second " + input["prompt"]), times=1)
    assert client.run(FLUX, {"prompt": "x"})["prompt"] == "first"
    assert client.run(FLUX, {"prompt": "x"})["prompt"] == "second x"
    assert client.run(FLUX, {"prompt": "x"})["prompt"] == "configured"
    fal_emulator.next_output(FLUX, chosen("always"), times=None)
    assert [client.run(FLUX, {"prompt": "x"})["prompt"] for _ in range(2)] == ["always"] * 2
    fal_emulator.reset()
    assert client.run(FLUX, {"prompt": "x"})["prompt"] == "x"


def test_a_fixed_output_that_does_not_fit_names_the_field(fal_emulator: Emulator) -> None:
    bad = {**chosen(), "seed": "seven", "images": [{"link": "x"}]}
    for steer in (
        lambda: fal_emulator.configure(FLUX, output=bad),
        lambda: fal_emulator.next_output(FLUX, bad),
    ):
        with pytest.raises(ValueError) as caught:
            steer()
        message = str(caught.value)
        assert message.startswith(f"output for {FLUX} does not match its Output schema: ")
        assert "seed: " in message and "images.0.url: Field required" in message
    with pytest.raises(TypeError, match="a fixed output needs an endpoint"):
        fal_emulator.configure(output=chosen())
    with pytest.raises(TypeError, match="must be a JSON object"):
        fal_emulator.configure(FLUX, output=["not", "an", "object"])


def test_a_function_whose_output_does_not_fit_is_a_500_naming_the_field(
    fal_emulator: Emulator, client: fal_client.SyncClient
) -> None:
    fal_emulator.configure(FLUX, output=lambda input: {**chosen(), "seed": input["prompt"]})
    with pytest.raises(fal_client.FalClientHTTPError) as caught:
        client.run(FLUX, {"prompt": "not a number"})
    assert caught.value.status_code == 500
    assert "returned an output that does not match its Output schema: seed:" in caught.value.message


def test_the_testing_api_is_discoverable() -> None:
    names = dir(fal_bindings.testing)
    for name in fal_bindings.testing.__all__:
        assert name in names, name
    for name in ("Emulator", "emulator", "Fault", "AppError", "RequestRecord", "InvalidOutput"):
        assert name in fal_bindings.testing.__all__
    completer = rlcompleter.Completer({"fal_bindings": fal_bindings})
    assert completer.complete("fal_bindings.testing.Emul", 0) == "fal_bindings.testing.Emulator("
    assert completer.complete("fal_bindings.testing.example_o", 0) == "fal_bindings.testing.example_output("


REALTIME = "fal-ai/flux-2/klein/realtime"


def _raises(input: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("the test's output function broke")


@pytest.mark.parametrize(
    ("steer", "cause"),
    [
        (lambda emu: emu.configure(REALTIME, output=_raises), "raised RuntimeError: the test's output function broke"),
        (
            lambda emu: emu.next_output(REALTIME, lambda input: {"seed": "seven"}),
            "returned an output that does not match its Output schema: ",
        ),
    ],
    ids=["raises", "invalid"],
)
def test_a_failing_output_function_is_a_realtime_error_frame_not_a_closed_socket(
    fal_emulator: Emulator, client: fal_client.SyncClient, steer: Any, cause: str
) -> None:
    """Realtime answers an output function's failure as HTTP and stream do: an `x-fal-error`
    message naming the cause, and the connection keeps serving."""
    steer(fal_emulator)
    message = example_input(REALTIME, specs=golden_specs("emulator"))
    with client.realtime(REALTIME, use_jwt=False) as connection:
        connection.send(message)
        with pytest.raises(fal_client.client.RealtimeError) as caught:
            connection.recv()
        assert caught.value.error == "emulator_output_invalid"
        assert cause in caught.value.reason
        fal_emulator.configure(REALTIME, output=None)
        connection.send(message)  # still serving: the next message gets an output
        assert "images" in connection.recv()
