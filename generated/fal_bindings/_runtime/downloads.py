# Copied from templates/package/fal_bindings/_runtime/downloads.py by falgen. Edit the source, then run make generate.
"""Downloads of output files: `download_url` / `read_url` (and async twins), which `FalFile`
models expose as methods and the CLI's `--download` uses.

A fal app controls its outputs, so a name it suggests (`file_name`, or the URL's last path
segment) is untrusted:
- it becomes a plain file name (`safe_file_name`): only its last path segment is kept; control
  characters and characters Windows forbids become `_`; leading dots and surrounding spaces go
  (no hidden or configuration files such as `.bashrc`); a name with nothing left (empty, `.`,
  `..`) falls back to the URL's name, then to `download` plus an extension;
- the file lands directly inside the target folder (checked after resolving);
- an existing file (or symlink) is never replaced: the name gets a number (`cat-1.png`), unless
  `overwrite=True`. A file path the caller names explicitly is used as given, but an existing
  file there raises `FileExistsError` unless `overwrite=True`.

The content is written to a private temporary file in the target folder and linked into place
only when complete, so a file appears whole or not at all, and never through a symlink.
"""

from __future__ import annotations

import base64
import binascii
import errno
import os
import re
import secrets
import urllib.parse
from pathlib import Path
from typing import IO, Any

from .errors import FalBindingsError

__all__ = [
    "safe_file_name",
    "download_name",
    "numbered_name",
    "download_url",
    "read_url",
    "adownload_url",
    "aread_url",
]

_FALLBACK_STEM = "download"
_MAX_NAME_BYTES = 200  # below NAME_MAX (255) with room for a number
_MAX_NUMBER = 9999
# Controls (C0, DEL, C1), both path separators, and what Windows forbids in a name.
_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f-\x9f/\\<>:"|?*]')
_WINDOWS_DEVICES = frozenset(
    {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{i}" for i in range(1, 10)),
        *(f"LPT{i}" for i in range(1, 10)),
    }
)


def safe_file_name(name: str | None) -> str | None:
    """`name` as a plain file name that stays inside any folder it is joined to, or None when
    nothing usable is left (empty, `.`, `..`, only dots, separators or controls)."""
    if not name:
        return None
    last = re.split(r"[/\\]", name)[-1]  # an absolute or nested name keeps its last segment
    if (
        not _UNSAFE_CHARS.sub("", last).strip().strip(".")
    ):  # only dots, spaces and unsafe characters
        return None
    cleaned = _UNSAFE_CHARS.sub("_", last).strip().lstrip(".").rstrip(". ")
    stem = cleaned.split(".", 1)[0]
    if stem.upper() in _WINDOWS_DEVICES:
        cleaned = "_" + cleaned
    return _clip(cleaned)


def _clip(name: str) -> str:
    """`name` cut to `_MAX_NAME_BYTES` of UTF-8, keeping a short extension."""
    if len(name.encode("utf-8")) <= _MAX_NAME_BYTES:
        return name
    stem, dot, ext = name.rpartition(".")
    suffix = f".{ext}" if dot and stem and len(ext) <= 16 else ""
    base = name[: len(name) - len(suffix)] if suffix else name
    budget = _MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    return base.encode("utf-8")[:budget].decode("utf-8", "ignore") + suffix


def download_name(url: str, file_name: str | None = None) -> str:
    """The file name to save `url` under: the suggested `file_name`, else the URL's last path
    segment, else `download` with the extension of a data URI's type - each made safe."""
    if url.startswith("data:"):
        import mimetypes

        mime = url[5:].split(";", 1)[0].split(",", 1)[0]
        ext = mimetypes.guess_extension(mime) if mime else None
        return safe_file_name(file_name) or _FALLBACK_STEM + (ext or "")
    segment = urllib.parse.unquote(urllib.parse.urlsplit(url).path).rsplit("/", 1)[-1]
    return safe_file_name(file_name) or safe_file_name(segment) or _FALLBACK_STEM


def numbered_name(name: str, n: int) -> str:
    """`name` itself for 0, else with `-n` before its extension (`cat.png` -> `cat-1.png`)."""
    if n == 0:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return f"{name}-{n}"
    return f"{stem}-{n}.{ext}"


def _check_inside(folder: Path, target: Path) -> None:
    if target.name in ("", ".", "..") or target.parent.resolve() != folder.resolve():
        raise FalBindingsError(
            f"refusing to write {str(target)!r}: it is not a file directly inside {str(folder)!r}"
        )


def _link_into_place(part: Path, target: Path) -> None:
    """Give `part` the name `target` unless something exists there (FileExistsError)."""
    try:
        os.link(part, target)  # atomic, and never replaces an existing file or symlink
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.replace(part, target)


class _Destination:
    """Where a download goes: a folder and a name, numbered or not, and the temporary file the
    content is written to first."""

    def __init__(
        self, url: str, dest: str | os.PathLike[str] | None, file_name: str | None, overwrite: bool
    ) -> None:
        self.overwrite = overwrite
        if dest is None or Path(dest).is_dir() or os.fspath(dest).endswith(("/", os.sep)):
            self.folder = Path.cwd() if dest is None else Path(dest)
            self.name = download_name(url, file_name)
            self.numbered = True
        else:
            path = Path(dest)
            self.folder, self.name, self.numbered = path.parent, path.name, False
        self._part: Path | None = None

    def open(self) -> IO[bytes]:
        self.folder.mkdir(parents=True, exist_ok=True)
        while True:  # O_EXCL: a new file of ours (never through a symlink); mode from the umask
            part = self.folder / f".{secrets.token_hex(8)}.part"
            try:
                fd = os.open(
                    part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
                )
            except FileExistsError:
                continue
            self._part = part
            return os.fdopen(fd, "wb")

    def commit(self) -> Path:
        """Move the complete temporary file to its final name; return that path."""
        assert self._part is not None
        if self.overwrite:
            target = self.folder / self.name
            _check_inside(self.folder, target)
            os.replace(self._part, target)
            return target
        for n in range(_MAX_NUMBER + 1 if self.numbered else 1):
            target = self.folder / numbered_name(self.name, n)
            _check_inside(self.folder, target)
            try:
                _link_into_place(self._part, target)
            except FileExistsError:
                if self.numbered:
                    continue
                raise FileExistsError(
                    errno.EEXIST, "file exists (pass overwrite=True to replace it)", str(target)
                ) from None
            return target
        raise FileExistsError(
            errno.EEXIST,
            f"{_MAX_NUMBER} numbered files exist already",
            str(self.folder / self.name),
        )

    def discard(self) -> None:
        if self._part is not None:
            self._part.unlink(missing_ok=True)


def _decode_data_uri(url: str) -> bytes:
    header, sep, data = url.partition(",")
    if not sep:
        raise ValueError("malformed data URI: no ',' separator")
    if header.endswith(";base64"):
        try:
            return base64.b64decode(data, validate=False)
        except binascii.Error as exc:
            raise ValueError(f"malformed base64 data URI: {exc}") from exc
    return urllib.parse.unquote_to_bytes(data)


def _http_timeout() -> Any:
    import httpx

    return httpx.Timeout(60.0, connect=30.0)


def read_url(url: str) -> bytes:
    """Fetch a URL's content (or decode a data URI)."""
    if url.startswith("data:"):
        return _decode_data_uri(url)
    import httpx

    from .errors import translate_errors

    with translate_errors():
        response = httpx.get(url, follow_redirects=True, timeout=_http_timeout())
        response.raise_for_status()
        return response.content


def download_url(
    url: str,
    dest: str | os.PathLike[str] | None = None,
    *,
    file_name: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Save a URL's content (or a data URI's) and return the path written.

    `dest`: a file path, or a folder (an existing directory, or a path ending in a separator),
    or None for the current directory. In a folder the name is `file_name` or the URL's last
    path segment, made safe, and numbered when taken (see the module docstring). An existing
    file is replaced only with `overwrite=True`."""
    target = _Destination(url, dest, file_name, overwrite)
    try:
        with target.open() as fh:
            if url.startswith("data:"):
                fh.write(_decode_data_uri(url))
            else:
                import httpx

                from .errors import translate_errors

                with (
                    translate_errors(),
                    httpx.stream(
                        "GET", url, follow_redirects=True, timeout=_http_timeout()
                    ) as response,
                ):
                    response.raise_for_status()
                    for chunk in response.iter_bytes():
                        fh.write(chunk)
        return target.commit()
    finally:
        target.discard()


async def aread_url(url: str) -> bytes:
    """Async twin of `read_url`."""
    if url.startswith("data:"):
        return _decode_data_uri(url)
    import httpx

    from .errors import translate_errors

    with translate_errors():
        async with httpx.AsyncClient(follow_redirects=True, timeout=_http_timeout()) as client:
            response = await client.get(url)
            response.raise_for_status()
            return response.content


async def adownload_url(
    url: str,
    dest: str | os.PathLike[str] | None = None,
    *,
    file_name: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Async twin of `download_url` (the file writes themselves are blocking)."""
    target = _Destination(url, dest, file_name, overwrite)
    try:
        with target.open() as fh:
            if url.startswith("data:"):
                fh.write(_decode_data_uri(url))
            else:
                import httpx

                from .errors import translate_errors

                with translate_errors():
                    async with (
                        httpx.AsyncClient(follow_redirects=True, timeout=_http_timeout()) as client,
                        client.stream("GET", url) as response,
                    ):
                        response.raise_for_status()
                        async for chunk in response.aiter_bytes():
                            fh.write(chunk)
        return target.commit()
    finally:
        target.discard()
