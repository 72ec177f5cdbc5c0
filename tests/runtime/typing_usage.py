"""Static-typing cases for the generated-code contract, checked by `mypy --strict` in
test_typing.py (never executed). Valid uses are pinned with `assert_type`; each invalid use
carries a `type: ignore[code]`, which `--strict` (warn_unused_ignores) reports if it stops erroring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fal_bindings._runtime import (
    AnyAsyncEndpoint,
    AnyEndpoint,
    AsyncRequestHandle,
    AsyncStream,
    Completed,
    FalInput,
    FalOutput,
    LazyRegistry,
    RequestHandle,
    Status,
    Stream,
)
from fal_bindings.endpoints.fal_ai.example import AsyncExample, Example, Input, Output
from fal_bindings.types.example_image_file import ExampleImageFile as ImageFile
from typing_extensions import assert_type


def sync_usage() -> None:
    ep = Example()
    assert_type(Example.Input, type[Input])
    assert_type(ep.Output, type[Output])
    assert_type(ep.run(prompt="x"), Output)
    assert_type(ep.run(Input(prompt="x"), timeout=10), Output)
    ep.run(prompt="x", image_url=Path("cat.png"), image_urls=[b"raw", "https://a/b.png"], image_size="square")
    ep.run(prompt="x", seed=None, class_="c", timeout_=1.0, hint="h", headers={"a": "b"})
    handle = ep.submit(prompt="x", priority="low", webhook_url="https://hook")
    assert_type(handle, RequestHandle[Output])
    assert_type(handle.get(), Output)
    assert_type(handle.status(with_logs=True), Status)
    for status in handle.iter_events(interval=0.01):
        assert_type(status, Status)
    out = ep.subscribe(prompt="x", with_logs=True, on_queue_update=print, on_enqueue=lambda rid: None, timeout=60)
    assert_type(out.images[0], ImageFile)
    assert_type(out.images[0].download(), Path)
    stream = ep.stream(prompt="x")
    assert_type(stream, Stream[Output])
    for event in stream:
        assert_type(event, dict[str, Any])
    assert_type(stream.final_output(), Output)
    with ep.realtime(use_jwt=False) as conn:
        conn.send(Input(prompt="x"))
        conn.send({"prompt": "x"})
        assert_type(conn.recv(), Output | None)
    assert_type(ep.result("req"), Output)
    assert_type(ep.get_handle("req"), RequestHandle[Output])
    assert isinstance(ep.status("req"), Completed)


def sync_mistakes() -> None:
    ep = Example()
    ep.run(prompt=3)  # type: ignore[call-overload]
    ep.run(promt="x")  # type: ignore[call-overload]
    ep.run()  # type: ignore[call-overload]
    ep.run(Input(prompt="x"), seed=1)  # type: ignore[call-overload]
    ep.run(prompt="x", webhook_url="u")  # type: ignore[call-overload]
    ep.submit(prompt="x", priority="urgent")  # type: ignore[call-overload]
    ep.run(prompt="x", image_url=3)  # type: ignore[call-overload]
    ep.run(prompt="x", image_size="huge")  # type: ignore[call-overload]
    Input(prompt="x", image_urls="https://not-a-list")  # type: ignore[arg-type]


async def async_usage() -> None:
    ep = AsyncExample()
    assert_type(AsyncExample.Output, type[Output])
    assert_type(await ep.run(prompt="x"), Output)
    handle = await ep.submit(Input(prompt="x"))
    assert_type(handle, AsyncRequestHandle[Output])
    async for status in handle.iter_events():
        assert_type(status, Status)
    assert_type(await handle.get(), Output)

    async def on_update(status: Status) -> None:
        pass

    assert_type(await ep.subscribe(prompt="x", on_queue_update=on_update), Output)
    async with ep.stream(prompt="x") as stream:
        assert_type(stream, AsyncStream[Output])
        async for event in stream:
            assert_type(event, dict[str, Any])
        assert_type(await stream.final_output(), Output)
    async with ep.realtime() as conn:
        await conn.send({"prompt": "x"})
        assert_type(await conn.recv(), Output | None)
    assert_type(await ep.result("req"), Output)


async def async_mistakes() -> None:
    ep = AsyncExample()
    await ep.run(prompt=3)  # type: ignore[call-overload]
    out: Output = ep.run(prompt="x")  # type: ignore[assignment]
    del out


async def registry_usage(registry: LazyRegistry) -> None:
    ep = registry.endpoint("fal-ai/example")
    assert_type(ep, AnyEndpoint)
    assert_type(ep.Input, type[FalInput])
    assert_type(ep.run(prompt="x", anything=1), FalOutput)
    assert isinstance(ep.submit({"prompt": "x"}).get(), FalOutput)
    assert_type(ep.result("req"), FalOutput)
    aep = registry.async_endpoint("fal-ai/example")
    assert_type(aep, AnyAsyncEndpoint)
    assert_type(await aep.subscribe(prompt="x"), FalOutput)
    # generated classes match the protocols structurally
    endpoints: list[AnyEndpoint] = [Example(), ep]
    async_endpoints: list[AnyAsyncEndpoint] = [AsyncExample(), aep]
    del endpoints, async_endpoints
