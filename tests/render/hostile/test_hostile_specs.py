"""Hostile specs: every generated module imports, whatever the doc names and enum values are.

The specs here are written as fal's own OpenAPI JSON could state them, and read through the
same front-end as any source page:

- enums and `const`s whose values are objects or lists (Python's `Literal` cannot hold them);
- doc types and enums named like the names the generated modules take from the runtime, typing
  and pydantic (`Endpoint`, `AsyncEndpoint`, `Stream`, `Priority`, `Field`, `ConfigDict`, ...);
- endpoint ids whose class name would be a runtime name (`fal-ai/endpoint` -> `Endpoint`, whose
  async twin would be `AsyncEndpoint`) or a name the package's `__init__` exports (`APIError`).

The package built from them must compile, import every module, validate the examples and a
payload built from each schema, reject values outside an enum, bind no module-level name twice
(a doc class imported over a runtime name types a signature with the doc model, silently), and
pass `mypy --strict`.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from generator.core.ir import Endpoint, Example, Schema, Severity, TypeExpr
from generator.core.ir import Property as Field_
from generator.docs.parse import parse
from generator.render.generate import render_package, write_tree
from generator.spec.write import write_specs
from tests.conftest import BIN

HERE = Path(__file__).resolve().parent
CHECK = HERE / "_check_tree.py"

RUNTIME_LIKE = [
    "AsyncEndpoint", "Endpoint", "Stream", "AsyncStream", "Priority", "Field", "ConfigDict", "Any",
    "Literal", "ClassVar", "TypeAlias", "FalInput", "FalOutput", "FalFile", "FileInput",
    "RequestHandle", "AsyncRequestHandle", "OnEnqueue", "OnQueueUpdate", "RealtimeConnection",
    "AsyncRealtimeConnection", "Annotated", "TYPE_CHECKING", "overload", "Input", "Output",
]  # fmt: skip
"""Names a generated module takes from elsewhere, or defines itself."""

CLASS_IDS = [
    "fal-ai/endpoint", "fal-ai/async-endpoint", "fal-ai/stream", "fal-ai/priority", "fal-ai/field",
    "fal-ai/any", "fal-ai/literal", "fal-ai/API-Error", "fal-ai/lazy-registry", "fal-ai/fal-input",
    "fal-ai/request-handle", "fal-ai/config-dict",
]  # fmt: skip
"""Endpoint ids whose class name (the id in PascalCase) is a runtime or package name."""

SHAPES = [{"width": 1, "height": 2}, {"width": 3, "height": 4}]
PATHS = [[1, 2], [3]]
MIXED = ["auto", {"width": 5}, [True], None, 2.5]
FIXED = {"kind": "fixed", "size": [1, 2]}


def _string(name: str, required: bool = True) -> Field_:
    return Field_(name=name, type=TypeExpr(kind="string"), required=required, description=f"The {name}.")


def runtime_names_endpoint() -> Endpoint:
    """Doc types and enums named like runtime, typing and pydantic names, on both sides."""
    inputs: list[Field_] = [_string("prompt")]
    outputs: list[Field_] = []
    types: list[Schema] = []
    for index, name in enumerate(RUNTIME_LIKE):
        types.append(Schema(name=name, description=f"A doc type named {name}.", fields=[_string("value")]))
        types.append(Schema(name=f"{name}Out", description=f"An output type named {name}.", fields=[_string("url")]))
        inputs.append(Field_(name=f"type_{index}", type=TypeExpr(kind="ref", ref=name)))
        inputs.append(Field_(name=f"enum_{index}", type=TypeExpr(kind="enum", name=name, values=["a", "b"])))
        outputs.append(Field_(name=f"type_{index}", type=TypeExpr(kind="ref", ref=f"{name}Out"), required=True))
    # An output type actually named like each runtime name, too (the `Out` suffix above keeps
    # input and output sides apart; these share the doc name across sides).
    for index, name in enumerate(RUNTIME_LIKE[:6]):
        outputs.append(Field_(name=f"same_{index}", type=TypeExpr(kind="enum", name=name, values=[1, 2])))
    return Endpoint(
        id="hostile/runtime-names",
        title="Runtime names",
        description="Doc names that are runtime names.",
        capabilities=["queue", "streaming", "realtime"],
        input=Schema(name="RuntimeNamesInput", fields=inputs),
        output=Schema(name="RuntimeNamesOutput", fields=outputs),
        types=types,
        example_input=Example(value={"prompt": "a fox", "type_1": {"value": "v"}, "enum_4": "b"}),
        example_output=Example(value={f"type_{i}": {"url": "https://x/y.png"} for i in range(len(RUNTIME_LIKE))}),
    )


def json_enums_endpoint() -> Endpoint:
    """Enums and consts whose values Python's `Literal` cannot hold."""
    box = Schema(
        name="Box",
        description="A nested type with an object enum.",
        fields=[Field_(name="shape", type=TypeExpr(kind="enum", name="BoxShape", values=SHAPES), required=True)],
    )
    inputs = [
        _string("prompt"),
        Field_(name="shape", type=TypeExpr(kind="enum", name="ShapeEnum", values=SHAPES), description="An object enum."),
        Field_(name="path", type=TypeExpr(kind="enum", values=PATHS), description="A list enum."),
        Field_(name="mixed", type=TypeExpr(kind="enum", values=MIXED), description="A mixed enum."),
        Field_(name="fixed", type=TypeExpr(kind="enum", values=[FIXED]), required=True, description="A const object."),
        Field_(name="box", type=TypeExpr(kind="ref", ref="Box")),
        Field_(name="shapes", type=TypeExpr(kind="array", items=TypeExpr(kind="enum", values=SHAPES))),
        Field_(
            name="shape_with_default",
            type=TypeExpr(kind="enum", values=SHAPES),
            has_default=True,
            default=SHAPES[1],
        ),
    ]
    outputs = [
        Field_(name="shape", type=TypeExpr(kind="enum", values=SHAPES), required=True),
        Field_(name="box", type=TypeExpr(kind="ref", ref="Box")),
    ]
    return Endpoint(
        id="hostile/json-enums",
        title="JSON enums",
        description="Enum values that are objects and lists.",
        input=Schema(name="JsonEnumsInput", fields=inputs),
        output=Schema(name="JsonEnumsOutput", fields=outputs),
        types=[box],
        example_input=Example(
            value={"prompt": "a fox", "shape": SHAPES[0], "path": PATHS[1], "mixed": MIXED[1], "fixed": FIXED, "box": {"shape": SHAPES[1]}}
        ),
        example_output=Example(value={"shape": SHAPES[1], "box": {"shape": SHAPES[0]}}),
    )


def class_name_endpoints() -> list[Endpoint]:
    return [
        Endpoint(
            id=endpoint_id,
            title=f"Endpoint {endpoint_id}",
            description="Its class name is a runtime name.",
            capabilities=["queue", "streaming", "realtime"],
            input=Schema(name="In", fields=[_string("prompt")]),
            output=Schema(name="Out", fields=[_string("text")]),
            example_input=Example(value={"prompt": "a fox"}),
            example_output=Example(value={"text": "ok"}),
        )
        for endpoint_id in CLASS_IDS
    ]


def hostile_endpoints() -> list[Endpoint]:
    return [runtime_names_endpoint(), json_enums_endpoint(), *class_name_endpoints()]


@pytest.fixture(scope="module")
def hostile_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """Specs written as fal's OpenAPI JSON, parsed as sources, written again and rendered."""
    workdir = tmp_path_factory.mktemp("hostile-specs")
    write_specs(hostile_endpoints(), workdir / "sources")
    result = parse([workdir / "sources"], overlays=None)
    assert sorted(e.id for e in result.endpoints) == sorted(e.id for e in hostile_endpoints())
    write_specs(result.endpoints, workdir / "openapi")
    tree = workdir / "generated"
    write_tree(render_package(workdir / "openapi").files, tree)
    return tree, result


def _expectations() -> dict[str, Any]:
    endpoints: dict[str, Any] = {}
    examples: dict[str, Any] = {}
    for endpoint in hostile_endpoints():
        expected: dict[str, Any] = {"title": endpoint.title, "description": endpoint.description}
        for role, schema in (("input", endpoint.input), ("output", endpoint.output)):
            expected[role] = {}
            for f in schema.fields:
                entry: dict[str, Any] = {"description": f.description}
                if f.type.kind == "enum":
                    entry["enum"] = f.type.values
                if f.has_default:
                    entry["default"] = f.default
                expected[role][f.name] = entry
        endpoints[endpoint.id] = expected
        examples[endpoint.id] = {
            "input": endpoint.example_input.value if endpoint.example_input else None,
            "output": endpoint.example_output.value if endpoint.example_output else None,
        }
    return {"ids": sorted(endpoints), "endpoints": endpoints, "examples": examples}


def _clean_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "FAL_"))}
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = _clean_env()
    env["MYPYPATH"] = str(cwd)
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, encoding="utf-8", env=env, stdin=subprocess.DEVNULL, timeout=300)


@pytest.mark.slow
def test_every_module_imports_and_validates_the_examples(hostile_tree: tuple[Path, Any], tmp_path: Path) -> None:
    tree, _ = hostile_tree
    (tmp_path / "expect.json").write_text(json.dumps(_expectations()), encoding="utf-8")
    done = _run([sys.executable, str(CHECK), str(tree), str(tmp_path / "expect.json")], cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    assert done.stdout.strip() == "ok", done.stdout[-3000:]


@pytest.mark.slow
def test_object_and_list_enums_check_membership(hostile_tree: tuple[Path, Any]) -> None:
    tree, _ = hostile_tree
    script = f"""
import sys
sys.path.insert(0, {str(tree)!r})
import pydantic
import fal_bindings
cls = fal_bindings.registry.endpoint_class("hostile/json-enums")
Input, Output = cls.input_model, cls.output_model
base = {{"prompt": "p", "fixed": {FIXED!r}}}
good = [("shape", {SHAPES[1]!r}), ("path", [3]), ("mixed", [True]), ("mixed", None), ("mixed", 2.5),
        ("shapes", [{SHAPES[0]!r}]), ("box", {{"shape": {SHAPES[0]!r}}})]
for key, value in good:
    Input.model_validate({{**base, key: value}})
bad = [("shape", {{"width": 9, "height": 9}}), ("shape", {{"width": 1}}), ("path", [1]), ("path", [True, 2]),
       ("mixed", [1]), ("mixed", "manual"), ("mixed", {{"width": 5.5}}), ("fixed", {{"kind": "fixed", "size": [1]}}),
       ("shapes", [{{"width": 0, "height": 0}}]), ("box", {{"shape": {{"width": 1, "height": 1}}}})]
for key, value in bad:
    try:
        Input.model_validate({{**base, key: value}})
    except pydantic.ValidationError as error:
        assert "one of" in str(error), str(error)
    else:
        raise AssertionError(f"{{key}}={{value!r}} accepted")
assert Input.model_validate(base).shape_with_default == {SHAPES[1]!r}
Output.model_validate({{"shape": {SHAPES[0]!r}}})
print("ok")
"""
    done = _run([sys.executable, "-c", script], cwd=tree)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    assert done.stdout.strip() == "ok"


def test_parse_reports_values_python_cannot_spell_as_literals(hostile_tree: tuple[Path, Any]) -> None:
    _, result = hostile_tree
    found = [d for d in result.diagnostics if d.code == "enum-value-not-literal"]
    assert found, [d.render() for d in result.diagnostics]
    assert all(d.severity is Severity.WARNING and d.file and d.line for d in found), [d.render() for d in found]
    assert {d.endpoint_id for d in found} == {"hostile/json-enums"}


def _bindings(body: list[ast.stmt]) -> Counter[str]:
    """How often each module-level name is bound; both branches of one `if` bind it once."""
    counts: Counter[str] = Counter()
    for node in body:
        if isinstance(node, ast.If):
            branches = (_bindings(node.body), _bindings(node.orelse))
            for name in branches[0].keys() | branches[1].keys():
                counts[name] += max(branches[0][name], branches[1][name])
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            counts.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(_is_overload(d) for d in node.decorator_list):
            continue  # an overload: its implementation below binds the name
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            counts[node.name] += 1
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            counts.update(t.id for t in targets if isinstance(t, ast.Name))
    return counts


def _is_overload(decorator: ast.expr) -> bool:
    return isinstance(decorator, ast.Name) and decorator.id == "overload"


def test_no_module_binds_a_name_twice(hostile_tree: tuple[Path, Any]) -> None:
    tree, _ = hostile_tree
    twice: list[str] = []
    for path in sorted((tree / "fal_bindings").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if not source.startswith("# Generated by falgen"):
            continue
        counts = _bindings(ast.parse(source).body)
        twice += [f"{path.relative_to(tree)}: {name}" for name, count in sorted(counts.items()) if count > 1]
    assert twice == []


@pytest.mark.slow
def test_the_package_passes_mypy_strict(hostile_tree: tuple[Path, Any]) -> None:
    tree, _ = hostile_tree
    done = _run(
        [str(BIN / "mypy"), "--strict", "--no-incremental", "--cache-dir", os.devnull, "fal_bindings/endpoints", "fal_bindings/types"],
        cwd=tree,
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]


def test_generated_modules_import_runtime_names_under_private_aliases(hostile_tree: tuple[Path, Any]) -> None:
    """The rule the naming relies on: a generated module binds, by import, only private names,
    the typing and pydantic names `naming.TYPING_NAMES` reserves, `fal_client`, and shared types
    (the endpoint map also endpoint classes); and the package `__init__` binds only what
    `naming.PACKAGE_NAMES` reserves for it, and private names."""
    from generator.python.identifiers import PACKAGE_NAMES, TYPING_NAMES

    tree, _ = hostile_tree
    stray: list[str] = []
    for path in sorted((tree / "fal_bindings").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if not source.startswith("# Generated by falgen"):
            continue
        module = ast.parse(source)
        if path.name == "__init__.py" and path.parent.name == "fal_bindings":
            # `*`: the endpoint map's classes (for type checkers only), whose names avoid PACKAGE_NAMES.
            stray += [f"{path.name}: {name}" for name in _bindings(module.body) if name not in PACKAGE_NAMES and not name.startswith(("_", "*"))]
            continue
        # The endpoint map imports every endpoint class by its name (type checkers read them there).
        allowed = ("fal_bindings.types.", "fal_bindings.endpoints.") if path.name == "_endpoint_map.py" else ("fal_bindings.types.",)
        for node in ast.walk(module):
            if isinstance(node, ast.ImportFrom) and not (node.module or "").startswith(allowed):
                for alias in node.names:
                    name = alias.asname or alias.name
                    if not name.startswith("_") and name not in TYPING_NAMES:
                        stray.append(f"{path.relative_to(tree)}: {name} from {node.module}")
    assert stray == []
