# Copied from templates/package/fal_bindings/_runtime/settings.py by falgen. Edit the source, then run make generate.
"""Package-wide settings, changed with `fal_bindings.configure(...)`.

- `file_upload`: how local files (`pathlib.Path`, `bytes`) in file fields are sent. `"auto"`
  (default): inline as a base64 data URI up to `upload_threshold` bytes, uploaded to fal's storage
  (through fal_client) above it; `"upload"`: always uploaded; `"data_uri"`: always inline.
- `upload_threshold`: the size in bytes above which `"auto"` uploads (default 4 MiB). Why 4 MiB:
  a data URI is a third larger than the file and travels inside the JSON request, whose size
  limit fal does not document (a 30 MB video inline is refused with HTTP 413); fal's JS client
  uploads every Blob. Below the threshold inlining saves a request and leaves no copy on fal's
  CDN; above it the request stays small whatever the file.
- `connect_timeout`: seconds one attempt to connect (TCP and TLS) may take (default 5, the cap
  fal_client itself puts on its main hosts), applied to every host the default clients reach.
- `connect_attempts`: how many times a request that could not connect is tried before
  `APIConnectionError` (default 2); fal_client alone retries 10 times over ~50 s.

Per endpoint instance: `Flux2(file_upload="upload")`; per call: `file_upload=` (a call option).
This module imports nothing at run time, so `import fal_bindings` stays cheap.
"""

from __future__ import annotations

TYPE_CHECKING = False  # no runtime `typing` import (see __init__)
if TYPE_CHECKING:
    from ._types import FileUploadMode

__all__ = [
    "FILE_UPLOAD_MODES",
    "DEFAULT_UPLOAD_THRESHOLD",
    "configure",
    "check_file_upload_mode",
    "file_upload_mode",
    "upload_threshold",
    "connect_timeout",
    "connect_attempts",
]

FILE_UPLOAD_MODES = ("auto", "upload", "data_uri")
DEFAULT_UPLOAD_THRESHOLD = 4 * 1024 * 1024
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_CONNECT_ATTEMPTS = 2


class _Settings:
    """The values in force (one instance, `_current`)."""

    def __init__(self) -> None:
        self.file_upload: FileUploadMode = "auto"
        self.upload_threshold: int = DEFAULT_UPLOAD_THRESHOLD
        self.connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
        self.connect_attempts: int = DEFAULT_CONNECT_ATTEMPTS


_current = _Settings()


def check_file_upload_mode(mode: object) -> None:
    if mode not in FILE_UPLOAD_MODES:
        raise ValueError(f"file_upload must be one of {FILE_UPLOAD_MODES}, got {mode!r}")


def _positive(name: str, value: object, kind: type) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    if kind is int and not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}")


def configure(
    *,
    file_upload: FileUploadMode | None = None,
    upload_threshold: int | None = None,
    connect_timeout: float | None = None,
    connect_attempts: int | None = None,
) -> None:
    """Change package-wide defaults; arguments left None keep their value (see the module doc).

    `fal_bindings.configure(file_upload="upload")`, `configure(upload_threshold=1_000_000)`,
    `configure(connect_timeout=2, connect_attempts=1)`.
    """
    if file_upload is not None:
        check_file_upload_mode(file_upload)
    if upload_threshold is not None:
        if isinstance(upload_threshold, bool) or not isinstance(upload_threshold, int):
            raise ValueError(
                f"upload_threshold must be a number of bytes, got {upload_threshold!r}"
            )
        if upload_threshold < 0:
            raise ValueError(f"upload_threshold must not be negative, got {upload_threshold!r}")
    if connect_timeout is not None:
        _positive("connect_timeout", connect_timeout, float)
    if connect_attempts is not None:
        _positive("connect_attempts", connect_attempts, int)
    if file_upload is not None:
        _current.file_upload = file_upload
    if upload_threshold is not None:
        _current.upload_threshold = upload_threshold
    if connect_timeout is not None:
        _current.connect_timeout = float(connect_timeout)
    if connect_attempts is not None:
        _current.connect_attempts = connect_attempts


def file_upload_mode() -> FileUploadMode:
    return _current.file_upload


def upload_threshold() -> int:
    return _current.upload_threshold


def connect_timeout() -> float:
    return _current.connect_timeout


def connect_attempts() -> int:
    return _current.connect_attempts
