"""The generated bindings against the local emulator, through the real, unmodified fal-client.

Every endpoint in the specs, each check one test looping over every id and naming every failing
id in one message: in-process (fast), every model builds, takes its examples and refuses invalid
input before any request; through the emulator (`slow`: seconds of CPU), typed `subscribe` with
the example input returns a valid, typed `Output` and sends exactly the validated input. The call
forms that are the same runtime code for every endpoint (the async twin, run, submit, status,
result, cancel, queue updates) run on a deterministic sample; every streaming and realtime
endpoint streams and talks WebSocket.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import fal_bindings
import pydantic
import pytest
from fal_bindings.testing import Emulator, emulator, example_input, example_output, load_specs

from tests.conftest import ROOT
from tests.support.sampling import failures_message, stable_sample

IDS = list(fal_bindings.ENDPOINT_IDS)
SAMPLE = stable_sample(IDS, 24)
# From the specs the package ships (importing every endpoint module to ask would cost seconds).
CAPABILITIES = {endpoint_id: spec.capabilities for endpoint_id, spec in load_specs().items()}
STREAMING = [i for i in IDS if "streaming" in CAPABILITIES[i]]
REALTIME = [i for i in IDS if "realtime" in CAPABILITIES[i]]


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


def test_capabilities_are_the_classes_own() -> None:
    for endpoint_id in [*SAMPLE, *STREAMING, *REALTIME]:
        assert set(fal_bindings.registry.endpoint_class(endpoint_id).capabilities) == set(CAPABILITIES[endpoint_id])


def test_every_endpoint_takes_its_examples_and_refuses_invalid_input(emu: Emulator) -> None:
    """In-process, every endpoint: its module imports, its Input and Output models build and take
    `example_input`/`example_output`, and invalid input raises before any request."""
    failures: dict[str, str] = {}
    open_inputs = []
    for endpoint_id in IDS:
        try:
            binding = fal_bindings.endpoint(endpoint_id)
            binding.input_model.model_validate(example_input(endpoint_id))
            binding.output_model.model_validate(example_output(endpoint_id))
        except Exception as exc:  # noqa: BLE001 - every endpoint's failure is collected and named
            failures[endpoint_id] = f"examples: {type(exc).__name__}: {str(exc)[:300]}"
            continue
        arguments = invalid_arguments(binding)
        if arguments is None:
            open_inputs.append(endpoint_id)
            continue
        try:
            binding.subscribe(**arguments)
            failures[endpoint_id] = f"accepted {arguments!r}"
        except pydantic.ValidationError:
            pass
        except Exception as exc:  # noqa: BLE001 - collected and named
            failures[endpoint_id] = f"{type(exc).__name__} instead of a ValidationError: {str(exc)[:300]}"
    assert not failures, failures_message("examples refused or invalid input not refused", failures, len(IDS))
    assert emu.requests == []
    for endpoint_id in open_inputs:  # only an Input that declares nothing takes everything
        assert not fal_bindings.endpoint(endpoint_id).input_model.model_fields, endpoint_id


@pytest.mark.slow
def test_typed_subscribe_serves_every_endpoint(emu: Emulator) -> None:
    """The acceptance: typed `subscribe` with `example_input(id)` succeeds for every endpoint,
    returns its `Output`, and the emulator received exactly the validated input."""
    failures: dict[str, str] = {}
    for endpoint_id in IDS:
        emu.reset()
        try:
            binding = fal_bindings.endpoint(endpoint_id)
            model = binding.input_model.model_validate(example_input(endpoint_id))
            result = binding.subscribe(model, poll_interval=0)
            submitted = [r.body for r in emu.requests if r.operation == "submit"]
            sent = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
            if not isinstance(result, binding.output_model):
                failures[endpoint_id] = f"returned {type(result).__name__}, not {binding.output_model.__name__}"
            elif submitted != [sent]:
                failures[endpoint_id] = f"the emulator received {submitted!r}, not [{sent!r}]"
        except Exception as exc:  # noqa: BLE001 - every endpoint's failure is collected and named
            failures[endpoint_id] = f"{type(exc).__name__}: {str(exc)[:300]}"
    assert not failures, failures_message("typed subscribe with example_input failed", failures, len(IDS))


class _Unsendable:
    """A value no typed field accepts (pydantic's strict mode takes no arbitrary object)."""


def invalid_arguments(binding: Any) -> dict[str, Any] | None:
    """Keyword arguments the Input must refuse: an unknown key where the Input is closed; where it
    takes extra keys (fal's `additionalProperties: true`, an Input fal never defined), a value of
    no JSON type in a typed field. None: the Input takes any object, nothing can be refused."""
    model = binding.input_model
    if model.model_config.get("extra") != "allow":
        return {"this_field_does_not_exist": 1}
    for name, field in model.model_fields.items():
        if field.annotation is not Any:
            return {name: _Unsendable()}
    return None


def test_an_input_that_takes_extra_keys_still_refuses_bad_values() -> None:
    """`additionalProperties: true` opens an Input to unknown keys, not its typed fields to any value."""
    closed = next(i for i in IDS if fal_bindings.endpoint(i).input_model.model_config.get("extra") != "allow")
    assert invalid_arguments(fal_bindings.endpoint(closed)) == {"this_field_does_not_exist": 1}

    class Open(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(extra="allow", strict=True)
        prompt: str = ""

    class Binding:
        input_model = Open

    arguments = invalid_arguments(Binding)
    assert arguments is not None and list(arguments) == ["prompt"]
    with pytest.raises(pydantic.ValidationError):
        Open.model_validate(arguments)


@pytest.mark.parametrize("endpoint_id", SAMPLE)
def test_subscribe_reports_queue_updates_and_logs(emu: Emulator, endpoint_id: str) -> None:
    import fal_client

    emu.configure(endpoint_id, queue_polls=1, progress_polls=1)
    binding = fal_bindings.endpoint(endpoint_id)
    model = binding.input_model.model_validate(example_input(endpoint_id))
    updates: list[object] = []
    result = binding.subscribe(model, with_logs=True, on_queue_update=updates.append, poll_interval=0.01)
    assert isinstance(result, binding.output_model)
    kinds = [type(update) for update in updates]
    assert fal_client.Queued in kinds and fal_client.InProgress in kinds and kinds[-1] is fal_client.Completed


@pytest.mark.parametrize("endpoint_id", SAMPLE)
def test_async_twin_returns_the_same_typed_output(emu: Emulator, endpoint_id: str) -> None:
    binding = fal_bindings.async_endpoint(endpoint_id)
    model = binding.input_model.model_validate(example_input(endpoint_id))

    async def call() -> object:
        return await binding.subscribe(model, poll_interval=0.01)

    assert isinstance(asyncio.run(call()), binding.output_model)


@pytest.mark.parametrize("endpoint_id", SAMPLE)
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
