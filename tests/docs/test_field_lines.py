"""No field lost silently: a line that reads as `name type[* required]` is a field whatever
separates name and type (the scrapes' non-breaking space, an ordinary space, a tab) and
whatever the name's case; prose that only looks like a field line is kept as text, with a
warning naming the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.core.ir import Endpoint, ParseResult
from generator.docs.parse import parse
from tests.docs._support import HTML_DIR, NBSP, P000, P001, P002, P003, P004, ROOT, SOURCES, strip_provenance

KLEIN = "fal-ai/flux-2/klein/4b/base"
IMAGEN4 = "fal-ai/imagen4/preview"


def lines_of(relative: str, last: int | None = None) -> list[str]:
    return (ROOT / relative).read_text(encoding="utf-8").split("\n")[:last]


def parse_lines(tmp_path: Path, lines: list[str], name: str = "page.txt") -> ParseResult:
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return parse([path], overlays=None)


def only(result: ParseResult, endpoint_id: str) -> Endpoint:
    endpoint = result.endpoint(endpoint_id)
    assert endpoint is not None, [e.id for e in result.endpoints]
    return endpoint


def warnings(result: ParseResult) -> list[tuple[str, int]]:
    return sorted((d.code, d.line) for d in result.diagnostics if d.severity.value != "info")


def comparable(result: ParseResult) -> object:
    return strip_provenance([endpoint.model_dump(mode="json") for endpoint in result.endpoints])


@pytest.mark.parametrize("source", [P000, P001, P002, P003])
def test_ordinary_spaces_instead_of_non_breaking_ones_give_the_same_ir(tmp_path: Path, source: str) -> None:
    """What a saved HTML page or a fresh scrape may give: every non-breaking space an ordinary one."""
    original = lines_of(source)
    assert any(NBSP in line for line in original)
    with_nbsp = parse_lines(tmp_path, original, "nbsp.txt")
    with_spaces = parse_lines(tmp_path, [line.replace(NBSP, " ") for line in original], "spaces.txt")
    assert comparable(with_spaces) == comparable(with_nbsp)
    assert warnings(with_spaces) == warnings(with_nbsp)


@pytest.mark.parametrize("separator", [" ", "\t", "   "], ids=["space", "tab", "spaces"])
def test_a_marked_field_is_a_required_field_whatever_the_separator(tmp_path: Path, separator: str) -> None:
    lines = lines_of(P001)
    assert lines[141] == f"prompt{NBSP}string* required"  # 001:142
    baseline = warnings(parse_lines(tmp_path, lines, "baseline.txt"))
    lines[141] = f"prompt{separator}string* required"
    result = parse_lines(tmp_path, lines)
    prompt = only(result, KLEIN).input.field("prompt")
    assert prompt is not None and prompt.provenance is not None
    assert (prompt.required, prompt.required_source, prompt.type.kind) == (True, "marker", "string")
    assert prompt.description == "The prompt to generate an image from."
    assert prompt.provenance.line == 142
    assert warnings(result) == baseline


def test_a_run_together_field_with_an_ordinary_space_keeps_its_description(tmp_path: Path) -> None:
    lines = lines_of(P002)
    assert lines[83].startswith(f"seed{NBSP}integerThe seed")  # 002:84
    lines[83] = lines[83].replace(NBSP, " ")
    lines[91] = lines[91].replace(NBSP, " ")  # `}num_images integer...`: glued to an example's end
    seed = only(parse_lines(tmp_path, lines), "fal-ai/flux-2").input.field("seed")
    assert seed is not None and seed.type.kind == "integer"
    assert seed.description.startswith("The seed to use for the generation.")
    assert only(parse_lines(tmp_path, lines), "fal-ai/flux-2").input.field("num_images") is not None


def test_a_capitalised_name_is_a_field_in_the_blank_line_layout(tmp_path: Path) -> None:
    lines = lines_of(P001)
    assert lines[153] == f"seed{NBSP}integer"  # 001:154
    lines[153] = "Seed integer"
    inputs = only(parse_lines(tmp_path, lines), KLEIN).input
    names = [f.name for f in inputs.fields]
    assert names[2:5] == ["guidance_scale", "Seed", "num_inference_steps"]
    seed = inputs.field("Seed")
    assert seed is not None and seed.type.kind == "integer"
    assert seed.description.startswith("The seed to use for the generation.")


def test_a_capitalised_name_is_a_field_in_the_bundle_layout(tmp_path: Path) -> None:
    """`Mode string` right below a description used to be glued onto that description."""
    lines = lines_of(P004, 228)
    at = lines.index("seed integer")  # 004:180
    lines[at:at] = ["Mode string", "How to generate.", "Style StyleEnum", "Possible enum values: vivid, calm", ""]
    result = parse_lines(tmp_path, lines)
    inputs = only(result, IMAGEN4).input
    assert [f.name for f in inputs.fields][3:7] == ["num_images", "Mode", "Style", "seed"]
    num_images, mode, style = inputs.field("num_images"), inputs.field("Mode"), inputs.field("Style")
    assert num_images is not None and num_images.description == "Number of images to generate (1-4)"
    assert mode is not None and (mode.type.kind, mode.description) == ("string", "How to generate.")
    assert style is not None and style.type.enum_values() == ["vivid", "calm"]


def test_prose_that_reads_like_a_field_line_is_a_warning_naming_the_line(tmp_path: Path) -> None:
    """`API Key` is not taken as a field `API` of an undescribed type `Key`, but not kept silently."""
    lines = lines_of(P004, 228)
    at = lines.index("seed integer") + 2  # below seed's description, 004:182
    lines[at:at] = ["API Key"]
    result = parse_lines(tmp_path, lines)
    (warning,) = [d for d in result.diagnostics if d.code == "field-like-text"]
    assert (warning.line, warning.endpoint_id) == (at + 1, IMAGEN4)
    assert "'API Key' reads like a field line" in warning.message and "'Key' is no type the page describes" in warning.message
    seed = only(result, IMAGEN4).input.field("seed")
    assert seed is not None and seed.description.endswith("API Key")
    assert [f.name for f in only(result, IMAGEN4).input.fields] == [
        "prompt", "negative_prompt", "aspect_ratio", "num_images", "seed", "resolution",
    ]


@pytest.mark.parametrize(
    ("source", "field_line", "last"),
    [(P001, f"num_images{NBSP}integer", None), (P004, "seed integer", 228)],
    ids=["blank-line-layout", "bundle-layout"],
)
def test_the_name_left_by_a_page_cut_in_half_is_a_warning(
    tmp_path: Path, source: str, field_line: str, last: int | None
) -> None:
    """The page ends just after a field's name (its type cut off, the non-breaking space stripped)."""
    lines = lines_of(source, last)
    at = lines.index(field_line)
    name = field_line.split(NBSP)[0].split(" ")[0]
    result = parse_lines(tmp_path, [*lines[:at], name])
    (warning,) = [d for d in result.diagnostics if d.code == "field-like-text"]
    assert warning.line == at + 1
    assert f"{name!r} reads like a field name whose type was cut off" in warning.message


def test_the_seed_corpus_has_no_prose_that_reads_like_a_field_line() -> None:
    result = parse(sorted(SOURCES.iterdir()), overlays=None)
    assert [d for d in result.diagnostics if d.code == "field-like-text"] == []


def test_saved_html_with_ordinary_spaces_gives_the_same_ir(tmp_path: Path) -> None:
    source = (HTML_DIR / "001_flux-2-klein-4b-base.html").read_text(encoding="utf-8")
    assert source.count("&nbsp;") == 40
    path = tmp_path / "001_flux-2-klein-4b-base.html"
    path.write_text(source.replace("&nbsp;", " "), encoding="utf-8")
    original = parse([HTML_DIR / path.name], overlays=None)
    assert comparable(parse([path], overlays=None)) == comparable(original)
