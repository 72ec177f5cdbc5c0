"""Hand-written endpoint module following the generated-code contract (see
`fal_bindings._runtime.__doc__`). It must pass `mypy --strict` and `ruff` like generated code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal, overload

from fal_bindings._runtime import (
    AsyncEndpoint,
    AsyncRealtimeConnection,
    AsyncRequestHandle,
    AsyncStream,
    Endpoint,
    FalFile,
    FalInput,
    FalOutput,
    FileInput,
    OnEnqueue,
    OnQueueUpdate,
    Priority,
    RealtimeConnection,
    RequestHandle,
    Stream,
)
from pydantic import Field

if TYPE_CHECKING:
    import fal_client

ENDPOINT_ID = "fal-ai/example"


class ImageSize(FalInput):
    width: int | None = Field(default=512, ge=1, le=14142, description="The width of the image.")
    height: int | None = Field(default=512, ge=1, le=14142, description="The height of the image.")


class ImageFile(FalFile):
    url: str = Field(description="The URL where the file can be downloaded from.")
    content_type: str | None = Field(default=None, description="The mime type of the file.")
    file_name: str | None = Field(default=None, description="The name of the file.")
    width: int | None = Field(default=None, description="The width of the image in pixels.")
    height: int | None = Field(default=None, description="The height of the image in pixels.")


class Input(FalInput):
    """Input for fal-ai/example."""

    prompt: str = Field(description="The prompt to generate an image from.")
    image_size: ImageSize | Literal["square_hd", "square", "portrait_4_3", "landscape_4_3"] | None = Field(
        default="landscape_4_3", description="The size of the generated image."
    )
    num_images: int | None = Field(default=1, ge=1, le=4, description="Number of images.")
    seed: int | None = Field(default=None, description="Seed for reproducibility.")
    class_: str | None = Field(default=None, alias="class", description="A keyword field name.")
    timeout_: float | None = Field(default=None, alias="timeout", description="A field clashing with a call option.")
    image_url: FileInput | None = Field(default=None, description="Reference image.")
    image_urls: list[FileInput] | None = Field(default=None, description="More reference images.")
    enable_safety_checker: bool | None = Field(default=True, description="Enable the checker.")


class Output(FalOutput):
    """Output of fal-ai/example."""

    images: list[ImageFile] = Field(description="The generated images.")
    seed: int = Field(description="The seed used.")
    prompt: str | None = Field(default=None, description="The prompt used.")


class Example(Endpoint[Input, Output]):
    """Example text-to-image endpoint (fal-ai/example)."""

    endpoint_id: ClassVar[str] = ENDPOINT_ID
    capabilities: ClassVar[frozenset[str]] = frozenset({"queue", "streaming", "realtime"})

    @overload
    def run(
        self,
        input: Input,
        /,
        *,
        timeout: float | None = None,
        start_timeout: float | None = None,
        hint: str | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.SyncClient | None = None,
    ) -> Output: ...
    @overload
    def run(
        self,
        *,
        prompt: str,
        image_size: ImageSize
        | Literal["square_hd", "square", "portrait_4_3", "landscape_4_3"]
        | None = "landscape_4_3",
        num_images: int | None = 1,
        seed: int | None = None,
        class_: str | None = None,
        timeout_: float | None = None,
        image_url: FileInput | None = None,
        image_urls: list[FileInput] | None = None,
        enable_safety_checker: bool | None = True,
        timeout: float | None = None,
        start_timeout: float | None = None,
        hint: str | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.SyncClient | None = None,
    ) -> Output: ...
    def run(self, input: Input | None = None, **kwargs: Any) -> Output:
        """Run synchronously and return the Output."""
        return self._run(input, kwargs)

    @overload
    def submit(
        self,
        input: Input,
        /,
        *,
        start_timeout: float | None = None,
        hint: str | None = None,
        priority: Priority | None = None,
        webhook_url: str | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.SyncClient | None = None,
    ) -> RequestHandle[Output]: ...
    @overload
    def submit(
        self,
        *,
        prompt: str,
        image_size: ImageSize
        | Literal["square_hd", "square", "portrait_4_3", "landscape_4_3"]
        | None = "landscape_4_3",
        num_images: int | None = 1,
        seed: int | None = None,
        class_: str | None = None,
        timeout_: float | None = None,
        image_url: FileInput | None = None,
        image_urls: list[FileInput] | None = None,
        enable_safety_checker: bool | None = True,
        start_timeout: float | None = None,
        hint: str | None = None,
        priority: Priority | None = None,
        webhook_url: str | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.SyncClient | None = None,
    ) -> RequestHandle[Output]: ...
    def submit(self, input: Input | None = None, **kwargs: Any) -> RequestHandle[Output]:
        """Put a request in the queue and return its handle."""
        return self._submit(input, kwargs)

    @overload
    def subscribe(
        self,
        input: Input,
        /,
        *,
        timeout: float | None = None,
        start_timeout: float | None = None,
        hint: str | None = None,
        priority: Priority | None = None,
        with_logs: bool = False,
        on_enqueue: OnEnqueue | None = None,
        on_queue_update: OnQueueUpdate | None = None,
        poll_interval: float | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.SyncClient | None = None,
    ) -> Output: ...
    @overload
    def subscribe(
        self,
        *,
        prompt: str,
        image_size: ImageSize
        | Literal["square_hd", "square", "portrait_4_3", "landscape_4_3"]
        | None = "landscape_4_3",
        num_images: int | None = 1,
        seed: int | None = None,
        class_: str | None = None,
        timeout_: float | None = None,
        image_url: FileInput | None = None,
        image_urls: list[FileInput] | None = None,
        enable_safety_checker: bool | None = True,
        timeout: float | None = None,
        start_timeout: float | None = None,
        hint: str | None = None,
        priority: Priority | None = None,
        with_logs: bool = False,
        on_enqueue: OnEnqueue | None = None,
        on_queue_update: OnQueueUpdate | None = None,
        poll_interval: float | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.SyncClient | None = None,
    ) -> Output: ...
    def subscribe(self, input: Input | None = None, **kwargs: Any) -> Output:
        """Submit to the queue, wait for completion and return the Output."""
        return self._subscribe(input, kwargs)

    @overload
    def stream(
        self,
        input: Input,
        /,
        *,
        timeout: float | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.SyncClient | None = None,
    ) -> Stream[Output]: ...
    @overload
    def stream(
        self,
        *,
        prompt: str,
        image_size: ImageSize
        | Literal["square_hd", "square", "portrait_4_3", "landscape_4_3"]
        | None = "landscape_4_3",
        num_images: int | None = 1,
        seed: int | None = None,
        class_: str | None = None,
        timeout_: float | None = None,
        image_url: FileInput | None = None,
        image_urls: list[FileInput] | None = None,
        enable_safety_checker: bool | None = True,
        timeout: float | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.SyncClient | None = None,
    ) -> Stream[Output]: ...
    def stream(self, input: Input | None = None, **kwargs: Any) -> Stream[Output]:
        """Stream events (dicts); `.final_output()` gives the Output."""
        return self._stream(input, kwargs)

    def realtime(self, *, use_jwt: bool = True, max_buffering: int | None = None) -> RealtimeConnection[Input, Output]:
        """Open a realtime connection (use as a context manager)."""
        return self._realtime(use_jwt=use_jwt, max_buffering=max_buffering)


class AsyncExample(AsyncEndpoint[Input, Output]):
    """Example text-to-image endpoint (fal-ai/example)."""

    endpoint_id: ClassVar[str] = ENDPOINT_ID
    capabilities: ClassVar[frozenset[str]] = frozenset({"queue", "streaming", "realtime"})

    @overload
    async def run(
        self,
        input: Input,
        /,
        *,
        timeout: float | None = None,
        start_timeout: float | None = None,
        hint: str | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.AsyncClient | None = None,
    ) -> Output: ...
    @overload
    async def run(
        self,
        *,
        prompt: str,
        image_size: ImageSize
        | Literal["square_hd", "square", "portrait_4_3", "landscape_4_3"]
        | None = "landscape_4_3",
        num_images: int | None = 1,
        seed: int | None = None,
        class_: str | None = None,
        timeout_: float | None = None,
        image_url: FileInput | None = None,
        image_urls: list[FileInput] | None = None,
        enable_safety_checker: bool | None = True,
        timeout: float | None = None,
        start_timeout: float | None = None,
        hint: str | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.AsyncClient | None = None,
    ) -> Output: ...
    async def run(self, input: Input | None = None, **kwargs: Any) -> Output:
        """Run and return the Output."""
        return await self._run(input, kwargs)

    @overload
    async def submit(
        self,
        input: Input,
        /,
        *,
        start_timeout: float | None = None,
        hint: str | None = None,
        priority: Priority | None = None,
        webhook_url: str | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.AsyncClient | None = None,
    ) -> AsyncRequestHandle[Output]: ...
    @overload
    async def submit(
        self,
        *,
        prompt: str,
        image_size: ImageSize
        | Literal["square_hd", "square", "portrait_4_3", "landscape_4_3"]
        | None = "landscape_4_3",
        num_images: int | None = 1,
        seed: int | None = None,
        class_: str | None = None,
        timeout_: float | None = None,
        image_url: FileInput | None = None,
        image_urls: list[FileInput] | None = None,
        enable_safety_checker: bool | None = True,
        start_timeout: float | None = None,
        hint: str | None = None,
        priority: Priority | None = None,
        webhook_url: str | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.AsyncClient | None = None,
    ) -> AsyncRequestHandle[Output]: ...
    async def submit(self, input: Input | None = None, **kwargs: Any) -> AsyncRequestHandle[Output]:
        """Put a request in the queue and return its handle."""
        return await self._submit(input, kwargs)

    @overload
    async def subscribe(
        self,
        input: Input,
        /,
        *,
        timeout: float | None = None,
        start_timeout: float | None = None,
        hint: str | None = None,
        priority: Priority | None = None,
        with_logs: bool = False,
        on_enqueue: OnEnqueue | None = None,
        on_queue_update: OnQueueUpdate | None = None,
        poll_interval: float | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.AsyncClient | None = None,
    ) -> Output: ...
    @overload
    async def subscribe(
        self,
        *,
        prompt: str,
        image_size: ImageSize
        | Literal["square_hd", "square", "portrait_4_3", "landscape_4_3"]
        | None = "landscape_4_3",
        num_images: int | None = 1,
        seed: int | None = None,
        class_: str | None = None,
        timeout_: float | None = None,
        image_url: FileInput | None = None,
        image_urls: list[FileInput] | None = None,
        enable_safety_checker: bool | None = True,
        timeout: float | None = None,
        start_timeout: float | None = None,
        hint: str | None = None,
        priority: Priority | None = None,
        with_logs: bool = False,
        on_enqueue: OnEnqueue | None = None,
        on_queue_update: OnQueueUpdate | None = None,
        poll_interval: float | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.AsyncClient | None = None,
    ) -> Output: ...
    async def subscribe(self, input: Input | None = None, **kwargs: Any) -> Output:
        """Submit to the queue, wait for completion and return the Output."""
        return await self._subscribe(input, kwargs)

    @overload
    def stream(
        self,
        input: Input,
        /,
        *,
        timeout: float | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.AsyncClient | None = None,
    ) -> AsyncStream[Output]: ...
    @overload
    def stream(
        self,
        *,
        prompt: str,
        image_size: ImageSize
        | Literal["square_hd", "square", "portrait_4_3", "landscape_4_3"]
        | None = "landscape_4_3",
        num_images: int | None = 1,
        seed: int | None = None,
        class_: str | None = None,
        timeout_: float | None = None,
        image_url: FileInput | None = None,
        image_urls: list[FileInput] | None = None,
        enable_safety_checker: bool | None = True,
        timeout: float | None = None,
        headers: dict[str, str] | None = None,
        client: fal_client.AsyncClient | None = None,
    ) -> AsyncStream[Output]: ...
    def stream(self, input: Input | None = None, **kwargs: Any) -> AsyncStream[Output]:
        """Stream events (dicts); `await .final_output()` gives the Output."""
        return self._stream(input, kwargs)

    def realtime(
        self, *, use_jwt: bool = True, max_buffering: int | None = None
    ) -> AsyncRealtimeConnection[Input, Output]:
        """Open a realtime connection (use with `async with`)."""
        return self._realtime(use_jwt=use_jwt, max_buffering=max_buffering)
