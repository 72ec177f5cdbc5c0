"""Call options of the generated methods, declared once.

Every generated `run`/`submit`/`subscribe`/`stream` takes the endpoint's input fields as keywords
and these options as `**options: Unpack[RunOptions]` (etc.), so a type checker knows each option
and rejects a misspelt one. The option name sets the runtime checks calls against
(`RUN_OPTIONS`, ..., `RESERVED_KWARGS`) are derived from these classes, and falgen reads this
file (without importing it) to rename input fields that would collide with an option.

Sync methods take `client: fal_client.SyncClient`, async ones (`Async*Options`)
`client: fal_client.AsyncClient`; every other option is the same on both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    import fal_client

    from ._types import FileUploadMode, OnEnqueue, OnQueueUpdate, Priority

__all__ = [
    "RunOptions",
    "SubmitOptions",
    "SubscribeOptions",
    "StreamOptions",
    "AsyncRunOptions",
    "AsyncSubmitOptions",
    "AsyncSubscribeOptions",
    "AsyncStreamOptions",
    "RUN_OPTIONS",
    "SUBMIT_OPTIONS",
    "SUBSCRIBE_OPTIONS",
    "STREAM_OPTIONS",
    "OPTIONS_PARAMETER",
    "RESERVED_KWARGS",
]


class _Timeout(TypedDict, total=False):
    timeout: float | None
    """Client-side limit in seconds: the HTTP timeout of `run`/`stream`; for `subscribe` the
    total wait, after which the request is cancelled and `RequestTimeoutError` raised."""


class _Routing(TypedDict, total=False):
    start_timeout: float | None
    """fal's server-side limit in seconds before processing starts (more than 1 s)."""
    hint: str | None
    """A runner hint (`X-Fal-Runner-Hint`): routes the request to a runner that has it."""


class _Headers(TypedDict, total=False):
    headers: dict[str, str] | None
    """Extra HTTP headers sent with the request."""


class _Priority(TypedDict, total=False):
    priority: Priority | None
    """Queue priority, `"normal"` or `"low"` (`X-Fal-Queue-Priority`)."""


class _Webhook(TypedDict, total=False):
    webhook_url: str | None
    """A URL fal POSTs the result to when the request completes."""


class _Progress(TypedDict, total=False):
    with_logs: bool
    """Ask fal for the app's logs in the queue updates (default False)."""
    on_enqueue: OnEnqueue | None
    """Called with the request id once the request is queued."""
    on_queue_update: OnQueueUpdate | None
    """Called with each queue status (`Queued`, `InProgress`, `Completed`); async endpoints
    accept coroutine functions."""
    poll_interval: float | None
    """Seconds between status polls (fal-client's default when None)."""


class _Files(TypedDict, total=False):
    file_upload: FileUploadMode | None
    """How local files (`Path`, `bytes`) are sent for this call: `"auto"` (inline up to
    `upload_threshold` bytes, uploaded above), `"upload"` or `"data_uri"`; None: the endpoint's
    or the package's setting (`fal_bindings.configure`)."""


class _SyncClient(TypedDict, total=False):
    client: fal_client.SyncClient | None
    """Overrides the endpoint's client for this call."""


class _AsyncClient(TypedDict, total=False):
    client: fal_client.AsyncClient | None
    """Overrides the endpoint's client for this call."""


class RunOptions(_Timeout, _Routing, _Headers, _Files, _SyncClient, total=False):
    """Options of `run` (no queue)."""


class SubmitOptions(_Routing, _Priority, _Webhook, _Headers, _Files, _SyncClient, total=False):
    """Options of `submit` (queue a request, get a handle)."""


class SubscribeOptions(
    _Timeout, _Routing, _Priority, _Progress, _Headers, _Files, _SyncClient, total=False
):
    """Options of `subscribe` (queue a request, wait for its result)."""


class StreamOptions(_Timeout, _Headers, _Files, _SyncClient, total=False):
    """Options of `stream` (partial results as they come)."""


class AsyncRunOptions(_Timeout, _Routing, _Headers, _Files, _AsyncClient, total=False):
    """Options of the async `run`."""


class AsyncSubmitOptions(
    _Routing, _Priority, _Webhook, _Headers, _Files, _AsyncClient, total=False
):
    """Options of the async `submit`."""


class AsyncSubscribeOptions(
    _Timeout, _Routing, _Priority, _Progress, _Headers, _Files, _AsyncClient, total=False
):
    """Options of the async `subscribe`."""


class AsyncStreamOptions(_Timeout, _Headers, _Files, _AsyncClient, total=False):
    """Options of the async `stream`."""


RUN_OPTIONS = frozenset(RunOptions.__optional_keys__)
SUBMIT_OPTIONS = frozenset(SubmitOptions.__optional_keys__)
SUBSCRIBE_OPTIONS = frozenset(SubscribeOptions.__optional_keys__)
STREAM_OPTIONS = frozenset(StreamOptions.__optional_keys__)

OPTIONS_PARAMETER = "options"
"""The name of the `**options` parameter of the generated overloads."""

RESERVED_KWARGS: frozenset[str] = (
    RUN_OPTIONS
    | SUBMIT_OPTIONS
    | SUBSCRIBE_OPTIONS
    | STREAM_OPTIONS
    | {"self", "input", OPTIONS_PARAMETER}
)
"""Every keyword the generated `run`/`submit`/`subscribe`/`stream` methods take besides the
input fields, plus `self`, `input` (the positional-only Input parameter: Python would accept a
field keyword of that name, mypy rejects the overloads) and `options` (the overloads'
`**options`). A field whose Python name is in this set is renamed by the generator (keeping the
wire name as the pydantic alias)."""
