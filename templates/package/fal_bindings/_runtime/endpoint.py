"""`Endpoint` / `AsyncEndpoint`: the bases of every generated endpoint class.

Generated subclasses declare `endpoint_id` and `capabilities`, and define typed `run`, `submit`,
`subscribe` (and `stream`, `realtime` when the endpoint has them) whose bodies only delegate to
the helpers here (`self._run(input, kwargs)` ...). The helpers
1. split call options from input fields (`options.*_OPTIONS`; a misplaced option is a TypeError),
2. build and validate the Input (pydantic `ValidationError`) — before any network I/O,
3. serialise it (wire names, only fields that were set, local files as data URIs or uploads),
4. check the API key's form (`credentials.check_credentials`: a malformed key fails here, named,
   before any request), call fal_client (`run`, `submit`, `subscribe`, `stream`, `realtime`) and
   translate its errors (masking the key),
5. validate the response as the Output (`OutputValidationError` keeps the raw JSON).
"""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from ._types import NOT_GIVEN, FileUploadMode, NotGiven
from .clients import apply_environment, default_async_client, default_client
from .credentials import check_credentials, check_header
from .errors import _CallbackError, translate_errors
from .files import FileCollector, _check_mode, aupload_pending, get_file_upload_mode, upload_pending
from .models import FalInput, FalOutput, InputT, OutputT, parse_output, to_payload
from .options import RESERVED_KWARGS, RUN_OPTIONS, STREAM_OPTIONS, SUBMIT_OPTIONS, SUBSCRIBE_OPTIONS
from .protocols import AnyAsyncEndpoint, AnyEndpoint  # re-exported: importing them from here works
from .validation import prune_union_errors

if TYPE_CHECKING:
    import fal_client
    from fal_client import Status
    from typing_extensions import Self

    from .handles import AsyncRequestHandle, RequestHandle
    from .realtime import AsyncRealtimeConnection, RealtimeConnection
    from .streaming import AsyncStream, Stream

# handles, streaming and realtime are imported by the methods that return them: the first use of
# an endpoint (import, validation) does not load them.

__all__ = ["Endpoint", "AsyncEndpoint", "AnyEndpoint", "AnyAsyncEndpoint"]

_I = TypeVar("_I", bound=FalInput)
_O = TypeVar("_O", bound=FalOutput)

_OPTION_METHODS: dict[str, tuple[str, ...]] = {
    name: tuple(
        m
        for m, opts in (
            ("run", RUN_OPTIONS),
            ("submit", SUBMIT_OPTIONS),
            ("subscribe", SUBSCRIBE_OPTIONS),
            ("stream", STREAM_OPTIONS),
        )
        if name in opts
    )
    for name in RESERVED_KWARGS
}


class _InputModel:
    """`SomeEndpoint.Input` / `instance.Input`: the endpoint's Input model class."""

    def __get__(self, obj: object, owner: type[_EndpointBase[_I, Any]]) -> type[_I]:
        return cast("type[_I]", _model(owner, "input_model"))


class _OutputModel:
    """`SomeEndpoint.Output` / `instance.Output`: the endpoint's Output model class."""

    def __get__(self, obj: object, owner: type[_EndpointBase[Any, _O]]) -> type[_O]:
        return cast("type[_O]", _model(owner, "output_model"))


def _model(owner: type, attr: str) -> type:
    model = getattr(owner, attr, None)
    if model is None:
        raise AttributeError(
            f"{owner.__name__} has no {attr}: subclass it as `class X({owner.__name__}[Input, Output])`"
        )
    return cast(type, model)


def _check_options(method: str, opts: Mapping[str, Any]) -> None:
    """Cheap checks of option values, so that mistakes fail before uploads or requests."""
    if "priority" in opts and opts["priority"] not in (None, "normal", "low"):
        raise ValueError(f"priority must be 'normal' or 'low', got {opts['priority']!r}")
    start = opts.get("start_timeout")
    if start is not None and not (isinstance(start, (int, float)) and start > 1):
        raise ValueError(f"start_timeout must be a number of seconds > 1, got {start!r}")
    timeout = opts.get("timeout")
    if timeout is not None and not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, got {timeout!r}")
    if method == "subscribe" and timeout is not None and timeout <= 1:
        raise ValueError(f"subscribe() timeout must be > 1 second, got {timeout!r}")
    if opts.get("file_upload") is not None:
        _check_mode(opts["file_upload"])
    headers = opts.get("headers")
    if headers is not None and not isinstance(headers, Mapping):
        raise TypeError(f"headers must be a mapping of str to str, got {type(headers).__name__}")
    for name, value in (headers or {}).items():
        check_header(str(name), str(value))
    if isinstance(opts.get("hint"), str):
        check_header("X-Fal-Runner-Hint", opts["hint"])  # fal_client sends the hint as this header


def _sync_callback(name: str, cb: Any) -> Any:
    import inspect

    if not callable(cb):
        raise TypeError(f"{name} must be callable, got {type(cb).__name__}")

    def call(arg: Any) -> None:
        try:
            result = cb(arg)
        except Exception as exc:
            raise _CallbackError(exc) from exc
        if inspect.isawaitable(result):
            close = getattr(result, "close", None)
            if close is not None:
                close()
            raise TypeError(
                f"{name} returned an awaitable; coroutine callbacks need the Async endpoint class"
            )

    return call


def _async_callback(name: str, cb: Any) -> Any:
    import inspect

    if not callable(cb):
        raise TypeError(f"{name} must be callable, got {type(cb).__name__}")

    async def call(arg: Any) -> None:
        try:
            result = cb(arg)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            raise _CallbackError(exc) from exc

    return call


def _validated(model: type[InputT], fields: dict[str, Any]) -> InputT:
    """`model.model_validate(fields)`, a value that fits no member of a union reported once
    (`validation.prune_union_errors`)."""
    from pydantic import ValidationError

    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        pruned = prune_union_errors(exc)
        if pruned is exc:
            raise
        raise pruned from None


class _EndpointBase(Generic[InputT, OutputT]):
    endpoint_id: ClassVar[str]
    """fal application id, e.g. `"fal-ai/flux-2"` (with sub-path when the endpoint has one)."""
    input_model: ClassVar[type[FalInput]]
    """Input model class; derived from the generic parameters unless set explicitly."""
    output_model: ClassVar[type[FalOutput]]
    """Output model class; derived from the generic parameters unless set explicitly."""
    capabilities: ClassVar[frozenset[str]] = frozenset({"queue"})
    """Subset of {"queue", "streaming", "realtime"} (which methods the class offers)."""

    Input = _InputModel()
    Output = _OutputModel()

    _file_upload: FileUploadMode | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in cls.__dict__.get("__orig_bases__", ()):
            origin = typing.get_origin(base)
            if not (isinstance(origin, type) and issubclass(origin, _EndpointBase)):
                continue
            args = typing.get_args(base)
            if len(args) != 2:
                continue
            in_model, out_model = args
            if "input_model" not in cls.__dict__ and isinstance(in_model, type):
                cls.input_model = in_model
            if "output_model" not in cls.__dict__ and isinstance(out_model, type):
                cls.output_model = out_model

    # -- shared, network-free steps -----------------------------------------------------------

    @classmethod
    def _input_cls(cls) -> type[InputT]:
        return cast("type[InputT]", cls.input_model)

    @classmethod
    def _output_cls(cls) -> type[OutputT]:
        return cast("type[OutputT]", cls.output_model)

    def _coerce_input(self, input: Any) -> InputT:
        model = self._input_cls()
        if isinstance(input, model):
            return input
        if isinstance(input, FalInput):
            raise TypeError(
                f"{type(self).__name__} expects {model.__module__}.{model.__qualname__}, "
                f"got {type(input).__module__}.{type(input).__qualname__}"
            )
        if isinstance(input, Mapping):
            return _validated(model, dict(input))
        raise TypeError(
            f"{type(self).__name__} input must be an Input model or a dict of fields, got {type(input).__name__}"
        )

    def _prepare(
        self, method: str, allowed: frozenset[str], input: Any, kwargs: Mapping[str, Any]
    ) -> tuple[dict[str, Any], InputT]:
        """Split options from fields and validate the Input. No I/O happens here."""
        opts: dict[str, Any] = {}
        fields: dict[str, Any] = {}
        for key, value in kwargs.items():
            if isinstance(value, NotGiven):
                continue
            if key in allowed:
                opts[key] = value
            elif key in RESERVED_KWARGS:
                where = " or ".join(f"{m}()" for m in _OPTION_METHODS.get(key, ()))
                raise TypeError(
                    f"{type(self).__name__}.{method}() got an unexpected keyword argument "
                    f"{key!r}" + (f" (it is an option of {where})" if where else "")
                )
            else:
                fields[key] = value
        _check_options(method, opts)
        if input is not None:
            if fields:
                raise TypeError(
                    f"{type(self).__name__}.{method}() takes either an Input or field keyword "
                    f"arguments, not both (got Input and {sorted(fields)})"
                )
            return opts, self._coerce_input(input)
        return opts, _validated(self._input_cls(), fields)

    def _collector(self, opts: Mapping[str, Any] | None = None) -> FileCollector:
        """Files are sent as the call's `file_upload` says, else the instance's, else the
        package's (`fal_bindings.configure`)."""
        mode = (opts or {}).get("file_upload") or self._file_upload or get_file_upload_mode()
        return FileCollector(mode)

    def _parse(self, raw: Any, request_id: str | None = None) -> OutputT:
        return parse_output(
            self._output_cls(), raw, endpoint_id=self.endpoint_id, request_id=request_id
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint_id={getattr(self, 'endpoint_id', None)!r})"


_C = TypeVar("_C")


def _authorized(client: _C) -> _C:
    """`client`, once the key it will send has a usable form (else `CredentialsError`), with
    fal_client's storage URLs taken from the environment (`clients.apply_environment`)."""
    check_credentials(client)
    apply_environment()
    return client


def _upload_step(collector: FileCollector) -> str:
    """What an upload error names as the step that failed (the request was not sent)."""
    names = [
        f"'{value.name}'" if isinstance(value, Path) else f"{len(value)} bytes"
        for value in collector.to_upload().values()
    ]
    shown = ", ".join(names[:3]) + (f" (+{len(names) - 3} more)" if len(names) > 3 else "")
    return f"uploading {shown} to fal's storage"


def _common_kwargs(opts: Mapping[str, Any], *names: str) -> dict[str, Any]:
    out = {n: opts[n] for n in names if opts.get(n) is not None}
    if opts.get("headers") is not None:
        out["headers"] = {str(k): str(v) for k, v in opts["headers"].items()}
    return out


class Endpoint(_EndpointBase[InputT, OutputT]):
    """Synchronous endpoint base. `Endpoint(client=None, *, file_upload=None)`: without a
    client, the default `fal_client.sync_client` (auth from `FAL_KEY`) is used."""

    def __init__(
        self,
        client: fal_client.SyncClient | None = None,
        *,
        file_upload: FileUploadMode | None = None,
    ) -> None:
        if file_upload is not None:
            _check_mode(file_upload)
        self._client = client
        self._file_upload = file_upload

    @property
    def client(self) -> fal_client.SyncClient:
        return self._client if self._client is not None else default_client()

    def with_options(
        self,
        *,
        client: fal_client.SyncClient | None | NotGiven = NOT_GIVEN,
        file_upload: FileUploadMode | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with another client and/or file upload mode."""
        return type(self)(
            client=self._client if isinstance(client, NotGiven) else client,
            file_upload=self._file_upload if isinstance(file_upload, NotGiven) else file_upload,
        )

    def _arguments(
        self, model: InputT, client: fal_client.SyncClient, opts: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        collector = self._collector(opts)
        payload = to_payload(model, collector=collector)
        if collector.needs_upload:
            with translate_errors(step=_upload_step(collector)):
                payload = upload_pending(payload, collector, client)
        return payload

    # -- helpers called by generated methods ----------------------------------------------------

    def _run(self, input: Any, kwargs: Mapping[str, Any]) -> OutputT:
        opts, model = self._prepare("run", RUN_OPTIONS, input, kwargs)
        client = _authorized(opts.get("client") or self.client)
        arguments = self._arguments(model, client, opts)
        call = _common_kwargs(opts, "timeout", "start_timeout", "hint")
        with translate_errors():
            raw = client.run(self.endpoint_id, arguments, **call)
        return self._parse(raw)

    def _submit(self, input: Any, kwargs: Mapping[str, Any]) -> RequestHandle[OutputT]:
        from .handles import RequestHandle

        opts, model = self._prepare("submit", SUBMIT_OPTIONS, input, kwargs)
        client = _authorized(opts.get("client") or self.client)
        arguments = self._arguments(model, client, opts)
        call = _common_kwargs(opts, "start_timeout", "hint", "priority", "webhook_url")
        with translate_errors():
            handle = client.submit(self.endpoint_id, arguments, **call)
        return RequestHandle(handle, self._output_cls(), self.endpoint_id)

    def _subscribe(self, input: Any, kwargs: Mapping[str, Any]) -> OutputT:
        opts, model = self._prepare("subscribe", SUBSCRIBE_OPTIONS, input, kwargs)
        call = _common_kwargs(opts, "start_timeout", "hint", "priority", "with_logs")
        if opts.get("timeout") is not None:
            call["client_timeout"] = opts["timeout"]
        if opts.get("poll_interval") is not None:
            call["interval"] = opts["poll_interval"]
        if opts.get("on_enqueue") is not None:
            call["on_enqueue"] = _sync_callback("on_enqueue", opts["on_enqueue"])
        if opts.get("on_queue_update") is not None:
            call["on_queue_update"] = _sync_callback("on_queue_update", opts["on_queue_update"])
        client = _authorized(opts.get("client") or self.client)
        arguments = self._arguments(model, client, opts)
        with translate_errors():
            raw = client.subscribe(self.endpoint_id, arguments, **call)
        return self._parse(raw)

    def _stream(self, input: Any, kwargs: Mapping[str, Any]) -> Stream[OutputT]:
        from .streaming import Stream

        opts, model = self._prepare("stream", STREAM_OPTIONS, input, kwargs)
        client = _authorized(opts.get("client") or self.client)
        arguments = self._arguments(model, client, opts)
        call = _common_kwargs(opts, "timeout")
        endpoint_id = self.endpoint_id

        def events() -> Iterator[dict[str, Any]]:
            with translate_errors(stream=True):
                yield from client.stream(endpoint_id, arguments, **call)

        return Stream(events(), self._output_cls(), endpoint_id)

    def _realtime(
        self, *, use_jwt: bool = True, max_buffering: int | None = None
    ) -> RealtimeConnection[InputT, OutputT]:
        from .realtime import RealtimeConnection

        client = self.client
        endpoint_id = self.endpoint_id
        return RealtimeConnection(
            lambda: _authorized(client).realtime(
                endpoint_id, use_jwt=use_jwt, max_buffering=max_buffering
            ),
            self._coerce_input,
            lambda model: self._arguments(model, client),
            self._output_cls(),
            endpoint_id,
        )

    # -- by request id ------------------------------------------------------------------------

    def get_handle(self, request_id: str) -> RequestHandle[OutputT]:
        """Handle for a request submitted earlier (e.g. by another process)."""
        from .handles import RequestHandle

        with translate_errors(request_id=request_id):
            handle = _authorized(self.client).get_handle(self.endpoint_id, request_id)
        return RequestHandle(handle, self._output_cls(), self.endpoint_id)

    def status(self, request_id: str, *, with_logs: bool = False) -> Status:
        """Queue status of a request: fal_client `Queued`, `InProgress` or `Completed`."""
        return self.get_handle(request_id).status(with_logs=with_logs)

    def result(self, request_id: str) -> OutputT:
        """Wait for a request to complete and return its Output."""
        return self.get_handle(request_id).get()

    def cancel(self, request_id: str) -> None:
        """Ask fal to cancel a queued request."""
        self.get_handle(request_id).cancel()


class AsyncEndpoint(_EndpointBase[InputT, OutputT]):
    """Asynchronous endpoint base; same methods and parameters as `Endpoint`, awaited.
    Without a client, each event loop gets its own `fal_client.AsyncClient()`."""

    def __init__(
        self,
        client: fal_client.AsyncClient | None = None,
        *,
        file_upload: FileUploadMode | None = None,
    ) -> None:
        if file_upload is not None:
            _check_mode(file_upload)
        self._client = client
        self._file_upload = file_upload

    @property
    def client(self) -> fal_client.AsyncClient:
        """The explicit client, else the running event loop's default client."""
        return self._client if self._client is not None else default_async_client()

    def with_options(
        self,
        *,
        client: fal_client.AsyncClient | None | NotGiven = NOT_GIVEN,
        file_upload: FileUploadMode | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with another client and/or file upload mode."""
        return type(self)(
            client=self._client if isinstance(client, NotGiven) else client,
            file_upload=self._file_upload if isinstance(file_upload, NotGiven) else file_upload,
        )

    async def _arguments(
        self, model: InputT, client: fal_client.AsyncClient, opts: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        collector = self._collector(opts)
        payload = to_payload(model, collector=collector)
        if collector.needs_upload:
            with translate_errors(step=_upload_step(collector)):
                payload = await aupload_pending(payload, collector, client)
        return payload

    # -- helpers called by generated methods ----------------------------------------------------

    async def _run(self, input: Any, kwargs: Mapping[str, Any]) -> OutputT:
        opts, model = self._prepare("run", RUN_OPTIONS, input, kwargs)
        client = _authorized(opts.get("client") or self.client)
        arguments = await self._arguments(model, client, opts)
        call = _common_kwargs(opts, "timeout", "start_timeout", "hint")
        with translate_errors():
            raw = await client.run(self.endpoint_id, arguments, **call)
        return self._parse(raw)

    async def _submit(self, input: Any, kwargs: Mapping[str, Any]) -> AsyncRequestHandle[OutputT]:
        from .handles import AsyncRequestHandle

        opts, model = self._prepare("submit", SUBMIT_OPTIONS, input, kwargs)
        client = _authorized(opts.get("client") or self.client)
        arguments = await self._arguments(model, client, opts)
        call = _common_kwargs(opts, "start_timeout", "hint", "priority", "webhook_url")
        with translate_errors():
            handle = await client.submit(self.endpoint_id, arguments, **call)
        return AsyncRequestHandle(handle, self._output_cls(), self.endpoint_id)

    async def _subscribe(self, input: Any, kwargs: Mapping[str, Any]) -> OutputT:
        opts, model = self._prepare("subscribe", SUBSCRIBE_OPTIONS, input, kwargs)
        call = _common_kwargs(opts, "start_timeout", "hint", "priority", "with_logs")
        if opts.get("timeout") is not None:
            call["client_timeout"] = opts["timeout"]
        if opts.get("poll_interval") is not None:
            call["interval"] = opts["poll_interval"]
        if opts.get("on_enqueue") is not None:
            call["on_enqueue"] = _async_callback("on_enqueue", opts["on_enqueue"])
        if opts.get("on_queue_update") is not None:
            call["on_queue_update"] = _async_callback("on_queue_update", opts["on_queue_update"])
        client = _authorized(opts.get("client") or self.client)
        arguments = await self._arguments(model, client, opts)
        with translate_errors():
            raw = await client.subscribe(self.endpoint_id, arguments, **call)
        return self._parse(raw)

    def _stream(self, input: Any, kwargs: Mapping[str, Any]) -> AsyncStream[OutputT]:
        from .streaming import AsyncStream

        # Validation and data-URI encoding happen now; client lookup, uploads and the request
        # happen on first iteration (inside the event loop).
        opts, model = self._prepare("stream", STREAM_OPTIONS, input, kwargs)
        collector = self._collector(opts)
        payload = to_payload(model, collector=collector)
        call = _common_kwargs(opts, "timeout")
        endpoint_id = self.endpoint_id

        async def events() -> AsyncIterator[dict[str, Any]]:
            client = _authorized(opts.get("client") or self.client)
            arguments = payload
            if collector.needs_upload:
                with translate_errors(step=_upload_step(collector)):
                    arguments = await aupload_pending(payload, collector, client)
            with translate_errors(stream=True):
                async for event in client.stream(endpoint_id, arguments, **call):
                    yield event

        return AsyncStream(events(), self._output_cls(), endpoint_id)

    def _realtime(
        self, *, use_jwt: bool = True, max_buffering: int | None = None
    ) -> AsyncRealtimeConnection[InputT, OutputT]:
        from .realtime import AsyncRealtimeConnection

        endpoint_id = self.endpoint_id
        clients: list[fal_client.AsyncClient] = []

        def opener() -> Any:
            clients[:] = [_authorized(self.client)]
            return clients[0].realtime(endpoint_id, use_jwt=use_jwt, max_buffering=max_buffering)

        async def prepare(model: InputT) -> dict[str, Any]:
            return await self._arguments(model, clients[0] if clients else self.client)

        return AsyncRealtimeConnection(
            opener, self._coerce_input, prepare, self._output_cls(), endpoint_id
        )

    # -- by request id ------------------------------------------------------------------------

    async def get_handle(self, request_id: str) -> AsyncRequestHandle[OutputT]:
        """Handle for a request submitted earlier (e.g. by another process)."""
        from .handles import AsyncRequestHandle

        with translate_errors(request_id=request_id):
            handle = await _authorized(self.client).get_handle(self.endpoint_id, request_id)
        return AsyncRequestHandle(handle, self._output_cls(), self.endpoint_id)

    async def status(self, request_id: str, *, with_logs: bool = False) -> Status:
        """Queue status of a request: fal_client `Queued`, `InProgress` or `Completed`."""
        return await (await self.get_handle(request_id)).status(with_logs=with_logs)

    async def result(self, request_id: str) -> OutputT:
        """Wait for a request to complete and return its Output."""
        return await (await self.get_handle(request_id)).get()

    async def cancel(self, request_id: str) -> None:
        """Ask fal to cancel a queued request."""
        await (await self.get_handle(request_id)).cancel()
