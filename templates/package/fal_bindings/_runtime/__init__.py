"""Hand-written runtime of the generated `fal_bindings` package (copied verbatim by falgen).

Importing this package is nearly free: names are loaded on first access (PEP 562), pydantic
only when a model or endpoint name is used, fal_client/httpx only when a request is made.

Contract with generated endpoint modules
========================================

A complete, mypy --strict clean instance is `tests/runtime/example_endpoint.py`. One module
per endpoint (shown with plain names; falgen imports every runtime name under a private alias,
`from fal_bindings._runtime import FalInput as _FalInput`, so no doc name can take one)::

    from __future__ import annotations

    from typing import TYPE_CHECKING, Any, ClassVar, Literal, overload

    from pydantic import Field

    # import only what the module uses
    from fal_bindings._runtime import FalFile, FalInput, FalOutput, FileInput
    from fal_bindings._runtime.endpoint import AsyncEndpoint, Endpoint

    if TYPE_CHECKING:  # names used only in annotations: the first use of an endpoint then
        import fal_client  # loads neither the handle nor the stream/realtime modules

        from fal_bindings._runtime import (
            AsyncRealtimeConnection, AsyncRequestHandle, AsyncStream, OnEnqueue, OnQueueUpdate,
            Priority, RealtimeConnection, RequestHandle, Stream,
        )

    class Input(FalInput):                        # nested input types: FalInput too
        prompt: str = Field(description="...")
        image_size: ImageSize | Literal["square_hd", "square"] | None = Field(default="landscape_4_3")
        class_: str | None = Field(default=None, alias="class")        # keyword -> alias
        timeout_: float | None = Field(default=None, alias="timeout")  # reserved -> alias
        image_url: FileInput = Field(description="...")                # str URL | Path | bytes
        image_urls: list[FileInput] | None = None

    class ImageFile(FalFile):                     # output types with a `url` field: FalFile
        url: str
        content_type: str | None = None

    class Output(FalOutput):                      # other output types: FalOutput
        images: list[ImageFile]
        seed: int

    class Flux2(Endpoint[Input, Output]):
        \"\"\"Docstring.\"\"\"
        endpoint_id: ClassVar[str] = "fal-ai/flux-2"
        capabilities: ClassVar[frozenset[str]] = frozenset({"queue", "streaming"})

        @overload
        def run(self, input: Input, /, **options: Unpack[RunOptions]) -> Output: ...
        @overload
        def run(self, *, prompt: str, image_size: ... = "landscape_4_3", <every field>,
                **options: Unpack[RunOptions]) -> Output: ...
        def run(self, input: Input | None = None, **kwargs: Any) -> Output:
            return self._run(input, kwargs)
        # same three-part pattern for
        #   submit    -> RequestHandle[Output]   body: return self._submit(input, kwargs)
        #   subscribe -> Output                  body: return self._subscribe(input, kwargs)
        #   stream    -> Stream[Output]          body: return self._stream(input, kwargs)
        #                                        (streaming endpoints only)
        # realtime endpoints only (no overloads, no fields):
        def realtime(self, *, use_jwt: bool = True, max_buffering: int | None = None
                     ) -> RealtimeConnection[Input, Output]:
            return self._realtime(use_jwt=use_jwt, max_buffering=max_buffering)

    class AsyncFlux2(AsyncEndpoint[Input, Output]):   # always "Async" + the sync class name
        # Same class attributes, same methods with identical parameters (names, kinds,
        # defaults, annotations). run/submit/subscribe are `async def` in both overloads and
        # the implementation, whose body is `return await self._run(input, kwargs)`; they
        # return Output / AsyncRequestHandle[Output] / Output. stream and realtime stay plain
        # `def` returning AsyncStream[Output] / AsyncRealtimeConnection[Input, Output]
        # (used with `async for` / `async with`).

Notes for the templates:
- The implementation's `input` is NOT positional-only (`/` plus `**kwargs` makes mypy reject the
  overloads); overload 1 marks it positional-only.
- Overload 2 may list every field (Python names, in order) then `**options`, as sketched; falgen
  lists them once instead, in a `TypedDict` (`_Arguments`, under `TYPE_CHECKING`) combined with
  each method's options (`class _SubscribeArguments(_Arguments, SubscribeOptions)`), and writes
  `def subscribe(self, **arguments: Unpack[_SubscribeArguments]) -> Output`. What the caller
  does not pass is not sent, so server defaults apply. Descriptions are the attributes'
  docstrings (`use_attribute_docstrings`), not `Field(description=...)`.
- `input_model` / `output_model` are derived from `Endpoint[Input, Output]`; no ClassVar needed.
  `Flux2.Input` / `Flux2.Output` (class or instance) give the models, so the class body must not
  define attributes named `Input`/`Output` (mypy would then resolve `Input` annotations to them).
- The package needs a `py.typed` marker next to its `__init__.py` for users' type checkers.

Call options (`timeout`, `start_timeout`, `hint`, `priority`, `webhook_url`, `with_logs`,
`on_enqueue`, `on_queue_update`, `poll_interval`, `headers`, `file_upload`, `client`) are declared once, per
method, as the `TypedDict`s of `options` (`RunOptions`, `SubmitOptions`, `SubscribeOptions`,
`StreamOptions` and their `Async*` twins); generated methods take them as
`**options: Unpack[SubscribeOptions]`. `RESERVED_KWARGS` is the union of all options plus `self`,
`input` and `options`: a field whose Python name is in it must be renamed, keeping the wire name
as alias (`timeout_`, `input_`, ...). Renamed fields are passed by their Python name.

Instances: `Flux2()` uses `fal_client.sync_client` (auth from FAL_KEY);
`Flux2(client=fal_client.SyncClient(key=...), file_upload="upload")`; `AsyncFlux2()` gets one
`fal_client.AsyncClient` per event loop (`clients`, `transport`). Package-wide settings (file
uploads, connection limits): `settings.configure`, public as `fal_bindings.configure`. By request id (base classes): `get_handle`, `status`,
`result`, `cancel`. Errors: see `errors`; bad input raises pydantic `ValidationError` (fields) or
`TypeError` (misused options) before any network I/O.
"""

from __future__ import annotations

import importlib

# `typing` is not imported at runtime: `import fal_bindings` stays at a few hundred microseconds.
# (mypy treats any `if TYPE_CHECKING:` block as type-checking-only code.)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from fal_client import Completed, InProgress, Queued, Status

    from ._types import (
        NOT_GIVEN,
        FileUploadMode,
        NotGiven,
        OnEnqueue,
        OnQueueUpdate,
        Priority,
    )
    from .clients import (
        default_async_client,
        default_client,
        set_default_async_client,
        set_default_client,
    )
    from .downloads import adownload_url, aread_url, download_url, read_url, safe_file_name
    from .endpoint import AsyncEndpoint, Endpoint
    from .errors import (
        APIConnectionError,
        APIError,
        AuthenticationError,
        BadRequestError,
        CredentialsError,
        FalBindingsError,
        InternalServerError,
        NotFoundError,
        OutputValidationError,
        PermissionDeniedError,
        RateLimitError,
        RealtimeError,
        RequestEncodingError,
        RequestTimeoutError,
        StreamError,
        UnknownEndpointError,
        UnprocessableEntityError,
    )
    from .files import FileInput, get_file_upload_mode, to_data_uri
    from .handles import AsyncRequestHandle, RequestHandle
    from .models import FalFile, FalInput, FalModel, FalOutput, iter_files, parse_output, to_payload
    from .options import (
        RESERVED_KWARGS,
        RUN_OPTIONS,
        STREAM_OPTIONS,
        SUBMIT_OPTIONS,
        SUBSCRIBE_OPTIONS,
        AsyncRunOptions,
        AsyncStreamOptions,
        AsyncSubmitOptions,
        AsyncSubscribeOptions,
        RunOptions,
        StreamOptions,
        SubmitOptions,
        SubscribeOptions,
    )
    from .protocols import AnyAsyncEndpoint, AnyEndpoint
    from .realtime import AsyncRealtimeConnection, RealtimeConnection
    from .registry import LazyRegistry
    from .settings import configure
    from .streaming import AsyncStream, Stream
    from .value import FalValue

_EXPORTS: dict[str, str] = {
    # _types
    "NOT_GIVEN": "._types",
    "NotGiven": "._types",
    "Priority": "._types",
    "FileUploadMode": "._types",
    "OnEnqueue": "._types",
    "OnQueueUpdate": "._types",
    "RESERVED_KWARGS": ".options",
    "RUN_OPTIONS": ".options",
    "SUBMIT_OPTIONS": ".options",
    "SUBSCRIBE_OPTIONS": ".options",
    "STREAM_OPTIONS": ".options",
    "RunOptions": ".options",
    "SubmitOptions": ".options",
    "SubscribeOptions": ".options",
    "StreamOptions": ".options",
    "AsyncRunOptions": ".options",
    "AsyncSubmitOptions": ".options",
    "AsyncSubscribeOptions": ".options",
    "AsyncStreamOptions": ".options",
    # clients
    "default_client": ".clients",
    "default_async_client": ".clients",
    "set_default_client": ".clients",
    "set_default_async_client": ".clients",
    # endpoint
    "Endpoint": ".endpoint",
    "AsyncEndpoint": ".endpoint",
    # protocols
    "AnyEndpoint": ".protocols",
    "AnyAsyncEndpoint": ".protocols",
    # errors
    "FalBindingsError": ".errors",
    "APIError": ".errors",
    "BadRequestError": ".errors",
    "AuthenticationError": ".errors",
    "CredentialsError": ".errors",
    "RequestEncodingError": ".errors",
    "PermissionDeniedError": ".errors",
    "NotFoundError": ".errors",
    "UnprocessableEntityError": ".errors",
    "RateLimitError": ".errors",
    "InternalServerError": ".errors",
    "RequestTimeoutError": ".errors",
    "APIConnectionError": ".errors",
    "StreamError": ".errors",
    "RealtimeError": ".errors",
    "OutputValidationError": ".errors",
    "UnknownEndpointError": ".errors",
    # files
    "FileInput": ".files",
    "configure": ".settings",
    "get_file_upload_mode": ".files",
    "to_data_uri": ".files",
    # downloads
    "download_url": ".downloads",
    "read_url": ".downloads",
    "adownload_url": ".downloads",
    "aread_url": ".downloads",
    "safe_file_name": ".downloads",
    # handles, models, realtime, registry, streaming
    "RequestHandle": ".handles",
    "AsyncRequestHandle": ".handles",
    "FalModel": ".models",
    "FalInput": ".models",
    "FalOutput": ".models",
    "FalValue": ".value",
    "FalFile": ".models",
    "to_payload": ".models",
    "parse_output": ".models",
    "iter_files": ".models",
    "RealtimeConnection": ".realtime",
    "AsyncRealtimeConnection": ".realtime",
    "LazyRegistry": ".registry",
    "Stream": ".streaming",
    "AsyncStream": ".streaming",
    # fal_client's queue statuses (importing them imports fal_client)
    "Status": "fal_client",
    "Queued": "fal_client",
    "InProgress": "fal_client",
    "Completed": "fal_client",
}

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "Priority",
    "FileUploadMode",
    "OnEnqueue",
    "OnQueueUpdate",
    "RESERVED_KWARGS",
    "RUN_OPTIONS",
    "SUBMIT_OPTIONS",
    "SUBSCRIBE_OPTIONS",
    "STREAM_OPTIONS",
    "RunOptions",
    "SubmitOptions",
    "SubscribeOptions",
    "StreamOptions",
    "AsyncRunOptions",
    "AsyncSubmitOptions",
    "AsyncSubscribeOptions",
    "AsyncStreamOptions",
    "default_client",
    "default_async_client",
    "set_default_client",
    "set_default_async_client",
    "Endpoint",
    "AsyncEndpoint",
    "AnyEndpoint",
    "AnyAsyncEndpoint",
    "FalBindingsError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "CredentialsError",
    "RequestEncodingError",
    "PermissionDeniedError",
    "NotFoundError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "RequestTimeoutError",
    "APIConnectionError",
    "StreamError",
    "RealtimeError",
    "OutputValidationError",
    "UnknownEndpointError",
    "FileInput",
    "configure",
    "get_file_upload_mode",
    "to_data_uri",
    "download_url",
    "read_url",
    "adownload_url",
    "aread_url",
    "safe_file_name",
    "RequestHandle",
    "AsyncRequestHandle",
    "FalModel",
    "FalInput",
    "FalOutput",
    "FalValue",
    "FalFile",
    "to_payload",
    "parse_output",
    "iter_files",
    "RealtimeConnection",
    "AsyncRealtimeConnection",
    "LazyRegistry",
    "Stream",
    "AsyncStream",
    "Status",
    "Queued",
    "InProgress",
    "Completed",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
