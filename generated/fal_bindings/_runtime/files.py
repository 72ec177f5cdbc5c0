# Copied from templates/package/fal_bindings/_runtime/files.py by falgen. Edit the source, then run make generate.
"""Files: the `FileInput` field type, data URIs and uploads on the way in, downloads on the way out.

Input side. A `FileInput` field accepts
- `str`: a URL or a `data:` URI, sent unchanged;
- `pathlib.Path` / any `os.PathLike`: a local file, which must exist (checked at validation, so a
  missing file fails before any request, naming the path);
- `bytes` / `bytearray` / `memoryview`: raw content (the MIME type is sniffed from magic numbers).

Local content is turned into a string only when the request is sent: inlined as a base64 data URI
(no extra request) or uploaded to fal's storage through `fal_client` (`upload_file`/`upload`),
which gives the URL sent instead. The mode (`settings`): `"auto"` (default) uploads files larger
than `upload_threshold` and inlines the others; `"upload"` / `"data_uri"` do one or the other
always. Set it globally (`fal_bindings.configure(file_upload=...)`), per endpoint instance
(`Endpoint(file_upload=...)`) or per call (the `file_upload` option). Uploads happen after
validation.

Output side: downloads live in `downloads.py` (`download_url`, `read_url` and async twins).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from . import settings
from ._types import FileUploadMode

if TYPE_CHECKING:
    from fal_client import AsyncClient, SyncClient
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core.core_schema import CoreSchema, SerializationInfo

__all__ = [
    "FileInput",
    "configure",
    "get_file_upload_mode",
    "to_data_uri",
    "guess_content_type",
]

configure = settings.configure
"""`fal_bindings.configure`, kept here for code that imported it from `files`."""


def get_file_upload_mode() -> FileUploadMode:
    """The package-wide mode (`"auto"` unless changed with `configure`)."""
    return settings.file_upload_mode()


_check_mode = settings.check_file_upload_mode


# --------------------------------------------------------------------------- input validation


def _validate_file_input(value: Any) -> str | Path | bytes:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, os.PathLike):
        path = Path(os.fsdecode(value))
        if not path.exists():
            raise ValueError(f"local file not found: '{path}'")
        if not path.is_file():
            raise ValueError(f"not a regular file: '{path}'")
        return path
    raise ValueError(
        "expected a URL or data URI (str), a local file (pathlib.Path) or file content (bytes), "
        f"got {type(value).__name__}"
    )


_TOKEN_PREFIX = "\x00fal-bindings-file:"


class FileCollector:
    """Serialisation context: local file values become placeholder tokens during `model_dump`,
    replaced afterwards (outside pydantic, so errors such as FileNotFoundError surface as they
    are) by data URIs (`inline`) or uploaded URLs (`upload_pending` / `aupload_pending`).

    Which files are uploaded: all in `"upload"` mode, none in `"data_uri"` mode, and in `"auto"`
    mode those larger than `threshold` bytes (default: the package setting)."""

    def __init__(self, mode: FileUploadMode, threshold: int | None = None) -> None:
        _check_mode(mode)
        self.mode = mode
        self.threshold = settings.upload_threshold() if threshold is None else threshold
        self.pending: dict[str, Path | bytes] = {}
        self._uploaded: dict[str, bool] = {}  # token -> sent by upload (else inline)
        self._by_path: dict[Path, str] = {}

    def add(self, value: Path | bytes) -> str:
        """The placeholder of `value`. Whether it is uploaded is decided now, once: a file whose
        size changes before the upload (`stream` uploads on first iteration) keeps its way."""
        key = value.resolve() if isinstance(value, Path) else None
        if key is not None and key in self._by_path:
            return self._by_path[key]
        token = f"{_TOKEN_PREFIX}{len(self.pending)}"
        self.pending[token] = value
        self._uploaded[token] = self.uploads(value)
        if key is not None:
            self._by_path[key] = token
        return token

    def uploads(self, value: Path | bytes) -> bool:
        """Whether `value` would be sent by upload (else inline), judged by its size now."""
        if self.mode != "auto":
            return self.mode == "upload"
        size = value.stat().st_size if isinstance(value, Path) else len(value)
        return size > self.threshold

    def to_upload(self) -> dict[str, Path | bytes]:
        """The placeholders that `upload_pending` / `aupload_pending` replace by uploaded URLs."""
        return {token: value for token, value in self.pending.items() if self._uploaded[token]}

    @property
    def needs_upload(self) -> bool:
        """True when placeholders are waiting for `upload_pending` / `aupload_pending`."""
        return any(self._uploaded.values())

    def inline(self, payload: Any) -> Any:
        """Replace every placeholder of a file that is not uploaded with its data URI."""
        inline = {t: v for t, v in self.pending.items() if not self._uploaded[t]}
        if not inline:
            return payload
        return _replace_tokens(
            payload, {token: to_data_uri(value) for token, value in inline.items()}
        )


CONTEXT_KEY = "fal_bindings_files"


def _serialize_file_input(value: Any, info: SerializationInfo) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, Path)):
        ctx = info.context
        collector = ctx.get(CONTEXT_KEY) if isinstance(ctx, Mapping) else None
        if isinstance(collector, FileCollector):
            return collector.add(value)
        return to_data_uri(value)
    return str(value)


class _FileInputSchema:
    """pydantic hooks of `FileInput`: what `PlainValidator(_validate_file_input)`,
    `PlainSerializer(_serialize_file_input, return_type=str, when_used="json")` and
    `WithJsonSchema({"type": "string", "format": "uri"})` would produce (the same core schema and
    JSON schema), without importing `pydantic.functional_serializers` (~1.5 ms) for it."""

    __slots__ = ()

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            _validate_file_input,
            json_schema_input_schema=core_schema.any_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(
                _serialize_file_input,
                info_arg=True,
                return_schema=core_schema.str_schema(),
                when_used="json",
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "uri"}

    def __eq__(self, other: object) -> bool:  # stateless: every instance is the same marker
        return isinstance(other, _FileInputSchema)

    def __hash__(self) -> int:
        return hash(_FileInputSchema)

    def __repr__(self) -> str:
        return "_FileInputSchema()"


FileInput = Annotated[str | os.PathLike[str] | bytes, _FileInputSchema()]
"""A file input: URL/data-URI `str`, local `pathlib.Path`, or `bytes`. See the module docstring."""


# --------------------------------------------------------------------------- encoding

_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"ID3", 0, "audio/mpeg"),
    (b"\xff\xfb", 0, "audio/mpeg"),
    (b"fLaC", 0, "audio/flac"),
    (b"OggS", 0, "audio/ogg"),
    (b"\x1aE\xdf\xa3", 0, "video/webm"),
    (b"PK\x03\x04", 0, "application/zip"),
    (b"glTF", 0, "model/gltf-binary"),
)


def guess_content_type(data: bytes, name: str | None = None) -> str:
    """MIME type from the file name's extension, else from magic numbers, else octet-stream."""
    if name:
        import mimetypes

        guessed, _ = mimetypes.guess_type(name)
        if guessed:
            return guessed
    for magic, offset, mime in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[4:8] == b"ftyp":
        return "video/quicktime" if data[8:10] == b"qt" else "video/mp4"
    return "application/octet-stream"


def to_data_uri(value: Path | bytes) -> str:
    """`data:<mime>;base64,<content>` for a local file or raw bytes (what `fal_client.encode_file`
    produces, without importing fal_client)."""
    if isinstance(value, Path):
        data = value.read_bytes()  # FileNotFoundError names the path if it vanished meanwhile
        mime = guess_content_type(data, value.name)
    else:
        data = bytes(value)
        mime = guess_content_type(data)
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


# --------------------------------------------------------------------------- uploads


def _replace_tokens(obj: Any, urls: Mapping[str, str]) -> Any:
    if isinstance(obj, str):
        return urls.get(obj, obj)
    if isinstance(obj, dict):
        return {k: _replace_tokens(v, urls) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_replace_tokens(v, urls) for v in obj]
    return obj


def upload_pending(payload: Any, collector: FileCollector, client: SyncClient) -> Any:
    """Upload the files `collector` replaced by tokens in `payload`; return the final payload."""
    if not collector.needs_upload:
        return payload
    urls: dict[str, str] = {}
    for token, value in collector.to_upload().items():
        if isinstance(value, Path):
            urls[token] = client.upload_file(value)
        else:
            urls[token] = client.upload(value, guess_content_type(value))
    return _replace_tokens(payload, urls)


async def aupload_pending(payload: Any, collector: FileCollector, client: AsyncClient) -> Any:
    """Async twin of `upload_pending`."""
    if not collector.needs_upload:
        return payload
    urls: dict[str, str] = {}
    for token, value in collector.to_upload().items():
        if isinstance(value, Path):
            urls[token] = await client.upload_file(value)
        else:
            urls[token] = await client.upload(value, guess_content_type(value))
    return _replace_tokens(payload, urls)
