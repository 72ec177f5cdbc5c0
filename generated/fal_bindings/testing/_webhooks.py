# Copied from templates/package/fal_bindings/testing/_webhooks.py by falgen. Edit the source, then run make generate.
"""Webhooks: where the emulator may POST them (loopback only, unless a test opts in), and the
POST itself, whose every outcome is recorded."""

from __future__ import annotations

import ipaddress
import time
from typing import Any

import httpx

from ._controls import WebhookDelivery


async def deliver(
    url: str, request_id: str, body: dict[str, Any], *, allow_external: bool
) -> WebhookDelivery:
    """POST `body` to `url` unless `webhook_refusal` objects; never raises."""
    code: int | None = None
    error = webhook_refusal(url, allow_external=allow_external)
    refused = error is not None
    if not refused:
        try:
            # No proxies from the environment and no redirects: the POST goes where checked.
            async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
                code = (await client.post(url, json=body)).status_code
        except Exception as exc:  # recorded, never an unretrieved task exception
            error = f"{type(exc).__name__}: {exc}"
    return WebhookDelivery(
        url=url,
        request_id=request_id,
        body=body,
        status=code,
        error=error,
        time=time.time(),
        refused=refused,
    )


def webhook_refusal(url: str, *, allow_external: bool) -> str | None:
    """Why the emulator will not POST to `url`, or None when it may.

    A test of code configured with a production webhook URL must not send fake results there:
    only loopback targets (127.0.0.0/8, ::1, `localhost`) are delivered to unless the test
    opts in. Names other than `localhost` are not resolved, so they count as external.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        return f"malformed webhook URL ({exc})"
    if parsed.scheme not in ("http", "https"):
        return f"malformed webhook URL (scheme {parsed.scheme!r}; expected http or https)"
    if not parsed.host:
        return "malformed webhook URL (no host)"
    if allow_external or is_loopback(parsed.host):
        return None
    return (
        f"refused: {parsed.host} is not a loopback address; the emulator delivers webhooks only to "
        "127.0.0.0/8, ::1 or localhost unless created with allow_external_webhooks=True"
    )


def is_loopback(host: str) -> bool:
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback
