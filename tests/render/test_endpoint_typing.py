"""`fal_bindings.endpoint(id)` is typed per id for type checkers (mypy here; pyright too when it is
installed): its class, so `.subscribe(...)` returns that endpoint's Output and a misspelt argument
is an error; an unknown id falls back to the untyped `AnyEndpoint`; `fal_bindings.<Class>` is
typed; mypy's messages name shared types by their friendly names."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN, GENERATED
from tests.render.package_shape import HASHED, catalog

pytestmark = pytest.mark.slow


def _user_file(tmp_path: Path) -> tuple[Path, dict[str, object], str]:
    entries = catalog(GENERATED)
    entry = entries[len(entries) // 2]
    types = json.loads((GENERATED / "names.lock.json").read_text(encoding="utf-8"))["types"]
    # A shared type whose public name carries the structure hash (defined under its friendly name).
    public, module = min((name, entry["module"]) for name, entry in types.items() if HASHED.match(name) and not entry.get("removed"))
    source = f'''
import fal_bindings
from fal_bindings.types.{module} import {public}

ep = fal_bindings.endpoint({entry["id"]!r})
reveal_type(ep)
reveal_type(ep.subscribe(ep.input_model.model_construct()))
ep.subscribe(not_a_field_of_this_endpoint=1)
reveal_type(fal_bindings.endpoint("no-such/endpoint"))
reveal_type(fal_bindings.{entry["class"]})
reveal_type(fal_bindings.Async{entry["class"]})
{public}.model_construct().not_an_attribute


async def main() -> None:
    reveal_type(await fal_bindings.async_endpoint({entry["id"]!r}).subscribe(ep.input_model.model_construct()))
'''
    path = tmp_path / "user.py"
    path.write_text(source, encoding="utf-8")
    return path, entry, public


def test_mypy_sees_each_endpoint_through_endpoint_id(tmp_path: Path) -> None:
    path, entry, public = _user_file(tmp_path)
    done = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--no-incremental", "--cache-dir", "/dev/null", str(path)],
        cwd=tmp_path, capture_output=True, text=True,
    )
    lines = done.stdout.splitlines()
    module, cls = str(entry["module"]), str(entry["class"])
    revealed = [line.split("Revealed type is ")[1].strip('"') for line in lines if "Revealed type is" in line]
    assert revealed[0] == f"{module}.{cls}", done.stdout
    assert revealed[1] == f"{module}.Output", done.stdout
    assert revealed[2] == "fal_bindings._runtime.endpoint.AnyEndpoint", done.stdout
    assert revealed[3].endswith(f"-> {module}.{cls}"), done.stdout
    assert revealed[4].endswith(f"-> {module}.Async{cls}"), done.stdout
    assert revealed[5] == f"{module}.Output", done.stdout
    assert any('Unexpected keyword argument "not_a_field_of_this_endpoint"' in line for line in lines), done.stdout
    friendly = HASHED.sub(r"\g<friendly>", public)
    assert any(f'"{friendly}" has no attribute "not_an_attribute"' in line for line in lines), done.stdout


@pytest.mark.skipif(shutil.which("pyright") is None, reason="pyright is not installed")
def test_pyright_sees_each_endpoint_through_endpoint_id(tmp_path: Path) -> None:
    path, entry, _ = _user_file(tmp_path)
    done = subprocess.run(
        [str(shutil.which("pyright")), "--pythonpath", str(BIN / "python"), str(path)],
        cwd=tmp_path, capture_output=True, text=True,
    )
    cls = str(entry["class"])
    assert f'Type of "ep" is "{cls}"' in done.stdout, done.stdout
    assert 'is "Output"' in done.stdout, done.stdout
    assert "No overloads for \"subscribe\"" in done.stdout, done.stdout
    assert f'is "type[{cls}]"' in done.stdout and "not exported" not in done.stdout, done.stdout
