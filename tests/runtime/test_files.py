"""FileInput: str passthrough, Path/bytes to data URIs, uploads deferred to send time."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from fal_bindings._runtime import configure, get_file_upload_mode, to_data_uri, to_payload
from fal_bindings._runtime.files import FileCollector, _replace_tokens, guess_content_type
from fal_bindings.endpoints.fal_ai.example import Input
from pydantic import ValidationError


def decode(uri: str) -> tuple[str, bytes]:
    header, _, data = uri.partition(",")
    assert header.startswith("data:") and header.endswith(";base64")
    return header[5:-7], base64.b64decode(data)


def test_strings_pass_through_unchanged():
    url = "https://example.com/cat.png"
    data_uri = "data:image/png;base64,AAAA"
    inp = Input(prompt="x", image_url=url, image_urls=[data_uri, url])
    assert to_payload(inp) == {"prompt": "x", "image_url": url, "image_urls": [data_uri, url]}


def test_path_becomes_a_data_uri_with_the_file_content(png_file: Path):
    inp = Input(prompt="x", image_url=png_file)
    assert inp.image_url == png_file  # kept as a Path until sending
    mime, content = decode(to_payload(inp)["image_url"])
    assert mime == "image/png" and content == png_file.read_bytes()


def test_any_pathlike_is_accepted(png_file: Path):
    class Fs(os.PathLike[str]):
        def __fspath__(self) -> str:
            return str(png_file)

    inp = Input(prompt="x", image_url=Fs())
    assert inp.image_url == png_file


def test_bytes_become_a_data_uri_with_a_sniffed_type():
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 8
    inp = Input(prompt="x", image_url=jpeg, image_urls=[bytearray(b"RIFF\x00\x00\x00\x00WEBPVP8 "), b"\x01\x02"])
    payload = to_payload(inp)
    assert decode(payload["image_url"]) == ("image/jpeg", jpeg)
    assert decode(payload["image_urls"][0])[0] == "image/webp"
    assert decode(payload["image_urls"][1]) == ("application/octet-stream", b"\x01\x02")


def test_mime_from_extension_wins(tmp_path: Path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x89PNG")  # extension says mp4
    assert decode(to_data_uri(path))[0] == "video/mp4"
    assert guess_content_type(b"\x00\x00\x00\x18ftypisom") == "video/mp4"
    assert guess_content_type(b"RIFF\x00\x00\x00\x00WAVEfmt ") == "audio/wav"


def test_missing_file_fails_at_validation_naming_the_path(tmp_path: Path):
    missing = tmp_path / "nope" / "cat.png"
    with pytest.raises(ValidationError) as info:
        Input(prompt="x", image_url=missing)
    message = str(info.value)
    assert str(missing) in message and "local file not found" in message
    assert info.value.errors()[0]["loc"] == ("image_url",)


def test_missing_file_inside_a_list_names_the_position(tmp_path: Path, png_file: Path):
    with pytest.raises(ValidationError) as info:
        Input(prompt="x", image_urls=[png_file, tmp_path / "gone.png"])
    assert info.value.errors()[0]["loc"] == ("image_urls", 1)
    assert "gone.png" in str(info.value)


def test_directory_and_wrong_types_are_rejected(tmp_path: Path):
    with pytest.raises(ValidationError, match="not a regular file"):
        Input(prompt="x", image_url=tmp_path)
    with pytest.raises(ValidationError, match="expected a URL or data URI"):
        Input(prompt="x", image_url=123)  # type: ignore[arg-type]


def test_file_removed_after_validation_raises_file_not_found(tmp_path: Path):
    path = tmp_path / "tmp.png"
    path.write_bytes(b"x")
    inp = Input(prompt="x", image_url=path)
    path.unlink()
    with pytest.raises(FileNotFoundError, match="tmp.png"):
        to_payload(inp)


def test_python_mode_dump_keeps_local_values(png_file: Path):
    inp = Input(prompt="x", image_url=png_file, image_urls=[b"ab"])
    assert inp.model_dump(exclude_unset=True) == {"prompt": "x", "image_url": png_file, "image_urls": [b"ab"]}


def test_json_schema_shows_a_uri_string():
    schema = Input.model_json_schema()["properties"]["image_url"]
    assert {"type": "string", "format": "uri"} in schema["anyOf"]


def test_upload_mode_defers_files_to_placeholders(png_file: Path):
    collector = FileCollector("upload")
    payload = to_payload(Input(prompt="x", image_url=png_file, image_urls=[png_file, b"raw"]), collector=collector)
    # The same path is uploaded once; bytes get their own slot.
    assert len(collector.pending) == 2
    assert payload["image_url"] == payload["image_urls"][0] != payload["image_urls"][1]
    urls = {token: f"https://cdn/{i}" for i, token in enumerate(collector.pending)}
    assert _replace_tokens(payload, urls) == {
        "prompt": "x",
        "image_url": "https://cdn/0",
        "image_urls": ["https://cdn/0", "https://cdn/1"],
    }


def test_configure_sets_the_default_mode():
    assert get_file_upload_mode() == "auto"
    configure(file_upload="upload")
    try:
        assert get_file_upload_mode() == "upload"
    finally:
        configure(file_upload="auto")
    with pytest.raises(ValueError, match="file_upload must be one of"):
        configure(file_upload="ftp")  # type: ignore[arg-type]
