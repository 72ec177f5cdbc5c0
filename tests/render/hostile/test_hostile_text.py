"""Text from the docs is inert outside Python too: in the generated README, in the `falgen diff`
Markdown (the drift pull request's body) and its changelog entry, and in everything the
`fal-bindings` console script prints.

The hostile spec is fal's own OpenAPI document of `fal-ai/flux/dev` (`tests/docs/fal_openapi/`) with an
id, a title, a category, a description, an enum value and output values that carry table
breakers (`|`, newlines), backticks, HTML (`<img src=x onerror=...>`), terminal escape sequences
(screen clear, window title, 8-bit CSI) and bidi overrides. Markdown is checked by rendering it
with markdown-it (CommonMark + GFM tables, raw HTML on, as GitHub would let it through).
"""

from __future__ import annotations

import copy
import html
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from generator.core.ir import Diagnostic, Severity
from generator.docs.diagnostics_report import render_markdown as render_diagnostics
from generator.docs.parse import parse
from generator.render.generate import render_package, write_tree
from generator.spec.write import write_specs
from generator.tools.drift.compare import diff_dirs
from generator.tools.drift.report import render_changelog_entry, render_markdown
from tests.cli.helpers import SECRET, cli_env

SOURCE = Path(__file__).resolve().parents[2] / "docs" / "fal_openapi" / "fal-ai__flux__dev.json"
CONSOLE_SCRIPT = Path(sys.executable).parent / "fal-bindings"

EVIL_ID = "fal-ai/evil|tick`<img src=x onerror=alert(1)>"
ADDED_ID = "fal-ai/added``|<img src=z>"
TITLE = "Evil \x1b[2J\x1b]0;pwned\x07| `code` <img src=x onerror=alert(1)>\nsecond line \u202eevil"
DESCRIPTION = "Desc \x1b[31mred\x1b[0m \x9b1m c1 <script>alert(1)</script>"
CATEGORY = "cat|`egory`\x1b[5m<b>bold</b>\nnext"
ENUM_VALUE = "png|`<img src=y>`\x1b[1m\nz"
# What a terminal acts on, and what the checks look for in the CLI's output.
TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HTML_TAGS = re.compile(r"<(img|b|script)\b", re.I)


def fal_document(endpoint_id: str, *, hostile: bool) -> dict[str, Any]:
    """fal's OpenAPI document for `endpoint_id`: the flux/dev one, its text hostile or not."""
    document: dict[str, Any] = json.loads(SOURCE.read_text(encoding="utf-8"))
    document = json.loads(json.dumps(document).replace('"/fal-ai/flux/dev"', json.dumps("/" + endpoint_id)))
    document = copy.deepcopy(document)
    info = document["info"]
    info["x-fal-metadata"]["endpointId"] = endpoint_id
    schemas = document["components"]["schemas"]
    if hostile:
        info["title"], info["description"] = TITLE, DESCRIPTION
        info["x-fal-metadata"]["category"] = CATEGORY
        schemas["FluxDevInput"]["properties"]["output_format"]["enum"].append(ENUM_VALUE)
        schemas["FluxDevOutput"]["examples"] = [
            {
                "images": [{"url": "https://x/a.png", "width": 1, "height": 1, "content_type": "image/png\x1b[2J"}],
                "timings": {"\x1b]0;pwned\x07inference": 1.5},
                "seed": 7,
                "has_nsfw_concepts": [False],
                "prompt": "the emulator echoes the input prompt here",
            }
        ]
    return document


def build(workdir: Path, documents: list[dict[str, Any]]) -> tuple[Path, Path]:
    """Docs -> specs -> generated tree; returns (spec dir, tree)."""
    sources = workdir / "sources"
    sources.mkdir(parents=True)
    for index, document in enumerate(documents):
        (sources / f"{index}.json").write_text(json.dumps(document), encoding="utf-8")
    result = parse([sources], overlays=None)
    assert {e.id for e in result.endpoints} == {d["info"]["x-fal-metadata"]["endpointId"] for d in documents}
    specs = workdir / "openapi"
    write_specs(result.endpoints, specs)
    tree = workdir / "generated"
    write_tree(render_package(specs).files, tree)
    return specs, tree


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build(tmp_path_factory.mktemp("hostile"), [fal_document(EVIL_ID, hostile=True)])


# --------------------------------------------------------------------------- Markdown


def render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def table_rows(rendered: str) -> list[list[str]]:
    """The body rows of every table: each cell's text, tags stripped and entities decoded."""
    rows = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", rendered, re.S):
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            rows.append([html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in cells])
    return rows


def test_the_readme_table_keeps_its_shape_and_shows_the_id(hostile: tuple[Path, Path]) -> None:
    readme = (hostile[1] / "README.md").read_text(encoding="utf-8")
    rendered = render(readme)
    assert not HTML_TAGS.search(rendered), rendered
    rows = table_rows(rendered)
    assert len(rows) == 1 and len(rows[0]) == 3, rows
    assert rows[0][0] == EVIL_ID


@pytest.fixture(scope="module")
def drift(tmp_path_factory: pytest.TempPathFactory, hostile: tuple[Path, Path]) -> Any:
    old, _ = build(tmp_path_factory.mktemp("old"), [fal_document(EVIL_ID, hostile=False)])
    new, _ = build(
        tmp_path_factory.mktemp("new"), [fal_document(EVIL_ID, hostile=True), fal_document(ADDED_ID, hostile=True)]
    )
    return diff_dirs(old, new)


def test_the_diff_markdown_keeps_its_tables_and_headings(drift: Any) -> None:
    kinds = {change.kind for change in drift.changes}
    assert {"endpoint-added", "category-changed", "enum-value-added"} <= kinds, kinds
    markdown = render_markdown(drift)
    assert "\x1b" not in markdown and "\u202e" not in markdown
    rendered = render(markdown)
    assert not HTML_TAGS.search(rendered), rendered
    headings = [html.unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h3>(.*?)</h3>", rendered, re.S)]
    assert sorted(headings) == sorted({change.endpoint for change in drift.changes})
    rows = table_rows(rendered)
    summary, changes = rows[:3], rows[3:]
    assert [row[0] for row in summary] == ["breaking", "non-breaking", "notable"]
    assert len(changes) == len(drift.changes) and all(len(row) == 5 for row in changes), changes
    category = next(row for row in changes if row[1] == "category changed")
    assert "cat|`egory`" in category[4] and "<b>bold</b>" in category[4] and "\n" not in category[4], category


def test_the_changelog_entry_has_one_item_per_change(drift: Any) -> None:
    entry = render_changelog_entry(drift, "1.0.0")
    assert "\x1b" not in entry
    rendered = render(entry)
    assert not HTML_TAGS.search(rendered), rendered
    assert len(re.findall(r"<li>", rendered)) == len(drift.changes)


def test_the_diagnostics_report_keeps_its_table() -> None:
    diagnostic = Diagnostic(
        severity=Severity.WARNING,
        code="example-mismatch",
        message=f"value {ENUM_VALUE!r} <img src=q> is not one of `x`|y",
        file="specs/sources/x.json",
        line=3,
        endpoint_id=EVIL_ID,
    )
    info = {"pages": 1, "endpoints": 1, "fields": 1, "diagnostics": {"warning:example-mismatch": 1}}
    rendered = render(render_diagnostics(info, [diagnostic]))  # type: ignore[arg-type]
    assert not HTML_TAGS.search(rendered), rendered
    rows = table_rows(rendered)
    assert [len(row) for row in rows] == [3, 4]
    assert rows[1][1] == EVIL_ID and "<img src=q>" in rows[1][3]


# --------------------------------------------------------------------------- the console script


def script(tree: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real console script, importing `fal_bindings` from the hostile tree."""
    environment = cli_env({**(env or {}), "PYTHONPATH": str(tree)})
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args], env=environment, capture_output=True, text=True, encoding="utf-8", timeout=60
    )


def assert_inert(done: subprocess.CompletedProcess[str]) -> str:
    out = done.stdout + done.stderr
    assert not TERMINAL_CONTROL.search(out), repr(out[:3000])
    assert "Traceback" not in done.stderr, done.stderr
    return out


@pytest.mark.slow
def test_list_show_and_help_print_no_control_sequences(hostile: tuple[Path, Path]) -> None:
    tree = hostile[1]
    listed = script(tree, "list")
    assert listed.returncode == 0, listed.stderr
    out = assert_inert(listed)
    assert EVIL_ID in out and "Evil " in out and "second line" in out  # the text stays, inert
    assert len(listed.stdout.splitlines()) == 2  # header and one row: the newline did not split it
    shown = script(tree, "show", EVIL_ID)
    assert shown.returncode == 0, shown.stderr
    assert "Desc red" in assert_inert(shown)
    helped = script(tree, "run", EVIL_ID, "--help")
    assert helped.returncode == 0, helped.stderr
    assert "--output-format" in assert_inert(helped)
    wrong = script(tree, "run", EVIL_ID, "--prompt", "x", "--output-format", "gif", "--dry-run")
    assert wrong.returncode == 2  # click lists the choices, the hostile one among them
    assert_inert(wrong)


@pytest.fixture(scope="module")
def hostile_emulator(hostile: tuple[Path, Path]) -> Iterator[Any]:
    from fal_bindings.testing import emulator

    with emulator(hostile[0], key=SECRET, fast_retries=True) as running:
        yield running


@pytest.mark.slow
def test_printed_outputs_and_errors_are_inert(hostile: tuple[Path, Path], hostile_emulator: Any) -> None:
    from fal_bindings.testing import AppError

    tree, env = hostile[1], hostile_emulator.env
    summary = script(tree, "run", EVIL_ID, "--prompt", "x", "--quiet", env=env)
    assert summary.returncode == 0, summary.stderr
    assert "(image/png, 1x1)" in assert_inert(summary)  # the sequence after image/png is gone
    raw = script(tree, "run", EVIL_ID, "--prompt", "x", "--json", "--quiet", env=env)
    assert raw.returncode == 0, raw.stderr
    assert_inert(raw)
    output = json.loads(raw.stdout)  # faithful: the JSON still holds every character
    assert output["images"][0]["content_type"] == "image/png\x1b[2J"
    assert output["timings"] == {"\x1b]0;pwned\x07inference": 1.5}
    prompt = "\x1b]52;c;cHduZWQ=\x07clipboard \u009b31mred \u202eevil"  # what the user typed is echoed back
    echoed = script(tree, "run", EVIL_ID, "--prompt", prompt, "--quiet", env=env)
    assert echoed.returncode == 0, echoed.stderr
    assert "prompt: clipboard red evil" in assert_inert(echoed)
    hostile_emulator.configure(EVIL_ID, error=AppError(500, "boom \x1b]0;pwned\x07\x1b[2J <img>"))
    try:
        failed = script(tree, "run", EVIL_ID, "--prompt", "x", "--quiet", env=env)
    finally:
        hostile_emulator.configure(EVIL_ID, error=None)
    assert failed.returncode == 1
    assert "boom" in assert_inert(failed)
