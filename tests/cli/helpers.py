"""Helpers for the `fal-bindings` CLI tests.

Every CLI run is a subprocess (`python -m fal_bindings ...`) with a fixed terminal setup
(COLUMNS=100, no colours) and a distinctive API key; `run_cli` asserts after every run that the
key appears neither on stdout nor on stderr, and that no Python traceback was printed.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from fal_bindings.testing import Emulator, RequestRecord, example_input, example_output

from tests.golden.trees import expected as golden_expected
from tests.golden.trees import generate as golden_generate
from tests.golden.trees import specs as golden_specs

SECRET = "sk-test-SECRET-123"
CLI_SPECS = golden_specs("cli")
"""The CLI tests' own endpoints (the golden tree `cli`): the package the CLI runs is generated from
them, so the tests do not depend on what the live corpus holds."""
CATALOG: list[dict[str, Any]] = json.loads(
    (golden_expected("cli") / "fal_bindings" / "_catalog.json").read_text(encoding="utf-8")
)
IDS = [e["id"] for e in CATALOG]
cli_example_input = partial(example_input, specs=CLI_SPECS)
cli_example_output = partial(example_output, specs=CLI_SPECS)
_package: list[Path] = []


def cli_package() -> Path:
    """The package generated from CLI_SPECS, once per test process: its runtime, CLI and emulator
    are the ones in templates/package."""
    if not _package:
        root = Path(tempfile.mkdtemp(prefix="fal-bindings-cli-"))
        atexit.register(shutil.rmtree, root, True)
        _package.append(golden_generate("cli", root / "package"))
    return _package[0]

BASE_ENV = {
    "COLUMNS": "100",
    "LINES": "50",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "PYTHONIOENCODING": "utf-8",
    "FAL_KEY": SECRET,
}
# Anything in the test process's environment that would change the CLI's behaviour.
_DROP = ("FAL_KEY_ID", "FAL_KEY_SECRET", "FORCE_COLOR", "CLICOLOR_FORCE", "FAL_BINDINGS_DEBUG", "PYTHONWARNINGS")


@dataclass
class Result:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def __str__(self) -> str:
        return f"$ fal-bindings {' '.join(self.args)}\n-> {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def cli_env(extra: dict[str, str] | None = None, *, live: bool = False) -> dict[str, str]:
    """The CLI's environment: it runs the package generated from CLI_SPECS (`live`: the installed
    package of the live corpus; a PYTHONPATH in `extra`: that one)."""
    env = {k: v for k, v in os.environ.items() if k not in _DROP and k != "PYTHONPATH"}
    env.update(BASE_ENV)
    if not live and "PYTHONPATH" not in (extra or {}):
        env["PYTHONPATH"] = str(cli_package())
    env.update(extra or {})
    return env


def cli_command(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "fal_bindings", *args]


def check_output(result: Result, secrets: Sequence[str] = (SECRET,)) -> Result:
    """The invariants of every run: no credential, no traceback."""
    for secret in secrets:
        assert secret not in result.stdout, f"API key leaked on stdout\n{result}"
        assert secret not in result.stderr, f"API key leaked on stderr\n{result}"
    assert "Traceback" not in result.stderr, str(result)
    return result


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    input: str | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
    live: bool = False,
) -> Result:
    proc = subprocess.run(
        cli_command(args),
        env=cli_env(env, live=live),
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        cwd=cwd,
    )
    secrets = {SECRET, (env or {}).get("FAL_KEY", SECRET)}
    return check_output(Result(list(args), proc.returncode, proc.stdout, proc.stderr), sorted(secrets))


def records(emu: Emulator) -> list[RequestRecord]:
    """The emulator's request log (a property today; tolerate a method too)."""
    value: Any = emu.requests
    return list(value() if callable(value) else value)


# --------------------------------------------------------------------------- example -> options


_documents: dict[Path, dict[str, dict[str, Any]]] = {}


def _spec(endpoint_id: str, specs: Path) -> dict[str, Any]:
    # Read once per folder: looking each id up file by file is quadratic at a thousand endpoints.
    if specs not in _documents:
        documents = (json.loads(path.read_text(encoding="utf-8")) for path in sorted(specs.glob("*.json")))
        _documents[specs] = {d["info"]["x-fal-metadata"]["endpointId"]: d for d in documents}
    if endpoint_id not in _documents[specs]:
        raise LookupError(f"no spec of {endpoint_id} in {specs}")
    return _documents[specs][endpoint_id]


def input_properties(endpoint_id: str, specs: Path = CLI_SPECS) -> dict[str, Any]:
    """The Input schema's properties, straight from the spec (independent of the CLI's code)."""
    document = _spec(endpoint_id, specs)
    schema = document["paths"][f"/{endpoint_id}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    properties: dict[str, Any] = document["components"]["schemas"][name]["properties"]
    return properties


def example_args(endpoint_id: str, example: dict[str, Any], specs: Path = CLI_SPECS) -> list[str]:
    """Command-line options expressing a JSON input: `--wire-name=value`; booleans as
    `--flag`/`--no-flag`; lists as repeated options (an empty list, or a list of lists, as one
    JSON array); objects and other non-text values as JSON. No option says `null` (`--x null`
    would be the text "null" or refused): explicit nulls go in an `--input-json` file."""
    properties = input_properties(endpoint_id, specs)
    args: list[str] = []
    nulls: dict[str, None] = {}
    for key, value in example.items():
        assert key in properties, f"{endpoint_id}: example key {key!r} is not an Input field"
        option = "--" + key.replace("_", "-")
        if value is None:
            nulls[key] = None
        elif isinstance(value, bool):
            args.append(option if value else f"--no-{key.replace('_', '-')}")
        elif isinstance(value, list) and (not value or any(isinstance(item, list) for item in value)):
            args.append(f"{option}={json.dumps(value)}")  # one JSON array: the items at once
        elif isinstance(value, list):
            for item in value:
                args.append(f"{option}={item if isinstance(item, str) else json.dumps(item)}")
        elif isinstance(value, str):
            args.append(f"{option}={value}")
        else:
            args.append(f"{option}={json.dumps(value)}")
    if nulls:
        args += ["--input-json", str(_json_file(nulls))]
    return args


def _json_file(value: Any) -> Path:
    """A file holding `value` as JSON, in a folder removed when the test process ends."""
    if not _scratch:
        root = Path(tempfile.mkdtemp(prefix="fal-bindings-cli-json-"))
        atexit.register(shutil.rmtree, root, True)
        _scratch.append(root)
    text = json.dumps(value, sort_keys=True)
    path = _scratch[0] / f"{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
    path.write_text(text, encoding="utf-8")
    return path


_scratch: list[Path] = []


def file_urls(value: Any) -> list[str]:
    """Every (non-empty) `url` of a file object inside an output JSON."""
    found: list[str] = []
    if isinstance(value, dict):
        if isinstance(value.get("url"), str) and value["url"]:
            found.append(value["url"])
        for item in value.values():
            if isinstance(item, (dict, list)):
                found.extend(file_urls(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(file_urls(item))
    return found


PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cfc0f01f0005000201e2b3a5a30000000049454e44ae426082"
)
