# Copied from templates/package/fal_bindings/testing/_realtime.py by falgen. Edit the source, then run make generate.
"""fal's realtime WebSocket: the handshake (API key or a token from rest.fal.ai's `/tokens/`,
which this part also issues), then one answer per JSON or msgpack message."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Mapping
from typing import Any

import msgpack  # type: ignore[import-untyped]
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from ._answers import Answers, error_message
from ._bodies import BadJSON, check_json, parse_json
from ._http import Exchange, HTTPError
from ._queue import queue_app_path
from ._request_log import RequestLog
from ._specs import EndpointSpec
from ._validate import Detail, describe


class Realtime(Answers, RequestLog):
    _jwt_tokens: dict[str, list[str]]  # realtime token -> the app aliases it is valid for

    async def _token(self, exchange: Exchange) -> Response:
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
        elif status != 200:  # the configured error, or an output function that failed
            error_type = body.get("error_type") if isinstance(body, dict) else None
            detail = body.get("detail") if isinstance(body, dict) else body
            await _send_realtime_error(websocket, error_type or "APP_ERROR", error_message(detail))
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
        alias = queue_app_path(spec.endpoint_id).split("/")[-1]
        if allowed is None:
            raise HTTPError(401, "Invalid or expired realtime token")
        if alias not in allowed:
            raise HTTPError(403, f"Token is not valid for app {alias!r} (allowed: {allowed})")


async def _send_realtime_error(websocket: WebSocket, error: str, reason: str, **extra: Any) -> None:
    await websocket.send_text(
        json.dumps({"type": "x-fal-error", "error": error, "reason": reason, **extra})
    )
