"""Rendering: the escaping filters, the template environment, and the runtime contract."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import jinja2
import pytest

from generator.python.call_options import call_options
from generator.python.identifiers import BINDING_PARAMETERS
from generator.python.pysource import docstring
from generator.python.pysource import py_string as pystr
from generator.render.environment import TEMPLATES, environment
from generator.render.formatting import prune_unused_imports

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


def test_options_are_read_from_the_runtime() -> None:
    """The generator's option names are the runtime's (read from its source, never imported)."""
    spec = importlib.util.spec_from_file_location("options", TEMPLATES / "fal_bindings/_runtime/options.py")
    assert spec and spec.loader
    runtime = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runtime)
    declared = call_options()
    assert declared.by_method == {
        "run": runtime.RUN_OPTIONS,
        "submit": runtime.SUBMIT_OPTIONS,
        "subscribe": runtime.SUBSCRIBE_OPTIONS,
        "stream": runtime.STREAM_OPTIONS,
    }
    assert declared.names | {"self", "input", declared.parameter} == runtime.RESERVED_KWARGS
    assert declared.names | {declared.parameter} <= BINDING_PARAMETERS


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


def test_method_signatures_show_no_mutable_default() -> None:
    """A list or dict default (`loras = []`) shows as `...` in the methods' signatures (a mutable
    default in a signature is ruff's B006, over a thousand times at catalogue scale); the model
    holds the real default."""
    root = Path(__file__).resolve().parents[1] / "golden"
    found = []
    for module in sorted(root.glob("*/expected/fal_bindings/endpoints/**/*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
                found += [f"{module.relative_to(root)}:{d.lineno}" for d in defaults if isinstance(d, (ast.List, ast.Dict, ast.Set))]
    assert found == []
