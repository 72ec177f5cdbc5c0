"""Exception hierarchy of fal_bindings, and the translation of fal_client/httpx errors into it.

```
FalBindingsError
├── APIError                      anything the service or the transport answered
│   ├── BadRequestError             400
│   ├── AuthenticationError         401
│   │   └── CredentialsError          the key is missing or malformed (found before any request)
│   ├── PermissionDeniedError       403
│   ├── NotFoundError               404
│   ├── UnprocessableEntityError    422  (.errors: list of {loc, msg, type})
│   ├── RateLimitError              429
│   ├── InternalServerError         >= 500
│   ├── RequestTimeoutError         client timeout, httpx timeout, 408, 504 + X-Fal-Request-Timeout-Type
│   ├── APIConnectionError          connection/TLS failures (after fal_client's retries)
│   ├── StreamError                 SSE stream failures (fal_client hides the HTTP status there)
│   └── RealtimeError               realtime (WebSocket) errors sent by the app or on close
├── OutputValidationError         a response did not match the Output model (.raw keeps the data)
├── RequestEncodingError          the request cannot be encoded (a lone surrogate, a non-ASCII header)
└── UnknownEndpointError          registry lookup of an unknown id (.suggestions)
```

Input problems are not in this tree: they raise pydantic's `ValidationError` (bad field values)
or `TypeError` (misused call options), always before any network I/O.

No exception leaving `translate_errors` shows the API key: the key is masked in the mapped
exception and, in place, in the exceptions it was raised from; an original that still shows it
after that is replaced as the `__cause__` by a masked stand-in (`RedactedError`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

TYPE_CHECKING = False  # no runtime `typing` import (see __init__)
if TYPE_CHECKING:
    from typing import Any

    from fal_client import FalClientHTTPError
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

__all__ = [
    "FalBindingsError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "CredentialsError",
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
    "RequestEncodingError",
    "RedactedError",
    "UnknownEndpointError",
    "map_exception",
    "translate_errors",
]

REQUEST_ID_HEADER = "x-fal-request-id"
TIMEOUT_TYPE_HEADER = "x-fal-request-timeout-type"


class FalBindingsError(Exception):
    """Base class of every exception raised by fal_bindings itself."""


class APIError(FalBindingsError):
    """A request failed: the service answered with an error, or it could not be reached.

    Attributes:
        message: readable explanation (fal's `detail` turned into text).
        status_code: HTTP status, or None when there was no HTTP answer.
        detail: fal's raw `detail` (a str, or for 422 a list of `{loc, msg, type}`).
        error_type: fal's `error_type` (body field or `x-fal-error-type` header).
        request_id: the `x-fal-request-id` response header, or the queue request id.
        headers: response headers (lower-case keys).
        body: the response body (parsed JSON when possible, else text).
        response: the `httpx.Response`, when there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        detail: Any = None,
        error_type: str | None = None,
        request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        response: Any = None,
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.detail = detail if detail is not None else message
        self.error_type = error_type
        self.request_id = request_id
        self.headers: dict[str, str] = {k.lower(): v for k, v in (headers or {}).items()}
        self.body = body
        self.response = response
        super().__init__(message)

    def __str__(self) -> str:
        parts = []
        if self.status_code is not None:
            parts.append(f"HTTP {self.status_code}")
        if self.error_type:
            parts.append(f"[{self.error_type}]")
        head = " ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        if self.request_id:
            text += f" (request_id={self.request_id})"
        return text


class BadRequestError(APIError):
    """HTTP 400."""


class AuthenticationError(APIError):
    """HTTP 401: missing or wrong FAL_KEY (or `CredentialsError`, found before any request)."""


class CredentialsError(AuthenticationError):
    """The API key is missing, or its form makes it unusable (a newline, a control or non-ASCII
    character, whitespace): raised before any request. The message names the variable
    (`FAL_KEY contains a newline ...`), never the value. `status_code` is None."""


class PermissionDeniedError(APIError):
    """HTTP 403."""


class NotFoundError(APIError):
    """HTTP 404: unknown endpoint or request id."""


class UnprocessableEntityError(APIError):
    """HTTP 422: the service rejected the input. `.errors` lists `{loc, msg, type}` dicts."""

    @property
    def errors(self) -> list[dict[str, Any]]:
        return _detail_items(self.detail, self.error_type)


class RateLimitError(APIError):
    """HTTP 429 (after fal_client's retries)."""


class InternalServerError(APIError):
    """HTTP 5xx."""


class RequestTimeoutError(APIError, TimeoutError):
    """The request took too long: client-side timeout, HTTP 408, or fal's server-side
    `start_timeout` expiry (504 with `X-Fal-Request-Timeout-Type`). `.timeout` is the limit in
    seconds when known."""

    def __init__(self, message: str, *, timeout: float | None = None, **kwargs: Any) -> None:
        self.timeout = timeout
        super().__init__(message, **kwargs)


class APIConnectionError(APIError):
    """The service could not be reached (connection refused, DNS, TLS, proxy ...)."""


class StreamError(APIError):
    """A streaming (SSE) request failed. fal_client does not surface the HTTP status of a
    failed stream; call `run()` with the same input to see the service's error."""


class RealtimeError(APIError):
    """A realtime (WebSocket) error: `.error` / `.reason` as sent by the app, `.payload` raw."""

    def __init__(
        self,
        message: str,
        *,
        error: str | None = None,
        reason: str | None = None,
        payload: Any = None,
        **kwargs: Any,
    ) -> None:
        self.error = error
        self.reason = reason
        self.payload = payload
        super().__init__(message, **kwargs)


class OutputValidationError(FalBindingsError):
    """The service answered, but the answer does not fit the endpoint's Output model.

    Nothing is lost: `.raw` is the JSON the service returned, `.errors` pydantic's error list,
    `.validation_error` the pydantic `ValidationError` (None when `raw` was not an object).
    """

    def __init__(
        self,
        model: type[Any],
        raw: Any,
        validation_error: ValidationError | None = None,
        *,
        endpoint_id: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.model = model
        self.raw = raw
        self.validation_error = validation_error
        self.endpoint_id = endpoint_id
        self.request_id = request_id
        self.errors: list[ErrorDetails] = (
            validation_error.errors() if validation_error is not None else []
        )
        where = f" from {endpoint_id}" if endpoint_id else ""
        if request_id:
            where += f" (request_id={request_id})"
        if validation_error is None:
            what = f"expected a JSON object, got {type(raw).__name__}"
        else:
            shown = "; ".join(
                f"{_format_loc(e['loc']) or '<root>'}: {e['msg']}" for e in self.errors[:5]
            )
            more = f" (+{len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
            what = f"{len(self.errors)} error(s): {shown}{more}"
        super().__init__(
            f"response{where} does not match {model.__qualname__}: {what}; the raw response is in .raw"
        )


class RequestEncodingError(FalBindingsError, ValueError):
    """The request cannot be encoded: a string with a lone surrogate (not valid Unicode, so not
    UTF-8), or a header value that is not ASCII. Nothing was sent."""


class RedactedError(FalBindingsError):
    """Stands in for an exception that showed the API key: its type and masked text."""


class UnknownEndpointError(FalBindingsError, LookupError):
    """An endpoint id is not in the registry. `.suggestions` lists close matches."""

    def __init__(self, endpoint_id: str, suggestions: Sequence[str] = ()) -> None:
        self.endpoint_id = endpoint_id
        self.suggestions = list(suggestions)
        msg = f"unknown endpoint id {endpoint_id!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)

    def __str__(self) -> str:
        return str(self.args[0])


# --------------------------------------------------------------------------- translation

_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _format_loc(loc: Any) -> str:
    if not isinstance(loc, (list, tuple)):
        return str(loc) if loc is not None else ""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":  # fal/FastAPI prefix every input location with "body"
        parts = parts[1:]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out


def _detail_items(detail: Any, error_type: str | None) -> list[dict[str, Any]]:
    if isinstance(detail, list):
        items = []
        for item in detail:
            if isinstance(item, Mapping):
                items.append(
                    {
                        "loc": list(item.get("loc") or []),
                        "msg": str(item.get("msg", "")),
                        "type": str(item.get("type", "")),
                        **{k: v for k, v in item.items() if k not in ("loc", "msg", "type")},
                    }
                )
            else:
                items.append({"loc": [], "msg": str(item), "type": error_type or ""})
        return items
    if detail is None or detail == "":
        return []
    return [{"loc": [], "msg": _detail_text(detail), "type": error_type or ""}]


def _detail_text(detail: Any) -> str:
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        msgs = []
        for item in _detail_items(detail, None):
            loc = _format_loc(item["loc"])
            msgs.append(f"{loc}: {item['msg']}" if loc else item["msg"])
        return "; ".join(msgs) or "(empty error list)"
    if isinstance(detail, Mapping) and "msg" in detail:
        return str(detail["msg"])
    import json

    try:
        return json.dumps(detail, default=str)
    except (TypeError, ValueError):
        return str(detail)


def _status_class(status_code: int, headers: Mapping[str, str]) -> type[APIError]:
    if status_code == 504 and TIMEOUT_TYPE_HEADER in headers:
        return RequestTimeoutError
    if status_code >= 500:
        return InternalServerError
    return _STATUS_CLASSES.get(status_code, APIError)


_QUEUE_STATES = {
    "ALREADY_COMPLETED": "the request has already completed, so there is nothing to cancel",
    "NOT_FOUND": "the queue knows no such request",
}
"""Words for the `{"status": ...}` bodies fal's queue answers with instead of a `detail`."""

TOO_LARGE_HINT = (
    "the request is too large for fal: send large local files by upload instead of inline "
    '(file_upload="upload" per call or endpoint, fal_bindings.configure(file_upload="upload") '
    "or a lower upload_threshold; the CLI's --upload-files)"
)


def from_http_error(exc: FalClientHTTPError) -> APIError:
    """Build the typed `APIError` subclass for a `fal_client.FalClientHTTPError`."""
    headers = {str(k).lower(): str(v) for k, v in (exc.response_headers or {}).items()}
    response = getattr(exc, "response", None)
    body: Any = None
    if response is not None:
        try:
            body = response.json()
        except Exception:
            try:
                body = response.text
            except Exception:
                body = None
    detail = exc.message
    message = _detail_text(detail)
    queue_state = body.get("status") if isinstance(body, Mapping) and "detail" not in body else None
    if isinstance(queue_state, str):  # the queue's own answers, e.g. to a cancel
        message = _QUEUE_STATES.get(queue_state, f"the queue answered {queue_state}")
    if not message:
        message = getattr(response, "reason_phrase", "") or "request failed"
    if exc.status_code == 413:
        message += f"; {TOO_LARGE_HINT}"
    cls = _status_class(exc.status_code, headers)
    return cls(
        message,
        status_code=exc.status_code,
        detail=detail,
        error_type=exc.error_type,
        request_id=headers.get(REQUEST_ID_HEADER),
        headers=headers,
        body=body,
        response=response,
    )


class _CallbackError(Exception):
    """Carries an exception raised by a user callback through `translate_errors` untouched."""

    def __init__(self, exc: BaseException) -> None:
        super().__init__(repr(exc))
        self.exc = exc


def _module(name: str) -> Any:
    return sys.modules.get(name)


def map_exception(exc: BaseException, *, stream: bool = False) -> BaseException | None:
    """The fal_bindings exception for an exception raised by fal_client/httpx/websockets, or
    None when it should propagate unchanged."""
    import json

    if isinstance(exc, FalBindingsError):
        return None
    fc = _module("fal_client.client")
    if fc is not None:
        if isinstance(exc, fc.FalClientHTTPError):
            return from_http_error(exc)
        if isinstance(exc, fc.FalClientTimeoutError):
            return RequestTimeoutError(str(exc), timeout=exc.timeout, request_id=exc.request_id)
        if isinstance(exc, fc.RealtimeError):
            return RealtimeError(str(exc), error=exc.error, reason=exc.reason, payload=exc.payload)
        if isinstance(exc, fc.FalClientError):
            return APIError(f"fal_client failed: {exc}")
    auth = _module("fal_client.auth")
    if auth is not None and isinstance(exc, auth.MissingCredentialsError):
        return CredentialsError(str(exc))
    if isinstance(exc, UnicodeEncodeError):
        return _encoding_error(exc)
    sse = _module("httpx_sse")
    if sse is not None and isinstance(exc, sse.SSEError):  # (a subclass of httpx.TransportError)
        return StreamError(
            f"stream failed: {exc}. The server did not answer with an event stream, which "
            "usually means the request was rejected (e.g. HTTP 422/500); fal_client does not "
            "expose the status of a stream, call run() with the same input to see the error"
        )
    httpx = _module("httpx")
    if httpx is not None:
        if isinstance(exc, httpx.TimeoutException):
            return RequestTimeoutError(f"request timed out: {exc!r}")
        if isinstance(exc, httpx.LocalProtocolError):  # e.g. a header value with a newline
            return RequestEncodingError(f"the request cannot be sent: {exc}")
        if isinstance(exc, httpx.TransportError):
            return APIConnectionError(f"could not reach {_host_of(exc)}: {exc!r}")
        if isinstance(exc, httpx.HTTPStatusError):
            return _status_class(exc.response.status_code, {})(
                str(exc), status_code=exc.response.status_code, response=exc.response
            )
        if isinstance(exc, httpx.InvalidURL):
            return APIConnectionError(f"invalid URL: {exc}")
        if isinstance(exc, (httpx.HTTPError, httpx.StreamError)):
            return APIError(f"HTTP request failed: {exc!r}")
    wse = _module("websockets.exceptions")
    if wse is not None:
        if isinstance(exc, wse.InvalidStatus):
            resp = exc.response
            status = int(resp.status_code)
            headers = {str(k).lower(): str(v) for k, v in resp.headers.raw_items()}
            raw_body = bytes(resp.body or b"")
            try:
                body: Any = json.loads(raw_body) if raw_body else None
            except ValueError:
                body = raw_body.decode("utf-8", "replace")
            detail = body.get("detail", body) if isinstance(body, dict) else body
            message = _detail_text(detail) if detail else f"WebSocket handshake rejected: {exc}"
            return _status_class(status, headers)(
                message,
                status_code=status,
                detail=detail,
                request_id=headers.get(REQUEST_ID_HEADER),
                headers=headers,
                body=body,
            )
        if isinstance(exc, wse.WebSocketException):
            return RealtimeError(f"realtime connection failed: {exc!r}")
    if stream and isinstance(exc, json.JSONDecodeError):
        return StreamError(f"stream sent an event whose data is not JSON: {exc}")
    if isinstance(exc, TimeoutError):  # e.g. the WebSocket opening handshake
        return RequestTimeoutError(f"timed out: {exc!r}")
    if isinstance(exc, ConnectionError):
        return APIConnectionError(f"could not reach fal: {exc!r}")
    ssl = _module("ssl")
    if ssl is not None and isinstance(exc, ssl.SSLError):
        return APIConnectionError(f"TLS error talking to fal: {exc!r}")
    if _raised_in(exc, "fal_client"):  # its own ValueError/RuntimeError on an unexpected answer
        return APIError(f"fal_client failed: {type(exc).__name__}: {exc}")
    return None


def _host_of(exc: Any) -> str:
    """`host:port` of the request an httpx error belongs to, else "fal"."""
    try:
        url = exc.request.url
    except (AttributeError, RuntimeError):  # httpx raises RuntimeError when no request is set
        return "fal"
    return f"{url.host}:{url.port}" if url.port else str(url.host or "fal")


def _raised_in(exc: BaseException, package: str) -> bool:
    """Whether `exc` was raised by code of `package` (its innermost traceback frame)."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = str(tb.tb_frame.f_globals.get("__name__", ""))
    return module == package or module.startswith(package + ".")


def _encoding_error(exc: UnicodeEncodeError) -> RequestEncodingError:
    bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else ""
    shown = bad.encode("unicode_escape").decode("ascii")[:40]
    if exc.encoding.lower() == "ascii":
        what = (
            f"a request header holds a non-ASCII character ({shown}); header values must be ASCII"
        )
    elif bad and all(0xD800 <= ord(c) <= 0xDFFF for c in bad):
        what = (
            f"a string holds a lone surrogate ({shown}), which is not valid Unicode: text that came "
            "from undecodable bytes (e.g. a file name or an argument) cannot be sent"
        )
    else:
        what = f"{exc.encoding} cannot encode {shown}: {exc.reason}"
    return RequestEncodingError(f"the request cannot be encoded: {what}")


@contextmanager
def translate_errors(
    *, stream: bool = False, request_id: str | None = None, step: str | None = None
) -> Iterator[None]:
    """Re-raise transport exceptions as fal_bindings exceptions (original kept as `__cause__`).
    Exceptions raised by user callbacks propagate unchanged. `step` names what was being done
    when it is not the request itself ("uploading 'clip.mp4' to fal's storage"): the message then
    starts with it."""
    try:
        yield
    except _CallbackError as carrier:
        raise carrier.exc from None
    except FalBindingsError as exc:  # ours, raised inside fal_client (e.g. by the transport)
        if step is not None:
            _in_step(exc, step)
        raise
    except Exception as exc:
        from .credentials import holds_secret, scrub_exception, secret_values

        mapped = map_exception(exc, stream=stream)
        values = secret_values()
        if mapped is None:
            if not values or not holds_secret(exc, values):
                raise
            mapped = RedactedError(f"{type(exc).__name__}: {exc}")
        if request_id is not None and isinstance(mapped, APIError) and not mapped.request_id:
            mapped.request_id = request_id
        if step is not None:
            _in_step(mapped, step)
        if values and (holds_secret(exc, values) or holds_secret(mapped, values)):
            scrub_exception(mapped, values)
            if not scrub_exception(exc, values):
                raise mapped from RedactedError(
                    f"{type(exc).__name__} (masked): {_masked_text(exc, values)}"
                )
        raise mapped from exc


def _in_step(exc: BaseException, step: str) -> None:
    """Prefix `exc`'s message with the step that failed (the endpoint got no request)."""
    prefix = f"{step} failed, so the request was not sent: "
    if isinstance(exc, APIError):
        if not exc.message.startswith(prefix):
            exc.message = prefix + exc.message
            exc.args = (exc.message,)
    elif exc.args and isinstance(exc.args[0], str) and not exc.args[0].startswith(prefix):
        exc.args = (prefix + exc.args[0], *exc.args[1:])


def _masked_text(exc: BaseException, values: list[str]) -> str:
    from .credentials import redact

    return redact(str(exc), values)
