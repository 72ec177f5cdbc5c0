# Copied from templates/package/fal_bindings/testing/_emulator.py by falgen. Edit the source, then run make generate.
"""The emulator's lifecycle: a uvicorn server on a loopback TLS socket, in a thread of this process."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import uvicorn
from typing_extensions import Unpack
from uvicorn.config import WS_PROTOCOLS
from uvicorn.protocols.http.h11_impl import H11Protocol

from ._app import EmulatorApp
from ._app_state import FaultRule
from ._controls import OPERATIONS, Behavior, BehaviorChanges, Fault, RequestRecord, WebhookDelivery
from ._http import DroppedConnection
from ._outputs import OutputRule, OutputSource, check_source
from ._patch import Patcher, point_fal_client, reset_module_clients, set_fast_retries
from ._specs import SpecSource, load_specs, lookup
from ._tls import Certificates, make_certificates

if TYPE_CHECKING:
    import h11

DEFAULT_KEY = "test-key"
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
DEFAULT_IDLE_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 30.0
_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 5.0
# The sans-I/O implementation (uvicorn >= 0.35) supports denying a handshake with an HTTP body.
_WS_PROTOCOL = "websockets-sansio" if "websockets-sansio" in WS_PROTOCOLS else "auto"


class _Server(uvicorn.Server):
    """uvicorn's server, told to stop by an event instead of noticing on its 0.1 s tick."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        await self.on_tick(0)  # sets the default response headers once
        self.ready.set()
        while not self.should_exit:
            await self._wake.wait()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # A hard stop, unlike uvicorn's graceful one (which sleeps 0.1 s and then waits for
        # connections): abort every connection. Closing a TLS connection politely would wait for
        # the peer's close_notify, which an idle keep-alive pool nobody closed never sends.
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            transport = getattr(connection, "transport", None)
            if isinstance(transport, asyncio.BaseTransport):
                transport.abort()  # type: ignore[attr-defined]
        for server in self.servers:
            await server.wait_closed()

    def request_stop(self) -> None:
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)


class _TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's line and headers.

    uvicorn arms its keep-alive timer only after a response, and any byte disarms it: a client
    that connects and sends nothing, or sends its headers a byte at a time, would hold the
    connection forever. Here the head must be complete `head_timeout` seconds after the
    connection opens (after TLS) or after the previous response. An idle connection between
    requests is closed after `idle_timeout` (uvicorn's keep-alive timeout); the body has its
    own deadline in the app.
    """

    idle_timeout = DEFAULT_IDLE_TIMEOUT
    head_timeout = DEFAULT_READ_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.timeout_keep_alive = self.idle_timeout  # type: ignore[assignment]  # a float works: call_later
        self._head_deadline: asyncio.TimerHandle | None = None
        self._arm_head_deadline()

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        self._waiting_after = self.cycle  # the head we wait for starts a cycle other than this one
        self._head_deadline = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not self._waiting_after:
            self._disarm_head_deadline()

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        self._disarm_head_deadline()  # the WebSocket protocol takes the connection over
        super().handle_websocket_upgrade(event)

    def on_response_complete(self) -> None:
        # Armed before uvicorn starts a pipelined request, whose head has already arrived.
        if not self.transport.is_closing():
            self._arm_head_deadline()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)


def _timed_protocol(idle_timeout: float, head_timeout: float) -> type[H11Protocol]:
    attributes = {"idle_timeout": idle_timeout, "head_timeout": head_timeout}
    return type("TimedH11Protocol", (_TimedH11Protocol,), attributes)


class _HideDroppedConnections(logging.Filter):
    """Injected connection drops are raised on purpose; uvicorn need not log them as crashes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


class Emulator:
    """A local fal.ai, built from OpenAPI specs, that the unmodified fal-client talks to over TLS.

    Use it as a context manager (`with emulator(...) as emu:`); on entry it starts serving on
    127.0.0.1 and points fal-client at itself (environment and module constants); on exit it
    restores them. Control methods (`configure`, `inject`, ...) may be called while it runs.

    - `specs`: a directory of OpenAPI JSON specs, or the spec documents (default: the package's).
    - `key`: the API key clients must send (`Authorization: Key <key>`); exported as FAL_KEY.
    - `port`: 0 picks a free port.
    - `fast_retries`: make fal-client retry at most 3 times with short delays (fault tests).
    - `configure_client`: set FAL_* / SSL_CERT_FILE / NO_PROXY and fal_client's module constants.
    - `max_body_bytes`: larger request bodies get 413.
    - `behavior`: the initial global `Behavior` (queue polls, latency, errors...).
    - `allow_external_webhooks`: also POST webhooks to hosts other than loopback (127.0.0.0/8,
      ::1, localhost). Off by default, so code configured with a production webhook URL never
      sends fake results there; a refused delivery is in `webhooks` with `refused=True`.
    - `idle_timeout`: seconds a connection may sit idle between requests.
    - `read_timeout`: seconds a client has to send a request's line and headers (from
      connecting, or from the previous response), and again its body (then 408).
    """

    def __init__(
        self,
        specs: SpecSource | None = None,
        *,
        key: str = DEFAULT_KEY,
        port: int = 0,
        fast_retries: bool = False,
        configure_client: bool = True,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        behavior: Behavior | None = None,
        allow_external_webhooks: bool = False,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
    ) -> None:
        if not key:
            raise ValueError("key must be a non-empty string")
        for name, value in (("idle_timeout", idle_timeout), ("read_timeout", read_timeout)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        self._idle_timeout = float(idle_timeout)
        self._specs = load_specs(specs)
        self._key = key
        self._port = port
        self._fast_retries = fast_retries
        self._configure_client = configure_client
        self._app = EmulatorApp(
            self._specs,
            key=key,
            max_body_bytes=max_body_bytes,
            behavior=behavior or Behavior(),
            read_timeout=float(read_timeout),
            allow_external_webhooks=allow_external_webhooks,
        )
        self._env: dict[str, str] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._certificates: Certificates | None = None
        self._patcher = Patcher()
        self._log_filter = _HideDroppedConnections()
        self._startup_error: BaseException | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Emulator:
        if self._thread is not None:
            raise RuntimeError("the emulator is already running")
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self._certificates = make_certificates()
        # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets whose proto says TCP,
        # and without it every keep-alive request waits ~40 ms on Nagle + delayed ACKs.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", self._port))
        self._port = self._socket.getsockname()[1]
        self._app.base_url = self.base_url
        pem = str(self._certificates.server_pem)
        config = uvicorn.Config(
            self._app,
            http=_timed_protocol(self._idle_timeout, self._app.read_timeout),
            ws=_WS_PROTOCOL,
            loop="asyncio",
            lifespan="off",
            log_config=None,
            access_log=False,
            date_header=False,
            ssl_certfile=pem,
            ssl_keyfile=pem,
            ws_max_size=self._app.max_body_bytes,
        )
        self._server = _Server(config)
        logging.getLogger("uvicorn.error").addFilter(self._log_filter)
        self._thread = threading.Thread(
            target=self._serve, name=f"fal-emulator-{self._port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.ready.wait(0.002):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the fal emulator failed to start: {self._startup_error!r}")
        if self._configure_client:
            self._env = point_fal_client(self._patcher, self.base_url, self.ca_path, self._key)
            if self._fast_retries:
                set_fast_retries(self._patcher)
            reset_module_clients()

    def _serve(self) -> None:
        assert self._server is not None and self._socket is not None
        try:
            self._server.run(sockets=[self._socket])
        except BaseException as exc:  # uvicorn reports startup failures with sys.exit
            self._startup_error = exc

    def stop(self) -> None:
        """Stop serving and undo every change to the environment and fal_client. Idempotent."""
        if self._configure_client:
            reset_module_clients()
        if self._server is not None:
            self._server.request_stop()
        stuck = False
        if self._thread is not None:
            self._thread.join(_STOP_TIMEOUT)
            stuck = self._thread.is_alive()
        if self._socket is not None:
            self._socket.close()
        if self._certificates is not None:
            self._certificates.cleanup()
        logging.getLogger("uvicorn.error").removeFilter(self._log_filter)
        self._patcher.restore()
        self._server = self._thread = self._socket = self._certificates = None
        self._env = {}
        if stuck:
            raise RuntimeError(
                f"the fal emulator's server thread did not stop within {_STOP_TIMEOUT} s"
            )

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- information --------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """`https://127.0.0.1:PORT` (the run host; the queue host is `base_url + "/__queue__"`)."""
        return f"https://127.0.0.1:{self._port}"

    @property
    def ca_path(self) -> Path:
        """The CA certificate (PEM) to trust, e.g. `curl --cacert`. Deleted when the emulator stops."""
        if self._certificates is None:
            raise RuntimeError("the emulator is not running")
        return self._certificates.ca_path

    @property
    def key(self) -> str:
        return self._key

    @property
    def env(self) -> dict[str, str]:
        """The environment variables the emulator set (empty with `configure_client=False`)."""
        return dict(self._env)

    @property
    def endpoints(self) -> list[str]:
        return list(self._specs)

    @property
    def allow_external_webhooks(self) -> bool:
        """Whether webhooks may go to hosts other than loopback; may be changed while running."""
        return self._app.allow_external_webhooks

    @allow_external_webhooks.setter
    def allow_external_webhooks(self, allow: bool) -> None:
        self._app.allow_external_webhooks = bool(allow)

    # -- controls -----------------------------------------------------------------------------

    def configure(self, endpoint: str | None = None, **changes: Unpack[BehaviorChanges]) -> None:
        """Change the behaviour of one endpoint, or of all (`endpoint=None`), from now on.

        Example: `emu.configure(queue_polls=2, progress_polls=3)`,
        `emu.configure("fal-ai/flux-2", error=AppError(422, "bad"))`,
        `emu.configure("fal-ai/flux-2", output={"images": [...], "seed": 1})` or
        `output=lambda input: {...}` (a function of the input JSON). A fixed output is checked
        against the endpoint's Output schema here (`ValueError` naming the field); a function's
        answer on each request (a 500 naming the field when it does not fit). `output=None`
        goes back to the page's example. Requests already queued keep the behaviour they were
        submitted with.
        """
        unknown = set(changes) - {f.name for f in dataclasses.fields(Behavior)}
        if unknown:
            raise TypeError(f"unknown behaviour settings {sorted(unknown)}; see Behavior's fields")
        output = changes.get("output")
        if output is not None:
            if endpoint is None and not callable(output):
                raise TypeError("a fixed output needs an endpoint: configure(id, output=...)")
            if endpoint is not None:
                check_source(lookup(self._specs, endpoint), output)
        app = self._app
        with app.lock:
            if endpoint is None:
                app.global_behavior = dataclasses.replace(app.global_behavior, **changes)
                return
            lookup(self._specs, endpoint)
            merged: BehaviorChanges = {**app.overrides.get(endpoint, BehaviorChanges()), **changes}
            dataclasses.replace(app.global_behavior, **merged)  # validates the values
            app.overrides[endpoint] = merged

    def behavior(self, endpoint: str | None = None) -> Behavior:
        """The behaviour in effect for `endpoint` (or the global one)."""
        return self._app.behavior(endpoint)

    def inject(
        self,
        fault: Fault,
        *,
        times: int | None = 1,
        endpoint: str | None = None,
        on: str | Iterable[str] | None = None,
    ) -> None:
        """Answer the next `times` matching requests (None: all of them) with `fault`.

        `endpoint` limits it to one endpoint; `on` to some operations (see `OPERATIONS`:
        "run", "submit", "status", "result", "cancel", "stream", "realtime", "token", "upload", "file").
        Faults are matched in the order they were injected.
        """
        if times is not None and times < 1:
            raise ValueError(f"times must be at least 1 (or None for always), got {times}")
        if endpoint is not None:
            lookup(self._specs, endpoint)
        operations = None
        if on is not None:
            operations = frozenset([on] if isinstance(on, str) else on)
            unknown = operations - set(OPERATIONS)
            if unknown:
                raise ValueError(
                    f"unknown operations {sorted(unknown)}; known: {', '.join(OPERATIONS)}"
                )
        with self._app.lock:
            self._app.faults.append(FaultRule(fault, times, endpoint, operations))

    def next_output(self, endpoint: str, output: OutputSource, *, times: int | None = 1) -> None:
        """Answer the next `times` requests of `endpoint` (None: all, until `reset`) with
        `output`: a JSON object, or a function of the input returning one. Checked like
        `configure(endpoint, output=...)`; queued outputs are used in the order given, before
        the endpoint's configured output."""
        if times is not None and times < 1:
            raise ValueError(f"times must be at least 1 (or None for always), got {times}")
        spec = lookup(self._specs, endpoint)
        check_source(spec, output)
        with self._app.lock:
            self._app.next_outputs.append(OutputRule(spec.endpoint_id, output, times))

    def clear_faults(self) -> None:
        with self._app.lock:
            self._app.faults.clear()

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request received so far, oldest first (credentials redacted)."""
        with self._app.lock:
            return list(self._app.records)

    def clear_requests(self) -> None:
        with self._app.lock:
            self._app.records.clear()

    @property
    def webhooks(self) -> list[WebhookDelivery]:
        """Webhook deliveries made so far, oldest first."""
        with self._app.lock:
            return list(self._app.deliveries)

    def reset(self) -> None:
        """Back to the initial behaviour, with no faults, requests, jobs or webhook deliveries."""
        self._app.reset()


emulator = Emulator
"""`with emulator(specs=..., key=...) as emu:`, the spelling tests read best with."""
