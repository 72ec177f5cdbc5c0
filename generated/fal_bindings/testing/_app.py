# Copied from templates/package/fal_bindings/testing/_app.py by falgen. Edit the source, then run make generate.
"""The emulator's ASGI application: fal's run, queue, stream, realtime, storage and file endpoints.

One server plays every fal host, told apart by path prefix (see fal-client-protocol.md):
`/{app}` is the run host, `/__queue__/` the queue host, `/__rest__/` rest.fal.ai, `/__cdn__/` the
v3 CDN, and `/__files__/` serves generated and uploaded files.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import msgpack  # type: ignore[import-untyped]
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from .._runtime.spec import carries_files, dig
from ._bodies import BadJSON, check_json, parse_json
from ._controls import Behavior, BehaviorChanges, Fault, RequestRecord, WebhookDelivery
from ._examples import corrected_example
from ._media import media_bytes, media_type
from ._specs import EndpointSpec
from ._synth import Synthesizer, localize_file_urls
from ._validate import Detail, describe, validation_errors
from ._webhooks import deliver

QUEUE = "/__queue__"
REST = "/__rest__"
CDN = "/__cdn__"
FILES = "/__files__"

_KEY_AUTH = frozenset({"run", "submit", "status", "result", "cancel", "stream", "token"})
_QUEUE_REQUEST = re.compile(
    r"^/__queue__/(?P<app>.+?)/requests/(?P<rid>[^/]+)(?P<action>/status|/cancel)?/?$"
)
_CANCELLED = "Request was cancelled"
_NOT_DONE = "Request is still in progress"


class HTTPError(Exception):
    """Answer with `status` and `{"detail": detail}`, like fal's FastAPI services."""

    def __init__(self, status: int, detail: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})

    def response(self) -> Response:
        return JSONResponse({"detail": self.detail}, self.status, headers=self.headers)


class DroppedConnection(Exception):
    """Raised once the headers are out, so uvicorn closes the connection mid-response."""


class _DropResponse(Response):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b'{"', "more_body": True})
        raise DroppedConnection("fault injection: connection dropped")


@dataclass
class _Job:
    """A queued request. Its outcome is decided at submission; polls only reveal it."""

    request_id: str
    spec: EndpointSpec
    app_path: str
    behavior: Behavior
    created: float
    result_status: int
    result_body: Any
    error: str | None
    error_type: str | None
    webhook: str | None
    logs: list[dict[str, Any]]
    polls: int = 0
    done: bool = False


@dataclass
class FaultRule:
    fault: Fault
    remaining: int | None
    endpoint_id: str | None
    operations: frozenset[str] | None


@dataclass
class _Exchange:
    """One HTTP request on its way through the app, plus what the request log needs."""

    request: Request
    operation: str | None = None
    endpoint_id: str | None = None
    body: Any = None
    started: float = field(default_factory=time.time)


Handler = Callable[[], Awaitable[Response]]


class EmulatorApp:
    """State and handlers. Control methods run on the test's thread and handlers on the server's,
    so shared state is only touched under `lock`."""

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
        self.records: list[RequestRecord] = []
        self.deliveries: list[WebhookDelivery] = []
        self.jobs: dict[str, _Job] = {}
        self._files: dict[str, tuple[bytes, str]] = {}
        self._pending_uploads: dict[str, str] = {}
        self._cdn_tokens: set[str] = set()
        self._jwt_tokens: dict[str, list[str]] = {}
        self._outputs: dict[str, Any] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # -- controls (any thread) ----------------------------------------------------------------

    def behavior(self, endpoint_id: str | None) -> Behavior:
        """The global behaviour with the endpoint's overrides applied."""
        with self.lock:
            changes = self.overrides.get(endpoint_id, {}) if endpoint_id else {}
            return (
                dataclasses.replace(self.global_behavior, **changes)
                if changes
                else self.global_behavior
            )

    def take_fault(self, endpoint_id: str | None, operation: str | None) -> Fault | None:
        with self.lock:
            for rule in self.faults:
                if rule.endpoint_id not in (None, endpoint_id):
                    continue
                if rule.operations is not None and operation not in rule.operations:
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        self.faults.remove(rule)
                return rule.fault
        return None

    def reset(self) -> None:
        with self.lock:
            self.global_behavior = self.initial_behavior
            self.overrides.clear()
            self.faults.clear()
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
        exchange = _Exchange(Request(scope, receive))
        try:
            handler = self._route(exchange)
            response = await self._prelude(exchange) or await handler()
        except HTTPError as exc:
            response = exc.response()
        except Exception:
            self._log(exchange, 500)  # an emulator bug: uvicorn answers 500; the log still shows it
            raise
        status = None if isinstance(response, _DropResponse) else response.status_code
        self._log(exchange, status)
        await response(scope, receive, send)

    async def _prelude(self, exchange: _Exchange) -> Response | None:
        """Injected faults, configured latency and the API-key check, before any handler runs."""
        fault = self.take_fault(exchange.endpoint_id, exchange.operation)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                return _DropResponse()
            if fault.status is not None:
                return _fault_response(fault)
        latency = self.behavior(exchange.endpoint_id).latency
        if latency:
            await asyncio.sleep(latency)
        if exchange.operation in _KEY_AUTH:
            self._authorize(exchange.request.headers.get("authorization"))
        return None

    def _route(self, exchange: _Exchange) -> Handler:
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
            raise _method_not_allowed(method)
        if path.startswith(REST + "/") or path.startswith(CDN + "/"):
            return self._storage_route(exchange, method, path)
        if path.startswith(QUEUE + "/"):
            match = _QUEUE_REQUEST.match(path)
            if match:
                return self._queue_request_route(exchange, method, match)
            spec, rest = self._match_endpoint(path[len(QUEUE) :])
            exchange.endpoint_id = spec.endpoint_id
            exchange.operation = "submit"
            if rest:
                raise HTTPError(404, f"Endpoint {spec.endpoint_id!r} has no path /{'/'.join(rest)}")
            _require_post(method)
            return lambda: self._submit(exchange, spec)
        spec, rest = self._match_endpoint(path)
        exchange.endpoint_id = spec.endpoint_id
        if rest == ["stream"]:
            exchange.operation = "stream"
            _require_post(method)
            return lambda: self._stream(exchange, spec)
        exchange.operation = "run"
        if rest:
            raise HTTPError(404, f"Endpoint {spec.endpoint_id!r} has no path /{'/'.join(rest)}")
        _require_post(method)
        return lambda: self._run(exchange, spec)

    def _storage_route(self, exchange: _Exchange, method: str, path: str) -> Handler:
        exchange.operation = "upload"
        if path == f"{REST}/tokens/" or path == f"{REST}/tokens":
            exchange.operation = "token"
            _require_post(method)
            return lambda: self._token(exchange)
        if path == f"{REST}/storage/auth/token":
            _require_post(method)
            return lambda: self._cdn_token(exchange)
        if path == f"{REST}/storage/upload/initiate":
            _require_post(method)
            return lambda: self._initiate_upload(exchange)
        if path == f"{CDN}/files/upload":
            _require_post(method)
            return lambda: self._cdn_upload(exchange)
        if path.startswith(f"{CDN}/files/upload/multipart"):
            raise HTTPError(501, "Multipart uploads (files over 100 MiB) are not emulated")
        raise HTTPError(404, f"Not Found: {path}")

    def _queue_request_route(
        self, exchange: _Exchange, method: str, match: re.Match[str]
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
                raise _method_not_allowed(method)
            return lambda: self._cancel(job)
        if method != "GET":
            raise _method_not_allowed(method)
        if action == "status":
            return lambda: self._status(exchange, job)
        return lambda: self._result(job)

    def _match_endpoint(self, path: str) -> tuple[EndpointSpec, list[str]]:
        """The endpoint whose id is the longest prefix of `path`, and the remaining segments."""
        segments = [s for s in path.split("/") if s]
        for size in range(len(segments), 0, -1):
            spec = self.specs.get("/".join(segments[:size]))
            if spec is not None:
                return spec, segments[size:]
        raise HTTPError(404, f"Application {'/'.join(segments)!r} not found")

    # -- run, queue, stream -------------------------------------------------------------------

    async def _run(self, exchange: _Exchange, spec: EndpointSpec) -> Response:
        payload = await self._json_body(exchange)
        behavior = self.behavior(spec.endpoint_id)
        status, body = self._execute(spec, payload, behavior)
        if behavior.processing_time:
            await asyncio.sleep(behavior.processing_time)
        return JSONResponse(body, status, headers={"x-fal-request-id": str(uuid.uuid4())})

    async def _submit(self, exchange: _Exchange, spec: EndpointSpec) -> Response:
        payload = await self._json_body(exchange)
        behavior = self.behavior(spec.endpoint_id)
        # Like fal's queue, submission accepts any JSON; the app's verdict (a 422 included)
        # becomes the request's result.
        status, body = self._execute(spec, payload, behavior)
        error, error_type = _error_summary(status, body)
        request_id = str(uuid.uuid4())
        now = datetime.now(timezone.utc).isoformat()
        logs = [
            {
                "message": f"Processing step {step}/{behavior.progress_polls}",
                "level": "INFO",
                "source": "user",
                "timestamp": now,
            }
            for step in range(1, behavior.progress_polls + 1)
        ]
        job = _Job(
            request_id=request_id,
            spec=spec,
            app_path=_queue_app_path(spec.endpoint_id),
            behavior=behavior,
            created=time.monotonic(),
            result_status=status,
            result_body=body,
            error=error,
            error_type=error_type,
            webhook=exchange.request.query_params.get("fal_webhook"),
            logs=logs,
        )
        with self.lock:
            self.jobs[request_id] = job
        if job.webhook:
            task = asyncio.get_running_loop().create_task(self._deliver_webhook(job))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        body = {
            "status": "IN_QUEUE",
            "queue_position": max(behavior.queue_polls - 1, 0),
            **self._job_urls(job),
            "logs": None,
            "metrics": {},
        }
        return JSONResponse(body, headers={"x-fal-request-id": request_id})

    async def _status(self, exchange: _Exchange, job: _Job) -> Response:
        with_logs = exchange.request.query_params.get("logs", "0").lower() in ("1", "true")
        with self.lock:
            job.polls += 1
            state, count = self._state(job)
        body: dict[str, Any] = {"status": state, **self._job_urls(job)}
        if state == "IN_QUEUE":
            body.update(queue_position=count, logs=None)
            return JSONResponse(body, 202)
        if state == "IN_PROGRESS":
            body["logs"] = job.logs[:count] if with_logs else None
            return JSONResponse(body, 202)
        body.update(
            logs=job.logs if with_logs else None,
            metrics={"inference_time": job.behavior.processing_time},
        )
        if job.error is not None:
            body.update(error=job.error, error_type=job.error_type)
        return JSONResponse(body)

    def _state(self, job: _Job) -> tuple[str, int]:
        """(status, queue position or log lines shown) after `job.polls` polls; needs `lock`."""
        if not job.done:
            queued, progressing = job.behavior.queue_polls, job.behavior.progress_polls
            if queued + progressing > 0 and job.polls <= queued + progressing:
                if job.polls <= queued:
                    return "IN_QUEUE", max(queued - max(job.polls, 1), 0)
                return "IN_PROGRESS", job.polls - queued
            if time.monotonic() - job.created < job.behavior.processing_time:
                return "IN_PROGRESS", progressing
            job.done = True
        return "COMPLETED", len(job.logs)

    async def _result(self, job: _Job) -> Response:
        with self.lock:
            state, _ = self._state(job)
        if state != "COMPLETED":
            raise HTTPError(400, _NOT_DONE)
        return JSONResponse(
            job.result_body, job.result_status, headers={"x-fal-request-id": job.request_id}
        )

    async def _cancel(self, job: _Job) -> Response:
        with self.lock:
            state, _ = self._state(job)
            if state == "COMPLETED":
                return JSONResponse({"status": "ALREADY_COMPLETED"}, 400)
            # A cancelled request completes at once: the sync client keeps polling after its
            # client_timeout cancel, and would otherwise poll forever.
            job.done = True
            job.result_status, job.result_body = 400, {"detail": _CANCELLED}
            job.error, job.error_type = _CANCELLED, None
        return JSONResponse({"status": "CANCELLATION_REQUESTED"}, 202)

    async def _stream(self, exchange: _Exchange, spec: EndpointSpec) -> Response:
        if "streaming" not in spec.capabilities:
            raise HTTPError(404, f"Endpoint {spec.endpoint_id!r} does not support streaming")
        payload = await self._json_body(exchange)
        behavior = self.behavior(spec.endpoint_id)
        status, body = self._execute(spec, payload, behavior)
        if status != 200:
            return JSONResponse(body, status)
        pause = behavior.processing_time / (behavior.stream_events + 1)

        async def events() -> AsyncIterator[bytes]:
            # Only `data:` JSON events: fal-client json-decodes every event, so an `event:`- or
            # `retry:`-only block would crash its iterator.
            for _ in range(behavior.stream_events + 1):
                if pause:
                    await asyncio.sleep(pause)
                yield b"data: " + json.dumps(body, separators=(",", ":")).encode() + b"\n\n"

        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-fal-request-id": str(uuid.uuid4())},
        )

    def _execute(self, spec: EndpointSpec, payload: Any, behavior: Behavior) -> tuple[int, Any]:
        """The app's answer to `payload`: (HTTP status, JSON body)."""
        details = validation_errors(spec.input_validator, payload)
        if details:
            return 422, {"detail": details}
        if behavior.error is not None:
            return behavior.error.status, behavior.error.body()
        return 200, self.output(spec, payload)

    def output(self, spec: EndpointSpec, payload: Mapping[str, Any]) -> Any:
        """A schema-valid output: the endpoint's (repaired) example with emulator-served file URLs,
        echoing top-level input fields the output also has (e.g. `prompt`, `seed`) when valid.
        Values that hold files are not echoed: an output's files are the emulator's to serve."""
        base = self._base_output(spec)
        output = copy.deepcopy(base)
        if not isinstance(output, dict):
            return output
        properties = dig(spec.schema(spec.output_pointer), "properties")
        properties = properties if isinstance(properties, dict) else {}
        shared = [
            name
            for name in output
            if name in payload
            and not carries_files(properties.get(name) or {})
            and self._holds_no_file(spec, {name: payload[name]})
        ]
        if not shared:
            return output
        everything = {**output, **{name: payload[name] for name in shared}}
        if spec.output_validator.is_valid(everything):  # the usual case: one validation
            return everything
        for name in shared:
            candidate = {**output, name: payload[name]}
            if spec.output_validator.is_valid(candidate):
                output = candidate
        return output

    def _holds_no_file(self, spec: EndpointSpec, part: dict[str, Any]) -> bool:
        """Whether the top-level output fields `part` hold no URL the emulator would serve."""
        own = self.base_url + "/"
        served = localize_file_urls(part, lambda _s, _e: own, own, spec, spec.output_pointer)
        return bool(served == part)

    def _base_output(self, spec: EndpointSpec) -> Any:
        with self.lock:
            if spec.endpoint_id in self._outputs:
                return self._outputs[spec.endpoint_id]
        files = self.base_url + FILES + "/generated"

        def file_url(stem: str, extension: str) -> str:
            return f"{files}/{stem}.{extension}"

        output = localize_file_urls(
            corrected_example(spec, "output"),
            file_url,
            self.base_url + "/",
            spec,
            spec.output_pointer,
        )
        if not spec.output_validator.is_valid(output):
            output = Synthesizer(spec, file_url).synthesize(spec.output_pointer)
        with self.lock:
            self._outputs[spec.endpoint_id] = output
        return output

    def _job_urls(self, job: _Job) -> dict[str, str]:
        base = f"{self.base_url}{QUEUE}/{job.app_path}/requests/{job.request_id}"
        return {
            "request_id": job.request_id,
            "response_url": base,
            "status_url": base + "/status",
            "cancel_url": base + "/cancel",
        }

    async def _deliver_webhook(self, job: _Job) -> None:
        wait = job.created + job.behavior.processing_time - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        with self.lock:
            job.done = True
            status, result = job.result_status, job.result_body
        body: dict[str, Any] = {
            "request_id": job.request_id,
            "gateway_request_id": job.request_id,
            "status": "OK" if status < 400 else "ERROR",
            "payload": result,
        }
        if status >= 400:
            body["error"] = f"Invalid status code: {status}"
        assert job.webhook is not None
        delivery = await deliver(
            job.webhook, job.request_id, body, allow_external=self.allow_external_webhooks
        )
        with self.lock:
            self.deliveries.append(delivery)

    # -- realtime -----------------------------------------------------------------------------

    async def _realtime(self, websocket: WebSocket) -> None:
        spec: EndpointSpec | None = None
        status = 101
        try:
            spec, rest = self._match_endpoint(websocket.url.path)
            if "realtime" not in spec.capabilities or rest not in ([], ["realtime"]):
                raise HTTPError(404, f"Endpoint {spec.endpoint_id!r} has no realtime WebSocket")
            fault = self.take_fault(spec.endpoint_id, "realtime")
            if fault is not None and fault.delay:
                await asyncio.sleep(fault.delay)
            if fault is not None and (fault.drop or fault.status is not None):
                raise HTTPError(fault.status or 503, fault.detail or "Service Unavailable")
            self._authorize_realtime(websocket, spec)
        except HTTPError as exc:
            status = exc.status
            self._log_websocket(websocket, spec, status)
            if "websocket.http.response" in websocket.scope.get("extensions", {}):
                await websocket.send_denial_response(exc.response())
            else:  # the server cannot send a body: closing before accepting answers 403
                await websocket.close(code=1008)
            return
        self._log_websocket(websocket, spec, status)
        await websocket.accept()
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
                await self._realtime_message(websocket, spec, message)
        except WebSocketDisconnect:
            return

    async def _realtime_message(
        self, websocket: WebSocket, spec: EndpointSpec, message: Mapping[str, Any]
    ) -> None:
        binary = message.get("bytes") is not None
        try:
            if binary:
                payload = msgpack.unpackb(message["bytes"], raw=False)
                check_json(payload)
            else:
                payload = parse_json(message["text"])
        except BadJSON as exc:
            await _send_realtime_error(
                websocket, "INVALID_MESSAGE", describe(exc.details), detail=exc.details
            )
            return
        except (ValueError, TypeError, msgpack.exceptions.UnpackException) as exc:
            await _send_realtime_error(
                websocket, "INVALID_MESSAGE", f"Cannot decode the message: {exc}"
            )
            return
        behavior = self.behavior(spec.endpoint_id)
        if behavior.latency or behavior.processing_time:
            await asyncio.sleep(behavior.latency + behavior.processing_time)
        status, body = self._execute(spec, payload, behavior)
        if status == 422:
            details: list[Detail] = body["detail"]
            await _send_realtime_error(
                websocket, "VALIDATION_ERROR", describe(details), detail=details
            )
        elif status != 200:
            assert behavior.error is not None
            await _send_realtime_error(
                websocket, behavior.error.error_type or "APP_ERROR", _message(behavior.error.detail)
            )
        elif binary:
            await websocket.send_bytes(msgpack.packb(body, use_bin_type=True))
        else:
            await websocket.send_text(json.dumps(body))

    def _authorize_realtime(self, websocket: WebSocket, spec: EndpointSpec) -> None:
        token = websocket.query_params.get("fal_jwt_token")
        if token is None:
            self._authorize(websocket.headers.get("authorization"))
            return
        with self.lock:
            allowed = self._jwt_tokens.get(token)
        alias = _queue_app_path(spec.endpoint_id).split("/")[-1]
        if allowed is None:
            raise HTTPError(401, "Invalid or expired realtime token")
        if alias not in allowed:
            raise HTTPError(403, f"Token is not valid for app {alias!r} (allowed: {allowed})")

    # -- tokens, uploads, files ---------------------------------------------------------------

    async def _token(self, exchange: _Exchange) -> Response:
        payload = await self._json_body(exchange)
        apps = payload.get("allowed_apps") if isinstance(payload, dict) else None
        if not isinstance(apps, list) or not all(isinstance(a, str) for a in apps):
            raise HTTPError(
                422,
                [
                    {
                        "loc": ["body", "allowed_apps"],
                        "msg": "Input should be a valid list of strings",
                        "type": "list_type",
                    }
                ],
            )
        token = "emulator-jwt-" + secrets.token_hex(16)
        with self.lock:
            self._jwt_tokens[token] = list(apps)
        return JSONResponse(token)

    async def _cdn_token(self, exchange: _Exchange) -> Response:
        self._authorize(exchange.request.headers.get("authorization"))
        await self._json_body(exchange)
        token = "emulator-cdn-" + secrets.token_hex(16)
        with self.lock:
            self._cdn_tokens.add(token)
        expires = datetime.now(timezone.utc) + timedelta(hours=1)
        return JSONResponse(
            {
                "token": token,
                "token_type": "Bearer",
                "base_url": self.base_url + CDN,
                "expires_at": expires.isoformat(),
            }
        )

    async def _cdn_upload(self, exchange: _Exchange) -> Response:
        scheme, _, token = (exchange.request.headers.get("authorization") or "").partition(" ")
        with self.lock:
            known = token in self._cdn_tokens
        if scheme.lower() != "bearer" or not known:
            raise HTTPError(401, "Invalid or missing CDN token")
        data = await self._read_body(exchange.request)
        name = _safe_name(exchange.request.headers.get("x-fal-file-name") or "upload.bin")
        content_type = exchange.request.headers.get("content-type") or "application/octet-stream"
        key = f"uploads/{uuid.uuid4().hex}/{name}"
        with self.lock:
            self._files[key] = (data, content_type)
        return JSONResponse(
            {
                "access_url": self._file_url(key),
                "content_type": content_type,
                "file_name": name,
                "file_size": len(data),
            }
        )

    async def _initiate_upload(self, exchange: _Exchange) -> Response:
        self._authorize(exchange.request.headers.get("authorization"))
        payload = await self._json_body(exchange)
        payload = payload if isinstance(payload, dict) else {}
        name = _safe_name(str(payload.get("file_name") or "upload.bin"))
        key = f"uploads/{uuid.uuid4().hex}/{name}"
        with self.lock:
            self._pending_uploads[key] = str(
                payload.get("content_type") or "application/octet-stream"
            )
        url = self._file_url(key)
        return JSONResponse({"upload_url": url, "file_url": url})

    async def _put_upload(self, exchange: _Exchange, key: str) -> Response:
        with self.lock:
            content_type = self._pending_uploads.pop(key, None)
        if content_type is None:
            raise HTTPError(
                403, "No pending upload for this URL (call storage/upload/initiate first)"
            )
        data = await self._read_body(exchange.request)
        with self.lock:
            self._files[key] = (data, content_type)
        return Response(status_code=200)

    async def _file(self, key: str) -> Response:
        with self.lock:
            stored = self._files.get(key)
        if stored is not None:
            return Response(stored[0], media_type=stored[1])
        match = re.fullmatch(r"generated/[A-Za-z0-9_.-]+\.([A-Za-z0-9]+)", key)
        if match is None:
            raise HTTPError(404, f"File not found: {key}")
        extension = match[1].lower()
        return Response(media_bytes(extension), media_type=media_type(extension))

    def _file_url(self, key: str) -> str:
        return f"{self.base_url}{FILES}/{quote(key)}"

    # -- helpers ------------------------------------------------------------------------------

    def _authorize(self, header: str | None) -> None:
        if not header:
            raise HTTPError(401, "Missing Authorization header; expected 'Key <FAL_KEY>'")
        scheme, _, credential = header.partition(" ")
        if scheme.lower() != "key" or not secrets.compare_digest(
            credential.encode(), self.key.encode()
        ):
            raise HTTPError(401, "Invalid API key")

    async def _read_body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise _too_large(int(declared), self.max_body_bytes)
        try:
            # A whole-body deadline: a client sending a byte a second never trips a per-read one.
            return await asyncio.wait_for(self._collect_body(request), self.read_timeout)
        except asyncio.TimeoutError:
            detail = f"Request body not received within {self.read_timeout:g} s"
            raise HTTPError(408, detail, {"connection": "close"}) from None

    async def _collect_body(self, request: Request) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _too_large(size, self.max_body_bytes)
            chunks.append(chunk)
        return b"".join(chunks)

    async def _json_body(self, exchange: _Exchange) -> Any:
        raw = await self._read_body(exchange.request)
        if not raw:
            return None
        try:
            exchange.body = parse_json(raw)
        except BadJSON as exc:
            raise HTTPError(422, exc.details) from exc
        return exchange.body

    def _log(self, exchange: _Exchange, status: int | None) -> None:
        request = exchange.request
        record = RequestRecord(
            method=request.method,
            path=request.url.path,
            query=_redacted_query(request.query_params),
            headers=_redacted_headers(request.headers),
            body=exchange.body,
            status=status,
            operation=exchange.operation,
            endpoint_id=exchange.endpoint_id,
            time=exchange.started,
        )
        with self.lock:
            self.records.append(record)

    def _log_websocket(self, websocket: WebSocket, spec: EndpointSpec | None, status: int) -> None:
        record = RequestRecord(
            method="GET",
            path=websocket.url.path,
            query=_redacted_query(websocket.query_params),
            headers=_redacted_headers(websocket.headers),
            body=None,
            status=status,
            operation="realtime",
            endpoint_id=spec.endpoint_id if spec else None,
            time=time.time(),
        )
        with self.lock:
            self.records.append(record)


def _queue_app_path(endpoint_id: str) -> str:
    """`fal-ai/flux-2/klein/4b/base` -> `fal-ai/flux-2`: fal's queue URLs drop the app sub-path
    (the `workflows/` and `comfy/` namespaces are kept)."""
    parts = endpoint_id.split("/")
    size = 3 if parts[0] in ("workflows", "comfy") else 2
    return "/".join(parts[:size])


def _error_summary(status: int, body: Any) -> tuple[str | None, str | None]:
    """COMPLETED's `error` and `error_type` for a failed result."""
    if status < 400:
        return None, None
    detail = body.get("detail") if isinstance(body, dict) else body
    error_type = body.get("error_type") if isinstance(body, dict) else None
    if status == 422 and error_type is None:
        error_type = "validation_error"
    return _message(detail), error_type


def _message(detail: Any) -> str:
    if isinstance(detail, list) and all(isinstance(d, dict) and "loc" in d for d in detail):
        return describe(detail)
    return detail if isinstance(detail, str) else json.dumps(detail)


def _fault_response(fault: Fault) -> Response:
    assert fault.status is not None
    try:
        phrase = HTTPStatus(fault.status).phrase
    except ValueError:
        phrase = "Error"
    if fault.ingress:
        html = (
            f"<html><head><title>{fault.status} {phrase}</title></head><body><center><h1>{fault.status} "
            f"{phrase}</h1></center><hr><center>nginx</center></body></html>"
        )
        return Response(html, fault.status, headers=dict(fault.headers), media_type="text/html")
    headers = {"x-fal-request-id": str(uuid.uuid4()), **fault.headers}
    return JSONResponse(
        {"detail": fault.detail if fault.detail is not None else phrase},
        fault.status,
        headers=headers,
    )


async def _send_realtime_error(websocket: WebSocket, error: str, reason: str, **extra: Any) -> None:
    await websocket.send_text(
        json.dumps({"type": "x-fal-error", "error": error, "reason": reason, **extra})
    )


def _require_post(method: str) -> None:
    if method != "POST":
        raise _method_not_allowed(method)


def _method_not_allowed(method: str) -> HTTPError:
    return HTTPError(405, f"Method {method} not allowed here")


def _too_large(size: int, limit: int) -> HTTPError:
    return HTTPError(413, f"Request body too large: {size} bytes (limit {limit})")


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name.rsplit("/", 1)[-1]).strip(".") or "upload.bin"


def _redacted_headers(headers: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() == "authorization":
            scheme = value.partition(" ")[0]
            value = f"{scheme} <redacted>" if " " in value else "<redacted>"
        out[name.lower()] = value
    return out


def _redacted_query(query: Mapping[str, str]) -> dict[str, str]:
    return {k: "<redacted>" if k == "fal_jwt_token" else v for k, v in query.items()}
