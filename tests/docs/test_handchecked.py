"""Hand-checked expectations for the doc-page parser.

Every expected value below was written from reading the page text in `tests/seed_pages/` (a frozen copy of the seed scrapes in `specs/sources/`)
(the page line is cited next to it), not from the parser's output. The raw parse
(overlays off) is what is checked: it is what parsing accuracy is measured on.

Layouts covered: blank-line blocks with a non-breaking space between name and type
(000, 001, 003), the run-together layout (002) and the bundle (004, 32 pages, every
`* required` mark lost, `name type` with a plain space).
"""

from __future__ import annotations

import json

import pytest

from generator.core.ir import Diagnostic, Endpoint, ParseResult, Severity, TypeExpr
from generator.core.ir import Property as Field_
from tests.docs._support import P000, P001, P002, P003, P004, SEED_PAGES, read_lines

# -- helpers ---------------------------------------------------------------------------


def endpoint(corpus: ParseResult, endpoint_id: str) -> Endpoint:
    found = [e for e in corpus.endpoints if e.id == endpoint_id]
    assert len(found) == 1, f"{endpoint_id}: {len(found)} endpoints"
    return found[0]


def field(ep: Endpoint, schema: str, name: str) -> Field_:
    target = {"input": ep.input, "output": ep.output}.get(schema) or ep.type(schema)
    assert target is not None, f"{ep.id}: no schema {schema}"
    found = target.field(name)
    assert found is not None, f"{ep.id}: no field {schema}.{name} (has {[f.name for f in target.fields]})"
    return found


def names(ep: Endpoint, schema: str) -> list[str]:
    target = {"input": ep.input, "output": ep.output}.get(schema) or ep.type(schema)
    assert target is not None
    return [f.name for f in target.fields]


def diagnostics_at(corpus: ParseResult, code: str, file: str, line: int) -> list[Diagnostic]:
    return [d for d in corpus.diagnostics if d.code == code and d.file == file and d.line == line]


def at(f: Field_, file: str, line: int) -> None:
    assert f.provenance is not None, f.name
    assert (f.provenance.file, f.provenance.line) == (file, line), f"{f.name}: {f.provenance}"


def scalar(kind: str) -> TypeExpr:
    return TypeExpr(kind=kind)  # type: ignore[arg-type]


def ref(name: str) -> TypeExpr:
    return TypeExpr(kind="ref", ref=name)


def array(items: TypeExpr) -> TypeExpr:
    return TypeExpr(kind="array", items=items)


def enum(values: list[object], name: str | None = None) -> TypeExpr:
    return TypeExpr(kind="enum", values=values, name=name)


def union(*variants: TypeExpr) -> TypeExpr:
    return TypeExpr(kind="union", variants=list(variants))


IMAGE_SIZES = ["square_hd", "square", "portrait_4_3", "portrait_16_9", "landscape_4_3", "landscape_16_9"]


def page_json(file: str, first: int, last: int) -> object:
    """The JSON block a page shows at lines first..last (read from the page, not the parser).

    In the run-together layout the closing bracket carries the next heading (`}Output#`).
    """
    block = read_lines(file)[first : last + 1]
    block[-1] = block[-1][: block[-1].rindex("}") + 1]
    return json.loads("\n".join(block))


# -- the corpus as a whole --------------------------------------------------------------

# One id per page: 4 single pages and the bundle's 32 pages, of which one is a repeat
# (fal-ai/flux-pro/kontext/max/text-to-image at 004:229 and 004:8584) and one id line lost
# its first letter (004:6561 "al-ai/kling-video/video-to-audio").
EXPECTED_IDS = sorted(
    [
        "fal-ai/flux-2/klein/realtime",
        "fal-ai/flux-2/klein/4b/base",
        "fal-ai/flux-2",
        "fal-ai/flux-2/lora/edit",
        "fal-ai/imagen4/preview",
        "fal-ai/flux-pro/kontext/max/text-to-image",
        "fal-ai/flux-krea-lora/stream",
        "fal-ai/hidream-i1-full",
        "creatify/lipsync",
        "fal-ai/kandinsky5/text-to-video",
        "fal-ai/pixverse/v5/image-to-video",
        "fal-ai/dreamomni2/edit",
        "fal-ai/sora-2/text-to-video/pro",
        "fal-ai/ovi",
        "fal-ai/luma-dream-machine",
        "fal-ai/luma-dream-machine/image-to-video",
        "fal-ai/luma-dream-machine/ray-2",
        "fal-ai/luma-dream-machine/ray-2-flash",
        "fal-ai/luma-dream-machine/ray-2-flash/image-to-video",
        "fal-ai/luma-dream-machine/ray-2-flash/modify",
        "fal-ai/luma-dream-machine/ray-2/image-to-video",
        "fal-ai/luma-dream-machine/ray-2/modify",
        "fal-ai/luma-dream-machine/ray-2/reframe",
        "fal-ai/flux-kontext-lora",
        "fal-ai/flux-kontext-lora/text-to-image",
        "fal-ai/minimax-music",
        "fal-ai/kling-video/video-to-audio",
        "fal-ai/kling-video/v2.1/master/text-to-video",
        "fal-ai/flux-pro/kontext/max",
        "fal-ai/flux-pro/kontext/max/multi",
        "fal-ai/flux-pro/kontext/multi",
        "fal-ai/flux-pro/kontext/text-to-image",
        "decart/lucy-5b/image-to-video",
        "fal-ai/wan-trainer/t2v-14b",
        "fal-ai/wan-trainer/t2v",
    ]
)


def test_every_page_becomes_one_endpoint(corpus: ParseResult) -> None:
    assert corpus.pages == 36
    assert [e.id for e in corpus.endpoints] == EXPECTED_IDS


def test_committed_pages_parse_without_errors(corpus: ParseResult) -> None:
    errors = [d.render() for d in corpus.diagnostics if d.severity is Severity.ERROR]
    assert errors == []


def test_every_diagnostic_has_a_location(corpus: ParseResult) -> None:
    for diagnostic in corpus.diagnostics:
        assert diagnostic.file.startswith(SEED_PAGES + "/"), diagnostic.render()
        assert diagnostic.line > 0, diagnostic.render()


# -- 000: fal-ai/flux-2/klein/realtime (blank-line layout, realtime only) ---------------


def test_000_header(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/flux-2/klein/realtime")
    assert (ep.provenance.file, ep.provenance.line) == (P000, 5)  # type: ignore[union-attr]
    assert ep.title == "Flux 2 [klein] Realtime Image to Image"  # line 3 (line 1 is a site banner)
    assert ep.description == "Realtime generation with FLUX.2 [klein] from Black Forest Labs."  # line 6
    assert "realtime" in ep.capabilities  # "Real-time via WebSockets#" (24), fal.realtime.connect (30)
    assert "streaming" not in ep.capabilities


def test_000_realtime_page_keeps_the_queue_capability(corpus: ParseResult) -> None:
    # The page documents only WebSockets, but every fal endpoint is also reachable through the
    # queue: the parser contract is "queue always; realtime when the page documents WebSockets".
    assert endpoint(corpus, "fal-ai/flux-2/klein/realtime").capabilities == ["queue", "realtime"]


def test_000_input(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/flux-2/klein/realtime")
    assert names(ep, "input") == [
        "prompt",
        "image_size",
        "image_url",
        "enable_interpolation",
        "schedule_mu",
        "num_inference_steps",
        "seed",
        "output_feedback_strength",
    ]  # lines 93-123

    prompt = field(ep, "input", "prompt")  # 93-95: default with quotes inside quotes
    at(prompt, P000, 93)
    assert prompt.type == scalar("string")
    assert prompt.has_default
    assert prompt.default == 'Turn this into "Living oil painting, melting gold and sapphire"'
    assert prompt.description == "The prompt to guide image editing."
    assert prompt.required is False and prompt.required_source == "marker"  # page keeps marks; none here

    size = field(ep, "input", "image_size")  # 97-101
    assert size.type == enum(["square", "square_hd"], "ImageSizeEnum")
    assert size.default == "square"
    assert size.description == "The size of the generated image. square=768x768, square_hd=1024x1024."

    url = field(ep, "input", "image_url")  # 103 "image_url string* required"
    assert url.type == scalar("string") and url.required is True and url.required_source == "marker"
    assert not url.has_default

    interp = field(ep, "input", "enable_interpolation")  # 107, no default
    assert interp.type == scalar("boolean") and not interp.has_default and interp.required is False

    mu = field(ep, "input", "schedule_mu")  # 111-113: float, "Default value: 2.3"
    assert mu.type == scalar("number")
    assert mu.default == 2.3 and isinstance(mu.default, float)
    assert mu.description == "Schedule mu for time shift. 2.3=default, lower=more even denoising, 0.3=nearly linear."

    steps = field(ep, "input", "num_inference_steps")  # 115-117: no description, only a default
    assert steps.type == scalar("integer")
    assert steps.default == 3 and type(steps.default) is int
    assert steps.description == ""

    seed = field(ep, "input", "seed")  # 119-121
    assert seed.default == 35 and type(seed.default) is int

    feedback = field(ep, "input", "output_feedback_strength")  # 123-125: float, "Default value: 1"
    assert feedback.type == scalar("number")
    assert feedback.default == 1 and not isinstance(feedback.default, bool)

    assert ep.example_input is not None and ep.example_input.provenance is not None
    assert ep.example_input.provenance.line == 127
    assert ep.example_input.value == page_json(P000, 127, 135)


def test_000_output_and_types(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/flux-2/klein/realtime")
    assert names(ep, "output") == ["images", "seed"]  # 139, 143
    images = field(ep, "output", "images")
    assert images.type == array(ref("RawImage")) and images.required is True
    assert images.description.startswith("Generated images as raw bytes.")
    assert field(ep, "output", "seed").required is True
    assert ep.example_output is not None and ep.example_output.value == page_json(P000, 147, 154)

    assert [t.name for t in ep.types] == ["ImageFile", "ImageSize", "RawImage"]  # 158, 188, 198
    assert names(ep, "ImageFile") == ["url", "content_type", "file_name", "file_size", "file_data", "width", "height"]
    assert field(ep, "ImageFile", "url").required is True  # 160 "* required"
    assert field(ep, "ImageFile", "file_name").required is False
    assert field(ep, "ImageSize", "width").default == 512  # 192

    # RawImage (198-206): three marked lines with no descriptions, and a default on its own line.
    assert names(ep, "RawImage") == ["height", "content", "content_type", "width"]
    assert [field(ep, "RawImage", n).required for n in names(ep, "RawImage")] == [True, True, False, True]
    content_type = field(ep, "RawImage", "content_type")
    at(content_type, P000, 202)
    assert content_type.default == "image/jpeg" and content_type.description == ""
    at(field(ep, "RawImage", "width"), P000, 206)

    # ImageFile and ImageSize are described but neither Input (ImageSizeEnum) nor Output uses them.
    assert diagnostics_at(corpus, "unreferenced-type", P000, 158)
    assert diagnostics_at(corpus, "unreferenced-type", P000, 188)


# -- 001: fal-ai/flux-2/klein/4b/base (blank-line layout, streaming) ---------------------


def test_001_header(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/flux-2/klein/4b/base")
    assert (ep.provenance.file, ep.provenance.line) == (P001, 1)  # type: ignore[union-attr]
    # No title line in the header; the page's title is the last line (348) "... API Docs | fal".
    assert ep.title == "FLUX.2 [klein] 4B Base Text to Image"
    assert ep.description == (
        "Text-to-image generation with FLUX.2 [klein] 4B Base from Black Forest Labs. Enhanced realism, "
        "crisper text generation, and native editing capabilities."
    )  # line 3
    assert ep.capabilities == ["queue", "streaming"]  # badge (6), "Streaming#" (46), "3. Queue#" (77)


def test_001_input(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/flux-2/klein/4b/base")
    assert names(ep, "input") == [
        "prompt",
        "negative_prompt",
        "guidance_scale",
        "seed",
        "num_inference_steps",
        "image_size",
        "num_images",
        "acceleration",
        "sync_mode",
        "enable_safety_checker",
        "output_format",
        "enable_cns",
        "cns_s_churn",
        "cns_gamma_source",
        "cns_power_gamma",
        "cns_gamma_divider",
        "cns_alpha_tilt_start",
        "cns_alpha_tilt_end",
        "cns_alpha_use_fnorm",
        "cns_alpha_exp_interp",
        "cns_alpha_exp_sharpness",
        "cns_num_freq_bins",
        "cns_energy_scale",
    ]  # 142-244
    required = {f.name for f in ep.input.fields if f.required}
    assert required == {"prompt"}  # the only "* required" in Input (142)
    assert {f.required_source for f in ep.input.fields} == {"marker"}

    negative = field(ep, "input", "negative_prompt")  # 148: Default value: ""
    assert negative.has_default and negative.default == ""
    assert negative.description == "Negative prompt for classifier-free guidance. Describes what to avoid in the image."

    guidance = field(ep, "input", "guidance_scale")  # 150-152: float, Default value: 5
    assert guidance.type == scalar("number") and guidance.default == 5

    seed = field(ep, "input", "seed")  # 154-156: no default
    assert seed.type == scalar("integer") and not seed.has_default and seed.default is None

    size = field(ep, "input", "image_size")  # 162-173: `ImageSize | Enum`, unquoted default, a Note with JSON
    at(size, P001, 162)
    assert size.type == union(ref("ImageSize"), enum(IMAGE_SIZES))
    assert size.default == "landscape_4_3"
    assert size.description == "The size of the image to generate."

    at(field(ep, "input", "num_images"), P001, 174)  # right after the Note's JSON closes (173)
    assert field(ep, "input", "num_images").default == 1

    acceleration = field(ep, "input", "acceleration")  # 178-182
    assert acceleration.type == enum(["none", "regular", "high"], "AccelerationEnum")
    assert acceleration.default == "regular"

    assert field(ep, "input", "enable_safety_checker").default is True  # 190: Default value: true
    assert not field(ep, "input", "sync_mode").has_default  # 184-186
    output_format = field(ep, "input", "output_format")  # 192-196
    assert output_format.type == enum(["jpeg", "png", "webp"], "OutputFormatEnum")
    assert output_format.default == "png"

    gamma_source = field(ep, "input", "cns_gamma_source")  # 206-210
    assert gamma_source.type == enum(["matrix", "approximation"], "CNSGammaSourceEnum")
    assert gamma_source.default == "matrix"
    assert gamma_source.description.endswith("(more noise to genuinely under-resolved bands).")

    tilt_end = field(ep, "input", "cns_alpha_tilt_end")  # 226: Default value: -0.5
    assert tilt_end.default == -0.5
    assert field(ep, "input", "cns_gamma_divider").default == 1.73  # 218
    assert field(ep, "input", "cns_alpha_use_fnorm").default is True  # 230
    bins = field(ep, "input", "cns_num_freq_bins")  # 242
    assert bins.type == scalar("integer") and bins.default == 32 and type(bins.default) is int

    # No description on this page states a limit.
    assert all(f.constraints.is_empty() for f in ep.input.fields)

    # The example is the block at 248-268, not the Note's fragment at 170-173.
    assert ep.example_input is not None and ep.example_input.provenance is not None
    assert ep.example_input.provenance.line == 248
    assert ep.example_input.value == page_json(P001, 248, 268)


def test_001_output_and_types(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/flux-2/klein/4b/base")
    assert names(ep, "output") == ["images", "timings", "seed", "has_nsfw_concepts", "prompt"]  # 272-285
    assert all(f.required for f in ep.output.fields)
    assert field(ep, "output", "images").type == array(ref("ImageFile"))
    timings = field(ep, "output", "timings")  # 276: no description, type described on no page
    assert timings.type == ref("Timings") and timings.description == ""
    at(field(ep, "output", "seed"), P001, 277)  # directly below timings, no blank line between
    assert field(ep, "output", "has_nsfw_concepts").type == array(scalar("boolean"))

    assert [t.name for t in ep.types][:3] == ["ImageFile", "ImageSize", "RawImage"]
    assert ep.type("Timings") is not None and ep.type("Timings").fields == []  # type: ignore[union-attr]
    undefined = diagnostics_at(corpus, "undefined-type", P001, 276)
    assert undefined and undefined[0].severity is Severity.WARNING
    assert names(ep, "RawImage") == ["width", "height", "content_type", "content"]  # 338-344
    assert field(ep, "RawImage", "content_type").default == "image/jpeg"  # 342
    assert ep.example_output is not None and ep.example_output.value == page_json(P001, 289, 296)


# -- 002: fal-ai/flux-2 (run-together layout, no id line, lost name lines) ----------------


def test_002_id_from_code_samples(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/flux-2")
    assert ep.provenance is not None and ep.provenance.file == P002
    found = diagnostics_at(corpus, "id-from-code-sample", P002, 14)  # first fal.subscribe("fal-ai/flux-2"
    assert found and found[0].endpoint_id == "fal-ai/flux-2" and found[0].severity is Severity.WARNING
    assert ep.title == "Flux 2 Text to Image"  # line 1
    assert ep.capabilities == ["queue", "streaming"]  # "...requestId);Streaming#" (26), fal.stream (29)


def test_002_description(corpus: ParseResult) -> None:
    assert endpoint(corpus, "fal-ai/flux-2").description == (
        "Text-to-image generation with FLUX.2 [dev] from Black Forest Labs. Enhanced realism, crisper text "
        "generation, and native editing capabilities."
    )


def test_002_input_run_together(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/flux-2")
    assert names(ep, "input") == [
        "prompt",
        "guidance_scale",
        "seed",
        "num_inference_steps",
        "image_size",
        "num_images",
        "acceleration",
        "enable_prompt_expansion",
        "sync_mode",
        "enable_safety_checker",
        "output_format",
    ]
    prompt = field(ep, "input", "prompt")  # 82 "prompt string* requiredThe prompt to generate an image from."
    at(prompt, P002, 82)
    assert prompt.required is True and prompt.description == "The prompt to generate an image from."
    guidance = field(ep, "input", "guidance_scale")  # 83
    assert guidance.type == scalar("number") and guidance.default == 2.5
    assert (
        guidance.description.startswith("Guidance Scale is a measure") and "Default value" not in guidance.description
    )
    assert field(ep, "input", "seed").required is False
    assert field(ep, "input", "num_inference_steps").default == 28  # 85

    num_images = field(ep, "input", "num_images")  # 92: glued after the Note's "}"
    at(num_images, P002, 92)
    assert num_images.type == scalar("integer") and num_images.default == 1
    assert num_images.description == "The number of images to generate."

    acceleration = field(ep, "input", "acceleration")  # 93 "AccelerationEnumThe acceleration..."
    assert acceleration.type == enum(["none", "regular", "high"], "AccelerationEnum")
    assert acceleration.default == "regular"
    assert acceleration.description == "The acceleration level to use for the image generation."
    assert field(ep, "input", "enable_prompt_expansion").type == scalar("boolean")  # 95
    assert field(ep, "input", "enable_safety_checker").default is True  # 97
    output_format = field(ep, "input", "output_format")  # 98-99
    assert output_format.type == enum(["jpeg", "png", "webp"], "OutputFormatEnum")
    assert output_format.default == "png"
    assert ep.example_input is not None and ep.example_input.value == page_json(P002, 100, 109)


def test_002_recovered_image_size(corpus: ParseResult) -> None:
    # 86-87: the name line of image_size was lost; its description, default and enum values remain.
    ep = endpoint(corpus, "fal-ai/flux-2")
    size = field(ep, "input", "image_size")
    at(size, P002, 86)
    assert size.type == union(ref("ImageSize"), enum(IMAGE_SIZES))
    assert size.default == "landscape_4_3"
    assert (
        size.description
        == "The size of the image to generate. The width and height must be between 512 and 2048 pixels."
    )
    assert size.required is False
    found = diagnostics_at(corpus, "recovered-field-name", P002, 86)
    assert found and found[0].endpoint_id == "fal-ai/flux-2" and found[0].pointer == "/input/image_size"


def test_002_recovered_output_fields(corpus: ParseResult) -> None:
    # 110 "The generated images" and 112 "Whether the generated images contain NSFW concepts." lost their name lines.
    ep = endpoint(corpus, "fal-ai/flux-2")
    assert names(ep, "output") == ["images", "seed", "has_nsfw_concepts", "prompt"]
    images = field(ep, "output", "images")
    at(images, P002, 110)
    assert images.type == array(ref("ImageFile")) and images.required is True
    assert images.description == "The generated images"
    nsfw = field(ep, "output", "has_nsfw_concepts")
    at(nsfw, P002, 112)
    assert nsfw.type == array(scalar("boolean")) and nsfw.required is True
    at(field(ep, "output", "seed"), P002, 111)
    at(field(ep, "output", "prompt"), P002, 113)
    for line, name in ((110, "images"), (112, "has_nsfw_concepts")):
        found = diagnostics_at(corpus, "recovered-field-name", P002, line)
        assert found and found[0].pointer == f"/output/{name}", line
    assert [t.name for t in ep.types] == ["ImageFile", "ImageSize"]  # 122, 130
    assert len(ep.type("ImageFile").fields) == 7  # type: ignore[union-attr]  # 123-129
    assert ep.example_output is not None and ep.example_output.value == page_json(P002, 114, 121)


# -- 003: fal-ai/flux-2/lora/edit ----------------------------------------------------------


def test_003_lora_edit(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/flux-2/lora/edit")
    assert (ep.provenance.file, ep.provenance.line) == (P003, 5)  # type: ignore[union-attr]
    assert ep.title == "Flux 2 Text to Image"  # line 3 says so (line 1 is a banner ending in "!")
    assert ep.description.startswith("Image-to-image editing with LoRA support for FLUX.2 [dev]")
    assert ep.capabilities == ["queue", "streaming"]
    urls = field(ep, "input", "image_urls")  # 205
    assert urls.type == array(scalar("string")) and urls.required is True
    loras = field(ep, "input", "loras")  # 209: list<LoRAInput>, described on no page
    assert loras.type == array(ref("LoRAInput")) and loras.required is False
    assert diagnostics_at(corpus, "undefined-type", P003, 209)
    size = field(ep, "input", "image_size")  # 165-176: this page gives no default
    assert size.type == union(ref("ImageSize"), enum(IMAGE_SIZES)) and not size.has_default
    assert names(ep, "output") == ["images", "timings", "seed", "has_nsfw_concepts", "prompt"]
    assert field(ep, "output", "images").description == "The edited images"
    # The example's image_size is an ImageSize object (217-220): it fits the union.
    assert not [d for d in corpus.diagnostics if d.code == "example-mismatch" and d.endpoint_id == ep.id]


# -- 004: bundle pages ------------------------------------------------------------------


def test_imagen4_preview(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/imagen4/preview")
    assert (ep.provenance.file, ep.provenance.line) == (P004, 1)  # type: ignore[union-attr]
    assert ep.title == "Imagen 4"  # 3
    assert ep.description == "Google’s highest quality image generation model"  # 4
    assert ep.capabilities == ["queue"]  # badges: Inference, Commercial use, Partner, Schema, LLMs
    assert names(ep, "input") == ["prompt", "negative_prompt", "aspect_ratio", "num_images", "seed", "resolution"]

    # The bundle lost every "* required": required-ness follows the rule.
    prompt = field(ep, "input", "prompt")  # 166: no default, in the example -> required
    at(prompt, P004, 166)
    assert (prompt.required, prompt.required_source) == (True, "example")
    negative = field(ep, "input", "negative_prompt")  # 170: Default value: ""
    assert negative.default == "" and (negative.required, negative.required_source) == (False, "default")
    assert negative.description == "A description of what to discourage in the generated images"
    aspect = field(ep, "input", "aspect_ratio")  # 172-175
    assert aspect.type == enum(["1:1", "16:9", "9:16", "3:4", "4:3"], "AspectRatioEnum")
    assert aspect.default == "1:1"
    num_images = field(ep, "input", "num_images")  # 178 "Number of images to generate (1-4) Default value: 1"
    assert num_images.default == 1 and num_images.description == "Number of images to generate (1-4)"
    assert (num_images.constraints.minimum, num_images.constraints.maximum) == (1, 4)
    assert num_images.constraints.inferred is True
    seed = field(ep, "input", "seed")  # 180: not in the example -> optional
    assert (seed.required, seed.required_source) == (False, "example")
    resolution = field(ep, "input", "resolution")  # 183-186: only a default, no description
    assert resolution.type == enum(["1K", "2K"], "ResolutionEnum")
    assert resolution.default == "1K" and resolution.description == ""

    assert names(ep, "output") == ["images", "seed"]  # 197-198
    images = field(ep, "output", "images")
    assert images.type == array(ref("File")) and images.description == ""
    assert all(f.required and f.required_source == "rule" for f in ep.output.fields)  # top-level output
    assert names(ep, "File") == ["url", "content_type", "file_name", "file_size", "file_data"]  # 214-227
    # Nested fields are optional, except where a page with marks says otherwise (ImageFile.url on 000-003).
    assert field(ep, "File", "url").required is True and field(ep, "File", "url").required_source == "other-page"
    assert field(ep, "File", "file_name").required is False
    assert ep.example_input is not None and ep.example_input.value == page_json(P004, 189, 194)
    assert ep.example_output is not None and ep.example_output.value == page_json(P004, 202, 209)


def test_kontext_max_t2i_duplicate_page_is_merged(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/flux-pro/kontext/max/text-to-image")
    assert (ep.provenance.file, ep.provenance.line) == (P004, 229)  # type: ignore[union-attr]
    assert [(s.file, s.line) for s in ep.sources] == [(P004, 229), (P004, 8584)]
    found = [d for d in corpus.diagnostics if d.code.startswith("duplicate-page") and d.line == 8584]
    assert found and found[0].file == P004 and found[0].endpoint_id == ep.id
    assert ep.title == "Kontext [max] -- Text to Image"  # 231
    assert ep.capabilities == ["queue"]


def test_kontext_max_t2i_types(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/flux-pro/kontext/max/text-to-image")
    tolerance = field(ep, "input", "safety_tolerance")  # 408-411: quoted default "2" -> string values
    assert tolerance.type == enum(["1", "2", "3", "4", "5", "6"], "SafetyToleranceEnum")
    assert tolerance.default == "2"
    assert field(ep, "input", "prompt").required is True  # marked on 003 with the same description
    assert field(ep, "input", "enhance_prompt").required is False  # boolean
    images = field(ep, "output", "images")  # 434
    assert images.type == array(ref("registry__image__fast_sdxl__models__Image"))
    image = ep.type("registry__image__fast_sdxl__models__Image")  # 459-465
    assert image is not None and [f.name for f in image.fields] == ["url", "width", "height", "content_type"]
    assert field(ep, "registry__image__fast_sdxl__models__Image", "content_type").default == "image/jpeg"
    assert [t.name for t in ep.types][:6] == [
        "registry__image__fast_sdxl__models__Image",
        "FluxProRedux",
        "FluxProV1Redux",
        "fal__toolkit__image__image__Image",
        "FluxProUltraTextToImageInputRedux",
        "ImageSize",
    ]
    ultra = "FluxProUltraTextToImageInputRedux"
    aspect = field(ep, ultra, "aspect_ratio")  # 628-631: `Enum | string`, unquoted default 16:9
    assert aspect.type == union(
        enum(["21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21"]), scalar("string")
    )
    assert aspect.default == "16:9"
    strength = field(ep, ultra, "image_prompt_strength")  # 626 "between 0 and 1. Default value: 0.1"
    assert strength.type == scalar("number") and strength.default == 0.1
    assert (strength.constraints.minimum, strength.constraints.maximum, strength.constraints.inferred) == (0, 1, True)
    redux_size = field(ep, "FluxProRedux", "image_size")  # 472-483
    assert redux_size.type == union(ref("ImageSize"), enum(IMAGE_SIZES)) and redux_size.default == "landscape_4_3"
    at(field(ep, "FluxProRedux", "num_inference_steps"), P004, 484)  # right after the Note's JSON


def test_hidream_empty_output(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/hidream-i1-full")
    assert ep.title == "Text to Image"  # 906
    assert ep.capabilities == ["queue", "streaming"]  # badge 910, fal.stream 984
    assert ep.output.fields == []  # 1141-1143: "Output #" and nothing, no example
    assert ep.example_output is None
    found = diagnostics_at(corpus, "empty-output", P004, 1141)
    assert found and found[0].severity is Severity.WARNING and found[0].endpoint_id == ep.id
    size = field(ep, "input", "image_size")  # 1088: no default, present in the example -> required
    assert size.type == union(ref("ImageSize"), enum(IMAGE_SIZES)) and not size.has_default
    assert (size.required, size.required_source) == (True, "example")
    loras = field(ep, "input", "loras")  # 1123-1124: "... and optional weight name."
    assert loras.type == array(ref("LoraWeight")) and loras.required is False
    assert names(ep, "LoraWeight") == ["path", "weight_name", "scale"]
    assert field(ep, "LoraWeight", "scale").default == 1


def test_sora2_example_disagrees_with_schema(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/sora-2/text-to-video/pro")
    assert ep.title == "Text to Video (Pro)"  # 2382
    assert ep.capabilities == ["queue"]
    duration = field(ep, "input", "duration")  # 2556-2559: Default value: "4", values 4, 8, 12
    assert duration.type == enum(["4", "8", "12"], "DurationEnum")
    assert duration.default == "4" and isinstance(duration.default, str)
    assert ep.example_input is not None and ep.example_input.value["duration"] == 4  # 2566: a number
    found = diagnostics_at(corpus, "example-mismatch", P004, 2562)
    assert found and found[0].severity is Severity.WARNING and "/duration" in found[0].message
    api_key = field(ep, "input", "api_key")  # 2541 "If provided, you will not be billed"
    assert (api_key.required, api_key.required_source) == (False, "wording")
    assert field(ep, "input", "prompt").required is True  # in the example
    assert names(ep, "output") == ["video", "video_id"]
    assert field(ep, "output", "video").type == ref("VideoFile")
    assert field(ep, "VideoFile", "fps").type == scalar("number")  # 2609
    assert field(ep, "VideoFile", "num_frames").type == scalar("integer")  # 2615


def test_kling_video_to_audio_repaired_id(corpus: ParseResult) -> None:
    assert all(not e.id.startswith("al-ai/") for e in corpus.endpoints)
    ep = endpoint(corpus, "fal-ai/kling-video/video-to-audio")
    assert (ep.provenance.file, ep.provenance.line) == (P004, 6561)  # type: ignore[union-attr]
    found = diagnostics_at(corpus, "id-repaired", P004, 6561)
    assert found and found[0].endpoint_id == "fal-ai/kling-video/video-to-audio"
    assert "al-ai/kling-video/video-to-audio" in found[0].message
    assert ep.description == "Generate audio from input videos using Kling"  # 6563


def test_kling_video_to_audio_fields(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/kling-video/video-to-audio")
    assert names(ep, "input") == ["video_url", "sound_effect_prompt", "background_music_prompt", "asmr_mode"]
    video_url = field(ep, "input", "video_url")  # 6721: "between 3.0s and 20.0s" is about the file
    assert video_url.constraints.is_empty()
    assert (video_url.required, video_url.required_source) == (True, "example")
    effect = field(ep, "input", "sound_effect_prompt")  # 6724 "Cannot exceed 200 characters."
    assert effect.constraints.max_length == 200 and effect.constraints.inferred is True
    assert effect.default == "Car tires screech as they accelerate in a drag race"
    assert field(ep, "input", "background_music_prompt").constraints.max_length == 200  # 6727
    asmr = field(ep, "input", "asmr_mode")
    assert asmr.type == scalar("boolean") and asmr.required is False
    assert names(ep, "output") == ["video", "audio"]
    assert all(f.type == ref("File") and f.required for f in ep.output.fields)

    assert len(ep.types) == 21  # 6757 .. 7103
    duration = field(ep, "TextToVideoV21MasterRequest", "duration")  # 6760-6763
    assert duration.type == enum(["5", "10"], "DurationEnum") and duration.default == "5"
    assert field(ep, "TextToVideoV21MasterRequest", "negative_prompt").default == "blur, distort, and low quality"
    assert field(ep, "V1TextToVideoRequest", "advanced_camera_control").type == ref("CameraControl")  # 6823
    assert field(ep, "DynamicMask", "trajectories").type == array(ref("Trajectory"))  # 6994
    voice = field(ep, "LipsyncT2VRequest", "voice_id")  # 6956-6959: 46 values
    values = voice.type.values or []
    assert voice.type.kind == "enum" and len(values) == 46
    assert (values[0], values[-1]) == ("genshin_vindi2", "mengwa-v1")
    assert "chat1_female_new-3" in values and "PeppaPig_platform" in values
    assert field(ep, "LipsyncT2VRequest", "voice_speed").default == 1  # 6967


def test_kling_max_characters_abbreviated(corpus: ParseResult) -> None:
    text = field(endpoint(corpus, "fal-ai/kling-video/video-to-audio"), "LipsyncT2VRequest", "text")
    assert text.constraints.max_length == 120 and text.constraints.inferred is True


def test_flux_kontext_lora_multiline_description(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/flux-kontext-lora")
    assert ep.title == "Image Editing"  # 5735
    assert ep.capabilities == ["queue", "streaming"]
    mode = field(ep, "input", "resolution_mode")  # 5957-5962: three paragraphs, default at the end, then values
    at(mode, P004, 5957)
    assert mode.type == enum(
        ["auto", "match_input", "1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"],
        "ResolutionModeEnum",
    )
    assert mode.default == "match_input"
    assert mode.description.startswith("Determines how the output resolution is set for image editing.")
    assert "auto: The model selects an optimal resolution" in mode.description
    assert mode.description.endswith("Apart from these, a few aspect ratios are also supported.")
    assert "Default value" not in mode.description and "Possible enum values" not in mode.description
    image_url = field(ep, "input", "image_url")  # 5919 + 5921 (after a blank line)
    assert image_url.description.startswith("The URL of the image to edit.")
    assert "Max width: 14142px, Max height: 14142px, Timeout: 20s" in image_url.description
    assert diagnostics_at(corpus, "description-continued", P004, 5921)
    assert field(ep, "input", "acceleration").default == "none"  # 5953
    assert field(ep, "LoraWeight", "scale").default == 1  # 6011


def test_wan_trainer_t2v(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/wan-trainer/t2v")
    assert (ep.provenance.file, ep.provenance.line) == (P004, 10315)  # type: ignore[union-attr]
    assert ep.title == "T2V 1.3B"  # 10317
    assert ep.description == "Train custom LoRAs for Wan-2.1 T2V 1.3B"  # 10318
    assert ep.capabilities == ["queue"]  # the "Training" badge is not a capability
    assert names(ep, "input") == [
        "training_data_url",
        "number_of_steps",
        "learning_rate",
        "trigger_phrase",
        "auto_scale_input",
    ]
    data = field(ep, "input", "training_data_url")  # 10474-10477, example value "" (10493)
    assert data.required is True
    assert "Try to use at least 10 images" in data.description
    assert "In addition to images the archive can contain text files with captions." in data.description
    assert field(ep, "input", "number_of_steps").default == 400
    rate = field(ep, "input", "learning_rate")  # 10483: Default value: 0.0002
    assert rate.type == scalar("number") and rate.default == 0.0002
    assert field(ep, "input", "trigger_phrase").default == ""
    auto_scale = field(ep, "input", "auto_scale_input")  # boolean, in the example as true: still optional
    assert (auto_scale.required, auto_scale.required_source) == (False, "rule")
    assert names(ep, "output") == ["lora_file", "config_file"]
    assert all(f.type == ref("File") and f.required for f in ep.output.fields)
    assert ep.example_output is not None and ep.example_output.value == page_json(P004, 10507, 10520)


def test_paragraph_breaks_kept_consistently(corpus: ParseResult) -> None:
    data = field(endpoint(corpus, "fal-ai/wan-trainer/t2v"), "input", "training_data_url")
    assert data.description == (
        "URL to zip archive with images of a consistent style. Try to use at least 10 images and/or videos, "
        "although more is better.\n\nIn addition to images the archive can contain text files with captions. "
        "Each text file should have the same name as the image/video file it corresponds to."
    )


# -- cross-cutting: typed defaults, enum values, type syntax -------------------------------

DEFAULTS = [
    # (endpoint, schema, field, expected value, expected Python type); page line in the comment
    ("fal-ai/sora-2/text-to-video/pro", "input", "duration", "4", str),  # 004:2557 "4"
    ("fal-ai/flux-pro/kontext/max/text-to-image", "input", "safety_tolerance", "2", str),  # 004:409
    ("fal-ai/flux-2/klein/4b/base", "input", "num_inference_steps", 28, int),  # 001:160
    ("fal-ai/flux-2/klein/4b/base", "input", "enable_safety_checker", True, bool),  # 001:190 true
    ("fal-ai/flux-2/klein/realtime", "input", "schedule_mu", 2.3, float),  # 000:113
    ("fal-ai/flux-2/klein/4b/base", "input", "image_size", "landscape_4_3", str),  # 001:164 unquoted
    # 004:629 "Default value: 16:9" (unquoted, not JSON)
    ("fal-ai/flux-pro/kontext/max/text-to-image", "FluxProUltraTextToImageInputRedux", "aspect_ratio", "16:9", str),
    # 000:95 a quoted default that holds quotes of its own
    (
        "fal-ai/flux-2/klein/realtime",
        "input",
        "prompt",
        'Turn this into "Living oil painting, melting gold and sapphire"',
        str,
    ),
    ("fal-ai/flux-2/klein/4b/base", "input", "negative_prompt", "", str),  # 001:148 ""
    ("fal-ai/flux-2/klein/4b/base", "input", "cns_alpha_tilt_end", -0.5, float),  # 001:226
    ("fal-ai/wan-trainer/t2v", "input", "learning_rate", 0.0002, float),  # 004:10483
    ("fal-ai/imagen4/preview", "input", "resolution", "1K", str),  # 004:184 "1K"
    ("fal-ai/flux-kontext-lora", "Image", "content_type", "image/jpeg", str),  # 004:6019 own line
]


@pytest.mark.parametrize(("endpoint_id", "schema", "name", "expected", "kind"), DEFAULTS)
def test_defaults_are_typed_as_written(
    corpus: ParseResult, endpoint_id: str, schema: str, name: str, expected: object, kind: type
) -> None:
    f = field(endpoint(corpus, endpoint_id), schema, name)
    assert f.has_default
    assert f.default == expected
    assert type(f.default) is kind


def test_fields_without_default_have_none(corpus: ParseResult) -> None:
    # 001:154 seed, 004:166 prompt, 004:2570 video: no "Default value".
    for endpoint_id, schema, name in (
        ("fal-ai/flux-2/klein/4b/base", "input", "seed"),
        ("fal-ai/imagen4/preview", "input", "prompt"),
        ("fal-ai/sora-2/text-to-video/pro", "output", "video"),
    ):
        f = field(endpoint(corpus, endpoint_id), schema, name)
        assert (f.has_default, f.default) == (False, None), name


def test_enum_defaults_are_among_the_values_and_typed_alike(corpus: ParseResult) -> None:
    for ep in corpus.endpoints:
        for schema in ep.all_schemas():
            for f in schema.fields:
                values = f.type.enum_values()
                if f.has_default and values:
                    assert f.default in values, f"{ep.id} {schema.name}.{f.name}"
                    assert any(type(v) is type(f.default) for v in values), f"{ep.id} {schema.name}.{f.name}"


TYPE_SYNTAX = [
    ("fal-ai/flux-2/klein/4b/base", "input", "prompt", scalar("string")),
    ("fal-ai/flux-2/klein/4b/base", "input", "seed", scalar("integer")),
    ("fal-ai/flux-2/klein/4b/base", "input", "guidance_scale", scalar("number")),  # float
    ("fal-ai/flux-2/klein/4b/base", "input", "sync_mode", scalar("boolean")),
    ("fal-ai/flux-2/lora/edit", "input", "image_urls", array(scalar("string"))),
    ("fal-ai/flux-2/klein/4b/base", "output", "has_nsfw_concepts", array(scalar("boolean"))),
    ("fal-ai/flux-2/klein/4b/base", "output", "images", array(ref("ImageFile"))),
    ("fal-ai/sora-2/text-to-video/pro", "output", "video", ref("VideoFile")),
    ("fal-ai/imagen4/preview", "input", "aspect_ratio", enum(["1:1", "16:9", "9:16", "3:4", "4:3"], "AspectRatioEnum")),
    ("fal-ai/flux-2/klein/4b/base", "input", "image_size", union(ref("ImageSize"), enum(IMAGE_SIZES))),
    (
        "fal-ai/flux-pro/kontext/max/text-to-image",
        "FluxProUltraTextToImageInputRedux",
        "aspect_ratio",
        union(enum(["21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21"]), scalar("string")),
    ),
    (
        "fal-ai/flux-pro/kontext/max/text-to-image",
        "output",
        "images",
        array(ref("registry__image__fast_sdxl__models__Image")),
    ),
    (
        "fal-ai/kling-video/video-to-audio",
        "V1TextToVideoRequest",
        "camera_control",
        enum(["down_back", "forward_up", "right_turn_forward", "left_turn_forward"], "CameraControlEnum"),
    ),
]


@pytest.mark.parametrize(("endpoint_id", "schema", "name", "expected"), TYPE_SYNTAX)
def test_type_syntax(corpus: ParseResult, endpoint_id: str, schema: str, name: str, expected: TypeExpr) -> None:
    assert field(endpoint(corpus, endpoint_id), schema, name).type == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Spellings the committed pages do not use, read with the same grammar.
        ("integer | string", union(scalar("integer"), scalar("string"))),
        ("list<list<float>>", array(array(scalar("number")))),
        ("dict<str, ImageFile>", TypeExpr(kind="map", items=ref("ImageFile"))),
        ("list<ImageSize | Enum>", array(union(ref("ImageSize"), TypeExpr(kind="enum", values=[])))),
    ],
)
def test_type_syntax_beyond_the_corpus(text: str, expected: TypeExpr) -> None:
    from generator.docs.typesyntax import parse_type

    assert parse_type(text) == expected


def test_every_reference_resolves_to_a_type(corpus: ParseResult) -> None:
    for ep in corpus.endpoints:
        for schema in ep.all_schemas():
            for f in schema.fields:
                for name in f.type.refs():
                    assert ep.type(name) is not None, f"{ep.id} {schema.name}.{f.name} -> {name}"


def test_bundle_pages_use_the_rule_not_markers(corpus: ParseResult) -> None:
    # Every page of 004 lost its "* required" marks; no field there may claim a marker.
    for ep in corpus.endpoints:
        if ep.provenance and ep.provenance.file == P004:
            for schema in ep.all_schemas():
                for f in schema.fields:
                    assert f.required_source != "marker", f"{ep.id} {schema.name}.{f.name}"


# -- capabilities across the corpus --------------------------------------------------------

# Streaming: a "Streaming" badge in the header or a "Streaming#" section / fal.stream sample.
# (The bundle's tables of contents list "Streaming" on almost every page; that is site chrome.)
STREAMING = {
    "fal-ai/flux-2",  # 002:26, 002:29
    "fal-ai/flux-2/klein/4b/base",  # 001:6
    "fal-ai/flux-2/lora/edit",  # 003:9
    "fal-ai/flux-krea-lora/stream",  # 004:649 badge
    "fal-ai/hidream-i1-full",  # 004:910 badge, 004:984 fal.stream
    "fal-ai/flux-kontext-lora",  # 004:5739 badge, 004:5818 fal.stream
    "fal-ai/flux-kontext-lora/text-to-image",  # 004:6035 badge, 004:6109 fal.stream
}
REALTIME = {"fal-ai/flux-2/klein/realtime"}  # 000:24, 000:30


def test_capabilities_across_the_corpus(corpus: ParseResult) -> None:
    for ep in corpus.endpoints:
        assert ("streaming" in ep.capabilities) == (ep.id in STREAMING), ep.id
        assert ("realtime" in ep.capabilities) == (ep.id in REALTIME), ep.id
        if ep.id not in REALTIME:
            assert "queue" in ep.capabilities, ep.id  # every other page has a "3. Queue" section
        assert ep.capabilities == sorted(ep.capabilities, key=["queue", "streaming", "realtime"].index)


# -- minimax-music ---------------------------------------------------------------------------


def test_minimax_prompt_optional_formatting_is_not_optional_wording(corpus: ParseResult) -> None:
    prompt = field(endpoint(corpus, "fal-ai/minimax-music"), "input", "prompt")
    assert (prompt.required, prompt.required_source) == (True, "example")


def test_minimax_maximum_characters(corpus: ParseResult) -> None:
    prompt = field(endpoint(corpus, "fal-ai/minimax-music"), "input", "prompt")  # 6494 "Maximum 600 characters."
    assert prompt.constraints.max_length == 600 and prompt.constraints.inferred is True


def test_minimax_character_ranges(corpus: ParseResult) -> None:
    ep = endpoint(corpus, "fal-ai/minimax-music")
    prompt = field(ep, "TextToMusic15Request", "prompt")
    lyrics = field(ep, "TextToMusic15Request", "lyrics_prompt")
    assert (prompt.constraints.min_length, prompt.constraints.max_length) == (10, 600)
    assert (lyrics.constraints.min_length, lyrics.constraints.max_length) == (10, 300)
