"""Stream / AsyncStream over event iterators (what fal_client.stream yields: dicts)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fal_bindings._runtime import AsyncStream, OutputValidationError, Stream, StreamError
from fal_bindings.endpoints.fal_ai.example import Output

FINAL = {"images": [{"url": "https://cdn/1.png"}], "seed": 7}
EVENTS: list[dict[str, Any]] = [{"images": [], "progress": 0.5}, {"partial": True}, FINAL]


def events(items: list[dict[str, Any]], closed: list[bool]) -> Iterator[dict[str, Any]]:
    try:
        yield from items
    finally:
        closed.append(True)


async def aevents(items: list[dict[str, Any]], closed: list[bool]) -> AsyncIterator[dict[str, Any]]:
    try:
        for item in items:
            yield item
    finally:
        closed.append(True)


def test_events_are_dicts_and_the_last_one_is_the_output():
    closed: list[bool] = []
    stream = Stream(events(EVENTS, closed), Output, "fal-ai/example")
    first = next(iter(stream))
    assert first == EVENTS[0] and stream.last_event == EVENTS[0]
    out = stream.final_output()  # drains the rest
    assert isinstance(out, Output) and out.seed == 7
    assert stream.last_event == FINAL and closed == [True]


def test_context_manager_closes_early():
    closed: list[bool] = []
    with Stream(events(EVENTS, closed), Output, "fal-ai/example") as stream:
        for _ in stream:
            break
    assert closed == [True]


def test_bad_final_event_keeps_raw():
    stream = Stream(iter([{"seed": "x"}]), Output, "fal-ai/example")
    with pytest.raises(OutputValidationError) as info:
        stream.final_output()
    assert info.value.raw == {"seed": "x"} and info.value.endpoint_id == "fal-ai/example"


def test_empty_stream_is_an_error():
    with pytest.raises(StreamError, match="ended without any event"):
        Stream(iter([]), Output, "fal-ai/example").final_output()


def test_async_stream():
    closed: list[bool] = []

    async def main() -> tuple[list[dict[str, Any]], Output]:
        stream = AsyncStream(aevents(EVENTS, closed), Output, "fal-ai/example")
        seen = [event async for event in stream]
        return seen, await stream.final_output()

    seen, out = asyncio.run(main())
    assert seen == EVENTS and out.seed == 7 and closed == [True]


def test_async_stream_context_manager_closes_early():
    closed: list[bool] = []

    async def main() -> None:
        async with AsyncStream(aevents(EVENTS, closed), Output, "fal-ai/example") as stream:
            async for _ in stream:
                break

    asyncio.run(main())
    assert closed == [True]
