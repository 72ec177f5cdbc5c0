"""The generated bindings against the local emulator, through the real, unmodified fal-client.

Every endpoint in the specs: `subscribe` with its documented example input returns a valid,
typed `Output`, sync and async; streaming and realtime endpoints stream and talk WebSocket;
invalid input never reaches the server.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import fal_bindings
import pydantic
import pytest
from fal_bindings.testing import Emulator, emulator, example_input

from tests.conftest import ROOT

IDS = list(fal_bindings.ENDPOINT_IDS)
STREAMING = [i for i in IDS if "streaming" in fal_bindings.registry.endpoint_class(i).capabilities]
REALTIME = [i for i in IDS if "realtime" in fal_bindings.registry.endpoint_class(i).capabilities]


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with emulator() as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh(emu: Emulator) -> None:
    emu.reset()


def test_every_spec_of_the_corpus_is_covered() -> None:
    """The ids come from specs/openapi, whatever it holds (streaming and realtime are covered for
    any corpus by the golden trees `runtime` and `emulator`)."""
    specs = (ROOT / "specs" / "openapi").glob("*.json")
    assert sorted(IDS) == sorted(json.loads(p.read_text())["info"]["x-fal-metadata"]["endpointId"] for p in specs)


@pytest.mark.parametrize("endpoint_id", IDS)
def test_subscribe_with_the_example_returns_a_typed_output(emu: Emulator, endpoint_id: str) -> None:
    import fal_client

    emu.configure(endpoint_id, queue_polls=1, progress_polls=1)
    binding = fal_bindings.endpoint(endpoint_id)
    model = binding.input_model.model_validate(example_input(endpoint_id))
    updates: list[object] = []
    result = binding.subscribe(model, with_logs=True, on_queue_update=updates.append, poll_interval=0.01)
    assert isinstance(result, binding.output_model)
    kinds = [type(update) for update in updates]
    assert fal_client.Queued in kinds and fal_client.InProgress in kinds and kinds[-1] is fal_client.Completed
    submitted = [r for r in emu.requests if r.operation == "submit"]
    assert submitted and submitted[0].body == model.model_dump(mode="json", by_alias=True, exclude_unset=True)


@pytest.mark.parametrize("endpoint_id", IDS)
def test_async_twin_returns_the_same_typed_output(emu: Emulator, endpoint_id: str) -> None:
    binding = fal_bindings.async_endpoint(endpoint_id)
    model = binding.input_model.model_validate(example_input(endpoint_id))

    async def call() -> object:
        return await binding.subscribe(model, poll_interval=0.01)

    assert isinstance(asyncio.run(call()), binding.output_model)


@pytest.mark.parametrize("endpoint_id", IDS)
def test_run_submit_status_result_cancel(emu: Emulator, endpoint_id: str) -> None:
    binding = fal_bindings.endpoint(endpoint_id)
    model = binding.input_model.model_validate(example_input(endpoint_id))
    assert isinstance(binding.run(model), binding.output_model)
    handle = binding.submit(model)
    assert handle.request_id
    handle.status()
    assert isinstance(handle.get(), binding.output_model)
    assert isinstance(binding.result(handle.request_id), binding.output_model)
    emu.configure(endpoint_id, queue_polls=50)
    binding.submit(model).cancel()
    cancels = [r for r in emu.requests if r.operation == "cancel"]
    assert [r.status for r in cancels] == [202]


def test_a_client_can_be_injected_per_call(emu: Emulator) -> None:
    import fal_client

    binding = fal_bindings.endpoint(IDS[0])
    model = binding.input_model.model_validate(example_input(IDS[0]))
    client = fal_client.SyncClient(key="per-call-key")
    emu_key = emu.key
    with pytest.raises(fal_bindings.AuthenticationError):
        binding.run(model, client=client)
    assert binding.run(model, client=fal_client.SyncClient(key=emu_key)) is not None


@pytest.mark.parametrize("endpoint_id", STREAMING)
def test_stream_yields_events_then_the_output(emu: Emulator, endpoint_id: str) -> None:
    binding = fal_bindings.endpoint(endpoint_id)
    model = binding.input_model.model_validate(example_input(endpoint_id))
    stream = binding.stream(model)  # type: ignore[attr-defined]
    events = list(stream)
    assert events and all(isinstance(event, dict) for event in events)
    assert isinstance(stream.final_output(), binding.output_model)


@pytest.mark.parametrize("endpoint_id", REALTIME)
def test_realtime_sends_input_and_receives_output(emu: Emulator, endpoint_id: str) -> None:
    binding = fal_bindings.endpoint(endpoint_id)
    model = binding.input_model.model_validate(example_input(endpoint_id))
    with binding.realtime() as connection:  # type: ignore[attr-defined]
        connection.send(model)
        assert isinstance(connection.recv(), binding.output_model)


@pytest.mark.parametrize("endpoint_id", IDS)
def test_invalid_input_raises_before_any_request(emu: Emulator, endpoint_id: str) -> None:
    binding = fal_bindings.endpoint(endpoint_id)
    with pytest.raises(pydantic.ValidationError):
        binding.subscribe(**{"this_field_does_not_exist": 1})
    assert emu.requests == []
