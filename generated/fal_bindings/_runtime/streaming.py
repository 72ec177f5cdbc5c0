# Copied from templates/package/fal_bindings/_runtime/streaming.py by falgen. Edit the source, then run make generate.
"""Server-sent-event streams: iterate raw events, then get the final typed Output.

fal's streaming endpoints send partial results as JSON events; the last event is the final
result. Events are yielded as plain dicts (partial events often lack required Output fields);
`final_output()` drains the stream and validates the last event as the endpoint's Output.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic

from .models import OutputT, parse_output

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Stream", "AsyncStream"]

StreamEvent = dict[str, Any]


class Stream(Generic[OutputT]):
    """`for event in stream: ...` yields each event dict; `final_output()` returns the Output.

    Usable as a context manager (closes the HTTP response early when leaving the block).
    """

    def __init__(
        self, events: Iterator[StreamEvent], output_model: type[OutputT], endpoint_id: str
    ) -> None:
        self._events = events
        self._output_model = output_model
        self.endpoint_id = endpoint_id
        self.last_event: StreamEvent | None = None

    def __iter__(self) -> Iterator[StreamEvent]:
        return self

    def __next__(self) -> StreamEvent:
        event = next(self._events)
        self.last_event = event
        return event

    def final_output(self) -> OutputT:
        """Consume the remaining events and validate the last one as the Output
        (`OutputValidationError` when it does not fit; no event at all is an error too)."""
        for _ in self:
            pass
        return _final(self._output_model, self.last_event, self.endpoint_id)

    def close(self) -> None:
        close = getattr(self._events, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncStream(Generic[OutputT]):
    """Async twin of `Stream`: `async for event in stream`, `await stream.final_output()`,
    `async with`."""

    def __init__(
        self, events: AsyncIterator[StreamEvent], output_model: type[OutputT], endpoint_id: str
    ) -> None:
        self._events = events
        self._output_model = output_model
        self.endpoint_id = endpoint_id
        self.last_event: StreamEvent | None = None

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self

    async def __anext__(self) -> StreamEvent:
        event = await self._events.__anext__()
        self.last_event = event
        return event

    async def final_output(self) -> OutputT:
        """Consume the remaining events and validate the last one as the Output."""
        async for _ in self:
            pass
        return _final(self._output_model, self.last_event, self.endpoint_id)

    async def close(self) -> None:
        aclose = getattr(self._events, "aclose", None)
        if aclose is not None:
            await aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _final(model: type[OutputT], last: StreamEvent | None, endpoint_id: str) -> OutputT:
    if last is None:
        from .errors import StreamError

        raise StreamError(f"stream from {endpoint_id} ended without any event")
    return parse_output(model, last, endpoint_id=endpoint_id)
