"""FalInput / FalOutput behaviour: what is sent, what is accepted, what is kept."""

from __future__ import annotations

import base64
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fal_bindings._runtime import (
    FalBindingsError,
    FalOutput,
    OutputValidationError,
    iter_files,
    parse_output,
    to_payload,
)
from fal_bindings.endpoints.fal_ai.example import Input, Output
from fal_bindings.types.example_image_file import ExampleImageFile as ImageFile
from fal_bindings.types.example_image_size import ExampleImageSize as ImageSize
from pydantic import ValidationError

# --------------------------------------------------------------------------- serialisation


def test_only_fields_that_were_set_are_sent():
    assert to_payload(Input(prompt="a cat")) == {"prompt": "a cat"}
    # Explicit values are sent even when equal to the default.
    assert to_payload(Input(prompt="a", num_images=1)) == {"prompt": "a", "num_images": 1}
    # `seed` has no null in its schema: an explicit None is refused, not sent as null.
    with pytest.raises(ValidationError, match="null is not allowed"):
        Input(prompt="a", seed=None)


def test_nested_models_are_also_sent_sparsely():
    payload = to_payload(Input(prompt="a", image_size={"width": 640}))
    assert payload == {"prompt": "a", "image_size": {"width": 640}}
    payload = to_payload(Input(prompt="a", image_size=ImageSize(height=10)))
    assert payload == {"prompt": "a", "image_size": {"height": 10}}
    assert to_payload(Input(prompt="a", image_size="square")) == {"prompt": "a", "image_size": "square"}


def test_aliases_are_used_on_the_wire_and_accepted_both_ways():
    by_name = Input(prompt="a", class_="x", timeout_=2.5)
    by_alias = Input.model_validate({"prompt": "a", "class": "x", "timeout": 2.5})
    assert by_name == by_alias
    assert to_payload(by_name) == {"prompt": "a", "class": "x", "timeout": 2.5}


def test_assignment_is_validated_and_counts_as_set():
    inp = Input(prompt="a")
    inp.seed = 7
    assert to_payload(inp) == {"prompt": "a", "seed": 7}
    with pytest.raises(ValidationError):
        inp.num_images = 100


def test_input_rejects_unknown_keys():
    with pytest.raises(ValidationError) as info:
        Input.model_validate({"prompt": "a", "promt": "b"})
    assert info.value.errors()[0]["type"] == "extra_forbidden"
    with pytest.raises(ValidationError):
        ImageSize(width=1, depth=2)  # type: ignore[call-arg]


def test_model_namespace_field_names_are_allowed():
    class WithModelName(Output):
        model_name: str | None = None

    assert WithModelName.model_validate({"images": [], "seed": 1, "model_name": "m"}).model_name == "m"


# --------------------------------------------------------------------------- outputs


RAW_OUTPUT = {
    "images": [{"url": "https://cdn/x.png", "content_type": "image/png", "brand_new": 1}],
    "seed": 42,
    "timings": {"inference": 0.5},
}


def test_output_keeps_unknown_keys_at_every_level():
    out = parse_output(Output, RAW_OUTPUT)
    assert out.seed == 42
    assert out.model_extra == {"timings": {"inference": 0.5}}
    assert out.images[0].model_extra == {"brand_new": 1}
    assert out.model_dump(exclude_unset=True) == RAW_OUTPUT


def test_output_validation_error_keeps_the_raw_response():
    raw = {"images": [{"content_type": "image/png"}], "seed": "not a number"}
    with pytest.raises(OutputValidationError) as info:
        parse_output(Output, raw, endpoint_id="fal-ai/example", request_id="req-1")
    err = info.value
    assert isinstance(err, FalBindingsError)
    assert err.raw is raw
    assert err.model is Output
    assert {tuple(e["loc"]) for e in err.errors} == {("images", 0, "url"), ("seed",)}
    assert isinstance(err.validation_error, ValidationError)
    text = str(err)
    assert "fal-ai/example" in text and "req-1" in text and "images[0].url" in text and ".raw" in text


def test_output_validation_error_for_non_object():
    with pytest.raises(OutputValidationError) as info:
        parse_output(Output, ["not", "an", "object"])
    assert info.value.raw == ["not", "an", "object"]


def test_iter_files_walks_models_lists_and_dicts():
    class Multi(FalOutput):
        images: list[ImageFile]
        extra: dict[str, ImageFile]
        single: ImageFile | None = None

    out = Multi.model_validate(
        {"images": [{"url": "u1"}, {"url": "u2"}], "extra": {"k": {"url": "u3"}}, "single": {"url": "u4"}}
    )
    assert [f.url for f in iter_files(out)] == ["u1", "u2", "u3", "u4"]


# --------------------------------------------------------------------------- file downloads


def test_download_and_read_data_uri(tmp_path: Path):
    content = b"\x89PNG\r\n\x1a\nimage"
    f = ImageFile(url="data:image/png;base64," + base64.b64encode(content).decode(), file_name="cat.png")
    assert f.read_bytes() == content
    saved = f.download(tmp_path)
    assert saved == tmp_path / "cat.png" and saved.read_bytes() == content
    explicit = f.download(tmp_path / "sub" / "x.bin")
    assert explicit.read_bytes() == content
    assert not list(tmp_path.rglob("*.part"))


@pytest.fixture
def http_server() -> Iterator[str]:
    body = b"GIF89a-bytes"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/files/"):
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_download_over_http(http_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    f = ImageFile(url=f"{http_server}/files/a%20b.gif")
    assert f.read_bytes() == b"GIF89a-bytes"
    saved = f.download(tmp_path)
    assert saved.name == "a b.gif" and saved.read_bytes() == b"GIF89a-bytes"


def test_download_error_is_translated(http_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from fal_bindings._runtime import NotFoundError

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    f = ImageFile(url=f"{http_server}/missing.png")
    with pytest.raises(NotFoundError):
        f.read_bytes()
    with pytest.raises(NotFoundError):
        f.download(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_async_download(http_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import asyncio

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    f = ImageFile(url=f"{http_server}/files/b.gif", file_name="named.gif")

    async def main() -> tuple[bytes, Path]:
        return await f.aread_bytes(), await f.adownload(tmp_path)

    data, path = asyncio.run(main())
    assert data == b"GIF89a-bytes" and path == tmp_path / "named.gif"
