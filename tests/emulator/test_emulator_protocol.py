"""The real fal_client against the emulator: run, queue, stream, realtime, uploads, files."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import fal_client
import httpx
import httpx_sse
import pytest
import websockets
from fal_bindings.testing import Emulator, example_input, load_specs

from tests.golden.trees import specs as golden_specs

SPECS = golden_specs("emulator")

FLUX = "fal-ai/flux-2/klein/4b/base"
STREAM = "fal-ai/flux-krea-lora/stream"
REALTIME = "fal-ai/flux-2/klein/realtime"
VIDEO = "fal-ai/kling-video/v2.1/master/text-to-video"
SPEC_SET = load_specs(SPECS)


def assert_output(endpoint_id: str, output: Any) -> None:
    errors = [e.message for e in SPEC_SET[endpoint_id].output_validator.iter_errors(output)]
    assert errors == [], errors


def test_run_returns_schema_valid_output_echoing_the_input(client: fal_client.SyncClient) -> None:
    result = client.run(FLUX, {"prompt": "a lighthouse", "seed": 7})
    assert_output(FLUX, result)
    assert result["prompt"] == "a lighthouse"
    assert result["seed"] == 7
    # `seed: null` is valid input but not valid output: only what stays valid is echoed.
    result = client.run(FLUX, {"prompt": "a harbour", "seed": None})
    assert_output(FLUX, result)
    assert (result["prompt"], result["seed"]) == ("a harbour", 42)


def test_submit_status_result(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.configure(queue_polls=2)
    handle = client.submit(FLUX, {"prompt": "p"})
    assert client.status(FLUX, handle.request_id) == fal_client.Queued(position=1)
    assert handle.status() == fal_client.Queued(position=0)
    completed = handle.status(with_logs=True)
    assert isinstance(completed, fal_client.Completed)
    assert completed.error is None
    assert_output(FLUX, handle.get())
    # fal's queue URLs keep only owner/alias: the app sub-path is dropped.
    assert handle.status_url == f"{fal_emulator.base_url}/__queue__/fal-ai/flux-2/requests/{handle.request_id}/status"


def test_subscribe_reports_queue_progress_and_logs(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.configure(FLUX, queue_polls=2, progress_polls=2)
    events: list[fal_client.Status] = []
    enqueued: list[str] = []
    result = client.subscribe(
        FLUX, {"prompt": "p"}, with_logs=True, interval=0, on_enqueue=enqueued.append, on_queue_update=events.append
    )
    assert_output(FLUX, result)
    assert [type(e).__name__ for e in events] == ["Queued", "Queued", "InProgress", "InProgress", "Completed"]
    assert [e.position for e in events if isinstance(e, fal_client.Queued)] == [1, 0]
    progress = [e.logs for e in events if isinstance(e, fal_client.InProgress)]
    assert [len(logs or []) for logs in progress] == [1, 2]
    assert progress[-1] is not None and progress[-1][0]["message"] == "Processing step 1/2"
    assert len(enqueued) == 1
    polls = [r for r in fal_emulator.requests if r.operation == "status"]
    assert polls[0].query == {"logs": "true"}


@pytest.mark.parametrize("flag, has_logs", [("1", True), ("true", True), ("0", False), ("false", False)])
def test_status_logs_flag_spellings(
    fal_emulator: Emulator, client: fal_client.SyncClient, flag: str, has_logs: bool
) -> None:
    handle = client.submit(FLUX, {"prompt": "p"})
    auth = {"Authorization": f"Key {fal_emulator.key}"}
    body = httpx.get(handle.status_url, params={"logs": flag}, headers=auth).json()
    assert body["status"] == "COMPLETED"
    assert "logs" in body
    assert (body["logs"] is not None) == has_logs


def test_cancel_completes_the_request(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.configure(queue_polls=5)
    handle = client.submit(FLUX, {"prompt": "p"})
    handle.cancel()
    status = handle.status()
    assert isinstance(status, fal_client.Completed)
    assert status.error == "Request was cancelled"
    with pytest.raises(fal_client.FalClientHTTPError) as info:
        handle.get()
    assert info.value.status_code == 400
    with pytest.raises(fal_client.FalClientHTTPError) as again:
        client.cancel(FLUX, handle.request_id)
    assert again.value.status_code == 400
    assert "ALREADY_COMPLETED" in str(again.value.message)
    cancels = [r for r in fal_emulator.requests if r.operation == "cancel"]
    assert [r.status for r in cancels] == [202, 400]


def test_by_id_helpers(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.configure(progress_polls=1)
    request_id = client.submit(VIDEO, {"prompt": "forest"}).request_id
    assert isinstance(client.status(VIDEO, request_id, with_logs=True), fal_client.InProgress)
    result = client.result(VIDEO, request_id)
    assert_output(VIDEO, result)
    with pytest.raises(fal_client.FalClientHTTPError) as info:
        client.status(VIDEO, "no-such-request")
    assert info.value.status_code == 404


def test_client_timeout_cancels_and_the_request_completes(
    fal_emulator: Emulator, client: fal_client.SyncClient
) -> None:
    fal_emulator.configure(processing_time=30)
    with pytest.raises(fal_client.FalClientTimeoutError) as info:
        client.subscribe(FLUX, {"prompt": "p"}, client_timeout=1.1, interval=0.05)
    # The sync client's worker keeps polling after the timeout; the cancel must complete it.
    request_id = info.value.request_id
    assert request_id is not None
    assert isinstance(client.status(FLUX, request_id), fal_client.Completed)


def test_stream_sends_partial_events_then_the_output(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.configure(STREAM, stream_events=3)
    events = list(client.stream(STREAM, {"prompt": "fox"}))
    assert len(events) == 4
    for event in events:
        assert_output(STREAM, event)
    record = next(r for r in fal_emulator.requests if r.operation == "stream")
    assert record.path == f"/{STREAM}/stream"


def test_stream_errors_are_not_event_streams(client: fal_client.SyncClient) -> None:
    with pytest.raises(httpx_sse.SSEError):
        list(client.stream(FLUX, {"prompt": "no streaming here"}))
    with pytest.raises(httpx_sse.SSEError):
        list(client.stream(STREAM, {"num_inference_steps": 1}))


@pytest.mark.parametrize("use_jwt", [True, False])
def test_realtime_round_trip_and_errors(fal_emulator: Emulator, client: fal_client.SyncClient, use_jwt: bool) -> None:
    with client.realtime(REALTIME, use_jwt=use_jwt) as connection:
        connection.send({"image_url": "data:image/png;base64,AA==", "seed": 3})
        output = connection.recv()
        assert_output(REALTIME, output)
        assert output is not None and output["seed"] == 3
        connection.send({"image_url": 5})
        with pytest.raises(fal_client.client.RealtimeError) as info:
            connection.recv()
        assert info.value.error == "VALIDATION_ERROR"
        assert info.value.payload["detail"][0]["loc"] == ["body", "image_url"]
        connection.send(example_input(REALTIME, specs=SPECS))  # still usable after an error
        assert_output(REALTIME, connection.recv())
    tokens = [r for r in fal_emulator.requests if r.operation == "token"]
    handshake = next(r for r in fal_emulator.requests if r.operation == "realtime")
    assert len(tokens) == (1 if use_jwt else 0)
    if use_jwt:
        assert tokens[0].body == {"allowed_apps": ["flux-2"], "token_expiration": 120}
        assert handshake.query["fal_jwt_token"] == "<redacted>"
    else:
        assert handshake.headers["authorization"] == "Key <redacted>"


def test_realtime_is_refused_without_credentials_or_capability(client: fal_client.SyncClient) -> None:
    with pytest.raises(websockets.exceptions.InvalidStatus) as info, client.realtime(FLUX, use_jwt=False):
        pass
    assert info.value.response.status_code == 404
    wrong_key = fal_client.SyncClient(key="wrong-key")
    with pytest.raises(websockets.exceptions.InvalidStatus) as denied, wrong_key.realtime(REALTIME, use_jwt=False):
        pass
    assert denied.value.response.status_code == 401


@pytest.mark.parametrize("repository", ["fal_v3", "fal"])
def test_upload_file_then_download(
    fal_emulator: Emulator, client: fal_client.SyncClient, tmp_path: Path, repository: Any
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello emulator")
    url = client.upload_file(path, repository=repository)
    assert url.startswith(fal_emulator.base_url + "/__files__/uploads/")
    download = httpx.get(url)  # SSL_CERT_FILE points at the emulator's CA
    assert download.content == b"hello emulator"
    assert download.headers["content-type"].startswith("text/plain")


def test_output_files_download_as_real_media(client: fal_client.SyncClient) -> None:
    image_url = client.run(FLUX, {"prompt": "p"})["images"][0]["url"]
    assert httpx.get(image_url).content.startswith(b"\x89PNG\r\n\x1a\n")
    video = client.run(VIDEO, {"prompt": "p"})["video"]
    response = httpx.get(video["url"])
    assert response.headers["content-type"] == "video/mp4"
    assert response.content[4:8] == b"ftyp"
    assert httpx.get(image_url.replace("images-0.png", "../../etc/passwd")).status_code == 404


def test_async_client_speaks_the_same_protocol(fal_emulator: Emulator) -> None:
    fal_emulator.configure(queue_polls=1, progress_polls=1)

    async def scenario() -> tuple[list[str], Any, list[Any], Any]:
        client = fal_client.AsyncClient(key=fal_emulator.key)
        events: list[str] = []

        async def on_update(status: fal_client.Status) -> None:
            events.append(type(status).__name__)

        result = await client.subscribe(FLUX, {"prompt": "p"}, with_logs=True, interval=0, on_queue_update=on_update)
        streamed = [event async for event in client.stream(STREAM, {"prompt": "fox"})]
        async with client.realtime(REALTIME) as connection:
            await connection.send({"image_url": "x"})
            realtime = await connection.recv()
        pool = await client._client
        await pool.aclose()
        return events, result, streamed, realtime

    events, result, streamed, realtime = asyncio.run(scenario())
    assert events == ["Queued", "InProgress", "Completed"]
    assert_output(FLUX, result)
    assert len(streamed) == 3
    assert_output(REALTIME, realtime)


def test_webhook_is_delivered(
    fal_emulator: Emulator, client: fal_client.SyncClient, webhook_receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, received = webhook_receiver
    ok = client.submit(FLUX, {"prompt": "p"}, webhook_url=url)
    bad = client.submit(FLUX, {"prompt": 1}, webhook_url=url)
    deliveries = wait_for(lambda: fal_emulator.webhooks if len(fal_emulator.webhooks) == 2 else None)
    assert {d.status for d in deliveries} == {200}
    by_id = {body["request_id"]: body for body in received}
    assert by_id[ok.request_id]["status"] == "OK"
    assert by_id[ok.request_id]["gateway_request_id"] == ok.request_id
    assert_output(FLUX, by_id[ok.request_id]["payload"])
    assert by_id[bad.request_id]["status"] == "ERROR"
    assert by_id[bad.request_id]["error"] == "Invalid status code: 422"
    assert by_id[bad.request_id]["payload"]["detail"][0]["loc"] == ["body", "prompt"]
    submit = next(r for r in fal_emulator.requests if r.operation == "submit")
    assert submit.query == {"fal_webhook": url}


def wait_for(probe: Any, timeout: float = 5.0) -> Any:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


@pytest.fixture
def webhook_receiver() -> Any:
    """A plain-HTTP receiver on loopback collecting JSON bodies."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["content-length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()
    thread.join()
