"""Hostile field, type and enum names become importable models that round-trip wire names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.core.ir import Endpoint, Schema, TypeExpr
from generator.core.ir import Property as Field_
from generator.python.identifiers import RESERVED_FIELD_NAMES, field_identifier
from generator.render.generate import render_package, write_tree
from generator.spec.write import write_specs

CASES = yaml.safe_load((Path(__file__).parent / "naming_cases.yaml").read_text(encoding="utf-8"))


def test_the_table_is_big_enough() -> None:
    assert len(CASES["fields"]) + len(CASES["types"]) + len(CASES["enum_values"]) >= 30


@pytest.mark.parametrize("name", CASES["fields"])
def test_field_identifier_is_a_safe_identifier(name: str) -> None:
    attr = field_identifier(name)
    assert attr.isidentifier() and attr.isascii()
    assert not attr.startswith("_")
    assert attr not in RESERVED_FIELD_NAMES


def test_distinct_wire_names_never_share_an_attribute() -> None:
    taken: set[str] = set()
    for name in sorted(CASES["fields"]):
        attr = field_identifier(name, taken)
        assert attr not in taken
        taken.add(attr)


def _hostile_endpoint() -> Endpoint:
    type_fields = [
        Field_(name="value", type=TypeExpr(kind="string"), required=True),
        Field_(name="class", type=TypeExpr(kind="integer")),
    ]
    types = [Schema(name=name, fields=type_fields) for name in CASES["types"]]
    inputs = [Field_(name=name, type=TypeExpr(kind="string"), description=f'wire name {name!r} """ \\ {{{{ x }}}}') for name in CASES["fields"]]
    inputs.append(Field_(name="choice", type=TypeExpr(kind="enum", name="class", values=CASES["enum_values"])))
    for index, name in enumerate(CASES["types"]):
        inputs.append(Field_(name=f"nested_{index}", type=TypeExpr(kind="ref", ref=name)))
    return Endpoint(
        id="hostile-owner/odd.model/3d-thing",
        title='Title with """ and \\ and {{ braces }}',
        description="import os; os._exit(3)  # must never run",
        input=Schema(name="Input", fields=inputs),
        output=Schema(name="Output", fields=[Field_(name=name, type=TypeExpr(kind="string")) for name in CASES["fields"]]),
        types=types,
    )


@pytest.mark.slow
def test_hostile_names_generate_an_importable_package_that_round_trips(tmp_path: Path) -> None:
    write_specs([_hostile_endpoint()], tmp_path / "openapi")
    write_tree(render_package(tmp_path / "openapi").files, tmp_path / "generated")
    wire = {name: f"value of {name}" for name in CASES["fields"]}
    wire["choice"] = CASES["enum_values"][2]
    wire["nested_0"] = {"value": "v", "class": 3}
    script = f"""
import json, sys
sys.path.insert(0, {str(tmp_path / "generated")!r})
import fal_bindings
assert fal_bindings.__file__.startswith({str(tmp_path)!r}), fal_bindings.__file__
cls = fal_bindings.registry.endpoint_class("hostile-owner/odd.model/3d-thing")
wire = json.loads({json.dumps(json.dumps(wire))})
model = cls.input_model.model_validate(wire)
dumped = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
assert dumped == wire, (dumped, wire)
out = cls.output_model.model_validate({{k: v for k, v in wire.items() if k not in ("choice", "nested_0")}})
assert out.model_dump(mode="json", by_alias=True, exclude_unset=True) == {{k: v for k, v in wire.items() if k not in ("choice", "nested_0")}}
for value in {CASES["enum_values"]!r}:
    cls.input_model.model_validate({{**wire, "choice": value}})
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "ok"
