"""The emulator stays on loopback and bounded: webhooks go to loopback only (unless a test opts
in), JSON that fal refuses is a logged 422, and idle or slow connections are closed."""

from __future__ import annotations

import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import fal_client
import httpx
import pytest
from fal_bindings.testing import Emulator, emulator, example_input
from fal_bindings.testing._bodies import MAX_JSON_DEPTH
from fal_bindings.testing._webhooks import webhook_refusal

from tests.golden.trees import specs as golden_specs

SPECS = golden_specs("emulator")
FLUX = "fal-ai/flux-2/klein/4b/base"
REALTIME = "fal-ai/flux-2/klein/realtime"


class Receiver:
    """A plain-HTTP webhook receiver on 127.0.0.1 collecting JSON bodies."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                received.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    running.thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()
    running.thread.join()


def wait_for_webhooks(emu: Emulator, count: int, timeout: float = 5.0) -> list[Any]:
    deadline = time.monotonic() + timeout
    while len(emu.webhooks) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(emu.webhooks) == count, emu.webhooks
    return emu.webhooks


# -- webhooks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:9/hook", True),
        ("http://127.8.9.10/hook", True),
        ("https://[::1]:9/hook", True),
        ("http://[::ffff:127.0.0.1]/hook", True),
        ("http://localhost:9/hook", True),
        ("http://LOCALHOST./hook", True),
        ("https://hooks.example.com/fal", False),
        ("https://api.mycompany.io/webhooks/fal?token=t", False),
        ("http://0.0.0.0:9/hook", False),
        ("http://10.0.0.1/hook", False),
        ("http://127.0.0.1.example.com/hook", False),
        ("http://localhost.example.com/hook", False),
    ],
)
def test_only_loopback_webhook_targets_are_allowed(url: str, allowed: bool) -> None:
    refusal = webhook_refusal(url, allow_external=False)
    assert (refusal is None) == allowed, refusal
    if not allowed:
        assert refusal is not None and "allow_external_webhooks=True" in refusal
        assert webhook_refusal(url, allow_external=True) is None


def test_a_webhook_to_another_host_is_refused_and_recorded(
    fal_emulator: Emulator, client: fal_client.SyncClient, receiver: Receiver
) -> None:
    """0.0.0.0 reaches this machine's receiver, but is not a loopback address: refused."""
    url = f"http://0.0.0.0:{receiver.port}/hook"
    handle = client.submit(FLUX, {"prompt": "p"}, webhook_url=url)
    (delivery,) = wait_for_webhooks(fal_emulator, 1)
    assert (delivery.url, delivery.request_id, delivery.status, delivery.refused) == (url, handle.request_id, None, True)
    assert delivery.error.startswith("refused: 0.0.0.0 is not a loopback address")
    assert delivery.body["status"] == "OK"  # what would have been sent
    time.sleep(0.2)
    assert receiver.received == []


def test_a_test_can_opt_in_to_external_webhooks(receiver: Receiver) -> None:
    url = f"http://0.0.0.0:{receiver.port}/hook"
    with emulator(specs=SPECS, allow_external_webhooks=True) as emu:
        client = fal_client.SyncClient(key=emu.key)
        handle = client.submit(FLUX, {"prompt": "p"}, webhook_url=url)
        (delivery,) = wait_for_webhooks(emu, 1)
        assert (delivery.status, delivery.error, delivery.refused) == (200, None, False)
        assert [body["request_id"] for body in receiver.received] == [handle.request_id]
        emu.allow_external_webhooks = False
        client.submit(FLUX, {"prompt": "p"}, webhook_url=url)
        assert wait_for_webhooks(emu, 2)[1].refused
        vars(client)["_client"].close()


@pytest.mark.parametrize("url", ["http://[::1", "ftp://127.0.0.1/hook", "not a url", "http:///hook"])
def test_a_malformed_webhook_url_is_a_recorded_failure(
    fal_emulator: Emulator, client: fal_client.SyncClient, caplog: pytest.LogCaptureFixture, url: str
) -> None:
    caplog.set_level(logging.ERROR, logger="asyncio")
    handle = client.submit(FLUX, {"prompt": "p"}, webhook_url=url)
    (delivery,) = wait_for_webhooks(fal_emulator, 1)
    assert (delivery.url, delivery.request_id, delivery.status, delivery.refused) == (url, handle.request_id, None, True)
    assert delivery.error.startswith("malformed webhook URL (")
    assert not [r for r in caplog.records if "never retrieved" in r.getMessage()]


# -- JSON bodies fal refuses --------------------------------------------------------------------


def post_raw(emu: Emulator, path: str, content: bytes) -> httpx.Response:
    headers = {"Authorization": f"Key {emu.key}", "Content-Type": "application/json"}
    return httpx.post(f"{emu.base_url}/{path}", content=content, headers=headers, timeout=30)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, f"nested deeper than {MAX_JSON_DEPTH} levels"),
        (b'{"prompt": "p", "extra": ' + b"[" * 500 + b"]" * 500 + b"}", f"nested deeper than {MAX_JSON_DEPTH} levels"),
        (b'{"prompt": "p", "seed": NaN}', "NaN is not valid JSON"),
        (b'{"prompt": "\xff"}', "can't decode byte 0xff"),
    ],
    ids=["nested-100000", "nested-500", "nan", "not-utf8"],
)
@pytest.mark.parametrize("path", [FLUX, f"__queue__/{FLUX}"], ids=["run", "submit"])
def test_json_fal_refuses_is_a_logged_422(fal_emulator: Emulator, content: bytes, message: str, path: str) -> None:
    response = post_raw(fal_emulator, path, content)
    assert response.status_code == 422, response.text
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", 0] and detail["type"] == "json_invalid"
    assert message in detail["msg"]
    (record,) = fal_emulator.requests
    assert (record.status, record.operation, record.endpoint_id, record.body) == (
        422,
        "run" if path == FLUX else "submit",
        FLUX,
        None,
    )


@pytest.mark.parametrize("path", [FLUX, f"__queue__/{FLUX}"], ids=["run", "submit"])
def test_a_path_below_an_endpoint_is_a_logged_404_naming_it(fal_emulator: Emulator, path: str) -> None:
    response = post_raw(fal_emulator, f"{path}/extra/part", b"{}")
    assert response.status_code == 404, response.text
    assert f"Endpoint {FLUX!r} has no path /extra/part" in response.text
    (record,) = fal_emulator.requests
    assert (record.status, record.operation, record.endpoint_id) == (404, "run" if path == FLUX else "submit", FLUX)


@pytest.mark.parametrize(
    ("content", "loc"),
    [
        (b'{"prompt": "a \\ud800 b"}', ["body", "prompt"]),
        (b'{"prompt": "p", "loras": [{"path": "x", "\\udfff": 1}]}', ["body", "loras", 0, "\\udfff"]),
    ],
    ids=["value", "key"],
)
@pytest.mark.parametrize("path", [FLUX, f"__queue__/{FLUX}"], ids=["run", "submit"])
def test_a_lone_surrogate_is_a_logged_422_naming_the_field(
    fal_emulator: Emulator, content: bytes, loc: list[Any], path: str
) -> None:
    """`"\\ud800"` is valid JSON syntax but no UTF-8 string: fal's pydantic refuses it (the
    emulator used to echo it into an output it could not encode: a 500 missing from the log)."""
    response = post_raw(fal_emulator, path, content)
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == [
        {"loc": loc, "msg": "Input should be a valid string, unable to parse raw data as a unicode string", "type": "string_unicode"}
    ]
    assert [(r.status, r.endpoint_id) for r in fal_emulator.requests] == [(422, FLUX)]


def test_a_realtime_message_fal_refuses_is_an_error_frame(fal_emulator: Emulator) -> None:
    from websockets.sync.client import connect

    url = f"wss://127.0.0.1:{fal_emulator.port}/{REALTIME}"
    context = ssl.create_default_context(cafile=str(fal_emulator.ca_path))
    headers = {"Authorization": f"Key {fal_emulator.key}"}
    with connect(url, ssl=context, additional_headers=headers, open_timeout=10) as websocket:
        for text in ('{"prompt": "a \\ud800"}', "[" * 100_000 + "]" * 100_000):
            websocket.send(text)
            frame = json.loads(websocket.recv(timeout=10))
            assert (frame["type"], frame["error"]) == ("x-fal-error", "INVALID_MESSAGE")
        websocket.send(json.dumps(example_input(REALTIME, specs=SPECS)))
        assert json.loads(websocket.recv(timeout=10)).get("type") != "x-fal-error"  # still serving


# -- idle and slow connections ------------------------------------------------------------------


@pytest.fixture
def quick() -> Iterator[Emulator]:
    """An emulator that gives clients half a second for a request's head and for its body."""
    with emulator(specs=SPECS, configure_client=False, idle_timeout=0.5, read_timeout=0.5) as emu:
        yield emu


def tls(emu: Emulator) -> ssl.SSLSocket:
    context = ssl.create_default_context(cafile=str(emu.ca_path))
    connection = context.wrap_socket(socket.create_connection(("127.0.0.1", emu.port), timeout=10), server_hostname="127.0.0.1")
    connection.settimeout(10)
    return connection


def closed_after(connection: ssl.SSLSocket, trickle: bytes = b"", limit: float = 8.0) -> tuple[float, bytes]:
    """Send `trickle` a byte every 0.05 s (or nothing) until the server closes; (seconds, answer)."""
    started = time.monotonic()
    answer = b""
    connection.settimeout(0.05)
    sent = 0
    while time.monotonic() - started < limit:
        try:
            chunk = connection.recv(65536)
        except TimeoutError:
            chunk = None
        except (ssl.SSLError, OSError):
            break
        if chunk == b"":
            break
        answer += chunk or b""
        if trickle:
            try:
                connection.sendall(trickle[sent % len(trickle) : sent % len(trickle) + 1])
            except OSError:
                break
            sent += 1
    return time.monotonic() - started, answer


def test_a_connection_that_sends_nothing_is_closed(quick: Emulator) -> None:
    with tls(quick) as connection:
        elapsed, answer = closed_after(connection)
    assert elapsed < 3 and answer == b""


def test_headers_sent_a_byte_at_a_time_are_cut_off(quick: Emulator) -> None:
    with tls(quick) as connection:
        connection.sendall(f"POST /{FLUX} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
        elapsed, answer = closed_after(connection, trickle=b"X-Slow: aaaaaaaaaaaaaaaaaaaa\r\n")
    assert elapsed < 3 and answer == b""


def test_an_idle_keep_alive_connection_is_closed(quick: Emulator) -> None:
    with tls(quick) as connection:
        connection.sendall(b"GET /__files__/generated/a.png HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        elapsed, answer = closed_after(connection)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert elapsed < 3


def test_a_body_sent_a_byte_at_a_time_gets_408(quick: Emulator) -> None:
    head = f"POST /{FLUX} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Key {quick.key}\r\nContent-Length: 1000\r\n\r\n"
    with tls(quick) as connection:
        connection.sendall(head.encode())
        elapsed, answer = closed_after(connection, trickle=b" ")
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b"Request body not received within 0.5 s" in answer
    assert elapsed < 3
    assert [(r.operation, r.status) for r in quick.requests] == [("run", 408)]


def test_requests_in_time_are_served_with_short_timeouts(quick: Emulator) -> None:
    client = fal_client.SyncClient(key=quick.key)
    with httpx.Client(verify=ssl.create_default_context(cafile=str(quick.ca_path))) as http:
        for _ in range(3):
            response = http.post(f"{quick.base_url}/{FLUX}", json={"prompt": "p"}, headers={"Authorization": f"Key {quick.key}"})
            assert response.status_code == 200
            time.sleep(0.2)  # within idle_timeout: the same connection serves the next request
    del client
