"""The emulator's ASGI application: fal's run, queue, stream, realtime, storage and file endpoints.

One server plays every fal host, told apart by path prefix (see `_http`). This module assembles
the parts, each a module of its own: `_answers` (the app's answer; the run host), `_queue`,
`_streaming`, `_realtime`, `_storage` and `_request_log`, over the state they share
(`_app_state`); here the state is created, and each request is routed to its part after the
faults, latency and API-key check every request passes.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from ._app_state import FaultRule
from ._controls import Behavior, BehaviorChanges, RequestRecord, WebhookDelivery
from ._http import (
    CDN,
    FILES,
    QUEUE,
    REST,
    DropResponse,
    Exchange,
    Handler,
    HTTPError,
    fault_response,
    method_not_allowed,
    require_post,
)
from ._outputs import OutputRule
from ._queue import Job, Queue
from ._realtime import Realtime
from ._request_log import RequestLog
from ._specs import EndpointSpec
from ._storage import Storage
from ._streaming import Streaming

_KEY_AUTH = frozenset({"run", "submit", "status", "result", "cancel", "stream", "token"})
_QUEUE_REQUEST = re.compile(
    r"^/__queue__/(?P<app>.+?)/requests/(?P<rid>[^/]+)(?P<action>/status|/cancel)?/?$"
)


class EmulatorApp(Queue, Streaming, Realtime, Storage, RequestLog):
    """The parts' handlers over one state, created here (see `AppState` on its lock)."""

    def __init__(
        self,
        specs: Mapping[str, EndpointSpec],
        *,
        key: str,
        max_body_bytes: int,
        behavior: Behavior,
        read_timeout: float = 30.0,
        allow_external_webhooks: bool = False,
    ) -> None:
        self.specs = specs
        self.key = key
        self.max_body_bytes = max_body_bytes
        self.read_timeout = read_timeout
        self.allow_external_webhooks = allow_external_webhooks
        self.base_url = ""
        self.lock = threading.Lock()
        self.initial_behavior = behavior
        self.global_behavior = behavior
        self.overrides: dict[str, BehaviorChanges] = {}
        self.faults: list[FaultRule] = []
        self.next_outputs: list[OutputRule] = []
        self.records: list[RequestRecord] = []
        self.deliveries: list[WebhookDelivery] = []
        self.jobs: dict[str, Job] = {}
        self._files: dict[str, tuple[bytes, str]] = {}
        self._pending_uploads: dict[str, str] = {}
        self._cdn_tokens: set[str] = set()
        self._jwt_tokens: dict[str, list[str]] = {}
        self._outputs: dict[str, Any] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def reset(self) -> None:
        with self.lock:
            self.global_behavior = self.initial_behavior
            self.overrides.clear()
            self.faults.clear()
            self.next_outputs.clear()
            self.records.clear()
            self.deliveries.clear()
            self.jobs.clear()

    # -- ASGI ---------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._realtime(WebSocket(scope, receive, send))

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        exchange = Exchange(Request(scope, receive))
        try:
            handler = self._route(exchange)
            response = await self._prelude(exchange) or await handler()
        except HTTPError as exc:
            response = exc.response()
        except Exception:
            self._log(exchange, 500)  # an emulator bug: uvicorn answers 500; the log still shows it
            raise
        status = None if isinstance(response, DropResponse) else response.status_code
        self._log(exchange, status)
        await response(scope, receive, send)

    async def _prelude(self, exchange: Exchange) -> Response | None:
        """Injected faults, configured latency and the API-key check, before any handler runs."""
        fault = self.take_fault(exchange.endpoint_id, exchange.operation)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                return DropResponse()
            if fault.status is not None:
                return fault_response(fault)
        latency = self.behavior(exchange.endpoint_id).latency
        if latency:
            await asyncio.sleep(latency)
        if exchange.operation in _KEY_AUTH:
            self._authorize(exchange.request.headers.get("authorization"))
        return None

    def _route(self, exchange: Exchange) -> Handler:
        """Name the operation and endpoint of a request, and pick its handler."""
        request = exchange.request
        method, path = request.method, request.url.path
        if path.startswith(FILES + "/"):
            key = path[len(FILES) + 1 :]
            if method == "PUT":
                exchange.operation = "upload"
                return lambda: self._put_upload(exchange, key)
            if method in ("GET", "HEAD"):
                exchange.operation = "file"
                return lambda: self._file(key)
            raise method_not_allowed(method)
        if path.startswith(REST + "/") or path.startswith(CDN + "/"):
            return self._storage_route(exchange, method, path)
        if path.startswith(QUEUE + "/"):
            match = _QUEUE_REQUEST.match(path)
            if match:
                return self._queue_request_route(exchange, method, match)
            spec, rest = self._match_endpoint(path[len(QUEUE) :])
            exchange.endpoint_id = spec.endpoint_id
            exchange.operation = "submit"
            _refuse_subpath(spec, rest)
            require_post(method)
            return lambda: self._submit(exchange, spec)
        spec, rest = self._match_endpoint(path)
        exchange.endpoint_id = spec.endpoint_id
        if rest == ["stream"]:
            exchange.operation = "stream"
            require_post(method)
            return lambda: self._stream(exchange, spec)
        exchange.operation = "run"
        _refuse_subpath(spec, rest)
        require_post(method)
        return lambda: self._run(exchange, spec)

    def _storage_route(self, exchange: Exchange, method: str, path: str) -> Handler:
        exchange.operation = "upload"
        if path == f"{REST}/tokens/" or path == f"{REST}/tokens":
            exchange.operation = "token"
            require_post(method)
            return lambda: self._token(exchange)
        if path == f"{REST}/storage/auth/token":
            require_post(method)
            return lambda: self._cdn_token(exchange)
        if path == f"{REST}/storage/upload/initiate":
            require_post(method)
            return lambda: self._initiate_upload(exchange)
        if path == f"{CDN}/files/upload":
            require_post(method)
            return lambda: self._cdn_upload(exchange)
        if path.startswith(f"{CDN}/files/upload/multipart"):
            raise HTTPError(501, "Multipart uploads (files over 100 MiB) are not emulated")
        raise HTTPError(404, f"Not Found: {path}")

    def _queue_request_route(
        self, exchange: Exchange, method: str, match: re.Match[str]
    ) -> Handler:
        action = (match["action"] or "").strip("/") or "result"
        exchange.operation = action
        with self.lock:
            job = self.jobs.get(match["rid"])
        if job is None or job.app_path != match["app"]:
            raise HTTPError(404, f"Request {match['rid']!r} not found for app {match['app']!r}")
        exchange.endpoint_id = job.spec.endpoint_id
        if action == "cancel":
            if method != "PUT":
                raise method_not_allowed(method)
            return lambda: self._cancel(job)
        if method != "GET":
            raise method_not_allowed(method)
        if action == "status":
            return lambda: self._status(exchange, job)
        return lambda: self._result(job)


def _refuse_subpath(spec: EndpointSpec, rest: list[str]) -> None:
    """A 404 for a path below an endpoint's own (`/<endpoint id>/<rest>`) that it does not serve."""
    if rest:
        raise HTTPError(404, f"Endpoint {spec.endpoint_id!r} has no path /{'/'.join(rest)}")
