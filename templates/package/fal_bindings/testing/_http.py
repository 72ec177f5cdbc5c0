"""The emulator's HTTP vocabulary: where each fal host lives, errors answered as fal answers them,
injected faults, and the checks every request body passes (API key, size, deadline, JSON).

One server plays every fal host, told apart by path prefix (see fal-client-protocol.md):
`/{app}` is the run host, `/__queue__/` the queue host, `/__rest__/` rest.fal.ai, `/__cdn__/` the
v3 CDN, and `/__files__/` serves generated and uploaded files.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from ._bodies import BadJSON, parse_json
from ._controls import Fault

QUEUE = "/__queue__"
REST = "/__rest__"
CDN = "/__cdn__"
FILES = "/__files__"


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


class DropResponse(Response):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b'{"', "more_body": True})
        raise DroppedConnection("fault injection: connection dropped")


@dataclass
class Exchange:
    """One HTTP request on its way through the app, plus what the request log needs."""

    request: Request
    operation: str | None = None
    endpoint_id: str | None = None
    body: Any = None
    started: float = field(default_factory=time.time)


Handler = Callable[[], Awaitable[Response]]


class RequestReader:
    """The API-key check and body reading every handler shares; needs the limits below."""

    key: str
    max_body_bytes: int
    read_timeout: float

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

    async def _json_body(self, exchange: Exchange) -> Any:
        raw = await self._read_body(exchange.request)
        if not raw:
            return None
        try:
            exchange.body = parse_json(raw)
        except BadJSON as exc:
            raise HTTPError(422, exc.details) from exc
        return exchange.body


def fault_response(fault: Fault) -> Response:
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


def require_post(method: str) -> None:
    if method != "POST":
        raise method_not_allowed(method)


def method_not_allowed(method: str) -> HTTPError:
    return HTTPError(405, f"Method {method} not allowed here")


def _too_large(size: int, limit: int) -> HTTPError:
    return HTTPError(413, f"Request body too large: {size} bytes (limit {limit})")
