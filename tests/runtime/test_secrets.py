"""The API key never appears: not in exceptions, logs, the emulator's request log, example
fixtures or CLI output.

Calls go through the generated bindings (`fal_bindings.endpoint(...)`) against the local
emulator (`fal_bindings.testing.emulator(key=SECRET)`): once with a wrong key (401), once with
the right key and injected faults (401, 422, 429, 500, a failed queued request, a dropped
connection). For every exception, its text, repr, args, attached headers, body and response
(and the request that response remembers), and the whole formatted traceback chain are
searched for both keys. Every log record of fal_client, httpx, httpcore, uvicorn and
fal_bindings (at DEBUG) is searched too. The emulator itself answers 401 without a key and
413 to an oversized body; input validation fails before any request is sent.
"""

from __future__ import annotations

import json
import logging
import os
import ssl
import subprocess
import sys
import traceback
from collections.abc import Iterator
from typing import Any

import fal_bindings
import fal_client
import httpx
import pydantic
import pytest
from fal_bindings.testing import AppError, Emulator, Fault, emulator, example_input, example_output

SECRET = "sk-test-SECRET-XYZ"
WRONG = "sk-wrong-KEY-0987"
KEYS = (SECRET, WRONG)


def _first_endpoint(*fields: str, capability: str = "queue") -> str:
    """The first endpoint of the live corpus with these input fields and this capability."""
    for endpoint_id in fal_bindings.ENDPOINT_IDS:
        cls = fal_bindings.registry.endpoint_class(endpoint_id)
        if capability in cls.capabilities and set(fields) <= set(cls.input_model.model_fields):
            return endpoint_id
    raise LookupError(f"no endpoint with {fields} and {capability} in the corpus")


FLUX = _first_endpoint("prompt", "num_images")
STREAMING = _first_endpoint("prompt", capability="streaming")
LOGGERS = ("", "fal_client", "httpx", "httpcore", "fal_bindings", "uvicorn", "uvicorn.error", "asyncio")


@pytest.fixture
def emu(caplog: pytest.LogCaptureFixture) -> Iterator[Emulator]:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    with emulator(key=SECRET, fast_retries=True) as running:
        yield running
    assert_logs_clean(caplog)


def assert_logs_clean(caplog: pytest.LogCaptureFixture) -> None:
    # In a fixture's teardown `caplog.records` holds the teardown's records only: check the
    # test's own (the "call" phase) too.
    records = [*caplog.get_records("setup"), *caplog.get_records("call"), *caplog.records]
    assert records, "nothing was logged: the log check would prove nothing"
    for record in records:
        text = f"{record.getMessage()} {record.args!r} {record.exc_text or ''} {getattr(record, 'headers', '')}"
        for key in KEYS:
            assert key not in text, f"key logged by {record.name}: {text[:500]}"


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _texts(exc: BaseException) -> list[str]:
    """Everything a user could print or log about `exc`."""
    texts = ["".join(traceback.format_exception(exc))]
    for error in _chain(exc):
        texts += [str(error), repr(error), repr(error.args)]
        for attribute in ("message", "detail", "headers", "body", "error_type", "request_id", "errors", "raw", "payload", "reason"):
            value = getattr(error, attribute, None)
            texts.append(repr(value))
            if isinstance(value, (dict, list)):
                texts.append(json.dumps(value, default=str))
        response = getattr(error, "response", None)
        if isinstance(response, httpx.Response):
            texts += [repr(response), repr(response.headers), response.text, str(response.url)]
            try:
                request = response.request
            except RuntimeError:
                request = None
            if request is not None:
                # The request keeps its Authorization header (httpx shows it as [secure]).
                texts += [repr(request), repr(request.headers), str(request.url)]
        elif response is not None:
            texts.append(repr(response))
    return texts


def assert_clean(exc: BaseException) -> None:
    for text in _texts(exc):
        for key in KEYS:
            assert key not in text, f"key in {type(exc).__name__}: {text[:500]}"


def _raised(call: Any, *args: Any, **kwargs: Any) -> BaseException:
    with pytest.raises(Exception) as info:
        call(*args, **kwargs)
    assert_clean(info.value)
    return info.value


def _wrong_key_endpoint(endpoint_id: str = FLUX) -> Any:
    return fal_bindings.endpoint(endpoint_id, client=fal_client.SyncClient(key=WRONG))


def test_a_wrong_key_gives_401_errors_without_either_key(emu: Emulator) -> None:
    flux = _wrong_key_endpoint()
    for method in ("run", "subscribe", "submit"):
        error = _raised(getattr(flux, method), prompt="a fox")
        assert isinstance(error, fal_bindings.AuthenticationError), (method, error)
        assert error.status_code == 401
    stream_error = _raised(lambda: list(_wrong_key_endpoint(STREAMING).stream(prompt="a fox")))
    assert isinstance(stream_error, fal_bindings.APIError)
    assert emu.requests and all(r.status == 401 for r in emu.requests)


async def _async_run() -> None:
    await fal_bindings.async_endpoint(FLUX, client=fal_client.AsyncClient(key=WRONG)).run(prompt="a fox")


def test_the_async_twin_keeps_the_key_out_too(emu: Emulator) -> None:
    import asyncio

    error = _raised(asyncio.run, _async_run())
    assert isinstance(error, fal_bindings.AuthenticationError)


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault.http(401, "Invalid API key"), fal_bindings.AuthenticationError),
        (Fault.http(422, [{"loc": ["body", "prompt"], "msg": "bad prompt", "type": "value_error"}]), fal_bindings.UnprocessableEntityError),
        (Fault.http(429), fal_bindings.RateLimitError),
        (Fault.http(500, "boom"), fal_bindings.InternalServerError),
        (Fault.http(503, ingress=True), fal_bindings.InternalServerError),
        (Fault.dropped(), fal_bindings.APIConnectionError),
    ],
    ids=["401", "422", "429", "500", "503-ingress", "dropped"],
)
def test_faults_with_the_right_key_give_errors_without_it(emu: Emulator, fault: Fault, expected: type[Exception]) -> None:
    emu.inject(fault, times=None)
    flux = fal_bindings.endpoint(FLUX)
    for method in ("run", "subscribe"):
        error = _raised(getattr(flux, method), prompt="a fox")
        assert isinstance(error, expected), (method, type(error), error)
    emu.clear_faults()
    assert flux.run(prompt="a fox").images  # the same call works once the fault is gone


def test_a_failed_queued_request_keeps_the_key_out(emu: Emulator) -> None:
    emu.configure(FLUX, error=AppError(500, "CUDA out of memory", "runner_error"))
    flux = fal_bindings.endpoint(FLUX)
    error = _raised(flux.subscribe, prompt="a fox")
    assert isinstance(error, fal_bindings.InternalServerError)
    handle = flux.submit(prompt="a fox")
    _raised(handle.get)
    emu.configure(FLUX, error=AppError(422, [{"loc": ["body", "prompt"], "msg": "nope", "type": "value_error"}]))
    unprocessable = _raised(flux.run, prompt="a fox")
    assert isinstance(unprocessable, fal_bindings.UnprocessableEntityError)
    assert unprocessable.errors[0]["msg"] == "nope"


def test_the_request_log_redacts_the_key(emu: Emulator) -> None:
    flux = fal_bindings.endpoint(FLUX)
    flux.subscribe(prompt="a fox")
    with pytest.raises(fal_bindings.AuthenticationError):
        _wrong_key_endpoint().run(prompt="a fox")
    records = emu.requests
    assert len(records) >= 3
    for record in records:
        text = repr(record) + json.dumps(record.headers) + json.dumps(record.query) + json.dumps(record.body, default=str)
        for key in KEYS:
            assert key not in text, record
        authorization = record.headers.get("authorization")
        assert authorization in (None, "Key <redacted>"), record


def test_validation_fails_before_any_request(emu: Emulator) -> None:
    flux = fal_bindings.endpoint(FLUX)
    for bad in ({"prompt": 5}, {"prompt": "x", "num_images": "many"}, {"prompt": "x", "output_format": "gif"}, {}, {"prompt": "x", "no_such": 1}):
        with pytest.raises(pydantic.ValidationError) as info:
            flux.run(**bad)
        assert_clean(info.value)
    with pytest.raises(TypeError):
        flux.run(prompt="x", timeout="soon")  # a misused call option, not a field
    assert emu.requests == []


def test_the_emulator_needs_a_key_and_bounds_bodies() -> None:
    with emulator(key=SECRET, max_body_bytes=2048) as emu:
        url = f"{emu.base_url}/{FLUX}"
        with httpx.Client(verify=ssl.create_default_context(cafile=str(emu.ca_path))) as http:
            missing = http.post(url, json={"prompt": "a fox"})
            assert missing.status_code == 401
            wrong = http.post(url, json={"prompt": "a fox"}, headers={"Authorization": f"Key {WRONG}"})
            assert wrong.status_code == 401
            assert WRONG not in wrong.text and SECRET not in wrong.text
            auth = {"Authorization": f"Key {SECRET}"}
            large = http.post(url, content=json.dumps({"prompt": "x" * 4096}).encode(), headers={**auth, "Content-Type": "application/json"})
            assert large.status_code == 413
            assert SECRET not in large.text

            def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
                yield b'{"prompt": "'
                for _ in range(8):
                    yield b"y" * 1024
                yield b'"}'

            streamed = http.post(url, content=chunks(), headers={**auth, "Content-Type": "application/json"})
            assert streamed.status_code == 413
            ok = http.post(url, json={"prompt": "a fox"}, headers=auth)
            assert ok.status_code == 200
        assert [r.status for r in emu.requests] == [401, 401, 413, 413, 200]
        assert all(SECRET not in repr(r) and WRONG not in repr(r) for r in emu.requests)


def test_example_fixtures_hold_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAL_KEY", SECRET)
    for endpoint_id in fal_bindings.ENDPOINT_IDS:
        for payload in (example_input(endpoint_id), example_output(endpoint_id)):
            assert SECRET not in json.dumps(payload)
    with emulator(key=SECRET) as emu:
        assert emu.key == SECRET  # the key the tests are checking for really is in use
        for endpoint_id in fal_bindings.ENDPOINT_IDS[:5]:
            assert SECRET not in json.dumps(example_input(endpoint_id)) + json.dumps(example_output(endpoint_id))


@pytest.mark.slow
@pytest.mark.parametrize(
    "fal_key",
    [SECRET, f"key-id-1234:{SECRET}"],
    ids=["key", "id:secret"],
)
def test_cli_dry_run_never_prints_the_key(fal_key: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAL_")}
    env.update({"FAL_KEY": fal_key, "NO_COLOR": "1", "COLUMNS": "100", "PYTHONIOENCODING": "utf-8"})
    args = [
        ["run", FLUX, "--prompt", "a fox", "--dry-run"],
        ["run", FLUX, "--prompt", f"typed {SECRET} in", "--dry-run"],
        ["run", FLUX, "--prompt", "a fox", "--num-images", SECRET, "--dry-run"],
        ["run", FLUX, "--help"],
    ]
    for arguments in args:
        done = subprocess.run(
            [sys.executable, "-m", "fal_bindings", *arguments],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=60,
        )
        for secret in (SECRET, fal_key, "key-id-1234"):
            assert secret not in done.stdout and secret not in done.stderr, (arguments, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0


# --------------------------------------------------------------------------- the key's form


def _fresh_default_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """fal_client's module client reads FAL_KEY once; give the test one that reads it now."""
    monkeypatch.setattr(fal_client, "sync_client", fal_client.SyncClient())


MALFORMED = [
    ("FAL_KEY", SECRET + "\n", "FAL_KEY contains a newline"),  # read from a file, line end kept
    ("FAL_KEY", SECRET + "\r\n", "FAL_KEY contains a newline"),
    ("FAL_KEY", SECRET + "é", "FAL_KEY contains a non-ASCII character"),
    ("FAL_KEY", SECRET + "\x1b", "FAL_KEY contains a control character"),
    ("FAL_KEY", f"{SECRET} x", "FAL_KEY contains whitespace"),
]


@pytest.mark.parametrize(("variable", "value", "message"), MALFORMED, ids=[repr(m[1][-2:]) for m in MALFORMED])
def test_a_malformed_key_is_refused_before_any_request(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    import asyncio

    monkeypatch.setenv(variable, value)
    _fresh_default_clients(monkeypatch)
    flux = fal_bindings.endpoint(FLUX)
    for call in (lambda: flux.run(prompt="a fox"), lambda: flux.submit(prompt="a fox"), lambda: flux.status("r-1")):
        error = _raised(call)
        assert isinstance(error, fal_bindings.CredentialsError), repr(error)
        assert isinstance(error, fal_bindings.AuthenticationError) and error.status_code is None
        assert str(error).startswith(message), str(error)
    error = _raised(asyncio.run, fal_bindings.async_endpoint(FLUX).run(prompt="a fox"))
    assert isinstance(error, fal_bindings.CredentialsError) and str(error).startswith(message)
    explicit = _raised(fal_bindings.endpoint(FLUX, client=fal_client.SyncClient(key=value)).run, prompt="a fox")
    assert isinstance(explicit, fal_bindings.CredentialsError)
    assert str(explicit).startswith("the key given to SyncClient(key=...) " + message.removeprefix("FAL_KEY "))
    assert emu.requests == []


def test_key_id_and_secret_are_checked_too(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAL_KEY")
    monkeypatch.setenv("FAL_KEY_ID", "key-id-1234")
    monkeypatch.setenv("FAL_KEY_SECRET", SECRET + "\n")
    _fresh_default_clients(monkeypatch)
    error = _raised(fal_bindings.endpoint(FLUX).run, prompt="a fox")
    assert isinstance(error, fal_bindings.CredentialsError) and str(error).startswith("FAL_KEY_SECRET contains a newline")
    assert emu.requests == []


def test_no_key_at_all_is_a_credentials_error(emu: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.delenv("FAL_KEY")
    monkeypatch.setenv("FAL_HOME_DIR", str(tmp_path))  # no `fal auth login` token either
    _fresh_default_clients(monkeypatch)
    error = _raised(fal_bindings.endpoint(FLUX).run, prompt="a fox")
    assert isinstance(error, fal_bindings.CredentialsError), repr(error)
    assert "FAL_KEY" in str(error)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"headers": {"X-Debug": SECRET + "\n"}}, "header 'X-Debug' contains a newline"),  # the key, in a header
        ({"headers": {"X-Note": "café"}}, "header 'X-Note' contains a non-ASCII character"),
        ({"headers": {"Bad Name": "x"}}, "header 'Bad Name' is not a valid header name"),
        ({"hint": f"{SECRET}\r\nX-Evil: 1"}, "header 'X-Fal-Runner-Hint' contains a newline"),
    ],
    ids=["key-in-header", "non-ascii-header", "bad-header-name", "hint-injection"],
)
def test_headers_that_cannot_be_sent_fail_before_any_request(
    emu: Emulator, options: dict[str, Any], expected: str
) -> None:
    error = _raised(fal_bindings.endpoint(FLUX).run, prompt="a fox", **options)
    assert isinstance(error, fal_bindings.RequestEncodingError), repr(error)
    assert str(error).startswith(expected), str(error)
    assert emu.requests == []


def test_a_lone_surrogate_is_a_request_encoding_error(emu: Emulator) -> None:
    error = _raised(fal_bindings.endpoint(FLUX).run, prompt="from bytes \udcff")
    assert isinstance(error, fal_bindings.RequestEncodingError) and "lone surrogate" in str(error), repr(error)


def test_every_exception_leaving_the_runtime_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a transport error says, the key is masked in it and in the chain it came from."""
    from fal_bindings._runtime.errors import translate_errors

    monkeypatch.setenv("FAL_KEY", SECRET)
    for raised in (
        httpx.ConnectError(f"proxy said: Key {SECRET}"),
        ValueError(f"a {SECRET}\xe9 b"),  # not a transport error: replaced, since it shows the key
        UnicodeEncodeError("ascii", f"Key {SECRET}\xe9", 22, 23, "ordinal not in range(128)"),
    ):
        with pytest.raises(fal_bindings.FalBindingsError) as info, translate_errors():
            raise raised
        assert_clean(info.value)
