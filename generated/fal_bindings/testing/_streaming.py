# Copied from templates/package/fal_bindings/testing/_streaming.py by falgen. Edit the source, then run make generate.
"""The run host's `/stream`: the app's answer as server-sent events."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

from starlette.responses import JSONResponse, Response, StreamingResponse

from ._answers import Answers
from ._http import Exchange, HTTPError
from ._specs import EndpointSpec


class Streaming(Answers):
    async def _stream(self, exchange: Exchange, spec: EndpointSpec) -> Response:
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
