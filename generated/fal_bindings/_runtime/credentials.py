# Copied from templates/package/fal_bindings/_runtime/credentials.py by falgen. Edit the source, then run make generate.
"""The API key: its form is checked before any request, and it is masked in every exception the
package raises and everything the CLI prints.

- `check_credentials(client)` looks at the key fal_client is about to send (the client's own
  `key=`, else `FAL_KEY`, else `FAL_KEY_ID` + `FAL_KEY_SECRET`) and raises `CredentialsError`
  naming where it comes from and what is wrong ("FAL_KEY contains a newline"), never its value:
  a newline (a key read from a file), another control character, whitespace or a non-ASCII
  character cannot go into an HTTP header, and httpx would otherwise put the whole header,
  key included, into its exception.
- `secret_values()` is what to mask: each credential, and each run of printable ASCII in it
  (a key that cannot be encoded shows up escaped, `b'Key sk-...\\xc3\\xa9'`, so its ASCII part
  is masked on its own). `redact(text)` masks them; `scrub_exception(exc)` masks them in an
  exception chain in place, as far as Python lets it.
"""

from __future__ import annotations

import os
import re
import sys

TYPE_CHECKING = False  # no runtime `typing` import (see __init__)
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "KEY_VARIABLES",
    "header_value_problem",
    "key_problem",
    "check_header",
    "check_credentials",
    "MISSING_KEY",
    "secret_values",
    "redact",
    "holds_secret",
    "scrub_exception",
]

KEY_VARIABLES = ("FAL_KEY", "FAL_KEY_ID", "FAL_KEY_SECRET")
MASK = "***"
_MIN_SECRET = 6  # shorter fragments are not worth masking (and would garble text)
_ASCII_RUNS = re.compile(r"[\x21-\x39\x3b-\x7e]+")  # printable ASCII but ':' (FAL_KEY is id:secret)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_explicit_keys: set[str] = set()
"""Keys given to clients directly (`SyncClient(key=...)`), masked like the environment's."""


def header_value_problem(value: str) -> str | None:
    """Why `value` cannot be sent as an HTTP header value, or None when it can."""
    if "\n" in value or "\r" in value:
        return "contains a newline"
    if _CONTROL.search(value):
        return "contains a control character"
    if not value.isascii():
        return "contains a non-ASCII character"
    return None


def key_problem(value: str) -> str | None:
    """Why `value` cannot be an API key sent in a header, or None when its form is fine."""
    problem = header_value_problem(value)
    if problem == "contains a newline":
        return "contains a newline (a key read from a file keeps its line end; strip it)"
    if problem is None and any(c.isspace() for c in value):
        return "contains whitespace"
    return problem


_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def check_header(name: str, value: str) -> None:
    """Raise `RequestEncodingError` (naming the header, not showing its value) when a header
    the caller set cannot be sent: httpx would fail inside the request, and log the value."""
    problem = None if _HEADER_NAME.fullmatch(name) else "is not a valid header name"
    problem = problem or header_value_problem(value)
    if problem is not None:
        from .errors import RequestEncodingError

        raise RequestEncodingError(f"header {name!r} {problem}; nothing was sent")


def _check(where: str, value: str) -> None:
    problem = key_problem(value)
    if problem is not None:
        from .errors import CredentialsError

        raise CredentialsError(f"{where} {problem}")


MISSING_KEY = (
    "no fal API key: set FAL_KEY to your key (https://fal.ai/dashboard/keys), or FAL_KEY_ID and "
    "FAL_KEY_SECRET, or log in with `fal auth login`; nothing was sent"
)


def _login_token_saved() -> bool:
    """Whether `fal auth login` left a token fal_client would use (it shares fal-cli's file)."""
    home = os.environ.get("FAL_HOME_DIR") or os.path.join("~", ".fal")
    return os.path.isfile(os.path.join(os.path.expanduser(home), "auth0_token"))


def check_credentials(client: object = None) -> None:
    """Raise `CredentialsError` when the key `client` would send cannot be a valid key, or when
    there is none: no `key=`, no FAL_KEY (nor FAL_KEY_ID + FAL_KEY_SECRET) and no token saved by
    `fal auth login` (`MISSING_KEY`, before any request). With FAL_FORCE_AUTH_BY_USER=1 or in
    Google Colab (whose secret store fal_client reads) fal_client's own lookup decides."""
    key = getattr(client, "key", None)
    if isinstance(key, str):
        if len(key) >= _MIN_SECRET:
            _explicit_keys.add(key)
        _check(f"the key given to {type(client).__name__}(key=...)", key)
        return
    if os.environ.get("FAL_FORCE_AUTH_BY_USER") == "1":
        return
    fal_key = os.environ.get("FAL_KEY")
    if fal_key:  # fal_client's own test: an empty FAL_KEY counts as unset
        _check("FAL_KEY", fal_key)
        return
    key_id, key_secret = os.environ.get("FAL_KEY_ID"), os.environ.get("FAL_KEY_SECRET")
    if key_id and key_secret:
        _check("FAL_KEY_ID", key_id)
        _check("FAL_KEY_SECRET", key_secret)
        return
    if "google.colab" in sys.modules or _login_token_saved():
        return
    from .errors import CredentialsError

    raise CredentialsError(MISSING_KEY)


def secret_values() -> list[str]:
    """What to mask, longest first: every credential of the environment (and every key given to
    a client), stripped, and each run of printable ASCII in it (at least 6 characters)."""
    found: set[str] = set()
    values = [os.environ.get(name, "") for name in KEY_VARIABLES] + list(_explicit_keys)
    for value in values:
        for piece in (value, value.strip(), *_ASCII_RUNS.findall(value)):
            if len(piece) >= _MIN_SECRET:
                found.add(piece)
    return sorted(found, key=len, reverse=True)


def redact(text: str, values: list[str] | None = None) -> str:
    for secret in secret_values() if values is None else values:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _texts(exc: BaseException) -> list[str]:
    texts = [str(exc), repr(exc), repr(exc.args), repr(getattr(exc, "__notes__", ""))]
    for value in vars(exc).values():
        if isinstance(value, (str, bytes, list, tuple, dict)):
            texts.append(repr(value))
    return texts


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in found):
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def holds_secret(exc: BaseException, values: list[str]) -> bool:
    """Whether `exc` or an exception of its chain shows a secret (text, repr, args, attributes)."""
    return any(
        secret in text for error in _chain(exc) for text in _texts(error) for secret in values
    )


def _scrubbed(value: Any, values: list[str]) -> Any:
    if isinstance(value, str):
        return redact(value, values)
    if isinstance(value, bytes):
        return redact(value.decode("latin-1"), values).encode("latin-1")
    if isinstance(value, (list, tuple)):
        return type(value)(_scrubbed(item, values) for item in value)
    if isinstance(value, dict):
        return {key: _scrubbed(item, values) for key, item in value.items()}
    return value


def scrub_exception(exc: BaseException, values: list[str]) -> bool:
    """Mask `values` in the args and plain attributes of every exception of `exc`'s chain (in
    place); True when nothing shows a secret afterwards."""
    for error in _chain(exc):
        if not any(secret in text for text in _texts(error) for secret in values):
            continue
        try:
            error.args = _scrubbed(error.args, values)
            for name, value in list(vars(error).items()):
                if isinstance(value, (str, bytes, list, tuple, dict)):
                    setattr(error, name, _scrubbed(value, values))
            if isinstance(error, UnicodeError):  # `object` is a C-level slot, not in vars()
                error.object = _scrubbed(error.object, values)  # type: ignore[attr-defined]
        except (AttributeError, TypeError):
            pass
    return not holds_secret(exc, values)
