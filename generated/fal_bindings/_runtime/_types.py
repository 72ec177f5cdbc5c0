"""Small shared types: sentinels, option names, callback aliases. No third-party imports."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from typing import TypeAlias

    from fal_client import Status

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "Priority",
    "FileUploadMode",
    "OnEnqueue",
    "OnQueueUpdate",
    "RUN_OPTIONS",
    "SUBMIT_OPTIONS",
    "SUBSCRIBE_OPTIONS",
    "STREAM_OPTIONS",
    "RESERVED_KWARGS",
]

Priority = Literal["normal", "low"]
"""Queue priority accepted by fal (`X-Fal-Queue-Priority`)."""

FileUploadMode = Literal["data_uri", "upload"]
"""How local files (`pathlib.Path`, `bytes`) in `FileInput` fields are sent:
`"data_uri"` inlines them as base64 data URIs (no extra request), `"upload"` uploads them to
fal's CDN with `fal_client` and sends the returned URL."""

# `on_enqueue(request_id)` and `on_queue_update(status)` (status is a fal_client
# `Queued | InProgress | Completed`). On async endpoints the callbacks may be coroutine functions.
# At runtime `Status` is replaced by `Any` so that importing this module never imports fal_client.
OnEnqueue = Callable[[str], object]
if TYPE_CHECKING:
    OnQueueUpdate: TypeAlias = Callable[[Status], object]
else:
    OnQueueUpdate = Callable[[Any], object]


class NotGiven:
    """Sentinel for "argument not passed" (distinct from `None`, which is sent as JSON null).

    Passing `NOT_GIVEN` for any field or option is the same as leaving it out; it is handy for
    wrappers that forward optional arguments.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

# Call options accepted by each generated method, next to the input fields.  Field parameters of
# generated methods must never use these names (the generator renames such a field, e.g.
# `timeout_` with `alias="timeout"`).
# `client` (a fal_client.SyncClient / AsyncClient) overrides the endpoint's client for one call.
RUN_OPTIONS = frozenset({"timeout", "start_timeout", "hint", "headers", "client"})
SUBMIT_OPTIONS = frozenset(
    {"start_timeout", "hint", "priority", "webhook_url", "headers", "client"}
)
SUBSCRIBE_OPTIONS = frozenset(
    {
        "timeout",
        "start_timeout",
        "hint",
        "priority",
        "with_logs",
        "on_enqueue",
        "on_queue_update",
        "poll_interval",
        "headers",
        "client",
    }
)
STREAM_OPTIONS = frozenset({"timeout", "headers", "client"})

RESERVED_KWARGS: frozenset[str] = (
    RUN_OPTIONS | SUBMIT_OPTIONS | SUBSCRIBE_OPTIONS | STREAM_OPTIONS | {"self", "input"}
)
"""Every keyword the generated `run`/`submit`/`subscribe`/`stream` methods take besides the
input fields, plus `self` and `input` (the positional-only Input parameter: Python would accept
a field keyword of that name, mypy rejects the overloads). A field whose Python name is in this
set must be renamed by the generator (keeping the wire name as the pydantic alias)."""
