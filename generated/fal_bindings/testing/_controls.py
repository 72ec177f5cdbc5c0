# Copied from templates/package/fal_bindings/testing/_controls.py by falgen. Edit the source, then run make generate.
"""What tests can steer (behaviour, faults) and what they can inspect (request log, webhooks)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

OPERATIONS = (
    "run",
    "submit",
    "status",
    "result",
    "cancel",
    "stream",
    "realtime",
    "token",
    "upload",
    "file",
)
"""What a request does; faults and the request log use these names."""


@dataclass(frozen=True)
class AppError:
    """The app fails: sync runs answer `status`; queued requests turn COMPLETED with `error`
    set and their result answers `status` with `{"detail": detail, "error_type": ...}`."""

    status: int = 500
    detail: Any = "Internal Server Error"
    error_type: str | None = None

    def __post_init__(self) -> None:
        if not 400 <= self.status <= 599:
            raise ValueError(
                f"AppError.status must be an HTTP error status (400-599), got {self.status}"
            )

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.detail}
        if self.error_type is not None:
            body["error_type"] = self.error_type
        return body


@dataclass(frozen=True)
class Behavior:
    """How the emulated app behaves; set globally or per endpoint with `Emulator.configure`.

    A queued request answers `queue_polls` status polls with IN_QUEUE (positions counting down to
    0), then `progress_polls` with IN_PROGRESS (one more log line each), then COMPLETED once
    `processing_time` seconds have passed since submission. Polls drive it, so tests need no sleeps.
    """

    queue_polls: int = 0
    progress_polls: int = 0
    processing_time: float = 0.0
    """Seconds before a request can complete (sync runs and streams take this long too)."""
    latency: float = 0.0
    """Seconds added before answering every request of the endpoint."""
    stream_events: int = 2
    """Partial SSE events sent before the final output."""
    error: AppError | None = None
    output: Any = None
    """What the app answers instead of its example: a JSON object, or a function of the input
    (the JSON the client sent, a dict) returning one; checked against the Output schema (see
    `Emulator.configure`). None: the page's example."""

    def __post_init__(self) -> None:
        for name in (
            "queue_polls",
            "progress_polls",
            "stream_events",
            "processing_time",
            "latency",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"Behavior.{name} must be a non-negative number, got {value!r}")


class BehaviorChanges(TypedDict, total=False):
    """Keyword arguments of `Emulator.configure`: any subset of `Behavior`'s fields."""

    queue_polls: int
    progress_polls: int
    processing_time: float
    latency: float
    stream_events: int
    error: AppError | None
    output: Any


@dataclass(frozen=True)
class Fault:
    """An injected failure (see `Emulator.inject`): wait `delay` seconds, then answer `status`,
    or cut the connection mid-response (`drop`), or - with neither - answer normally but late."""

    status: int | None = None
    detail: Any = None
    """Body `detail`; defaults to the status phrase (e.g. "Too Many Requests")."""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    ingress: bool = False
    """Answer like fal's nginx ingress (HTML body, no x-fal-request-id): fal-client retries
    such 502/503/504 responses, but not the app's own."""

    def __post_init__(self) -> None:
        if self.status is None and not self.drop and self.delay <= 0:
            raise ValueError("a Fault needs a status, drop=True or a positive delay")
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError(f"Fault.status must be an HTTP status, got {self.status}")
        if self.delay < 0:
            raise ValueError(f"Fault.delay must be non-negative, got {self.delay}")

    @classmethod
    def http(
        cls,
        status: int,
        detail: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        ingress: bool = False,
    ) -> Fault:
        """Answer with this HTTP status (e.g. 429, 500, 503)."""
        return cls(status=status, detail=detail, headers=dict(headers or {}), ingress=ingress)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Answer normally, `seconds` late."""
        return cls(delay=seconds)

    @classmethod
    def dropped(cls) -> Fault:
        """Send the headers, then close the connection (fal-client sees a transport error)."""
        return cls(drop=True)


@dataclass(frozen=True)
class RequestRecord:
    """One request the emulator received. Credentials are redacted."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    """The JSON body, parsed; None for no body or a non-JSON one."""
    status: int | None
    """The status answered; None when the connection was dropped."""
    operation: str | None
    """One of OPERATIONS; None for unknown paths."""
    endpoint_id: str | None
    time: float
    """`time.time()` when the request arrived."""


@dataclass(frozen=True)
class WebhookDelivery:
    """One webhook POST the emulator made (fal's body shape), and how it went."""

    url: str
    request_id: str
    body: dict[str, Any]
    status: int | None
    """The receiver's HTTP status; None when the POST failed or was refused (see `error`)."""
    error: str | None
    time: float
    refused: bool = False
    """Not sent: the URL is malformed, or not on loopback without `allow_external_webhooks`."""
