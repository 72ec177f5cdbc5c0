"""`falgen diff`: --base REV from git, Markdown for PR bodies, changelog, semver, usage errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.core.ir import Endpoint
from generator.tools.drift.command import diff_command
from generator.tools.drift.compare import Change, diff_endpoints, suggested_bump
from generator.tools.drift.report import semantic_report
from tests.conftest import falgen
from tests.tools.conftest import KLEIN, NB, REALTIME, replace_once, specs_from_text

SEED_BLOCK = f"seed{NB}integer\n\nThe seed to use for the generation. If not provided, a random seed will be used.\n\n"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Old: klein + realtime. New: klein with a removed input, a new default, a new enum value; realtime gone."""
    root = tmp_path_factory.mktemp("pair")
    text = KLEIN.read_text(encoding="utf-8")
    old = specs_from_text(text, root, "old")
    for spec in specs_from_text(REALTIME.read_text(encoding="utf-8"), root, "realtime").glob("*.json"):
        shutil.copy(spec, old / spec.name)
    mutated = replace_once(text, SEED_BLOCK, "")
    mutated = replace_once(mutated, "Default value: 28", "Default value: 30")
    mutated = replace_once(mutated, "Possible enum values: jpeg, png, webp", "Possible enum values: jpeg, png, webp, a|b")
    new = specs_from_text(mutated, root, "new")
    return old, new


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(diff_command, list(args))
    return result.exit_code, result.output


def test_markdown_has_a_verdict_table_and_a_section_per_endpoint(pair: tuple[Path, Path]) -> None:
    code, text = invoke(str(pair[0]), str(pair[1]))
    assert code == 0
    assert "Suggested version bump for the generated package: **major**" in text
    assert "| breaking | 2 | 2 |" in text
    assert "| non-breaking | 1 | 1 |" in text
    assert "| notable | 1 | 1 |" in text
    assert "### `fal-ai/flux-2/klein/4b/base`" in text
    assert "### `fal-ai/flux-2/klein/realtime`" in text
    assert '| **breaking** | input field removed | `/input/seed` | `"integer"` | - |' in text
    assert "| notable | default changed | `/input/num_inference_steps` | `28` | `30` |" in text
    assert '`"a\\|b"`' in text  # a pipe in a doc value does not break the table
    assert text.index("klein/4b/base`") < text.index("klein/realtime`")


def test_json_lists_changes_with_bump_and_counts(pair: tuple[Path, Path]) -> None:
    code, text = invoke(str(pair[0]), str(pair[1]), "--json", "--fail-on", "breaking")
    assert code == 1
    doc = json.loads(text)
    assert doc["bump"] == "major"
    assert doc["counts"] == {"breaking": 2, "non-breaking": 1, "notable": 1}
    assert [(c["endpoint"], c["location"], c["kind"]) for c in doc["changes"]] == [
        ("fal-ai/flux-2/klein/4b/base", "/input/seed", "input-field-removed"),
        ("fal-ai/flux-2/klein/4b/base", "/input/num_inference_steps", "default-changed"),
        ("fal-ai/flux-2/klein/4b/base", "/input/output_format", "enum-value-added"),
        ("fal-ai/flux-2/klein/realtime", "/", "endpoint-removed"),
    ]
    again = invoke(str(pair[0]), str(pair[1]), "--json")[1]
    assert again == text  # deterministic


def test_changelog_entry_is_prepended_once_without_dates(pair: tuple[Path, Path], tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## 0.1.0\n\n- First release.\n")
    code, _ = invoke(str(pair[0]), str(pair[1]), "--changelog", str(changelog), "--current-version", "0.1.0")
    assert code == 0
    text = changelog.read_text()
    assert text.startswith("# Changelog\n\n## 1.0.0 (major bump)\n\n### Breaking\n\n- `fal-ai/flux-2/klein/4b/base`: input field removed `/input/seed`")
    assert "### Notable" in text and "### Non-breaking" in text
    assert text.endswith("## 0.1.0\n\n- First release.\n")
    assert not any(ch.isdigit() for ch in text.split("\n", 3)[2].replace("1.0.0", ""))  # no date in the heading
    invoke(str(pair[0]), str(pair[1]), "--changelog", str(changelog), "--current-version", "0.1.0")
    assert changelog.read_text() == text  # same entry is not added twice

    fresh = tmp_path / "NEW.md"
    invoke(str(pair[0]), str(pair[1]), "--changelog", str(fresh))
    assert fresh.read_text().startswith("## Unreleased (major bump)\n")


def test_no_change(pair: tuple[Path, Path]) -> None:
    code, text = invoke(str(pair[1]), str(pair[1]), "--fail-on", "any")
    assert code == 0
    assert "No change visible to users" in text and "**none**" in text
    assert semantic_report(pair[1], pair[1]) == ""


def test_semver_bump_rules() -> None:
    def change(kind: str, verdict: str) -> Change:
        return Change("e", "/x", kind, verdict)  # type: ignore[arg-type]

    assert suggested_bump([]) == "none"
    assert suggested_bump([change("description-changed", "non-breaking"), change("example-changed", "non-breaking")]) == "patch"
    assert suggested_bump([change("default-changed", "notable")]) == "patch"
    assert suggested_bump([change("default-changed", "notable"), change("optional-input-added", "non-breaking")]) == "minor"
    assert suggested_bump([change("optional-input-added", "non-breaking"), change("type-changed", "breaking")]) == "major"


def test_usage_errors(pair: tuple[Path, Path], tmp_path: Path) -> None:
    assert invoke(str(pair[0]))[0] == 2
    assert invoke(str(pair[0]), str(tmp_path / "missing"))[0] == 2
    assert invoke("--base", "HEAD", str(pair[0]), str(pair[1]))[0] == 2
    broken = tmp_path / "broken"
    shutil.copytree(pair[1], broken)
    next(broken.glob("*.json")).write_text("{ not json")
    code, output = invoke(str(pair[0]), str(broken))
    assert code == 2 and "invalid-json" in output


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=falgen-test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True,
    )


@pytest.mark.slow
def test_base_revision_is_read_from_git(pair: tuple[Path, Path], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    specs = repo / "specs" / "openapi"
    shutil.copytree(pair[0], specs)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "specs")
    shutil.rmtree(specs)
    shutil.copytree(pair[1], specs)
    (specs / "not-a-spec.txt").write_text("ignored")

    done = falgen("diff", "--base", "HEAD", "--json", "--fail-on", "breaking", cwd=repo)
    assert done.returncode == 1, done.stderr
    expected = json.loads(invoke(str(pair[0]), str(pair[1]), "--json")[1])
    assert json.loads(done.stdout) == expected

    # NEW may be given explicitly, from anywhere inside the repository
    done = falgen("diff", "--base", "HEAD", "specs/openapi", "--json", cwd=repo)
    assert json.loads(done.stdout) == expected
    done = falgen("diff", "--base", "HEAD", "openapi", "--json", cwd=repo / "specs")
    assert json.loads(done.stdout) == expected

    bad = falgen("diff", "--base", "no-such-rev", cwd=repo)
    assert bad.returncode == 2 and "unknown git revision" in bad.stderr


def _endpoint(output_fields: list[dict[str, Any]], types: list[dict[str, Any]], input_fields: list[dict[str, Any]] | None = None) -> Endpoint:
    return Endpoint.model_validate({
        "id": "fal-ai/x",
        "input": {"name": "Input", "fields": input_fields or []},
        "output": {"name": "Output", "fields": output_fields},
        "types": types,
    })


def _kinds(old: Endpoint, new: Endpoint) -> list[tuple[str, str, str, str | None]]:
    return [(c.kind, c.location, c.verdict, c.detail) for c in diff_endpoints([old], [new])]


def test_output_side_is_judged_with_the_output_variance() -> None:
    color: dict[str, Any] = {"name": "color", "type": {"kind": "enum", "values": ["red", "green"]}, "required": True}
    size: dict[str, Any] = {"name": "size", "type": {"kind": "integer"}, "constraints": {"maximum": 10}}
    old = _endpoint([color, size], [])
    more = _endpoint([{**color, "type": {"kind": "enum", "values": ["red", "green", "blue"]}}, {**size, "constraints": {"maximum": 20}}], [])
    assert _kinds(old, more) == [
        ("enum-value-added", "/output/color", "notable", None),  # exhaustive user code may not expect it
        ("limit-widened", "/output/size", "notable", None),
    ]
    assert _kinds(more, old) == [
        ("enum-value-removed", "/output/color", "non-breaking", None),
        ("limit-narrowed", "/output/size", "non-breaking", None),
    ]
    nullable = _endpoint([{**color, "nullable": True}, size], [])
    assert _kinds(old, nullable) == [("nullable-added", "/output/color", "breaking", None)]
    assert _kinds(nullable, old) == [("nullable-removed", "/output/color", "non-breaking", None)]


def test_nested_types_compare_by_structure_and_stop_on_recursion() -> None:
    def tree(name: str, extra: list[dict[str, Any]]) -> Endpoint:
        node: dict[str, Any] = {"name": name, "fields": [
            {"name": "label", "type": {"kind": "string"}, "required": True},
            {"name": "children", "type": {"kind": "array", "items": {"kind": "ref", "ref": name}}},
            *extra,
        ]}
        return _endpoint([{"name": "root", "type": {"kind": "ref", "ref": name}, "required": True}], [node],
                         input_fields=[{"name": "filter", "type": {"kind": "union", "variants": [{"kind": "ref", "ref": name}, {"kind": "string"}]}}])

    assert _kinds(tree("Node", []), tree("TreeNode", [])) == []  # renamed, identical: no change
    weight: list[dict[str, Any]] = [{"name": "weight", "type": {"kind": "number"}}]
    assert _kinds(tree("Node", []), tree("TreeNode", weight)) == [
        ("optional-input-added", "/input/filter/weight", "non-breaking", None),
        ("nested-output-type-changed", "/output/root/weight", "non-breaking", "output-field-added"),
    ]
    assert _kinds(tree("Node", weight), tree("Node", [])) == [
        ("input-field-removed", "/input/filter/weight", "breaking", None),
        ("nested-output-type-changed", "/output/root/weight", "breaking", "output-field-removed"),
    ]
