"""Bad doc pages through the `falgen parse` CLI (in the spirit of openapi-python-client's
`documents_with_errors` end-to-end tests).

Each case writes a small bad page, runs `falgen parse <file> --out <tmp>/openapi --report <tmp>`
as a subprocess and checks the CLI contract: exit 0 without error diagnostics, 1 with them,
2 on usage errors; never a traceback; every expected diagnostic in `diagnostics.json` with a
file and a line; and a spec still written for each endpoint that could be parsed.
"""

from __future__ import annotations

import json
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.core.ir import Endpoint
from tests.docs._support import NBSP, P001, P004, ROOT, falgen

pytestmark = pytest.mark.slow  # every test here starts a process


@dataclass
class Run:
    process: subprocess.CompletedProcess[str]
    diagnostics: list[dict[str, object]]
    specs: dict[str, Endpoint]
    """Endpoint id -> the endpoint read back from its written spec."""

    @property
    def code(self) -> int:
        return self.process.returncode

    def with_code(self, code: str) -> list[dict[str, object]]:
        return [d for d in self.diagnostics if d["code"] == code]


def run_parse(tmp_path: Path, *files: str) -> Run:
    process = falgen("parse", *files, "--out", "out/openapi", "--report", "out", "--no-overlays", cwd=tmp_path)
    assert "Traceback" not in process.stderr, process.stderr
    assert "Traceback" not in process.stdout, process.stdout
    report = tmp_path / "out" / "diagnostics.json"
    diagnostics: list[dict[str, object]] = []
    if report.exists():
        diagnostics = json.loads(report.read_text(encoding="utf-8"))["diagnostics"]
    specs: dict[str, Endpoint] = {}
    spec_dir = tmp_path / "out" / "openapi"
    if spec_dir.is_dir():
        from generator.spec.read import read_openapi_bytes

        for path in sorted(spec_dir.glob("*.json")):
            endpoints, _ = read_openapi_bytes(path.read_bytes(), path.name)
            for endpoint in endpoints:
                specs[endpoint.id] = endpoint
    return Run(process, diagnostics, specs)


def expect_diagnostic(run: Run, code: str, file: str, line: int | None = None) -> dict[str, object]:
    found = run.with_code(code)
    assert found, f"no {code!r} in {[(d['code'], d['line']) for d in run.diagnostics]}\n{run.process.stderr}"
    for diagnostic in found:
        assert diagnostic["file"], diagnostic
        assert isinstance(diagnostic["line"], int) and diagnostic["line"] > 0, diagnostic
    matching = [d for d in found if d["file"] == file and (line is None or d["line"] == line)]
    assert matching, f"{code!r} not at {file}:{line}: {found}"
    return matching[0]


def page_lines(relative: str, first: int = 1, last: int | None = None) -> list[str]:
    lines = (ROOT / relative).read_text(encoding="utf-8").split("\n")
    return lines[first - 1 : last]


def write(tmp_path: Path, name: str, lines: list[str] | bytes) -> str:
    path = tmp_path / name
    if isinstance(lines, bytes):
        path.write_bytes(lines)
    else:
        path.write_text("\n".join(lines), encoding="utf-8")
    return name


IMAGEN4 = (1, 228)  # fal-ai/imagen4/preview, the first page of the bundle


# -- cases ------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    name = write(tmp_path, "empty.txt", b"")
    run = run_parse(tmp_path, name)
    assert run.code == 1
    expect_diagnostic(run, "empty-source", name, 1)
    assert run.specs == {}


def test_whitespace_only_file(tmp_path: Path) -> None:
    name = write(tmp_path, "blank.txt", b"\n \n\t\r\n\xc2\xa0\n")
    run = run_parse(tmp_path, name)
    assert run.code == 1
    expect_diagnostic(run, "empty-source", name, 1)


def test_binary_garbage(tmp_path: Path) -> None:
    rng = random.Random(20240501)
    data = bytes(rng.randrange(256) for _ in range(4096)) + b"\x00\x00\xff\xfe\x00"
    name = write(tmp_path, "garbage.txt", data)
    run = run_parse(tmp_path, name)
    assert run.code == 1  # nothing readable: an error, not just a warning
    expect_diagnostic(run, "undecodable-bytes", name)
    expect_diagnostic(run, "no-schema", name)
    assert any(d["severity"] == "error" for d in run.diagnostics)
    assert run.specs == {}


def test_binary_garbage_as_html(tmp_path: Path) -> None:
    rng = random.Random(7)
    data = b"<html><body>" + bytes(rng.randrange(256) for _ in range(2048)) + b"\x00</body>"
    name = write(tmp_path, "garbage.html", data)
    run = run_parse(tmp_path, name)
    assert run.code == 1
    expect_diagnostic(run, "undecodable-bytes", name)
    assert run.specs == {}


def test_page_cut_off_mid_schema(tmp_path: Path) -> None:
    # 001 cut at its line 200: in the middle of the Input section (enable_cns' description).
    name = write(tmp_path, "cut.txt", page_lines(P001, 1, 200))
    run = run_parse(tmp_path, name)
    spec = run.specs.get("fal-ai/flux-2/klein/4b/base")
    assert spec is not None, "the fields read before the cut still make a spec"
    assert [f.name for f in spec.input.fields] == [
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
    ]
    assert spec.output.fields == []
    # The missing Output is reported with a location.
    output = [d for d in run.diagnostics if "output" in str(d["code"]) or "Output" in str(d["message"])]
    assert output and all(d["file"] == name and int(d["line"]) > 0 for d in output)  # type: ignore[call-overload]


def test_page_cut_off_mid_schema_is_an_error(tmp_path: Path) -> None:
    name = write(tmp_path, "cut.txt", page_lines(P001, 1, 200))
    run = run_parse(tmp_path, name)
    assert run.code == 1
    errors = [d for d in run.diagnostics if d["severity"] == "error"]
    assert errors and all(d["file"] == name and int(d["line"]) > 1 for d in errors)  # type: ignore[call-overload]


def test_unknown_type_syntax_nbsp_layout(tmp_path: Path) -> None:
    lines = page_lines(P001)
    assert lines[153] == f"seed{NBSP}integer"  # 001:154
    lines[153] = f"seed{NBSP}weird<<type"
    name = write(tmp_path, "weird.txt", lines)
    run = run_parse(tmp_path, name)
    assert run.code == 0  # the field is kept (typed as any): a warning, not an error
    expect_diagnostic(run, "unknown-type", name, 154)
    spec = run.specs["fal-ai/flux-2/klein/4b/base"]
    seed = spec.input.field("seed")
    assert seed is not None and seed.type.kind == "any"
    assert seed.description.startswith("The seed to use for the generation.")


def test_unknown_type_syntax_bundle_layout(tmp_path: Path) -> None:
    lines = page_lines(P004, *IMAGEN4)
    assert lines[179] == "seed integer"  # 004:180
    lines[179] = "seed weird<<type"
    name = write(tmp_path, "weird_bundle.txt", lines)
    run = run_parse(tmp_path, name)
    assert run.code == 0
    expect_diagnostic(run, "unknown-type", name, 180)
    spec = run.specs["fal-ai/imagen4/preview"]
    assert spec.input.field("seed") is not None
    assert "weird" not in spec.input.field("num_images").description  # type: ignore[union-attr]


def test_broken_example_json(tmp_path: Path) -> None:
    lines = page_lines(P001)
    assert lines[249] == '  "guidance_scale": 5,'  # 001:250, inside the Input example (248-268)
    lines[249] = '  "guidance_scale": 5,,'
    name = write(tmp_path, "badjson.txt", lines)
    run = run_parse(tmp_path, name)
    assert run.code == 1
    found = expect_diagnostic(run, "bad-example-json", name)
    assert 248 <= int(found["line"]) <= 268  # type: ignore[call-overload]
    spec = run.specs["fal-ai/flux-2/klein/4b/base"]
    assert spec.example_input is None  # dropped, not guessed
    assert len(spec.input.fields) == 23  # the schema itself is intact
    assert spec.example_output is not None


def test_unterminated_example_json(tmp_path: Path) -> None:
    # The Input example never closes: the rest of the page must not be swallowed silently.
    lines = page_lines(P001)
    assert lines[267] == "}"  # 001:268
    del lines[267]
    name = write(tmp_path, "unterminated.txt", lines)
    run = run_parse(tmp_path, name)
    assert run.code == 1
    expect_diagnostic(run, "bad-example-json", name)
    assert "fal-ai/flux-2/klein/4b/base" in run.specs


def test_unterminated_example_keeps_the_rest_of_the_page(tmp_path: Path) -> None:
    lines = page_lines(P001)
    del lines[267]  # the example's closing "}" (001:268)
    name = write(tmp_path, "unterminated.txt", lines)
    run = run_parse(tmp_path, name)
    spec = run.specs["fal-ai/flux-2/klein/4b/base"]
    assert [f.name for f in spec.output.fields] == ["images", "timings", "seed", "has_nsfw_concepts", "prompt"]
    assert {"ImageFile", "ImageSize", "RawImage"} <= {t.name for t in spec.types}
    assert not run.with_code("empty-output")


def test_page_without_schema_section(tmp_path: Path) -> None:
    name = write(tmp_path, "noschema.txt", page_lines(P001, 1, 137))  # everything before "5. Schema#"
    run = run_parse(tmp_path, name)
    assert run.code == 1
    found = expect_diagnostic(run, "no-schema", name)
    assert found["endpoint_id"] == "fal-ai/flux-2/klein/4b/base"


def test_two_conflicting_copies_in_one_bundle(tmp_path: Path) -> None:
    first = page_lines(P004, *IMAGEN4)
    second = list(first)
    assert second[177] == "Number of images to generate (1-4) Default value: 1"  # 004:178
    second[177] = "Number of images to generate (1-4) Default value: 2"
    second[182:186] = ["resolution ResolutionEnum", 'Default value: "2K"', "", "Possible enum values: 1K, 2K, 4K"]
    name = write(tmp_path, "bundle.txt", first + second)
    run = run_parse(tmp_path, name)
    assert run.code == 0  # recoverable: one copy kept, the difference reported
    found = expect_diagnostic(run, "duplicate-page-conflict", name, len(first) + 1)
    assert found["endpoint_id"] == "fal-ai/imagen4/preview"
    assert "num_images" in str(found["message"]) and "resolution" in str(found["message"])
    assert list(run.specs) == ["fal-ai/imagen4/preview"]
    spec = run.specs["fal-ai/imagen4/preview"]
    assert sorted((s.file, s.line) for s in spec.sources) == [(name, 1), (name, len(first) + 1)]


def test_identical_copies_in_one_bundle(tmp_path: Path) -> None:
    page = page_lines(P004, *IMAGEN4)
    name = write(tmp_path, "bundle.txt", page + page)
    run = run_parse(tmp_path, name)
    assert run.code == 0
    expect_diagnostic(run, "duplicate-page", name, len(page) + 1)
    assert not run.with_code("duplicate-page-conflict")
    assert list(run.specs) == ["fal-ai/imagen4/preview"]


def test_good_page_still_written_next_to_bad_ones(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", page_lines(P004, *IMAGEN4))
    empty = write(tmp_path, "empty.txt", b"")
    garbage = write(tmp_path, "garbage.txt", bytes(range(256)) * 4)
    noschema = write(tmp_path, "noschema.txt", ["fal-ai/nothing/here", "", "A page without a schema.", ""])
    run = run_parse(tmp_path, good, empty, garbage, noschema)
    assert run.code == 1
    assert "fal-ai/imagen4/preview" in run.specs
    assert len(run.specs["fal-ai/imagen4/preview"].input.fields) == 6
    expect_diagnostic(run, "empty-source", empty, 1)
    expect_diagnostic(run, "no-schema", noschema)
    assert not [d for d in run.diagnostics if d["file"] == good and d["severity"] == "error"]


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    lines = page_lines(P001)
    lines[153] = f"seed{NBSP}weird<<type"
    name = write(tmp_path, "weird.txt", lines)
    process = falgen(
        "parse", name, "--out", "out/openapi", "--report", "out", "--no-overlays", "--strict", cwd=tmp_path
    )
    assert process.returncode == 1
    assert "Traceback" not in process.stderr


def test_nonexistent_source_is_a_usage_error(tmp_path: Path) -> None:
    process = falgen("parse", "does-not-exist.txt", "--out", "out/openapi", "--report", "out", cwd=tmp_path)
    assert process.returncode == 2
    assert "Traceback" not in process.stderr
    assert "does-not-exist.txt" in process.stderr
    assert not (tmp_path / "out" / "diagnostics.json").exists()


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    process = falgen("parse", "--no-such-option", cwd=tmp_path)
    assert process.returncode == 2
    assert "Traceback" not in process.stderr
