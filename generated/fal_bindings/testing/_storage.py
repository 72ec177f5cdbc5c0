# Copied from templates/package/fal_bindings/testing/_storage.py by falgen. Edit the source, then run make generate.
"""File storage: uploads through rest.fal.ai (initiate, then PUT) or the v3 CDN (a CDN token,
then POST), and the `/__files__/` host serving uploaded and generated files."""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from starlette.responses import JSONResponse, Response

from ._app_state import AppState
from ._http import CDN, FILES, Exchange, HTTPError
from ._media import media_bytes, media_type


class Storage(AppState):
    _files: dict[str, tuple[bytes, str]]  # key -> (content, content type)
    _pending_uploads: dict[str, str]  # key -> content type, until its PUT
    _cdn_tokens: set[str]

    async def _cdn_token(self, exchange: Exchange) -> Response:
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

    async def _cdn_upload(self, exchange: Exchange) -> Response:
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

    async def _initiate_upload(self, exchange: Exchange) -> Response:
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

    async def _put_upload(self, exchange: Exchange, key: str) -> Response:
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


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name.rsplit("/", 1)[-1]).strip(".") or "upload.bin"
