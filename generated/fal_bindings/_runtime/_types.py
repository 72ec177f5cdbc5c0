# Copied from templates/package/fal_bindings/_runtime/_types.py by falgen. Edit the source, then run make generate.
"""Small shared types: sentinels, callback aliases. No third-party imports (call options: `options`)."""

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
]

Priority = Literal["normal", "low"]
"""Queue priority accepted by fal (`X-Fal-Queue-Priority`)."""

FileUploadMode = Literal["auto", "upload", "data_uri"]
"""How local files (`pathlib.Path`, `bytes`) in `FileInput` fields are sent: `"auto"` inlines a
file up to `upload_threshold` bytes as a base64 data URI and uploads a larger one, `"upload"`
uploads every file to fal's storage with `fal_client` (the request carries the URL),
`"data_uri"` inlines every file (no extra request). See `fal_bindings.configure`."""

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
