"""Credentials and connectivity: no key fails at once with the package's own error, and a host
that cannot be reached fails in bounded time with one clear `APIConnectionError`, never after
fal_client's ten attempts (~50 s of backoff, or 120 s per attempt for a host that hangs).

The unreachable hosts are on loopback: a closed port (refused at once) and a listening socket that
never accepts nor answers (a blackhole: the TLS handshake waits for ever).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import fal_bindings
import pytest
from fal_bindings._runtime import APIConnectionError, CredentialsError, FalBindingsError
from fal_bindings._runtime.clients import reset_default_clients
from fal_bindings.endpoints.fal_ai.example import AsyncExample, Example


def _point_fal_client_at(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    import fal_client.client as fc

    base = f"127.0.0.1:{port}"
    monkeypatch.setattr(fc, "RUN_URL_FORMAT", f"https://{base}/")
    monkeypatch.setattr(fc, "QUEUE_URL_FORMAT", f"https://{base}/__queue__/")
    monkeypatch.setattr(fc, "REST_URL", f"https://{base}/__rest__")
    monkeypatch.setattr(fc, "CDN_URL", f"https://{base}/__cdn__")
    monkeypatch.setenv("FAL_KEY", "test-key")
    for name in ("FAL_BINDINGS_REST_URL", "FAL_BINDINGS_CDN_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    for var in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def closed_port(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A loopback port nobody listens on: every connection is refused at once."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    _point_fal_client_at(monkeypatch, port)
    reset_default_clients()
    yield port
    reset_default_clients()


@pytest.fixture
def blackhole(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A listening socket that never accepts: the kernel completes TCP handshakes (then drops
    them once the backlog is full), nothing ever answers the TLS handshake."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    _point_fal_client_at(monkeypatch, port)
    reset_default_clients()
    try:
        yield port
    finally:
        reset_default_clients()
        listener.close()
        fal_bindings.configure(connect_timeout=5.0, connect_attempts=2)


def test_a_refused_connection_fails_fast_with_one_clear_error(closed_port: int) -> None:
    started = time.monotonic()
    with pytest.raises(APIConnectionError) as caught:
        Example().run(prompt="x")
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"took {elapsed:.1f} s"  # fal_client alone: 10 attempts, ~50 s
    message = str(caught.value)
    assert f"could not connect to 127.0.0.1:{closed_port}" in message
    assert "tried 2 times" in message and "network connection" in message


def test_a_host_that_never_answers_is_given_up_after_the_connect_timeout(blackhole: int) -> None:
    fal_bindings.configure(connect_timeout=0.5, connect_attempts=2)
    started = time.monotonic()
    with pytest.raises(APIConnectionError, match=r"no answer within 0\.5 s\); tried 2 times"):
        Example().submit(prompt="x")
    assert time.monotonic() - started < 4


def test_async_clients_are_bounded_too(blackhole: int) -> None:
    fal_bindings.configure(connect_timeout=0.5, connect_attempts=1)
    started = time.monotonic()
    with pytest.raises(APIConnectionError, match="tried once"):
        asyncio.run(AsyncExample().run(prompt="x"))
    assert time.monotonic() - started < 3


def test_uploads_are_bounded_and_named_as_the_step_that_failed(
    closed_port: int, png_file: Path
) -> None:
    started = time.monotonic()
    with pytest.raises(APIConnectionError) as caught:
        Example(file_upload="upload").run(prompt="x", image_url=png_file)
    assert time.monotonic() - started < 8
    message = str(caught.value)
    assert message.startswith(
        "uploading 'pixel.png' to fal's storage failed, so the request was not sent: "
    ), message
    assert f"127.0.0.1:{closed_port}" in message


@pytest.mark.parametrize("value", [0, -1, "5", True])
def test_connection_settings_are_checked(value: object) -> None:
    with pytest.raises(ValueError, match="connect_timeout"):
        fal_bindings.configure(connect_timeout=value)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="connect_attempts"):
        fal_bindings.configure(connect_attempts=value)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- no key


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, closed_port: int) -> Path:
    for name in ("FAL_KEY", "FAL_KEY_ID", "FAL_KEY_SECRET", "FAL_FORCE_AUTH_BY_USER"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "fal-home"
    monkeypatch.setenv("FAL_HOME_DIR", str(home))  # where `fal auth login` keeps its token
    return home


def test_no_key_is_our_error_before_any_request(no_key: Path, png_file: Path) -> None:
    calls = [
        lambda: Example().run(prompt="x"),
        lambda: Example().submit(prompt="x"),
        lambda: Example().subscribe(prompt="x"),
        lambda: Example(file_upload="upload").run(prompt="x", image_url=png_file),
        lambda: Example().status("req-1"),
        lambda: asyncio.run(AsyncExample().run(prompt="x")),
    ]
    for call in calls:
        with pytest.raises(FalBindingsError) as caught:
            call()
        assert isinstance(caught.value, CredentialsError)
        assert caught.value.__cause__ is None  # raised by fal_bindings, not mapped from fal_client
        assert str(caught.value).startswith("no fal API key: set FAL_KEY")


def test_a_saved_login_is_left_to_fal_client(no_key: Path) -> None:
    no_key.mkdir()
    (no_key / "auth0_token").write_text("refresh-token\n")
    from fal_bindings._runtime.credentials import check_credentials

    check_credentials(None)  # fal_client will use the login (refreshing it through fal's auth)
