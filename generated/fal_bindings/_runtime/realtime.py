# Copied from templates/package/fal_bindings/_runtime/realtime.py by falgen. Edit the source, then run make generate.
"""Typed realtime (WebSocket) connections over fal_client's `realtime()`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic

from .errors import translate_errors
from .models import InputT, OutputT, parse_output

if TYPE_CHECKING:
    import fal_client
    from typing_extensions import Self

__all__ = ["RealtimeConnection", "AsyncRealtimeConnection"]


class RealtimeConnection(Generic[InputT, OutputT]):
    """`with endpoint.realtime() as conn:` — `send()` validates an Input (or dict) and sends it,
    `recv()` returns the next message validated as Output (None when the server closed
    normally), `recv_raw()` the undecoded dict. Iterating yields Outputs until the close."""

    def __init__(
        self,
        opener: Callable[[], AbstractContextManager[fal_client.RealtimeConnection]],
        coerce: Callable[[Any], InputT],
        prepare: Callable[[InputT], dict[str, Any]],
        output_model: type[OutputT],
        endpoint_id: str,
    ) -> None:
        self._opener = opener
        self._coerce = coerce
        self._prepare = prepare
        self._output_model = output_model
        self.endpoint_id = endpoint_id
        self._cm: AbstractContextManager[fal_client.RealtimeConnection] | None = None
        self._conn: fal_client.RealtimeConnection | None = None

    def __enter__(self) -> Self:
        cm = self._opener()
        with translate_errors():
            self._conn = cm.__enter__()
        self._cm = cm
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        cm, self._cm, self._conn = self._cm, None, None
        if cm is not None:
            with translate_errors():
                cm.__exit__(exc_type, exc, tb)

    def _connection(self) -> fal_client.RealtimeConnection:
        if self._conn is None:
            raise RuntimeError("use the connection inside `with endpoint.realtime() as conn:`")
        return self._conn

    def send(self, input: InputT | dict[str, Any]) -> None:
        """Validate `input` (an Input instance or a dict of fields) and send it."""
        model = self._coerce(input)
        conn = self._connection()
        payload = self._prepare(model)
        with translate_errors():
            conn.send(payload)

    def recv_raw(self) -> dict[str, Any] | None:
        """The next message as fal_client decodes it (None after a normal close)."""
        conn = self._connection()
        with translate_errors():
            return conn.recv()

    def recv(self) -> OutputT | None:
        """The next message validated as Output (None after a normal close)."""
        raw = self.recv_raw()
        if raw is None:
            return None
        return parse_output(self._output_model, raw, endpoint_id=self.endpoint_id)

    def __iter__(self) -> Iterator[OutputT]:
        while (out := self.recv()) is not None:
            yield out


class AsyncRealtimeConnection(Generic[InputT, OutputT]):
    """Async twin of `RealtimeConnection`: `async with endpoint.realtime() as conn:`,
    `await conn.send(...)`, `await conn.recv()`, `async for out in conn`."""

    def __init__(
        self,
        opener: Callable[[], AbstractAsyncContextManager[fal_client.AsyncRealtimeConnection]],
        coerce: Callable[[Any], InputT],
        prepare: Callable[[InputT], Awaitable[dict[str, Any]]],
        output_model: type[OutputT],
        endpoint_id: str,
    ) -> None:
        self._opener = opener
        self._coerce = coerce
        self._prepare = prepare
        self._output_model = output_model
        self.endpoint_id = endpoint_id
        self._cm: AbstractAsyncContextManager[fal_client.AsyncRealtimeConnection] | None = None
        self._conn: fal_client.AsyncRealtimeConnection | None = None

    async def __aenter__(self) -> Self:
        cm = self._opener()
        with translate_errors():
            self._conn = await cm.__aenter__()
        self._cm = cm
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        cm, self._cm, self._conn = self._cm, None, None
        if cm is not None:
            with translate_errors():
                await cm.__aexit__(exc_type, exc, tb)

    def _connection(self) -> fal_client.AsyncRealtimeConnection:
        if self._conn is None:
            raise RuntimeError(
                "use the connection inside `async with endpoint.realtime() as conn:`"
            )
        return self._conn

    async def send(self, input: InputT | dict[str, Any]) -> None:
        """Validate `input` (an Input instance or a dict of fields) and send it."""
        model = self._coerce(input)
        conn = self._connection()
        payload = await self._prepare(model)
        with translate_errors():
            await conn.send(payload)

    async def recv_raw(self) -> dict[str, Any] | None:
        """The next message as fal_client decodes it (None after a normal close)."""
        conn = self._connection()
        with translate_errors():
            return await conn.recv()

    async def recv(self) -> OutputT | None:
        """The next message validated as Output (None after a normal close)."""
        raw = await self.recv_raw()
        if raw is None:
            return None
        return parse_output(self._output_model, raw, endpoint_id=self.endpoint_id)

    async def __aiter__(self) -> AsyncIterator[OutputT]:
        while (out := await self.recv()) is not None:
            yield out
