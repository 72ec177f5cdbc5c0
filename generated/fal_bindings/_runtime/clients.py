# Copied from templates/package/fal_bindings/_runtime/clients.py by falgen. Edit the source, then run make generate.
"""Default fal_client clients (imported lazily: importing fal_bindings never imports fal_client).

- Sync: `fal_client.sync_client`, the client behind `fal_client.run`/`subscribe`/..., so
  fal_bindings and plain fal_client calls share one connection pool and one auth lookup
  (`FAL_KEY`, read on first use).
- Async: one `fal_client.AsyncClient()` per running event loop. fal_client's own module-level
  async client caches an `httpx.AsyncClient` bound to the first loop and breaks under a second
  `asyncio.run()`; a client per loop does not. Clients of closed loops are dropped.

`set_default_client` / `set_default_async_client` override both (None restores the defaults),
e.g. for tests or to pass an explicit key. Per endpoint instance, pass `client=`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from fal_client import AsyncClient, SyncClient

__all__ = [
    "default_client",
    "default_async_client",
    "set_default_client",
    "set_default_async_client",
]

_lock = threading.Lock()
_sync_override: SyncClient | None = None
_async_override: AsyncClient | None = None
_async_by_loop: dict[asyncio.AbstractEventLoop, AsyncClient] = {}


def default_client() -> SyncClient:
    """The client used by `Endpoint` instances created without `client=`."""
    if _sync_override is not None:
        return _sync_override
    import fal_client

    return fal_client.sync_client


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
            import fal_client

            client = _async_by_loop[loop] = fal_client.AsyncClient()
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
