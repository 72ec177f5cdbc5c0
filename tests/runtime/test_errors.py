"""Translation of fal_client / httpx / websockets exceptions into the fal_bindings hierarchy.

The exceptions are real instances built the way fal_client builds them (from an httpx.Response)."""

from __future__ import annotations

import json
from typing import Any

import fal_client
import httpx
import httpx_sse
import pytest
from fal_bindings._runtime import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    BadRequestError,
    FalBindingsError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RealtimeError,
    RequestTimeoutError,
    StreamError,
    UnknownEndpointError,
    UnprocessableEntityError,
)
from fal_bindings._runtime.errors import _CallbackError, map_exception, translate_errors
from fal_client.client import RealtimeError as FalRealtimeError

URL = "https://queue.fal.run/fal-ai/example"


def http_error(status: int, body: Any = None, headers: dict[str, str] | None = None) -> fal_client.FalClientHTTPError:
    """A FalClientHTTPError exactly as fal_client's `_raise_for_status` builds it."""
    request = httpx.Request("POST", URL)
    if isinstance(body, (dict, list)):
        response = httpx.Response(status, json=body, headers=headers, request=request)
    else:
        response = httpx.Response(status, text=body or "", headers=headers, request=request)
    try:
        fal_client.client._raise_for_status(response)
    except fal_client.FalClientHTTPError as exc:
        return exc
    raise AssertionError("no error raised")


DETAIL_422 = [
    {"loc": ["body", "prompt"], "msg": "Field required", "type": "missing"},
    {"loc": ["body", "image_size", "width"], "msg": "Input should be greater than 0", "type": "greater_than"},
    {"loc": ["body", "image_urls", 2], "msg": "Invalid URL", "type": "url_parsing", "ctx": {"x": 1}},
]


def test_422_detail_list_becomes_a_readable_message_and_structured_errors():
    exc = http_error(422, {"detail": DETAIL_422}, headers={"x-fal-request-id": "req-422"})
    assert isinstance(exc.message, list)  # fal_client's own message is the raw list
    err = map_exception(exc)
    assert type(err) is UnprocessableEntityError
    assert err.status_code == 422
    assert err.message == (
        "prompt: Field required; image_size.width: Input should be greater than 0; image_urls[2]: Invalid URL"
    )
    assert err.detail == DETAIL_422
    assert err.errors == [
        {"loc": ["body", "prompt"], "msg": "Field required", "type": "missing"},
        {"loc": ["body", "image_size", "width"], "msg": "Input should be greater than 0", "type": "greater_than"},
        {"loc": ["body", "image_urls", 2], "msg": "Invalid URL", "type": "url_parsing", "ctx": {"x": 1}},
    ]
    assert err.request_id == "req-422"
    assert err.body == {"detail": DETAIL_422}
    assert err.response is exc.response
    assert str(err) == f"HTTP 422: {err.message} (request_id=req-422)"


def test_string_detail_and_error_type():
    exc = http_error(422, {"detail": "Image too large", "error_type": "image_too_large"})
    err = map_exception(exc)
    assert isinstance(err, UnprocessableEntityError)
    assert err.message == "Image too large" and err.error_type == "image_too_large"
    assert err.errors == [{"loc": [], "msg": "Image too large", "type": "image_too_large"}]
    assert str(err) == "HTTP 422 [image_too_large]: Image too large"


def test_error_type_from_header_and_text_body():
    err = map_exception(http_error(400, "plain text failure", headers={"x-fal-error-type": "bad_thing"}))
    assert type(err) is BadRequestError
    assert err.message == "plain text failure" and err.error_type == "bad_thing"
    assert err.body == "plain text failure"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (408, RequestTimeoutError),
        (409, APIError),
        (418, APIError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
    ],
)
def test_status_code_classes(status, cls):
    err = map_exception(http_error(status, {"detail": "boom"}))
    assert type(err) is cls
    assert isinstance(err, APIError) and isinstance(err, FalBindingsError)
    assert err.status_code == status


def test_server_side_start_timeout_is_a_timeout():
    err = map_exception(http_error(504, {"detail": "timed out"}, headers={"X-Fal-Request-Timeout-Type": "user"}))
    assert type(err) is RequestTimeoutError and isinstance(err, TimeoutError)
    assert err.status_code == 504


def test_cancel_of_completed_request_says_so_in_words_and_keeps_the_raw_body():
    err = map_exception(http_error(400, {"status": "ALREADY_COMPLETED"}))
    assert isinstance(err, BadRequestError)
    assert err.body == {"status": "ALREADY_COMPLETED"}
    assert err.message == "the request has already completed, so there is nothing to cancel"


def test_client_timeout():
    err = map_exception(fal_client.FalClientTimeoutError(timeout=5.0, request_id="r1"))
    assert isinstance(err, RequestTimeoutError)
    assert err.timeout == 5.0 and err.request_id == "r1" and err.status_code is None


def test_transport_errors():
    request = httpx.Request("GET", URL)
    assert type(map_exception(httpx.ConnectError("refused", request=request))) is APIConnectionError
    assert type(map_exception(httpx.ReadTimeout("slow", request=request))) is RequestTimeoutError
    # SSEError is an httpx.TransportError subclass but must map to StreamError.
    err = map_exception(httpx_sse.SSEError("Expected response header Content-Type ..., got 'application/json'"))
    assert type(err) is StreamError
    assert "run()" in err.message


def test_stream_only_errors():
    bad_json = json.JSONDecodeError("Expecting value", "", 0)
    assert map_exception(bad_json) is None
    assert type(map_exception(bad_json, stream=True)) is StreamError


def test_realtime_errors():
    err = map_exception(FalRealtimeError("BAD_INPUT", "prompt missing", {"type": "x-fal-error"}))
    assert type(err) is RealtimeError
    assert (err.error, err.reason, err.payload) == ("BAD_INPUT", "prompt missing", {"type": "x-fal-error"})


def test_websocket_handshake_rejection_uses_the_status_code():
    from websockets.datastructures import Headers
    from websockets.exceptions import InvalidStatus
    from websockets.http11 import Response

    response = Response(403, "Forbidden", Headers({"x-fal-request-id": "ws-1"}), b'{"detail": "no access"}')
    err = map_exception(InvalidStatus(response))
    assert type(err) is PermissionDeniedError
    assert err.message == "no access" and err.request_id == "ws-1" and err.status_code == 403


def test_unrelated_exceptions_are_left_alone():
    assert map_exception(ValueError("Timeout must be greater than 1 seconds")) is None
    assert map_exception(KeyError("request_id")) is None
    assert map_exception(FileNotFoundError("x.png")) is None
    assert map_exception(APIError("already ours")) is None


def test_translate_errors_chains_and_fills_the_request_id():
    exc = http_error(500, {"detail": "oops"})
    with pytest.raises(InternalServerError) as info, translate_errors(request_id="req-9"):
        raise exc
    assert info.value.__cause__ is exc
    assert info.value.request_id == "req-9"


def test_translate_errors_lets_callback_exceptions_through_unchanged():
    original = ConnectionError("raised by the user's callback")
    with pytest.raises(ConnectionError) as info, translate_errors():
        raise _CallbackError(original)
    assert info.value is original


def test_unknown_endpoint_error():
    err = UnknownEndpointError("fal-ai/flux2", ["fal-ai/flux-2", "fal-ai/flux-2-pro"])
    assert isinstance(err, LookupError) and isinstance(err, FalBindingsError)
    assert str(err) == "unknown endpoint id 'fal-ai/flux2'; did you mean 'fal-ai/flux-2', 'fal-ai/flux-2-pro'?"
    assert str(UnknownEndpointError("zzz")) == "unknown endpoint id 'zzz'"


def test_every_transport_and_fal_client_error_maps_to_our_types():
    from fal_bindings._runtime import CredentialsError, RequestEncodingError
    from fal_client.auth import MissingCredentialsError

    request = httpx.Request("GET", URL)
    assert type(map_exception(MissingCredentialsError("No credentials found. Set FAL_KEY"))) is CredentialsError
    assert type(map_exception(httpx.LocalProtocolError("Illegal header value b'x\\n'", request=request))) is RequestEncodingError
    assert type(map_exception(httpx.InvalidURL("bad host"))) is APIConnectionError
    assert type(map_exception(httpx.StreamConsumed())) is APIError
    assert type(map_exception(fal_client.client.FalClientError("odd"))) is APIError
    header = map_exception(UnicodeEncodeError("ascii", "Key abcdéf", 8, 9, "ordinal not in range(128)"))
    assert type(header) is RequestEncodingError and "header" in str(header) and "abcd" not in str(header)
    body = map_exception(UnicodeEncodeError("utf-8", "a \udcff b", 2, 3, "surrogates not allowed"))
    assert type(body) is RequestEncodingError and "lone surrogate (\\udcff)" in str(body)


def test_an_exception_raised_by_fal_client_itself_is_an_api_error():
    """fal_client raises plain ValueError/RuntimeError on answers it does not expect (here an
    unknown queue status): those describe the service's answer, so they are APIErrors."""
    handle = fal_client.client._BaseRequestHandle("r-1", URL, URL, URL)
    with pytest.raises(APIError) as info, translate_errors():
        handle._parse_status({"status": "WEIRD"})
    assert "Unknown status: WEIRD" in str(info.value)
    assert map_exception(ValueError("Unknown status: WEIRD")) is None  # the same error from elsewhere
