# Copied from templates/package/fal_bindings/testing/_patch.py by falgen. Edit the source, then run make generate.
"""Point the unmodified fal-client at the emulator, and put everything back afterwards."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import fal_client
import fal_client.client

from .._runtime.clients import CDN_URL_ENV, REST_URL_ENV, reset_default_clients

_UNSET = object()
_LOOPBACK = "127.0.0.1,localhost"


class Patcher:
    """Records every environment variable and attribute it changes; `restore` undoes them all."""

    def __init__(self) -> None:
        self._env: list[tuple[str, str | None]] = []
        self._attrs: list[tuple[object, str, object]] = []

    def setenv(self, name: str, value: str | None) -> None:
        """Set (or, with None, unset) an environment variable."""
        self._env.append((name, os.environ.get(name)))
        _put_env(name, value)

    def setattr(self, target: object, name: str, value: object) -> None:
        self._attrs.append((target, name, getattr(target, name, _UNSET)))
        setattr(target, name, value)

    def restore(self) -> None:
        for target, name, old in reversed(self._attrs):
            if old is _UNSET:
                delattr(target, name)
            else:
                setattr(target, name, old)
        for env_name, env_old in reversed(self._env):
            _put_env(env_name, env_old)
        self._attrs.clear()
        self._env.clear()


def point_fal_client(patcher: Patcher, base_url: str, ca_path: Path, key: str) -> dict[str, str]:
    """Set the environment and fal_client's module constants for an emulator at `base_url`.

    Returns the environment variables set (what a separate process would export).
    """
    env = {
        **emulator_environment(base_url, ca_path, key),
        "NO_PROXY": _with_loopback(os.environ.get("NO_PROXY")),
        "no_proxy": _with_loopback(os.environ.get("no_proxy")),
    }
    host = base_url.removeprefix("https://")
    for name, value in env.items():
        patcher.setenv(name, value)
    # These would take precedence over FAL_KEY or send the client to fal's login flow.
    for name in ("FAL_KEY_ID", "FAL_KEY_SECRET", "FAL_FORCE_AUTH_BY_USER"):
        patcher.setenv(name, None)
    # fal_client froze its hosts at import; REST_URL and CDN_URL have no env var of fal_client's
    # (fal_bindings reads FAL_BINDINGS_REST_URL / _CDN_URL, set above, for other processes).
    module = fal_client.client
    patcher.setattr(module, "RUN_URL_FORMAT", f"{base_url}/")
    patcher.setattr(module, "QUEUE_URL_FORMAT", f"{base_url}/__queue__/")
    patcher.setattr(module, "REALTIME_URL_FORMAT", f"wss://{host}/")
    patcher.setattr(module, "REST_URL", f"{base_url}/__rest__")
    patcher.setattr(module, "CDN_URL", f"{base_url}/__cdn__")
    return env


def emulator_environment(base_url: str, ca_path: Path, key: str) -> dict[str, str]:
    """What another process (a shell, the CLI) needs in its environment to use the emulator at
    `base_url` with fal_client and fal_bindings: hosts, storage URLs, key, CA certificate."""
    host = base_url.removeprefix("https://")
    return {
        "FAL_KEY": key,
        "FAL_RUN_HOST": host,
        "FAL_QUEUE_RUN_HOST": f"{host}/__queue__",
        REST_URL_ENV: f"{base_url}/__rest__",
        CDN_URL_ENV: f"{base_url}/__cdn__",
        "SSL_CERT_FILE": str(ca_path),
    }


def set_fast_retries(
    patcher: Patcher, max_attempts: int = 3, base_delay: float = 0.01, max_delay: float = 0.05
) -> None:
    """Make fal-client give up after a few quick retries instead of ~50 s of backoff.

    The async client hard-codes its delays (0.1 s base), so only `max_attempts` applies to it.
    """
    module = fal_client.client
    patcher.setattr(module, "MAX_ATTEMPTS", max_attempts)
    patcher.setattr(module, "BASE_DELAY", base_delay)
    patcher.setattr(module, "MAX_DELAY", max_delay)


@contextmanager
def fast_retries(
    max_attempts: int = 3, base_delay: float = 0.01, max_delay: float = 0.05
) -> Iterator[None]:
    """Within the block, fal-client retries at most `max_attempts` times, with short delays."""
    patcher = Patcher()
    set_fast_retries(patcher, max_attempts, base_delay, max_delay)
    try:
        yield
    finally:
        patcher.restore()


def reset_module_clients() -> None:
    """Forget what fal_client's module-level clients, and fal_bindings' default clients, cached
    (key, connection pool, CDN token URL).

    The sync pool is closed first: uvicorn would otherwise wait on its idle keep-alive
    connections when stopping. The async pool belongs to some event loop and cannot be closed
    from here; dropping it makes the next call build a fresh one.
    """
    cached: dict[str, Any] = vars(fal_client.sync_client)
    pool = cached.pop("_client", None)
    if pool is not None:
        pool.close()
    for name in ("_auth", "_token_manager"):
        cached.pop(name, None)
    for name in ("_client", "_auth", "_token_manager"):
        vars(fal_client.async_client).pop(name, None)
    reset_default_clients()  # fal_bindings' own default clients


def _with_loopback(current: str | None) -> str:
    return f"{current},{_LOOPBACK}" if current else _LOOPBACK


def _put_env(name: str, value: str | None) -> None:
    """Set an environment variable, or unset it for None."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
