"""Input fields named like an option of `run ID` itself (`--timeout`, `-v/--progress`, `--json`,
...) get an option of their own (`--field-<name>`), through the real console script: click would
otherwise route the value to the control option (`--timeout 5` silently setting the deadline).

The control options are read from `run ID --help`, not from the package's list of reserved names,
so an option added to `run` without reserving its name fails here."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BIN, ROOT

from .helpers import CLI_SPECS, run_cli

pytestmark = pytest.mark.slow  # every test here starts a process

ENDPOINT = "fal-ai/flux-2"  # a streaming endpoint: its help shows every control option


def _control_option_strings() -> list[str]:
    """Every option string in the "Options" section of `run ENDPOINT --help` (`--timeout`, `-v`)."""
    result = run_cli("run", ENDPOINT, "--help")
    assert result.returncode == 0, str(result)
    section = result.stdout.split("\nOptions:\n", 1)[1]
    found: list[str] = []
    for line in section.splitlines():
        head = re.match(r"  (-[^ ,]+(?:, -[^ ,]+)*)", line)  # the option column, not wrapped help
        if head:
            found += head.group(1).split(", ")
    assert {"--timeout", "-v", "--progress", "--json", "-h"} <= set(found), found
    return found


def _fields_spec(names: list[str]) -> dict[str, Any]:
    """The endpoint's spec with an Input of one optional string field per name."""
    document: dict[str, Any] = json.loads((CLI_SPECS / "fal-ai__flux-2.json").read_text(encoding="utf-8"))
    document = copy.deepcopy(document)
    document["components"]["schemas"]["Flux2Input"] = {
        "title": "Input",
        "type": "object",
        "x-fal-original-name": "Input",
        "properties": {name: {"type": "string", "title": name, "description": f"The {name} field."} for name in names},
        "x-fal-order-properties": names,
    }
    return document


@pytest.fixture(scope="module")
def clash_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A package whose endpoint has a field named after every control option (dashes stripped)."""
    names = sorted({option.lstrip("-") for option in _control_option_strings()})
    root = tmp_path_factory.mktemp("clash")
    specs = root / "specs"
    specs.mkdir()
    (specs / "fal-ai__flux-2.json").write_text(json.dumps(_fields_spec(names), indent=2), encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "falgen"), "generate", "--specs", str(specs), "--out", str(root / "package")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "FALGEN_CACHE": str(root / ".falgen-cache")},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "package", names


def test_every_control_option_name_as_a_field_gets_its_own_option(clash_package: tuple[Path, list[str]]) -> None:
    package, names = clash_package
    env = {"PYTHONPATH": str(package)}
    args = [arg for name in names for arg in (f"--field-{name}", f"value of {name}")]
    result = run_cli("run", ENDPOINT, *args, "--dry-run", env=env)
    assert result.returncode == 0, str(result)
    assert result.json() == {name: f"value of {name}" for name in names}
    # The control options keep their meaning beside the fields.
    timed = run_cli("run", ENDPOINT, "--field-timeout", "5", "--timeout", "7", "--dry-run", env=env)
    assert timed.returncode == 0, str(timed)
    assert timed.json() == {"timeout": "5"}


def test_help_and_show_name_the_renamed_fields(clash_package: tuple[Path, list[str]]) -> None:
    package, _ = clash_package
    env = {"PYTHONPATH": str(package)}
    help_text = run_cli("run", ENDPOINT, "--help", env=env)
    assert help_text.returncode == 0, str(help_text)
    fields = help_text.stdout.split("\nInput fields:\n", 1)[1].split("\nOptions:\n", 1)[0]
    for option in ("--field-timeout TEXT", "--field-progress TEXT", "--field-v TEXT"):
        assert option in fields, help_text.stdout
    shown = run_cli("show", ENDPOINT, env=env)
    assert shown.returncode == 0, str(shown)
    for option in ("--field-timeout", "--field-progress", "--field-v"):
        assert option in shown.stdout, shown.stdout
