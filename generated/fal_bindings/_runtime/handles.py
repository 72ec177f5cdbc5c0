# Copied from templates/package/fal_bindings/_runtime/handles.py by falgen. Edit the source, then run make generate.
"""Typed queue request handles wrapping fal_client's `SyncRequestHandle`/`AsyncRequestHandle`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Generic

from .errors import translate_errors
from .models import OutputT, parse_output

if TYPE_CHECKING:
    import fal_client
    from fal_client import Status

__all__ = ["RequestHandle", "AsyncRequestHandle", "DEFAULT_POLL_INTERVAL"]

DEFAULT_POLL_INTERVAL = 0.1
"""Seconds between status polls (fal_client's default)."""


class RequestHandle(Generic[OutputT]):
    """A request in fal's queue. `get()` waits for and returns the typed Output.

    Statuses are fal_client's `Queued(position)`, `InProgress(logs)` and
    `Completed(logs, metrics, error, error_type)`.
    """

    def __init__(
        self,
        handle: fal_client.SyncRequestHandle,
        output_model: type[OutputT],
        endpoint_id: str,
    ) -> None:
        self._handle = handle
        self._output_model = output_model
        self.endpoint_id = endpoint_id

    @property
    def request_id(self) -> str:
        return self._handle.request_id

    @property
    def fal_handle(self) -> fal_client.SyncRequestHandle:
        """The underlying fal_client handle (untyped results)."""
        return self._handle

    def status(self, *, with_logs: bool = False) -> Status:
        """One status poll."""
        with translate_errors(request_id=self.request_id):
            return self._handle.status(with_logs=with_logs)

    def iter_events(
        self, *, with_logs: bool = False, interval: float = DEFAULT_POLL_INTERVAL
    ) -> Iterator[Status]:
        """Poll every `interval` seconds, yielding each status, until (and including) Completed."""
        with translate_errors(request_id=self.request_id):
            yield from self._handle.iter_events(with_logs=with_logs, interval=interval)

    def get(self, *, interval: float = DEFAULT_POLL_INTERVAL) -> OutputT:
        """Wait until the request completes and return its Output."""
        with translate_errors(request_id=self.request_id):
            raw = self._handle.get(interval=interval)
        return parse_output(
            self._output_model, raw, endpoint_id=self.endpoint_id, request_id=self.request_id
        )

    def result(self, *, interval: float = DEFAULT_POLL_INTERVAL) -> OutputT:
        """Same as `get()`."""
        return self.get(interval=interval)

    def cancel(self) -> None:
        """Ask fal to cancel the request (a request that already completed raises APIError)."""
        with translate_errors(request_id=self.request_id):
            self._handle.cancel()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint_id={self.endpoint_id!r}, request_id={self.request_id!r})"


class AsyncRequestHandle(Generic[OutputT]):
    """Async twin of `RequestHandle`: same methods, awaited (`iter_events` is `async for`)."""

    def __init__(
        self,
        handle: fal_client.AsyncRequestHandle,
        output_model: type[OutputT],
        endpoint_id: str,
    ) -> None:
        self._handle = handle
        self._output_model = output_model
        self.endpoint_id = endpoint_id

    @property
    def request_id(self) -> str:
        return self._handle.request_id

    @property
    def fal_handle(self) -> fal_client.AsyncRequestHandle:
        """The underlying fal_client handle (untyped results)."""
        return self._handle

    async def status(self, *, with_logs: bool = False) -> Status:
        """One status poll."""
        with translate_errors(request_id=self.request_id):
            return await self._handle.status(with_logs=with_logs)

    async def iter_events(
        self, *, with_logs: bool = False, interval: float = DEFAULT_POLL_INTERVAL
    ) -> AsyncIterator[Status]:
        """Poll every `interval` seconds, yielding each status, until (and including) Completed."""
        with translate_errors(request_id=self.request_id):
            async for status in self._handle.iter_events(with_logs=with_logs, interval=interval):
                yield status

    async def get(self, *, interval: float = DEFAULT_POLL_INTERVAL) -> OutputT:
        """Wait until the request completes and return its Output."""
        with translate_errors(request_id=self.request_id):
            raw = await self._handle.get(interval=interval)
        return parse_output(
            self._output_model, raw, endpoint_id=self.endpoint_id, request_id=self.request_id
        )

    async def result(self, *, interval: float = DEFAULT_POLL_INTERVAL) -> OutputT:
        """Same as `get()`."""
        return await self.get(interval=interval)

    async def cancel(self) -> None:
        """Ask fal to cancel the request (a request that already completed raises APIError)."""
        with translate_errors(request_id=self.request_id):
            await self._handle.cancel()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint_id={self.endpoint_id!r}, request_id={self.request_id!r})"
