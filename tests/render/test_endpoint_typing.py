"""`fal_bindings.endpoint(id)` is typed per id for type checkers: its class, so `.subscribe(...)`
returns that endpoint's Output, a misspelt or missing argument is an error; an unknown id falls
back to the untyped `AnyEndpoint`; `fal_bindings.<Class>` is typed; mypy's messages name shared
types by their friendly names.

A small package (four endpoints: the golden `runtime` and `shared-types` specs) is built once per
session and one user file with every case is checked by one mypy run, in process, with a cache
kept between sessions. The same file under pyright is a slow test (a Node process).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.render.generate import generate
from tests.conftest import BIN, ROOT
from tests.golden.trees import specs
from tests.render.package_shape import HASHED

FEATURES = ("runtime", "shared-types")


@dataclass(frozen=True)
class UserFile:
    path: Path
    cases: dict[str, str]
    """Case name -> what the checker must report for it."""


@pytest.fixture(scope="session")
def user_file(tmp_path_factory: pytest.TempPathFactory) -> UserFile:
    root = tmp_path_factory.mktemp("endpoint-typing")
    spec_dir = root / "specs"
    spec_dir.mkdir()
    for feature in FEATURES:
        for spec in specs(feature).glob("*.json"):
            shutil.copy(spec, spec_dir / spec.name)
    generate(spec_dir, root / "pkg")
    types = json.loads((root / "pkg" / "names.lock.json").read_text(encoding="utf-8"))["types"]
    # A shared type whose public name carries the structure hash (defined under its friendly name).
    public, module = min((name, entry["module"]) for name, entry in types.items() if HASHED.match(name))
    friendly = HASHED.sub(r"\g<friendly>", public)
    example = "fal_bindings.endpoints.fal_ai.example"
    source = f'''
import fal_bindings
from fal_bindings.types.{module} import {public}

ep = fal_bindings.endpoint("fal-ai/example")
reveal_type(ep)  # endpoint
reveal_type(ep.subscribe(ep.input_model.model_construct()))  # by-input
reveal_type(ep.subscribe(prompt="a fox", num_images=2, timeout=5))  # by-keywords
ep.subscribe(prompt="a fox", not_a_field_of_this_endpoint=1)  # misspelt
ep.subscribe(num_images=2)  # missing
ep.subscribe(prompt=1)  # wrong-type
reveal_type(fal_bindings.endpoint("golden/shared-a"))  # another-id
reveal_type(fal_bindings.endpoint("no-such/endpoint"))  # unknown-id
reveal_type(fal_bindings.Example)  # class-attribute
reveal_type(fal_bindings.AsyncExample)  # async-class-attribute
{public}.model_construct().not_an_attribute  # friendly-name


async def main() -> None:
    reveal_type(await fal_bindings.async_endpoint("fal-ai/example").subscribe(prompt="a fox"))  # async
'''
    path = root / "pkg" / "user.py"  # beside the package: mypy finds it before the installed one
    path.write_text(source, encoding="utf-8")
    # A revealed type (exact, or its tail after `-> ` for a class), or a snippet of the error
    # mypy must report on that line. The keyword overload names its fields with their types
    # (`prompt: str`), so a misspelt, missing or mistyped argument matches no overload.
    no_overload = 'No overload variant of "subscribe" of "Example" matches argument type'
    cases = {
        "endpoint": f"{example}.Example",
        "by-input": f"{example}.Output",
        "by-keywords": f"{example}.Output",
        "misspelt": 'Unexpected keyword argument "not_a_field_of_this_endpoint"',
        "missing": no_overload,
        "wrong-type": no_overload,
        "another-id": "fal_bindings.endpoints.golden.shared_a.GoldenSharedA",
        "unknown-id": "fal_bindings._runtime.protocols.AnyEndpoint",
        "class-attribute": f"-> {example}.Example",
        "async-class-attribute": f"-> {example}.AsyncExample",
        "friendly-name": f'"{friendly}" has no attribute "not_an_attribute"',
        "async": f"{example}.Output",
    }
    return UserFile(path, cases)


def _mypy(user: UserFile) -> str:
    from mypy import api

    # Kept between sessions (mypy checks each entry against its source): pydantic, fal-client
    # and httpx are analysed on the first run only, later runs check the package and the file.
    cache = ROOT / ".mypy_cache" / "endpoint-typing"
    stdout, stderr, _ = api.run(["--strict", "--cache-dir", str(cache), "--no-error-summary", str(user.path)])
    assert "Traceback" not in stderr, stderr
    return stdout


def _by_case(output: str, source: str) -> dict[str, list[str]]:
    """Case name (the comment ending its line) -> mypy's messages on that line."""
    lines = source.splitlines()
    found: dict[str, list[str]] = {}
    for match in re.finditer(r"^[^\n]*?:(\d+): (?:error|note): (.*)$", output, re.M):
        case = lines[int(match[1]) - 1].rpartition("# ")[2].strip()
        found.setdefault(case, []).append(match[2])
    return found


def test_mypy_sees_each_endpoint_through_endpoint_id(user_file: UserFile) -> None:
    output = _mypy(user_file)
    messages = _by_case(output, user_file.path.read_text(encoding="utf-8"))
    assert set(messages) == set(user_file.cases), output  # every case reported, nothing else
    for case, want in user_file.cases.items():
        first = messages[case][0]
        if first.startswith("Revealed type is "):
            revealed = first.removeprefix("Revealed type is ").strip('"')
            assert revealed == want or (want.startswith("-> ") and revealed.endswith(want)), f"{case}: {revealed}"
        else:
            assert any(want in message for message in messages[case]), f"{case}: {messages[case]}"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pyright") is None, reason="pyright is not installed")
def test_pyright_sees_each_endpoint_through_endpoint_id(user_file: UserFile) -> None:
    done = subprocess.run(
        [str(shutil.which("pyright")), "--pythonpath", str(BIN / "python"), str(user_file.path)],
        cwd=user_file.path.parent, capture_output=True, text=True, timeout=300,
    )
    out = done.stdout
    assert 'Type of "ep" is "Example"' in out, out
    assert 'is "Output"' in out, out
    assert 'Type of "fal_bindings.endpoint("golden/shared-a")" is "GoldenSharedA"' in out, out
    assert 'No parameter named "not_a_field_of_this_endpoint"' in out or "No overloads for \"subscribe\"" in out, out
    assert 'is "type[Example]"' in out and "not exported" not in out, out
