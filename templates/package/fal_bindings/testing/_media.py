"""Tiny but well-formed media files, so downloads of emulator outputs decode as what they claim."""

from __future__ import annotations

import base64
import io
import struct
import wave
import zipfile
import zlib
from collections.abc import Callable
from functools import cache

# Extension -> MIME type. Our own table rather than `mimetypes`, whose answers depend on the host's
# /etc/mime.types and would make outputs differ between machines.
MEDIA_TYPES: dict[str, str] = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "zip": "application/zip",
    "json": "application/json",
    "txt": "text/plain",
    "srt": "text/plain",
    "bin": "application/octet-stream",
}

_EXTENSION_FOR_TYPE: dict[str, str] = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/jpg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "application/zip": "zip",
    "application/json": "json",
    "text/plain": "txt",
}

# A 1x1 lossless WebP and a 1x1 GIF: the well-known smallest valid files of each format.
_WEBP = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
_GIF = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")


def media_type(extension: str) -> str:
    """MIME type for an extension (without the dot); unknown ones are octet-stream."""
    return MEDIA_TYPES.get(extension.lower(), "application/octet-stream")


def extension_for(content_type: str) -> str | None:
    """Extension for a MIME type, or None when we have no file of that kind."""
    return _EXTENSION_FOR_TYPE.get(content_type.split(";")[0].strip().lower())


@cache
def media_bytes(extension: str) -> bytes:
    """Bytes of a minimal valid file of the given kind (`bin` for anything unknown)."""
    builders: dict[str, Callable[[], bytes]] = {
        "png": _png,
        "jpg": _jpeg,
        "jpeg": _jpeg,
        "webp": lambda: _WEBP,
        "gif": lambda: _GIF,
        "mp4": lambda: _iso_media(b"isom"),
        "mov": lambda: _iso_media(b"qt  "),
        "mp3": _mp3,
        "wav": _wav,
        "zip": _zip,
        "json": lambda: b"{}\n",
        "txt": lambda: b"fal emulator\n",
        "srt": lambda: b"1\n00:00:00,000 --> 00:00:01,000\nfal emulator\n",
    }
    builder = builders.get(extension.lower())
    return builder() if builder else b"fal emulator\n"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\x80\x80\x80")  # filter byte + one grey pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _jpeg() -> bytes:
    # Baseline JPEG, one 8x8 grey block: DC difference 0 and an immediate end-of-block, each coded
    # with the single one-bit Huffman code "0".
    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload

    jfif = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    quant = segment(0xDB, b"\x00" + b"\x01" * 64)
    frame = segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
    one_code = b"\x01" + b"\x00" * 15 + b"\x00"
    dc_table = segment(0xC4, b"\x00" + one_code)
    ac_table = segment(0xC4, b"\x10" + one_code)
    scan = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return b"\xff\xd8" + jfif + quant + frame + dc_table + ac_table + scan + b"\x3f\xff\xd9"


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload) + 8) + kind + payload


def _iso_media(brand: bytes) -> bytes:
    # ftyp + moov/mvhd: a well-formed ISO-BMFF file with no tracks (duration 0).
    ftyp = _box(b"ftyp", brand + struct.pack(">I", 0x200) + brand + b"mp41")
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _box(
        b"mvhd",
        struct.pack(">IIIII", 0, 0, 0, 1000, 0)
        + struct.pack(">IH", 0x10000, 0x100)
        + b"\x00" * 10
        + matrix
        + b"\x00" * 24
        + struct.pack(">I", 1),
    )
    return ftyp + _box(b"moov", mvhd)


def _mp3() -> bytes:
    # Three silent MPEG-1 Layer III frames: 128 kbit/s, 44.1 kHz, mono, 417 bytes each.
    frame = b"\xff\xfb\x90\xc0" + b"\x00" * 413
    return frame * 3


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 800)  # 0.1 s of silence
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("README.txt", date_time=(2024, 1, 1, 0, 0, 0))
        archive.writestr(info, "fal emulator\n")
    return buffer.getvalue()
