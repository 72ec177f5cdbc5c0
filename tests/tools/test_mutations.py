"""Mutation tests: a real doc page, changed the way the docs change, gives exactly one judged change.

Each case takes a page from `tests/seed_pages` (a single page, or one page cut out of the bundle),
applies one edit to its text, parses both versions (raw, no overlays) into two spec
directories and runs `falgen diff OLD NEW --json --fail-on breaking` as a subprocess. The
change list must be exactly the expected one (kind, location, verdict, and the inner kind
for nested output changes), the suggested bump must follow from it, and the exit code must
be 1 exactly for breaking changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.tools.conftest import KLEIN, NB, REALTIME, bundle_page, replace_once, run_diff, specs_from_text

pytestmark = pytest.mark.slow  # every test here starts a process

Expected = tuple[str, str, str] | tuple[str, str, str, str]
"""(kind, location, verdict) or (kind, location, verdict, detail)."""


@dataclass(frozen=True)
class Case:
    id: str
    page: Callable[[], str]
    mutate: Callable[[str], str]
    expected: list[Expected]
    bump: str


def klein() -> str:
    return KLEIN.read_text(encoding="utf-8")


def realtime() -> str:
    return REALTIME.read_text(encoding="utf-8")


def imagen4() -> str:
    return bundle_page("Number of images to generate (1-4)")


def kling_video_to_audio() -> str:
    return bundle_page("Sound effect prompt. Cannot exceed 200 characters.")


SEED_BLOCK = f"seed{NB}integer\n\nThe seed to use for the generation. If not provided, a random seed will be used.\n\n"
NEGATIVE = f"negative_prompt{NB}string\n"
FILE_SIZE = f"file_size{NB}integer\n\nThe size of the file in bytes.\n\n"


def drop_streaming(text: str) -> str:
    """The "Streaming" badge and the whole "Streaming#" section (with its fal.stream sample) go."""
    text = replace_once(text, "Commercial use\nStreaming\n", "Commercial use\n")
    return replace_once(text, text[text.index("Streaming#") : text.index("2. Authentication#")], "")


CASES = [
    Case("input-field-removed", klein, lambda t: replace_once(t, SEED_BLOCK, ""),
         [("input-field-removed", "/input/seed", "breaking")], "major"),
    Case("required-input-added", klein,
         lambda t: replace_once(t, NEGATIVE, f"style{NB}string* required\n\nThe style preset to apply.\n\n{NEGATIVE}"),
         [("required-input-added", "/input/style", "breaking")], "major"),
    Case("optional-input-added", klein,
         lambda t: replace_once(t, NEGATIVE, f"style{NB}string\n\nThe style preset to apply.\n\n{NEGATIVE}"),
         [("optional-input-added", "/input/style", "non-breaking")], "minor"),
    Case("input-made-required", klein,
         lambda t: replace_once(t, f"seed{NB}integer\n\nThe seed to use", f"seed{NB}integer* required\n\nThe seed to use"),
         [("input-made-required", "/input/seed", "breaking")], "major"),
    Case("input-made-optional", klein,
         lambda t: replace_once(t, f"prompt{NB}string* required\n\nThe prompt to generate", f"prompt{NB}string\n\nThe prompt to generate"),
         [("input-made-optional", "/input/prompt", "non-breaking")], "minor"),
    Case("input-type-changed", klein,
         lambda t: replace_once(t, f"seed{NB}integer\n\nThe seed to use", f"seed{NB}string\n\nThe seed to use"),
         [("type-changed", "/input/seed", "breaking")], "major"),
    Case("enum-value-removed", klein,
         lambda t: replace_once(t, "Possible enum values: jpeg, png, webp", "Possible enum values: jpeg, png"),
         [("enum-value-removed", "/input/output_format", "breaking")], "major"),
    Case("enum-value-renamed", klein,
         lambda t: replace_once(t, "Possible enum values: none, regular, high", "Possible enum values: none, regular, turbo"),
         [("enum-value-renamed", "/input/acceleration", "breaking")], "major"),
    Case("enum-value-added", klein,
         lambda t: replace_once(t, "Possible enum values: jpeg, png, webp", "Possible enum values: jpeg, png, webp, avif"),
         [("enum-value-added", "/input/output_format", "non-breaking")], "minor"),
    Case("limit-narrowed", imagen4,
         lambda t: replace_once(t, "Number of images to generate (1-4)", "Number of images to generate (1-2)"),
         [("limit-narrowed", "/input/num_images", "breaking")], "major"),
    Case("limit-widened", imagen4,
         lambda t: replace_once(t, "Number of images to generate (1-4)", "Number of images to generate (1-8)"),
         [("limit-widened", "/input/num_images", "non-breaking")], "minor"),
    Case("max-length-narrowed", kling_video_to_audio,
         lambda t: replace_once(t, "Sound effect prompt. Cannot exceed 200 characters.", "Sound effect prompt. Cannot exceed 100 characters."),
         [("limit-narrowed", "/input/sound_effect_prompt", "breaking")], "major"),
    Case("output-field-removed", klein,
         lambda t: replace_once(t, f"has_nsfw_concepts{NB}list<boolean>* required\n\nWhether the generated images contain NSFW concepts.\n\n", ""),
         [("output-field-removed", "/output/has_nsfw_concepts", "breaking")], "major"),
    Case("output-made-optional", klein, lambda t: replace_once(t, f"seed{NB}integer* required", f"seed{NB}integer"),
         [("output-made-optional", "/output/seed", "breaking")], "major"),
    Case("output-type-changed", klein, lambda t: replace_once(t, f"seed{NB}integer* required", f"seed{NB}string* required"),
         [("type-changed", "/output/seed", "breaking")], "major"),
    Case("output-field-added", klein,
         lambda t: replace_once(t, f"prompt{NB}string* required\n\nThe prompt used",
                                f"nsfw_scores{NB}list<float>* required\n\nNSFW probability per image.\n\nprompt{NB}string* required\n\nThe prompt used"),
         [("output-field-added", "/output/nsfw_scores", "non-breaking")], "minor"),
    Case("nested-output-field-removed", klein, lambda t: replace_once(t, FILE_SIZE, ""),
         [("nested-output-type-changed", "/output/images/file_size", "breaking", "output-field-removed")], "major"),
    Case("nested-output-field-added", klein,
         lambda t: replace_once(t, FILE_SIZE, f"{FILE_SIZE}file_data{NB}string\n\nFile data\n\n"),
         [("nested-output-type-changed", "/output/images/file_data", "non-breaking", "output-field-added")], "minor"),
    Case("nested-input-field-removed", klein,
         lambda t: replace_once(t, f"width{NB}integer\n\nThe width of the generated image. Default value: 512\n\n", ""),
         [("input-field-removed", "/input/image_size/width", "breaking")], "major"),
    Case("capability-removed", klein, drop_streaming,
         [("capability-removed", "/capabilities/streaming", "breaking")], "major"),
    Case("capability-added", realtime, lambda t: replace_once(t, "Commercial use\n", "Commercial use\nStreaming\n"),
         [("capability-added", "/capabilities/streaming", "non-breaking")], "minor"),
    Case("default-changed", klein, lambda t: replace_once(t, "Default value: 28", "Default value: 30"),
         [("default-changed", "/input/num_inference_steps", "notable")], "patch"),
    Case("default-added", klein,
         lambda t: replace_once(t, "a random seed will be used.\n\nnum_inference", "a random seed will be used. Default value: 42\n\nnum_inference"),
         [("default-changed", "/input/seed", "notable")], "patch"),
    Case("description-changed", klein,
         lambda t: replace_once(t, "The seed to use for the generation.", "The seed that makes the generation reproducible."),
         [("description-changed", "/input/seed", "non-breaking")], "patch"),
    Case("nested-type-renamed", klein,
         lambda t: replace_once(replace_once(t, "ImageSize | Enum", "ImageDimensions | Enum"), "ImageSize#", "ImageDimensions#"),
         [], "none"),
    Case("enum-type-renamed", klein, lambda t: replace_once(t, "AccelerationEnum", "AccelerationModeEnum"), [], "none"),
]


@pytest.fixture(scope="module")
def base_specs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Callable[[], str]], Path]:
    """The unmutated page's specs, parsed once per page."""
    root = tmp_path_factory.mktemp("base")
    cache: dict[str, Path] = {}

    def get(page: Callable[[], str]) -> Path:
        if page.__name__ not in cache:
            cache[page.__name__] = specs_from_text(page(), root, page.__name__)
        return cache[page.__name__]

    return get


def _shape(change: dict[str, Any]) -> Expected:
    kind, location, verdict = str(change["kind"]), str(change["location"]), str(change["verdict"])
    return (kind, location, verdict, str(change["detail"])) if "detail" in change else (kind, location, verdict)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_one_doc_edit_gives_exactly_one_judged_change(case: Case, base_specs: Callable[[Callable[[], str]], Path], tmp_path: Path) -> None:
    original = case.page()
    mutated = case.mutate(original)
    assert mutated != original
    old = base_specs(case.page)
    new = specs_from_text(mutated, tmp_path, "new")

    code, report = run_diff(old, new, "--fail-on", "breaking")

    changes = report["changes"]
    assert isinstance(changes, list)
    assert [_shape(change) for change in changes] == case.expected, changes
    assert report["bump"] == case.bump
    breaking = any(item[2] == "breaking" for item in case.expected)
    assert code == (1 if breaking else 0)
    for change in changes:
        assert change["endpoint"] and set(change) >= {"endpoint", "location", "kind", "old", "new", "verdict"}


def test_values_carry_what_changed(base_specs: Callable[[Callable[[], str]], Path], tmp_path: Path) -> None:
    old = base_specs(imagen4)
    new = specs_from_text(imagen4().replace("(1-4)", "(1-2)"), tmp_path, "new")
    _, report = run_diff(old, new)
    [change] = report["changes"]
    assert change["endpoint"] == "fal-ai/imagen4/preview"
    assert change["old"] == {"minimum": 1, "maximum": 4}
    assert change["new"] == {"minimum": 1, "maximum": 2}

    renamed = specs_from_text(klein().replace("none, regular, high", "none, regular, turbo"), tmp_path, "renamed")
    _, report = run_diff(base_specs(klein), renamed)
    [change] = report["changes"]
    assert (change["old"], change["new"]) == ("high", "turbo")


def test_endpoint_added_and_removed(base_specs: Callable[[Callable[[], str]], Path], tmp_path: Path) -> None:
    """A new page (another real page) is a new endpoint; the reverse is a removal."""
    klein_only = base_specs(klein)
    realtime_specs = base_specs(realtime)
    both = tmp_path / "both"
    both.mkdir()
    for spec in [*klein_only.glob("*.json"), *realtime_specs.glob("*.json")]:
        (both / spec.name).write_bytes(spec.read_bytes())

    code, report = run_diff(klein_only, both, "--fail-on", "breaking")
    assert [_shape(c) for c in report["changes"]] == [("endpoint-added", "/", "non-breaking")]
    assert report["changes"][0]["endpoint"] == "fal-ai/flux-2/klein/realtime"
    assert (code, report["bump"]) == (0, "minor")

    code, report = run_diff(both, klein_only, "--fail-on", "breaking")
    assert [_shape(c) for c in report["changes"]] == [("endpoint-removed", "/", "breaking")]
    assert (code, report["bump"]) == (1, "major")


def test_fail_on_any_and_none(base_specs: Callable[[Callable[[], str]], Path], tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.tools.drift.command import diff_command

    def exit_code(*args: str) -> int:
        return CliRunner().invoke(diff_command, list(args)).exit_code

    old = base_specs(klein)
    notable = specs_from_text(klein().replace("Default value: 28", "Default value: 30", 1), tmp_path, "notable")
    assert run_diff(old, notable, "--fail-on", "any")[0] == 1
    assert exit_code(str(old), str(notable), "--fail-on", "breaking") == 0
    assert exit_code(str(old), str(old), "--fail-on", "any") == 0
    broken = specs_from_text(klein().replace(SEED_BLOCK, "", 1), tmp_path, "broken")
    assert exit_code(str(old), str(broken)) == 0  # --fail-on none is the default
    assert exit_code(str(old), str(broken), "--fail-on", "none") == 0
    assert exit_code(str(old), str(broken), "--fail-on", "breaking") == 1
