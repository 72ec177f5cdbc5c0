"""Builders for adversarial doc pages, in the two layouts of `specs/sources`.

- `nbsp_page`: the single-page scrape (`specs/sources/001_*.txt`): `name\\u00a0type* required`,
  a blank line, the description, a blank line; headings as `Input#`.
- `bundle_page`: the bundle scrape (`specs/sources/004_*.txt`): `name type` with a plain space,
  the description on the line below, headings split over two lines (`Input` / `#`), no marks.

A page is described by `Field`s; the builders only lay text out, they never escape anything:
whatever a field holds reaches the parser exactly as a scrape would deliver it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

NB = "\u00a0"
UNSET: Any = object()
"""`Field.expected_default` when the default is not checked."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def as_read(text: str) -> str:
    """Doc text as the scrape front-end keeps it: control characters dropped, ends stripped."""
    return _CONTROL.sub("", text).strip()


@dataclass
class Field:
    name: str
    type: str
    description: str = ""
    required: bool = False
    default: str | None = None
    """The text after `Default value: ` (written as the page writes it: `"png"`, `5`, `abc`)."""
    enum: list[str] | None = None
    """Values of the `Possible enum values:` line (joined with `, `)."""
    expected_enum: list[Any] | None = None
    """The enum as the bindings must offer it (default: `enum`, each value as read)."""
    expected_default: Any = UNSET
    """The default the Input/Output JSON schema must show (None: no usable default)."""
    checked: bool = True
    """False: the page layout cannot carry this field intact; only "nothing crashes" is checked."""

    def expectation(self) -> dict[str, Any]:
        out: dict[str, Any] = {"description": as_read(self.description)}
        if self.expected_enum is not None:
            out["enum"] = self.expected_enum
        elif self.enum is not None:
            out["enum"] = [value for value in (as_read(v) for v in ",".join(self.enum).split(",")) if value]
        if self.expected_default is not UNSET:
            out["default"] = self.expected_default
        return out


@dataclass
class PageSpec:
    """Everything one hostile page states, and what the test expects of it."""

    endpoint_id: str
    title: str
    description: str
    inputs: list[Field]
    outputs: list[Field]
    types: dict[str, list[Field]] = field(default_factory=dict)
    example_input: Any = None
    example_output: Any = None
    about: str = "Generates things."
    code_id: str | None = None
    """The id in the code samples (default: `endpoint_id`); None in `endpoint_id` drops the id line."""
    id_line: bool = True
    raw_input_example: str | None = None
    """A verbatim Input example block (for broken JSON); overrides `example_input`."""
    check_examples: bool = True
    """Validate the examples against the generated models (they must be valid)."""
    check_text: bool = True
    """Check the title and description reach the catalog and the module docstring."""

    def expectation(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.check_text:
            out["title"] = as_read(self.title)
            out["description"] = as_read(self.description)
        for role, fields in (("input", self.inputs), ("output", self.outputs)):
            out[role] = {}
            for f in fields:  # a repeated name: the later field wins
                if f.checked:
                    out[role][f.name] = f.expectation()
                else:
                    out[role].pop(f.name, None)
        return out


def _json_block(value: Any) -> list[str]:
    return json.dumps(value, indent=2, ensure_ascii=False).split("\n")


def _code_samples(endpoint_id: str, streaming: bool = False) -> list[str]:
    prompt = json.dumps("a fox")
    lines = [
        "1. Calling the API#",
        "",
        "Submit a request#",
        "",
        'import { fal } from "@fal-ai/client";',
        "",
        f'const result = await fal.subscribe("{endpoint_id}", {{',
        "  input: {",
        f"    prompt: {prompt}",
        "  },",
        "  logs: true,",
        "});",
        "console.log(result.data);",
        "",
    ]
    return lines


def _nbsp_field(f: Field) -> list[str]:
    mark = "* required" if f.required else ""
    lines = [f"{f.name}{NB}{f.type}{mark}", ""]
    text = f.description
    if f.default is not None:
        text = f"{text} Default value: {f.default}" if text else f"Default value: {f.default}"
    if text:
        lines += [text, ""]
    if f.enum is not None:
        lines += ["Possible enum values: " + ", ".join(f.enum), ""]
    return lines


def nbsp_page(page: PageSpec) -> str:
    lines: list[str] = []
    if page.id_line:
        lines += [page.endpoint_id, ""]
    lines += [page.title, page.description, "Inference", "Commercial use", "", "About", "", page.about, ""]
    lines += _code_samples(page.code_id or page.endpoint_id)
    lines += ["5. Schema#", "", "Input#", ""]
    for f in page.inputs:
        lines += _nbsp_field(f)
    if page.raw_input_example is not None:
        lines += [*page.raw_input_example.split("\n"), ""]
    elif page.example_input is not None:
        lines += [*_json_block(page.example_input), ""]
    lines += ["Output#", ""]
    for f in page.outputs:
        lines += _nbsp_field(f)
    if page.example_output is not None:
        lines += [*_json_block(page.example_output), ""]
    if page.types:
        lines += ["Other types#", ""]
        for name, fields in page.types.items():
            lines += [f"{name}#", ""]
            for f in fields:
                lines += _nbsp_field(f)
    lines += ["Related Models", ""]
    return "\n".join(lines)


def _bundle_field(f: Field) -> list[str]:
    lines = [f"{f.name} {f.type}"]
    text = f.description
    if f.default is not None:
        text = f"{text} Default value: {f.default}" if text else f"Default value: {f.default}"
    if text:
        lines.append(text)
    lines.append("")
    if f.enum is not None:
        lines += ["Possible enum values: " + ", ".join(f.enum), ""]
    return lines


def bundle_page(page: PageSpec) -> str:
    """One bundle page (a bundle file is several of these one after another)."""
    lines: list[str] = []
    if page.id_line:
        lines += [page.endpoint_id, ""]
    lines += [page.title, page.description, "Inference", "Commercial use", "Schema", "LLMs", ""]
    lines += ["Table of contents", "", "About", page.about, ""]
    lines += ["1. Calling the API", "#", "Submit a request", "#", ""]
    lines += _code_samples(page.code_id or page.endpoint_id)[4:]
    lines += ["5. Schema", "#", "Input", "#"]
    for f in page.inputs:
        lines += _bundle_field(f)
    if page.example_input is not None:
        lines += ["", *_json_block(page.example_input)]
    lines += ["Output", "#"]
    for f in page.outputs:
        lines += _bundle_field(f)
    if page.example_output is not None:
        lines += ["", *_json_block(page.example_output)]
    if page.types:
        lines += ["Other types", "#"]
        for name, fields in page.types.items():
            lines += [name, "#"]
            for f in fields:
                lines += _bundle_field(f)
    lines.append("")
    return "\n".join(lines)
