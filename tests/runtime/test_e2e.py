"""End to end: the example endpoint, the real fal_client, and the local fal emulator (TLS on
loopback) built from tests/runtime/specs/."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fal_bindings._runtime import (
    AuthenticationError,
    Completed,
    Endpoint,
    FalOutput,
    InProgress,
    InternalServerError,
    OutputValidationError,
    Queued,
    RateLimitError,
    RealtimeError,
    RequestTimeoutError,
    StreamError,
    UnprocessableEntityError,
)
from fal_bindings.endpoints.fal_ai.example import AsyncExample, Example, Input, Output
from pydantic import ValidationError

from tests.golden.trees import specs as golden_specs

testing = pytest.importorskip("fal_bindings.testing")

SPECS = golden_specs("runtime")


@pytest.fixture(scope="module")
def emu_module() -> Iterator[Any]:
    with testing.emulator(specs=SPECS, fast_retries=True) as emu:
        yield emu


@pytest.fixture
def emu(emu_module: Any) -> Iterator[Any]:
    emu_module.reset()
    yield emu_module
    emu_module.reset()


def bodies(emu: Any, operation: str) -> list[Any]:
    return [r.body for r in emu.requests if r.operation == operation]


# --------------------------------------------------------------------------- run


def test_run_sends_only_what_was_set_by_wire_name(emu):
    out = Example().run(prompt="a cat", class_="c", timeout_=2.5, image_size={"width": 640})
    assert isinstance(out, Output) and out.images and out.images[0].url
    assert bodies(emu, "run") == [{"prompt": "a cat", "class": "c", "timeout": 2.5, "image_size": {"width": 640}}]


def test_run_with_input_and_options(emu):
    Example().run(Input(prompt="x"), hint="gpu-1", start_timeout=30, headers={"X-Trace": "t1"})
    record = next(r for r in emu.requests if r.operation == "run")
    headers = {k.lower(): v for k, v in record.headers.items()}
    assert headers["x-fal-runner-hint"] == "gpu-1"
    assert headers["x-fal-request-timeout"] == "30.0"
    assert headers["x-trace"] == "t1"


def test_local_files_are_sent_as_data_uris(emu, png_file: Path):
    Example().run(prompt="x", image_url=png_file, image_urls=[b"\xff\xd8\xff\xe0jpeg", "https://a/b.png"])
    body = bodies(emu, "run")[0]
    assert body["image_url"] == "data:image/png;base64," + base64.b64encode(png_file.read_bytes()).decode()
    assert body["image_urls"][0].startswith("data:image/jpeg;base64,")
    assert body["image_urls"][1] == "https://a/b.png"
    assert not bodies(emu, "upload")


def test_local_files_are_uploaded_in_upload_mode(emu, png_file: Path):
    Example(file_upload="upload").run(prompt="x", image_url=png_file, image_urls=[png_file])
    body = bodies(emu, "run")[0]
    assert body["image_url"].startswith("https://127.0.0.1:")
    assert body["image_urls"] == [body["image_url"]]  # one upload for the same file
    assert len([r for r in emu.requests if r.operation == "upload"]) >= 1


def test_output_files_can_be_downloaded(emu, tmp_path: Path):
    out = Example().run(prompt="x")
    image = out.images[0]
    data = image.read_bytes()
    assert data
    saved = image.download(tmp_path)
    assert saved.read_bytes() == data and saved.parent == tmp_path


def test_invalid_input_never_reaches_the_emulator(emu):
    with pytest.raises(ValidationError):
        Example().run(prompt="x", num_images=10)
    assert emu.requests == []


def test_service_side_422_is_typed(emu):
    # model_construct skips validation: the emulator's own fal-style 422 comes back.
    with pytest.raises(UnprocessableEntityError) as info:
        Example().run(Input.model_construct(prompt=None))  # type: ignore[arg-type]
    err = info.value
    assert err.status_code == 422 and err.request_id
    assert err.errors[0]["loc"] == ["body", "prompt"]
    assert err.message.startswith("prompt: ")


def test_app_errors_and_faults_are_typed(emu):
    emu.configure(error=testing.AppError(500, "GPU on fire", error_type="internal"))
    with pytest.raises(InternalServerError, match="GPU on fire") as info:
        Example().run(prompt="x")
    assert info.value.error_type == "internal"
    emu.reset()
    emu.inject(testing.Fault.http(429), times=None, on="run")
    with pytest.raises(RateLimitError):
        Example().run(prompt="x")


def test_wrong_key_is_an_authentication_error(emu):
    import fal_client

    with pytest.raises(AuthenticationError):
        Example(fal_client.SyncClient(key="wrong")).run(prompt="x")


def test_output_that_does_not_fit_keeps_the_raw_response(emu):
    class NeedsMore(FalOutput):
        missing_field: int

    class Strict(Endpoint[Input, NeedsMore]):
        endpoint_id: ClassVar[str] = "fal-ai/example"

        def run(self, input: Input | None = None, **kwargs: Any) -> NeedsMore:
            return self._run(input, kwargs)

    with pytest.raises(OutputValidationError) as info:
        Strict().run(prompt="x")
    assert info.value.raw["seed"] is not None and "images" in info.value.raw
    assert info.value.errors[0]["loc"] == ("missing_field",)


# --------------------------------------------------------------------------- queue


def test_submit_status_iter_events_result(emu):
    emu.configure(queue_polls=2, progress_polls=1)
    ep = Example()
    handle = ep.submit(prompt="x", priority="low")
    assert isinstance(handle.request_id, str)
    events = list(handle.iter_events(with_logs=True, interval=0))
    assert [type(e) for e in events] == [Queued, Queued, InProgress, Completed]
    assert isinstance(handle.get(interval=0), Output)
    assert isinstance(handle.result(interval=0), Output)
    submit = next(r for r in emu.requests if r.operation == "submit")
    assert {k.lower(): v for k, v in submit.headers.items()}["x-fal-queue-priority"] == "low"
    # by request id, e.g. from another process
    assert isinstance(ep.status(handle.request_id), Completed)
    assert isinstance(ep.result(handle.request_id), Output)
    assert ep.get_handle(handle.request_id).request_id == handle.request_id


def test_submit_with_webhook(emu):
    handle = Example().submit(prompt="x", webhook_url="https://hooks.example/cb")
    submit = next(r for r in emu.requests if r.operation == "submit")
    assert submit.query.get("fal_webhook") == "https://hooks.example/cb"
    assert isinstance(handle.get(interval=0), Output)


def test_cancel(emu):
    emu.configure(queue_polls=50)
    ep = Example()
    handle = ep.submit(prompt="x")
    assert isinstance(handle.status(), Queued)
    ep.cancel(handle.request_id)
    status = handle.status()
    assert isinstance(status, Completed) and status.error


def test_subscribe_reports_queue_updates_and_logs(emu):
    emu.configure(queue_polls=1, progress_polls=2)
    updates: list[Any] = []
    enqueued: list[str] = []
    out = Example().subscribe(
        prompt="x", with_logs=True, on_queue_update=updates.append, on_enqueue=enqueued.append, poll_interval=0
    )
    assert isinstance(out, Output)
    assert len(enqueued) == 1
    assert [type(u) for u in updates] == [Queued, InProgress, InProgress, Completed]
    assert any(u.logs for u in updates if isinstance(u, InProgress))


def test_subscribe_callback_errors_propagate_unchanged(emu):
    class Boom(ConnectionError):
        pass

    def explode(status: Any) -> None:
        raise Boom("from the callback")

    with pytest.raises(Boom, match="from the callback"):
        Example().subscribe(prompt="x", on_queue_update=explode, poll_interval=0)


def test_sync_endpoint_rejects_coroutine_callbacks(emu):
    async def on_update(status: Any) -> None:
        pass

    with pytest.raises(TypeError, match="Async endpoint class"):
        Example().subscribe(prompt="x", on_queue_update=on_update, poll_interval=0)


def test_subscribe_timeout(emu):
    emu.configure(processing_time=5.0)
    with pytest.raises(RequestTimeoutError) as info:
        Example().subscribe(prompt="x", timeout=1.2, poll_interval=0.05)
    assert info.value.timeout == 1.2 and info.value.request_id


# --------------------------------------------------------------------------- stream / realtime


def test_stream(emu):
    emu.configure(stream_events=3)
    with Example().stream(prompt="x") as stream:
        events = list(stream)
        out = stream.final_output()
    assert len(events) == 4 and all(isinstance(e, dict) for e in events)
    assert isinstance(out, Output)


def test_stream_error_is_typed(emu):
    emu.configure(error=testing.AppError(422, "nope"))
    stream = Example().stream(prompt="x")
    with pytest.raises(StreamError):
        list(stream)


def test_realtime(emu):
    with Example().realtime() as conn:
        conn.send(Input(prompt="one"))
        conn.send({"prompt": "two"})
        first, second = conn.recv(), conn.recv()
        with pytest.raises(ValidationError):
            conn.send({"prompt": 3})
    assert isinstance(first, Output) and isinstance(second, Output)


def test_realtime_app_error(emu):
    emu.configure(error=testing.AppError(500, "bad frame"))
    with Example().realtime() as conn:
        conn.send({"prompt": "x"})
        with pytest.raises(RealtimeError):
            conn.recv()


# --------------------------------------------------------------------------- async twins


def test_async_run_submit_subscribe_stream_realtime(emu):
    emu.configure(queue_polls=1, progress_polls=1)

    async def main() -> dict[str, Any]:
        ep = AsyncExample()
        seen: dict[str, Any] = {"updates": [], "enqueued": []}
        seen["run"] = await ep.run(prompt="x", class_="c")
        handle = await ep.submit(prompt="x")
        seen["events"] = [type(e) async for e in handle.iter_events(interval=0)]
        seen["get"] = await handle.get(interval=0)
        seen["status"] = await ep.status(handle.request_id)
        seen["result"] = await ep.result(handle.request_id)

        async def on_update(status: Any) -> None:
            seen["updates"].append(type(status))

        seen["subscribe"] = await ep.subscribe(
            prompt="x", on_queue_update=on_update, on_enqueue=seen["enqueued"].append, poll_interval=0
        )
        async with ep.stream(prompt="x") as stream:
            seen["stream_events"] = [e async for e in stream]
            seen["stream"] = await stream.final_output()
        async with ep.realtime() as conn:
            await conn.send({"prompt": "x"})
            seen["realtime"] = await conn.recv()
        return seen

    seen = asyncio.run(main())
    for key in ("run", "get", "result", "subscribe", "stream", "realtime"):
        assert isinstance(seen[key], Output), key
    assert seen["events"] == [Queued, InProgress, Completed]
    assert isinstance(seen["status"], Completed)
    assert seen["updates"] == [Queued, InProgress, Completed] and len(seen["enqueued"]) == 1
    assert {"prompt": "x", "class": "c"} in bodies(emu, "run")


def test_async_cancel_and_errors(emu):
    emu.configure(queue_polls=50)

    async def main() -> Any:
        ep = AsyncExample()
        handle = await ep.submit(prompt="x")
        await handle.cancel()
        status = await handle.status()
        emu.configure(error=testing.AppError(422, "bad input"))
        with pytest.raises(UnprocessableEntityError):
            await ep.run(prompt="x")
        return status

    status = asyncio.run(main())
    assert isinstance(status, Completed) and status.error


def test_async_default_clients_survive_several_event_loops(emu):
    ep = AsyncExample()
    for _ in range(3):
        assert isinstance(asyncio.run(ep.run(prompt="x")), Output)
