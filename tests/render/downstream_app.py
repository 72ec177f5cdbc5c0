"""A downstream application using the generated bindings, type-checked with mypy --strict.

`assert_type` lines are checked statically: they prove results are typed, not `Any`.
"""

from __future__ import annotations

from pathlib import Path

import fal_bindings
from fal_bindings.endpoints.creatify.lipsync import CreatifyLipsync
from fal_bindings.endpoints.fal_ai.flux_2 import Flux2
from fal_bindings.endpoints.fal_ai.flux_2 import Input as Flux2Input
from fal_bindings.endpoints.fal_ai.imagen4.preview import AsyncImagen4Preview
from typing_extensions import assert_type


def make_image(prompt: str) -> str:
    flux = Flux2()
    result = flux.subscribe(prompt=prompt, num_images=1, image_size="square_hd", output_format="jpeg")
    assert_type(result.images[0].url, str)
    assert_type(result.seed, int)
    assert_type(result.has_nsfw_concepts, list[bool])
    return result.images[0].url


def make_image_from_model(prompt: str) -> int:
    handle = Flux2().submit(Flux2Input(prompt=prompt, guidance_scale=3.5), webhook_url="https://example.com/hook")
    output = handle.get()
    assert_type(output.seed, int)
    return output.seed


def lipsync(video: Path, audio: Path) -> str | None:
    out = CreatifyLipsync().run(video_url=video, audio_url=audio, loop=False)
    return out.video.url


async def imagen(prompt: str) -> list[str]:
    out = await AsyncImagen4Preview().subscribe(prompt=prompt, aspect_ratio="16:9", num_images=2)
    return [image.url for image in out.images]


def any_endpoint(endpoint_id: str) -> None:
    binding = fal_bindings.endpoint(endpoint_id)
    print(binding.endpoint_id, binding.capabilities)
