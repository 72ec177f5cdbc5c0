"""The saved-HTML front-end gives the same IR as the scraped text of the same page.

`tests/parser/html/` holds three saved fal doc pages written as plausible fal-docs HTML
(site header and nav, headings with `#` anchor links, field rows as spans, descriptions
in `<p>`, code samples and examples in `<pre>`, a footer, scripts) carrying the same
content as:

- `000_flux-2-klein-realtime.html`  <- specs/sources/000 (realtime, nested-quote default)
- `001_flux-2-klein-4b-base.html`   <- specs/sources/001 (streaming, `ImageSize | Enum`, Note)
- `004_imagen4-preview.html`        <- specs/sources/004 lines 1-228 (a bundle page)

Each is parsed on its own and compared with its text page parsed on its own; provenance
(file:line) is removed before comparing, since line numbers differ by construction.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.core.ir import ParseResult
from generator.docs.html import html_to_lines
from generator.docs.parse import parse
from tests.docs._support import HTML_DIR, NBSP, P000, P001, P004, ROOT, strip_provenance

PAGES = {
    "000_flux-2-klein-realtime.html": (P000, 1, None),
    "001_flux-2-klein-4b-base.html": (P001, 1, None),
    "004_imagen4-preview.html": (P004, 1, 228),
}


def text_page(tmp_path: Path, html_name: str) -> Path:
    source, first, last = PAGES[html_name]
    lines = (ROOT / source).read_text(encoding="utf-8").split("\n")[first - 1 : last]
    path = tmp_path / (Path(html_name).stem + ".txt")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def without_chrome(tmp_path: Path, html_name: str) -> Path:
    """The same saved page with the site header/nav and footer cut out."""
    source = (HTML_DIR / html_name).read_text(encoding="utf-8")
    source = re.sub(r"<header\b.*?</header>|<footer\b.*?</footer>", "", source, flags=re.S)
    path = tmp_path / html_name
    path.write_text(source, encoding="utf-8")
    return path


def comparable(result: ParseResult) -> object:
    return strip_provenance([endpoint.model_dump(mode="json") for endpoint in result.endpoints])


def assert_same_ir(text: ParseResult, html: ParseResult) -> None:
    expected, actual = comparable(text), comparable(html)
    if expected != actual:
        # A readable first difference rather than a wall of JSON.
        a = json.dumps(expected, indent=1, ensure_ascii=False).splitlines()
        b = json.dumps(actual, indent=1, ensure_ascii=False).splitlines()
        import difflib

        diff = "\n".join(list(difflib.unified_diff(a, b, "text", "html", lineterm="", n=2))[:40])
        pytest.fail(f"HTML IR differs from the text page's IR:\n{diff}")


CHROME_REASON = (
    "the HTML front-end keeps the site chrome: the <header>/<nav> links become a header line "
    "('fal Explore Docs Pricing Dashboard') that is taken as the title, and the <footer> text is "
    "appended to the last field's description"
)
TITLE_REASON = (
    "001 states its title only as the document title ('FLUX.2 [klein] 4B Base Text to Image API Docs | fal', "
    "the text scrape's last line 001:348); the HTML front-end skips <head>, so <title> is lost and the "
    "title falls back to the endpoint id"
)


@pytest.mark.parametrize(
    "html_name",
    sorted(PAGES),
)
def test_saved_html_gives_the_text_pages_ir(tmp_path: Path, html_name: str) -> None:
    text = parse([text_page(tmp_path, html_name)], overlays=None)
    html = parse([HTML_DIR / html_name], overlays=None)
    assert_same_ir(text, html)


@pytest.mark.parametrize(
    "html_name",
    sorted(PAGES),
)
def test_saved_html_without_site_chrome_gives_the_text_pages_ir(tmp_path: Path, html_name: str) -> None:
    text = parse([text_page(tmp_path, html_name)], overlays=None)
    html = parse([without_chrome(tmp_path, html_name)], overlays=None)
    assert_same_ir(text, html)


@pytest.mark.parametrize("html_name", sorted(PAGES))
def test_saved_html_schemas_match_apart_from_chrome(tmp_path: Path, html_name: str) -> None:
    """Everything but title, description and the last field's text: id, capabilities, every
    field's name, type, required-ness, default and constraints, nested types and examples."""
    text = parse([text_page(tmp_path, html_name)], overlays=None)
    html = parse([HTML_DIR / html_name], overlays=None)
    assert [e.id for e in html.endpoints] == [e.id for e in text.endpoints]
    for a, b in zip(text.endpoints, html.endpoints, strict=True):
        assert b.capabilities == a.capabilities
        for schema_a, schema_b in zip(a.all_schemas(), b.all_schemas(), strict=True):
            assert schema_b.name == schema_a.name
            assert [f.name for f in schema_b.fields] == [f.name for f in schema_a.fields]
            for fa, fb in zip(schema_a.fields, schema_b.fields, strict=True):
                for attribute in ("type", "required", "required_source", "has_default", "default", "constraints"):
                    assert getattr(fb, attribute) == getattr(fa, attribute), f"{schema_a.name}.{fa.name}.{attribute}"
        assert strip_provenance(b.example_input.model_dump() if b.example_input else None) == strip_provenance(
            a.example_input.model_dump() if a.example_input else None
        )
        assert strip_provenance(b.example_output.model_dump() if b.example_output else None) == strip_provenance(
            a.example_output.model_dump() if a.example_output else None
        )


@pytest.mark.parametrize("html_name", sorted(PAGES))
def test_saved_html_reports_the_same_anomalies(tmp_path: Path, html_name: str) -> None:
    text = parse([text_page(tmp_path, html_name)], overlays=None)
    html = parse([without_chrome(tmp_path, html_name)], overlays=None)
    assert sorted((d.code, d.endpoint_id) for d in html.diagnostics) == sorted(
        (d.code, d.endpoint_id) for d in text.diagnostics
    )


def test_html_provenance_points_into_the_html_file() -> None:
    result = parse([HTML_DIR / "001_flux-2-klein-4b-base.html"], overlays=None)
    endpoint = result.endpoints[0]
    html_lines = (HTML_DIR / "001_flux-2-klein-4b-base.html").read_text(encoding="utf-8").split("\n")
    for schema, name in (("input", "prompt"), ("input", "image_size"), ("output", "timings")):
        f = getattr(endpoint, schema).field(name)
        assert f is not None and f.provenance is not None
        assert f.provenance.file.endswith("001_flux-2-klein-4b-base.html")
        row = html_lines[f.provenance.line - 1]
        assert f'<span class="field-name">{name}</span>' in row, (name, f.provenance.line, row)
    assert endpoint.example_input is not None and endpoint.example_input.provenance is not None
    assert "<pre" in html_lines[endpoint.example_input.provenance.line - 1]


def test_html_to_lines_reduces_markup_to_scrape_lines() -> None:
    html = """<!DOCTYPE html>
<html><head><title>T</title><script>var schema = "Input#";</script><style>p{}</style></head>
<body>
<h2 id="schema">5. Schema<a href="#schema">#</a></h2>
<h3 id="input">Input<a href="#input">#</a></h3>
<div><span>prompt</span>&nbsp;<span>string</span><span>* required</span></div>
<p>The prompt. <span>Default value: <code>"a b"</code></span></p>
<p>Possible enum values: <code>x</code>, <code>y</code></p>
<pre><code>{
  "prompt": "a &lt;b&gt;"
}</code></pre>
<script>document.write("seed&nbsp;integer")</script>
</body></html>
"""
    lines = html_to_lines(html, "page.html")
    texts = [line.text for line in lines if line.text]
    assert texts == [
        "5. Schema#",
        "Input#",
        f"prompt{NBSP}string* required",
        'The prompt. Default value: "a b"',
        "Possible enum values: x, y",
        "{",
        '  "prompt": "a <b>"',
        "}",
        "T",  # the document <title> closes the stream, as the scrape's "... API Docs | fal" line does
    ]
    verbatim = [line for line in lines if line.verbatim]
    assert [line.number for line in verbatim] == [9, 10, 11]
    field_line = next(line for line in lines if line.text.startswith("prompt"))
    assert field_line.number == 6 and field_line.file == "page.html"


# -- bounded inputs: nesting depth ------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "depth"), [("li", 1_000), ("div", 1_000), pytest.param("li", 100_000, marks=pytest.mark.slow)]
)
def test_unclosed_tags_nest_deeply_without_recursion_error(tmp_path: Path, tag: str, depth: int) -> None:
    """html.parser nests unclosed tags: `<li>` x N is N levels deep. The page is read (one line
    per block) and reported, and the other page of the same parse is unaffected."""
    hostile = tmp_path / "deep.html"
    hostile.write_text(f"<html><body><ul>{f'<{tag}>item ' * depth}</ul></body></html>", encoding="utf-8")
    lines = html_to_lines(hostile.read_text(encoding="utf-8"), hostile.name)
    assert [line.text for line in lines] == ["item"] * depth
    result = parse([hostile, HTML_DIR / "001_flux-2-klein-4b-base.html"], overlays=None)
    assert [e.id for e in result.endpoints] == ["fal-ai/flux-2/klein/4b/base"]
    assert {d.code for d in result.diagnostics if d.file.endswith("deep.html")} >= {"no-schema"}


def test_a_page_inside_thousands_of_unclosed_tags_gives_the_same_ir(tmp_path: Path) -> None:
    source = (HTML_DIR / "001_flux-2-klein-4b-base.html").read_text(encoding="utf-8")
    nested = source.replace("<main", "<div>" * 5_000 + "<main", 1)
    assert nested != source
    path = tmp_path / "001_flux-2-klein-4b-base.html"
    path.write_text(nested, encoding="utf-8")
    assert_same_ir(parse([HTML_DIR / path.name], overlays=None), parse([path], overlays=None))
