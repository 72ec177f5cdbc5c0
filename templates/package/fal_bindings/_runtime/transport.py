"""fal_client clients whose connection failures are bounded in time and in attempts.

fal_client retries a request that cannot connect 10 times with exponential backoff (about 50 s
with no network, a "trying backup domain" warning each time), and waits up to 120 s for a host
that does not answer (5 s on its main hosts). The default clients of fal_bindings
(`BoundedSyncClient`, `BoundedAsyncClient`) send through `ConnectionBound`: each connection
attempt waits at most `settings.connect_timeout()` seconds (TCP and TLS), a request that cannot
connect is tried `settings.connect_attempts()` times, then `APIConnectionError` says which host
could not be reached, how often and for how long. That error is not an httpx error, so
fal_client's own retry loop lets it through at once; answers (429, 5xx, ...) keep fal_client's
retry policy. A client passed explicitly (`client=fal_client.SyncClient(...)`) keeps
fal_client's behaviour.

The subclasses replace fal_client's private client factories (`_client`, `_get_cdn_client`,
`_cdn_client`), building the same httpx clients with one more transport layer; when a fal_client
release no longer has them, the plain fal_client classes are used (`bounded_clients_supported`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property

import fal_client
import fal_client.client as fc
import httpx
from asyncstdlib import cached_property as async_cached_property

from . import settings
from .errors import APIConnectionError

__all__ = [
    "ConnectionBound",
    "AsyncConnectionBound",
    "BoundedSyncClient",
    "BoundedAsyncClient",
    "bounded_clients_supported",
]

_RETRY_DELAY = 0.5
"""Seconds before the second connection attempt (doubled for each further one)."""
_CONNECT_FAILURES = (httpx.ConnectError, httpx.ConnectTimeout)


def _cap_connect_timeout(request: httpx.Request) -> float:
    limit = settings.connect_timeout()
    timeouts = dict(request.extensions.get("timeout", {}))
    current = timeouts.get("connect")
    timeouts["connect"] = limit if current is None else min(current, limit)
    request.extensions["timeout"] = timeouts
    return float(timeouts["connect"])


def _unreachable(
    request: httpx.Request, exc: Exception, attempts: int, started: float, limit: float
) -> APIConnectionError:
    url = request.url
    where = f"{url.host}:{url.port}" if url.port else url.host
    if isinstance(exc, httpx.ConnectTimeout):
        reason = f"no answer within {limit:g} s"
    else:
        reason = str(exc) or type(exc).__name__
    tries = "once" if attempts == 1 else f"{attempts} times"
    return APIConnectionError(
        f"could not connect to {where} ({reason}); tried {tries} in "
        f"{time.monotonic() - started:.1f} s. Check the network connection and any proxy "
        "settings (fal_bindings.configure(connect_timeout=..., connect_attempts=...) sets the "
        "limits)"
    )


class ConnectionBound(httpx.BaseTransport):
    """A transport that gives up on a host it cannot connect to (see the module doc)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempts, started = settings.connect_attempts(), time.monotonic()
        for attempt in range(1, attempts + 1):
            limit = _cap_connect_timeout(request)
            try:
                return self._inner.handle_request(request)
            except _CONNECT_FAILURES as exc:
                if attempt >= attempts:
                    raise _unreachable(request, exc, attempts, started, limit) from exc
            time.sleep(_RETRY_DELAY * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self._inner.close()


class AsyncConnectionBound(httpx.AsyncBaseTransport):
    """Async twin of `ConnectionBound`."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempts, started = settings.connect_attempts(), time.monotonic()
        for attempt in range(1, attempts + 1):
            limit = _cap_connect_timeout(request)
            try:
                return await self._inner.handle_async_request(request)
            except _CONNECT_FAILURES as exc:
                if attempt >= attempts:
                    raise _unreachable(request, exc, attempts, started, limit) from exc
            await asyncio.sleep(_RETRY_DELAY * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    async def aclose(self) -> None:
        await self._inner.aclose()


def bounded_clients_supported() -> bool:
    """Whether this fal_client still builds its httpx clients where the subclasses hook in."""
    return (
        isinstance(vars(fal_client.SyncClient).get("_client"), cached_property)
        and callable(vars(fal_client.SyncClient).get("_get_cdn_client"))
        and "_client" in vars(fal_client.AsyncClient)
        and callable(vars(fal_client.AsyncClient).get("_cdn_client"))
        and isinstance(getattr(fc, "USER_AGENT", None), str)
        and hasattr(fc, "BackupDomainTransport")
        and hasattr(fc, "AsyncBackupDomainTransport")
    )


class BoundedSyncClient(fal_client.SyncClient):
    """`fal_client.SyncClient` whose requests (run, queue, storage) go through
    `ConnectionBound`."""

    @cached_property
    def _client(self) -> httpx.Client:
        return httpx.Client(
            transport=ConnectionBound(fc.BackupDomainTransport()),
            headers={"Authorization": self._auth.header_value, "User-Agent": fc.USER_AGENT},
            timeout=self.default_timeout,
            follow_redirects=True,
        )

    def _get_cdn_client(self) -> httpx.Client:
        token = self._token_manager.get_token()
        return httpx.Client(
            transport=ConnectionBound(fc.BackupDomainTransport()),
            headers={
                "Authorization": f"{token.token_type} {token.token}",
                "User-Agent": fc.USER_AGENT,
            },
            timeout=self.default_timeout,
        )


class BoundedAsyncClient(fal_client.AsyncClient):
    """`fal_client.AsyncClient` whose requests go through `AsyncConnectionBound`."""

    @async_cached_property(asyncio.Lock)
    async def _client(self) -> httpx.AsyncClient:
        auth = await self._auth
        return httpx.AsyncClient(
            transport=AsyncConnectionBound(fc.AsyncBackupDomainTransport()),
            headers={"Authorization": auth.header_value, "User-Agent": fc.USER_AGENT},
            timeout=self.default_timeout,
        )

    @asynccontextmanager
    async def _cdn_client(self) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(
            transport=AsyncConnectionBound(fc.AsyncBackupDomainTransport()),
            headers={"User-Agent": fc.USER_AGENT},
            timeout=self.default_timeout,
        ) as client:
            yield client
