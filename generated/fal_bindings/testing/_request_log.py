# Copied from templates/package/fal_bindings/testing/_request_log.py by falgen. Edit the source, then run make generate.
"""The request log tests read as `Emulator.requests`: one `RequestRecord` per HTTP request or
WebSocket handshake, credentials redacted."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

from starlette.websockets import WebSocket

from ._controls import RequestRecord
from ._http import Exchange
from ._specs import EndpointSpec


class RequestLog:
    lock: threading.Lock
    records: list[RequestRecord]

    def _log(self, exchange: Exchange, status: int | None) -> None:
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
