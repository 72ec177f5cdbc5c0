"""Big local files just work: above `upload_threshold` a `Path` or `bytes` input is uploaded to
fal's storage (the emulator's) and the request carries the URL; below it the file is inlined as a
data URI. The mode is a public option globally (`fal_bindings.configure`), per endpoint and per
call; a body fal refuses as too large (413) says what to do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fal_bindings
import pytest
from fal_bindings._runtime import APIError
from fal_bindings._runtime.downloads import read_url
from fal_bindings.endpoints.fal_ai.example import AsyncExample, Example

from tests.golden.trees import specs as golden_specs

testing = pytest.importorskip("fal_bindings.testing")

SPECS = golden_specs("runtime")
BIG = 30_000_000  # a 30 MB video: inline it is a 40 MB body, over the emulator's 32 MiB cap


@pytest.fixture(scope="module")
def emu_module() -> Iterator[Any]:
    with testing.emulator(specs=SPECS, fast_retries=True) as emu:
        yield emu


@pytest.fixture
def emu(emu_module: Any) -> Iterator[Any]:
    emu_module.reset()
    yield emu_module
    emu_module.reset()
    from fal_bindings._runtime.settings import DEFAULT_UPLOAD_THRESHOLD

    fal_bindings.configure(file_upload="auto", upload_threshold=DEFAULT_UPLOAD_THRESHOLD)


@pytest.fixture(scope="module")
def big_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "clip.mp4"
    with path.open("wb") as out:
        out.write(b"\x00\x00\x00\x18ftypisom")
        out.truncate(BIG)
    return path


def _submitted(emu: Any) -> dict[str, Any]:
    (body,) = [r.body for r in emu.requests if r.operation == "submit"]
    assert isinstance(body, dict)
    return body


def _uploads(emu: Any) -> list[Any]:
    return [r for r in emu.requests if r.operation == "upload" and r.status == 200]


def test_a_30_mb_path_reaches_the_emulator_by_upload(emu: Any, big_video: Path) -> None:
    out = Example().subscribe(prompt="x", image_url=big_video)
    assert out.images
    url = _submitted(emu)["image_url"]
    assert url.startswith(emu.base_url + "/__files__/uploads/") and url.endswith("/clip.mp4")
    assert _uploads(emu)
    assert len(read_url(url)) == BIG  # the whole file arrived


def test_a_small_file_stays_inline(emu: Any, png_file: Path) -> None:
    Example().run(prompt="x", image_url=png_file)
    body = [r.body for r in emu.requests if r.operation == "run"][0]
    assert body["image_url"].startswith("data:image/png;base64,")
    assert not [r for r in emu.requests if r.operation == "upload"]


def test_auto_decides_per_file(emu: Any, big_video: Path, png_file: Path) -> None:
    Example().submit(prompt="x", image_url=png_file, image_urls=[big_video, png_file]).get()
    body = _submitted(emu)
    assert body["image_url"].startswith("data:image/png;base64,")
    assert body["image_urls"][0].startswith(emu.base_url + "/__files__/uploads/")
    assert body["image_urls"][1] == body["image_url"]


def test_the_threshold_and_mode_are_public_package_settings(emu: Any, png_file: Path) -> None:
    fal_bindings.configure(upload_threshold=4)  # the png is 24 bytes
    Example().run(prompt="x", image_url=png_file)
    assert [r.body for r in emu.requests if r.operation == "run"][0]["image_url"].startswith(
        emu.base_url
    )
    emu.clear_requests()
    fal_bindings.configure(file_upload="data_uri")
    Example().run(prompt="x", image_url=png_file)
    assert [r.body for r in emu.requests if r.operation == "run"][0]["image_url"].startswith("data:")
    with pytest.raises(ValueError, match="upload_threshold"):
        fal_bindings.configure(upload_threshold=-1)
    with pytest.raises(ValueError, match="file_upload must be one of"):
        fal_bindings.configure(file_upload="s3")  # type: ignore[arg-type]


def test_the_mode_per_call_beats_the_endpoints(emu: Any, png_file: Path) -> None:
    Example(file_upload="data_uri").run(prompt="x", image_url=png_file, file_upload="upload")
    assert [r.body for r in emu.requests if r.operation == "run"][0]["image_url"].startswith(
        emu.base_url
    )
    with pytest.raises(ValueError, match="file_upload must be one of"):
        Example().run(prompt="x", image_url=png_file, file_upload="s3")  # type: ignore[typeddict-item]
    assert not [r for r in emu.requests if r.operation == "run"][1:]


def test_async_uploads_a_big_file_too(emu: Any, big_video: Path) -> None:
    import asyncio

    asyncio.run(AsyncExample().run(prompt="x", image_url=big_video))
    body = [r.body for r in emu.requests if r.operation == "run"][0]
    assert body["image_url"].startswith(emu.base_url + "/__files__/uploads/")


def test_a_body_too_large_says_to_upload(emu: Any, big_video: Path) -> None:
    with pytest.raises(APIError) as caught:
        Example().run(prompt="x", image_url=big_video, file_upload="data_uri")
    assert caught.value.status_code == 413
    message = str(caught.value)
    assert "Request body too large" in message
    assert 'file_upload="upload"' in message and "--upload-files" in message


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_a_file_that_shrinks_before_the_upload_is_still_uploaded(emu: Any, tmp_path: Path) -> None:
    """`stream` builds the payload at the call and uploads on first iteration. The upload-or-inline
    decision is taken once, when the payload is built: a file that shrank below the threshold
    meanwhile is uploaded (with its content at upload time), never sent as its placeholder."""
    import asyncio
    import json

    fal_bindings.configure(upload_threshold=100)
    path = tmp_path / "shrinking.png"
    path.write_bytes(PNG + b"\x00" * 200)

    async def scenario() -> None:
        async with AsyncExample().stream(prompt="x", image_url=path) as stream:
            path.write_bytes(PNG)  # under the threshold now, before the upload
            assert [event async for event in stream]

    asyncio.run(scenario())
    (body,) = [r.body for r in emu.requests if r.operation == "stream"]
    assert "fal-bindings-file" not in json.dumps([r.body for r in emu.requests])
    assert body["image_url"].startswith(emu.base_url + "/__files__/uploads/")
    assert read_url(body["image_url"]) == PNG


def test_each_file_is_sized_when_added_only(tmp_path: Path) -> None:
    """The collector sizes a file when it is added; asking it later (`needs_upload`, `to_upload`,
    `inline`, as every call does) reads no file's size again."""
    from fal_bindings._runtime.files import FileCollector

    stats: list[str] = []

    class CountedPath(type(Path())):  # type: ignore[misc]
        def stat(self, *args: Any, **kwargs: Any) -> Any:
            stats.append(self.name)
            return super().stat(*args, **kwargs)

    big = CountedPath(tmp_path / "big.png")
    big.write_bytes(PNG + b"\x00" * 200)
    small = CountedPath(tmp_path / "small.png")
    small.write_bytes(PNG)
    collector = FileCollector("auto", threshold=100)
    tokens = [collector.add(big), collector.add(small), collector.add(big)]
    assert tokens[0] == tokens[2] != tokens[1]
    stats.clear()
    assert collector.needs_upload and collector.needs_upload
    assert list(collector.to_upload()) == [tokens[0]]
    inlined = collector.inline(tokens)
    assert inlined[0] == inlined[2] == tokens[0] and inlined[1].startswith("data:image/png;base64,")
    assert stats == []
