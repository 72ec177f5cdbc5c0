"""Default fal_client clients (imported lazily: importing fal_bindings never imports fal_client).

- Sync: one `transport.BoundedSyncClient()` for the process: a `fal_client.SyncClient` whose
  connection failures are bounded (`fal_bindings.configure(connect_timeout=...,
  connect_attempts=...)`); auth from `FAL_KEY`, read on first use.
- Async: one `transport.BoundedAsyncClient()` per running event loop. fal_client's own
  module-level async client caches an `httpx.AsyncClient` bound to the first loop and breaks
  under a second `asyncio.run()`; a client per loop does not. Clients of closed loops are dropped.

`set_default_client` / `set_default_async_client` override both (None restores the defaults),
e.g. for tests or to pass an explicit key. Per endpoint instance, pass `client=`.
`reset_default_clients()` forgets the defaults (their key and connections), e.g. after FAL_KEY
changed.

Storage hosts from the environment (`apply_environment`, before every call): fal_client reads
`FAL_RUN_HOST` and `FAL_QUEUE_RUN_HOST` but has no variable for its storage and token API
(`REST_URL`, uploads and realtime tokens) nor for its CDN (`CDN_URL`, uploads);
`FAL_BINDINGS_REST_URL` and `FAL_BINDINGS_CDN_URL`, when set, replace those (what
`python -m fal_bindings.testing serve` prints for a shell).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio
    from typing import Any

    from fal_client import AsyncClient, SyncClient

__all__ = [
    "default_client",
    "default_async_client",
    "set_default_client",
    "set_default_async_client",
    "reset_default_clients",
    "apply_environment",
    "REST_URL_ENV",
    "CDN_URL_ENV",
]

REST_URL_ENV = "FAL_BINDINGS_REST_URL"
"""Replaces fal_client's `REST_URL` (storage uploads, upload tokens, realtime tokens)."""
CDN_URL_ENV = "FAL_BINDINGS_CDN_URL"
"""Replaces fal_client's `CDN_URL` (file uploads)."""

_lock = threading.Lock()
_sync_override: SyncClient | None = None
_async_override: AsyncClient | None = None
_async_by_loop: dict[asyncio.AbstractEventLoop, AsyncClient] = {}
_sync_default: list[SyncClient] = []


def apply_environment() -> None:
    """Point fal_client's storage and token URLs at `FAL_BINDINGS_REST_URL` /
    `FAL_BINDINGS_CDN_URL` when they are set (left alone otherwise)."""
    import fal_client.client as fc

    for variable, attribute in ((REST_URL_ENV, "REST_URL"), (CDN_URL_ENV, "CDN_URL")):
        value = os.environ.get(variable, "").strip().rstrip("/")
        if value and getattr(fc, attribute, None) != value:
            setattr(fc, attribute, value)


def _new_client(asynchronous: bool) -> Any:
    import fal_client

    from .transport import BoundedAsyncClient, BoundedSyncClient, bounded_clients_supported

    if not bounded_clients_supported():
        return fal_client.AsyncClient() if asynchronous else fal_client.SyncClient()
    return BoundedAsyncClient() if asynchronous else BoundedSyncClient()


def default_client() -> SyncClient:
    """The client used by `Endpoint` instances created without `client=`."""
    if _sync_override is not None:
        return _sync_override
    with _lock:
        if not _sync_default:
            _sync_default.append(_new_client(asynchronous=False))
        return _sync_default[0]


def reset_default_clients() -> None:
    """Forget the default clients (the next call makes new ones, reading FAL_KEY again); the
    sync client's connections are closed."""
    with _lock:
        for client in _sync_default:
            pool = vars(client).get("_client")  # fal_client caches its httpx client there
            if pool is not None:
                pool.close()
        _sync_default.clear()
        _async_by_loop.clear()


def default_async_client() -> AsyncClient:
    """The client used by `AsyncEndpoint` instances created without `client=`; must be called
    with an event loop running (it returns that loop's client)."""
    if _async_override is not None:
        return _async_override
    import asyncio

    loop = asyncio.get_running_loop()
    with _lock:
        client = _async_by_loop.get(loop)
        if client is None:
            for old in [lp for lp in _async_by_loop if lp.is_closed()]:
                del _async_by_loop[old]
            client = _async_by_loop[loop] = _new_client(asynchronous=True)
        return client


def set_default_client(client: SyncClient | None) -> None:
    """Use `client` for every `Endpoint` without its own client (None: back to the default)."""
    global _sync_override
    _sync_override = client


def set_default_async_client(client: AsyncClient | None) -> None:
    """Use `client` for every `AsyncEndpoint` without its own client (None: one per loop).
    A single AsyncClient must only be used from one event loop."""
    global _async_override
    _async_override = client
