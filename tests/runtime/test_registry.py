"""LazyRegistry, lazy package attributes, and the import cost of the runtime."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import types
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fal_bindings._runtime import AsyncEndpoint, Endpoint, FalBindingsError, LazyRegistry, UnknownEndpointError

from generator.render.copies import copied_text

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parents[1] / "templates" / "package"

MODULE_TEMPLATE = """
from __future__ import annotations
from typing import ClassVar
from fal_bindings._runtime import AsyncEndpoint, Endpoint, FalInput, FalOutput

class Input(FalInput):
    prompt: str

class Output(FalOutput):
    text: str

class {name}(Endpoint[Input, Output]):
    endpoint_id: ClassVar[str] = "{eid}"

class Async{name}(AsyncEndpoint[Input, Output]):
    endpoint_id: ClassVar[str] = "{eid}"
"""

ENDPOINTS = {
    "fal-ai/flux-2": ("flux_2", "Flux2"),
    "fal-ai/flux-2-pro": ("flux_2_pro", "Flux2Pro"),
    "fal-ai/flux/dev": ("flux_dev", "FluxDev"),
    "fal-ai/kling-video/v2/master/text-to-video": ("kling", "KlingVideoV2MasterTextToVideo"),
    "bria/remove-background": ("bria_remove_background", "BriaRemoveBackground"),
}


@pytest.fixture
def pkg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A throwaway package of endpoint modules; yields its name."""
    name = f"regpkg_{uuid.uuid4().hex[:8]}"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    for eid, (module, cls) in ENDPOINTS.items():
        (root / f"{module}.py").write_text(MODULE_TEMPLATE.format(name=cls, eid=eid))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[mod]


def make_registry(pkg: str) -> LazyRegistry:
    return LazyRegistry({eid: (f"{pkg}.{module}", cls) for eid, (module, cls) in ENDPOINTS.items()})


def test_modules_are_imported_on_first_use_only(pkg: str):
    reg = make_registry(pkg)
    importlib.import_module(pkg)
    assert not [m for m in sys.modules if m.startswith(pkg + ".")]
    assert "fal-ai/flux-2" in reg and len(reg) == len(ENDPOINTS)
    assert reg.ids == tuple(sorted(ENDPOINTS)) and list(reg) == list(reg.ids)
    assert not [m for m in sys.modules if m.startswith(pkg + ".")]

    ep = reg.endpoint("fal-ai/flux-2")
    assert [m for m in sys.modules if m.startswith(pkg + ".")] == [f"{pkg}.flux_2"]
    assert isinstance(ep, Endpoint) and type(ep).__name__ == "Flux2"
    assert ep.endpoint_id == "fal-ai/flux-2"
    assert ep.Input is sys.modules[f"{pkg}.flux_2"].Input
    assert ep.Output.model_validate({"text": "t"}).text == "t"


def test_async_classes_and_options(pkg: str):
    reg = make_registry(pkg)
    aep = reg.async_endpoint("fal-ai/flux/dev", file_upload="upload")
    assert isinstance(aep, AsyncEndpoint) and type(aep).__name__ == "AsyncFluxDev"
    assert aep._file_upload == "upload"
    assert reg.endpoint_class("fal-ai/flux/dev") is sys.modules[f"{pkg}.flux_dev"].FluxDev
    assert reg.async_endpoint_class("fal-ai/flux/dev") is type(aep)


def test_unknown_ids_suggest_close_matches(pkg: str):
    reg = make_registry(pkg)
    with pytest.raises(UnknownEndpointError) as info:
        reg.endpoint("fal-ai/flux2")
    err = info.value
    assert isinstance(err, FalBindingsError) and isinstance(err, LookupError)
    assert err.endpoint_id == "fal-ai/flux2"
    assert err.suggestions[0] == "fal-ai/flux-2"
    assert "did you mean 'fal-ai/flux-2'" in str(err)
    # the part after the owner is matched too
    assert "fal-ai/kling-video/v2/master/text-to-video" in reg.suggest("kling-video/v2/master/text-to-video")
    assert reg.suggest("remove-background") == ["bria/remove-background"]
    with pytest.raises(UnknownEndpointError, match="unknown endpoint id 'nothing-like-it'$"):
        reg.endpoint("nothing-like-it")
    assert not [m for m in sys.modules if m.startswith(pkg + ".")]


def test_surrounding_slashes_and_spaces_are_forgiven(pkg: str):
    assert type(make_registry(pkg).endpoint(" /fal-ai/flux-2/ ")).__name__ == "Flux2"


def test_module_getattr_resolves_class_names_lazily(pkg: str):
    reg = make_registry(pkg)
    module = types.ModuleType(f"{pkg}_facade")
    sys.modules[module.__name__] = module
    try:
        module.__getattr__ = reg.module_getattr(module.__name__, extra={"VERSION": ("json", "__version__")})  # type: ignore[method-assign]
        module.__dir__ = reg.module_dir(module.__name__, extra={"VERSION": ("json", "__version__")})  # type: ignore[method-assign]
        assert f"{pkg}.flux_2_pro" not in sys.modules
        cls = module.Flux2Pro
        assert cls.endpoint_id == "fal-ai/flux-2-pro"
        assert module.__dict__["Flux2Pro"] is cls  # cached: __getattr__ is not called again
        assert module.AsyncFlux2Pro.endpoint_id == "fal-ai/flux-2-pro"
        assert json.__version__ == module.VERSION
        assert {"Flux2", "AsyncFlux2", "VERSION"} <= set(dir(module))
        with pytest.raises(AttributeError, match="has no attribute 'Flux3'"):
            module.Flux3  # noqa: B018
    finally:
        del sys.modules[module.__name__]


# --------------------------------------------------------------------------- runtime exports


def test_every_export_resolves_to_its_submodule_object():
    import fal_bindings._runtime as rt

    assert set(rt.__all__) == set(rt._EXPORTS)
    assert len(rt.__all__) == len(set(rt.__all__))
    for name, module in rt._EXPORTS.items():
        source = importlib.import_module(module, rt.__name__)
        assert getattr(rt, name) is getattr(source, name), name
    with pytest.raises(AttributeError):
        rt.DoesNotExist  # noqa: B018


def test_the_endpoint_protocols_are_still_importable_from_endpoint():
    """`AnyEndpoint`/`AnyAsyncEndpoint` live in `_runtime.protocols`; `_runtime.endpoint`, their
    first home, re-exports them (code importing them from there keeps working)."""
    from fal_bindings._runtime import endpoint, protocols

    for name in ("AnyEndpoint", "AnyAsyncEndpoint"):
        assert name in endpoint.__all__
        assert getattr(endpoint, name) is getattr(protocols, name)


def test_type_checking_imports_mirror_the_lazy_exports():
    """The `if TYPE_CHECKING:` block (what mypy sees) lists exactly the runtime exports."""
    import ast

    import fal_bindings._runtime as rt

    tree = ast.parse(Path(rt.__file__).read_text())
    block = next(n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING")
    seen: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom)
        module = "." * node.level + (node.module or "")
        if module == "typing":
            continue
        for alias in node.names:
            seen[alias.name] = module
    assert seen == rt._EXPORTS


# --------------------------------------------------------------------------- import cost


RUNTIME_SRC = PACKAGE_ROOT / "fal_bindings" / "_runtime"


@pytest.fixture(scope="module")
def runtime_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """templates' runtime as a regular `fal_bindings` package (wins over an installed one)."""
    root = tmp_path_factory.mktemp("rt")
    shutil.copytree(RUNTIME_SRC, root / "fal_bindings" / "_runtime", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "fal_bindings" / "__init__.py").write_text("")
    return root


def run_python(root: Path, code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return out.stdout.strip()


def test_imported_runtime_is_the_templates_copy():
    """tests/runtime test whatever `fal_bindings` resolves to; an installed generated/ package
    shadows templates/, so its copy of the runtime must be current."""
    import fal_bindings._runtime as rt

    here = Path(rt.__file__).resolve().parent
    if here == RUNTIME_SRC.resolve():
        return
    stale = sorted(
        p.name
        for p in RUNTIME_SRC.glob("*.py")
        if not (here / p.name).is_file()
        or (here / p.name).read_text(encoding="utf-8") != copied_text(f"fal_bindings/_runtime/{p.name}", p.read_text(encoding="utf-8"))
    )
    assert not stale, (
        f"fal_bindings._runtime is imported from {here}, whose copy differs from templates in {stale}: run `make generate`"
    )


HEAVY = ["pydantic", "fal_client", "httpx", "asyncio", "difflib"]


@pytest.mark.slow
def test_importing_the_runtime_and_registry_loads_nothing_heavy(runtime_copy: Path):
    code = textwrap.dedent(
        f"""
        import sys
        import fal_bindings._runtime
        from fal_bindings._runtime import LazyRegistry, UnknownEndpointError, NOT_GIVEN, RESERVED_KWARGS
        reg = LazyRegistry({{"a/b": ("x.y", "B")}})
        print([m for m in {HEAVY!r} if m in sys.modules])
        """
    )
    assert run_python(runtime_copy, code) == "[]"


@pytest.mark.slow
def test_model_bases_do_not_load_the_transport(runtime_copy: Path):
    code = textwrap.dedent(
        """
        import sys
        from fal_bindings._runtime import FalInput, FalOutput, FileInput, Endpoint, AsyncEndpoint
        class I(FalInput):
            x: FileInput
        I(x="https://a")
        print([m for m in ("fal_client", "httpx", "asyncio") if m in sys.modules])
        """
    )
    assert run_python(runtime_copy, code) == "[]"
