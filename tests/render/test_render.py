"""Rendering: the escaping filters, the template environment, and the runtime contract."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import jinja2
import pytest

from generator.formatting import prune_unused_imports
from generator.pysource import docstring
from generator.pysource import py_string as pystr
from generator.render import OPTIONS, TEMPLATES, environment

HOSTILE = [
    '"""',
    "'''",
    'ends with a quote"',
    'ends with backslash quote \\"',
    "ends with a backslash \\",
    "back\\slash \\n not a newline",
    "{{ 7 * 7 }} {% if x %}",
    "nul \x00 and bell \x07",
    "é ü 名前 🚀",
    "x" * 5000,
    '""" + __import__("os").system("touch /tmp/pwned") + """',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_docstring_and_string_literals_hold_any_doc_text(text: str) -> None:
    source = f"class C:\n    {docstring(text)}\n    value = {pystr(text)}\n"
    tree = ast.parse(source)
    klass = tree.body[0]
    assert isinstance(klass, ast.ClassDef)
    assert len(klass.body) == 2, "the text did not break out of the docstring"
    namespace: dict[str, object] = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    assert namespace["C"].value == text  # type: ignore[attr-defined]
    expected = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).strip()
    assert namespace["C"].__doc__.strip() == expected  # type: ignore[attr-defined]


def test_environment_is_strict() -> None:
    env = environment()
    assert env.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


def test_doc_text_is_never_rendered_as_a_template() -> None:
    env = environment()
    assert env.from_string("{{ text | pystr }}").render(text="{{ 7 * 7 }}") == '"{{ 7 * 7 }}"'


def test_options_mirror_the_runtime() -> None:
    spec = importlib.util.spec_from_file_location("_types", TEMPLATES / "fal_bindings/_runtime/_types.py")
    assert spec and spec.loader
    types = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(types)
    runtime = {
        "run": types.RUN_OPTIONS,
        "submit": types.SUBMIT_OPTIONS,
        "subscribe": types.SUBSCRIBE_OPTIONS,
        "stream": types.STREAM_OPTIONS,
    }
    for method, options in OPTIONS.items():
        assert {option.split(":")[0] for option in options} == set(runtime[method]), method


def test_unused_imports_are_pruned_and_sorted() -> None:
    source = "from __future__ import annotations\n\nfrom a import (\n    Zed,\n    CONST,\n    alpha,\n    Unused,\n)\n\nx: Zed = CONST\ny = alpha\n"
    pruned = prune_unused_imports(source)
    assert "from a import CONST, Zed, alpha" in pruned
    assert "Unused" not in pruned


def test_every_template_is_used(tmp_path: Path) -> None:
    """Templates are the output tree: each `.jinja` file renders to a path in generated/."""
    root = Path(__file__).resolve().parents[2]
    rendered = {p.relative_to(root / "generated").as_posix() for p in (root / "generated").rglob("*") if p.is_file()}
    for template in TEMPLATES.rglob("*.jinja"):
        relative = template.relative_to(TEMPLATES).as_posix()
        if relative.endswith("_macros.jinja") or "__endpoint__" in relative or "__type__" in relative:
            continue
        assert relative.removesuffix(".jinja") in rendered, relative
