"""Mutated real doc pages never make the parser raise.

Each example takes a real page (a single page of either layout, or a slice of the bundle),
mutates it the way scrapes go wrong (lines lost, repeated, shuffled, the page cut short,
stray bytes or unicode, non-breaking spaces turned into plain spaces), writes it to a file
and runs the front-end and the full parse on it. Anything may be reported as diagnostics;
nothing may raise.

`FALGEN_FUZZ_EXAMPLES` sets the number of examples per test (default 60, quick enough for
`make test`; raise it for a longer fuzzing run).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core.ir import ParseResult, Severity
from generator.docs.parse import parse
from tests.docs._support import NBSP, P000, P001, P002, P003, P004, ROOT
from tests.fuzz_report import counted, fuzz_report  # noqa: F401  (fixture: reports example counts)

EXAMPLES = int(os.environ.get("FALGEN_FUZZ_EXAMPLES", "60"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
)


def _bundle_slice() -> bytes:
    # Three bundle pages: imagen4, kontext max t2i (many nested types), krea-lora stream.
    lines = (ROOT / P004).read_bytes().split(b"\n")
    return b"\n".join(lines[:903])


SEEDS: dict[str, bytes] = {
    "000.txt": (ROOT / P000).read_bytes(),
    "001.txt": (ROOT / P001).read_bytes(),
    "002.txt": (ROOT / P002).read_bytes(),
    "003.txt": (ROOT / P003).read_bytes(),
    "bundle.txt": _bundle_slice(),
}

_SCHEMA_START = {name: data.find(b"Schema") for name, data in SEEDS.items()}


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def mutated_page(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    lines = _lines(SEEDS[name])
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if not lines:
            lines = [b""]
        kind = draw(
            st.sampled_from(
                ["delete", "duplicate", "shuffle", "truncate", "bytes", "unicode", "nbsp", "swap-heading", "join"]
            )
        )
        at = draw(st.integers(min_value=0, max_value=max(len(lines) - 1, 0)))
        if kind == "delete":
            count = draw(st.integers(min_value=1, max_value=12))
            del lines[at : at + count]
        elif kind == "duplicate":
            count = draw(st.integers(min_value=1, max_value=40))
            lines[at:at] = lines[at : at + count]
        elif kind == "shuffle":
            count = draw(st.integers(min_value=2, max_value=15))
            window = lines[at : at + count]
            lines[at : at + count] = draw(st.permutations(window))
        elif kind == "truncate":
            cut = draw(st.integers(min_value=0, max_value=len(lines)))
            lines = lines[:cut]
            if lines and draw(st.booleans()):
                # Cut inside a line too.
                last = lines[-1]
                lines[-1] = last[: draw(st.integers(min_value=0, max_value=len(last)))]
        elif kind == "bytes":
            junk = draw(st.binary(min_size=1, max_size=40))
            line = lines[at]
            pos = draw(st.integers(min_value=0, max_value=len(line)))
            lines[at] = line[:pos] + junk + line[pos:]
        elif kind == "unicode":
            junk = draw(st.text(min_size=1, max_size=20)).encode("utf-8", "surrogatepass")
            line = lines[at]
            pos = draw(st.integers(min_value=0, max_value=len(line)))
            lines[at] = line[:pos] + junk + line[pos:]
        elif kind == "nbsp":
            if draw(st.booleans()):
                lines = [line.replace(NBSP.encode(), b" ") for line in lines]
            else:
                lines[at] = lines[at].replace(NBSP.encode(), b" ")
        elif kind == "swap-heading":
            lines[at] = draw(
                st.sampled_from(
                    [
                        b"Input#",
                        b"Output#",
                        b"Other types#",
                        b"5. Schema#",
                        b"Input",
                        b"#",
                        b"{",
                        b"}",
                        b"[",
                        b"Default value: ",
                        b"Possible enum values: ",
                        "x\u00a0list<".encode(),
                        "y\u00a0A | | B".encode(),
                        b"Note:",
                        b"fal-ai/x/y",
                        b"al-ai/flux-2",
                        b'"image_size": {',
                        b"Related Models",
                    ]
                )
            )
        elif kind == "join" and at + 1 < len(lines):
            lines[at : at + 2] = [lines[at] + lines[at + 1]]
    return name, b"\n".join(lines)


def _run(name: str, data: bytes) -> ParseResult:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        path.write_bytes(data)
        result = parse([path], overlays=None)
    for diagnostic in result.diagnostics:
        assert diagnostic.file, diagnostic
    return result


@FUZZ
@given(mutated_page())
@counted
def test_mutated_pages_never_raise(page: tuple[str, bytes]) -> None:
    name, data = page
    result = _run(name, data)
    for endpoint in result.endpoints:
        assert endpoint.id
        # Whatever is produced must still be a valid IR document (serialisable, re-readable).
        type(endpoint).model_validate_json(endpoint.model_dump_json())


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["page.txt", "page.html", "page.md"]))
@counted
def test_random_bytes_never_raise(data: bytes, name: str) -> None:
    result = _run(name, data)
    if not data.strip():
        assert any(d.severity is Severity.ERROR for d in result.diagnostics)


@FUZZ
@given(
    st.lists(
        st.sampled_from(_lines(SEEDS["001.txt"])[138:300] + _lines(SEEDS["bundle.txt"])[160:230]),
        min_size=0,
        max_size=80,
    )
)
@counted
def test_recombined_schema_lines_never_raise(lines: list[bytes]) -> None:
    # Schema lines of both layouts in any order, after a real header.
    head = b"\n".join(_lines(SEEDS["001.txt"])[:140])
    _run("mixed.txt", head + b"\n" + b"\n".join(lines))
