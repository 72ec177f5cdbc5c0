"""Overlays: reviewed fixes applied after parsing; every action is reported, none silently lost."""

from __future__ import annotations

from pathlib import Path

from generator.docs.parse import parse
from tests.conftest import ROOT

PAGE = ROOT / "tests/seed_pages/001_11878542ada84a38.txt"
ID = "fal-ai/flux-2/klein/4b/base"


def _parse(tmp_path: Path, overlay: str) -> tuple[object, list[tuple[str, str, int]]]:
    directory = tmp_path / "overlays"
    directory.mkdir(exist_ok=True)
    (directory / "fix.yaml").write_text(overlay, encoding="utf-8")
    result = parse([PAGE], overlays=directory)
    found = [(d.code, d.severity.value, d.line) for d in result.diagnostics if d.code.startswith("overlay")]
    return result, found


def test_set_update_add_remove_are_applied_and_reported(tmp_path: Path) -> None:
    result, found = _parse(
        tmp_path,
        f"""actions:
  - target: {ID}
    pointer: /input/seed/required
    set: true
    reason: seed is required upstream
  - target: {ID}
    pointer: /input/num_images/constraints
    update: {{minimum: 1, maximum: 4}}
    reason: stated in fal's playground
  - target: {ID}
    pointer: /output
    add: {{name: extra, type: {{kind: string}}}}
    reason: new output field
  - target: {ID}
    pointer: /input/enable_cns
    remove: true
    reason: not public
""",
    )
    endpoint = result.endpoint(ID)  # type: ignore[attr-defined]
    assert endpoint.input.field("seed").required is True
    assert endpoint.input.field("num_images").constraints.maximum == 4
    assert endpoint.output.field("extra") is not None
    assert endpoint.input.field("enable_cns") is None
    assert [code for code, _, _ in found] == ["overlay-applied"] * 4
    assert [line for _, _, line in found] == [2, 6, 10, 14]


def test_an_overlay_with_no_target_is_reported_unused(tmp_path: Path) -> None:
    _, found = _parse(tmp_path, "actions:\n  - target: fal-ai/nope\n    pointer: /title\n    set: x\n    reason: r\n")
    assert found == [("overlay-unused", "warning", 2)]


def test_a_pointer_that_does_not_resolve_is_reported_unused(tmp_path: Path) -> None:
    result, found = _parse(tmp_path, f"actions:\n  - target: {ID}\n    pointer: /input/no_such_field/default\n    set: 1\n    reason: r\n")
    assert found == [("overlay-unused", "warning", 2)]
    assert result.endpoint(ID) is not None  # type: ignore[attr-defined]


def test_a_result_that_is_not_a_valid_endpoint_is_refused(tmp_path: Path) -> None:
    _, found = _parse(tmp_path, f"actions:\n  - target: {ID}\n    pointer: /input/seed/required\n    set: [1, 2]\n    reason: r\n")
    assert found == [("overlay-unused", "warning", 2)]


def test_invalid_overlay_files_are_errors_with_a_line(tmp_path: Path) -> None:
    _, found = _parse(tmp_path, f"actions:\n  - target: {ID}\n    pointer: title\n    set: x\n")
    assert found == [("overlay-invalid", "error", 2)]
    _, found = _parse(tmp_path, "actions: [unclosed\n")
    assert found and found[0][0] == "overlay-unreadable" and found[0][2] >= 1


def test_no_overlays_gives_the_raw_parse(tmp_path: Path) -> None:
    overlay = f"actions:\n  - target: {ID}\n    pointer: /input/seed/required\n    set: true\n    reason: r\n"
    fixed, _ = _parse(tmp_path, overlay)
    raw = parse([PAGE], overlays=None)
    assert raw.endpoint(ID).input.field("seed").required is False  # type: ignore[union-attr]
    assert fixed.endpoint(ID).input.field("seed").required is True  # type: ignore[attr-defined]
    assert not [d for d in raw.diagnostics if d.code.startswith("overlay")]


def test_add_at_types_defines_what_a_document_never_defines(tmp_path: Path) -> None:
    """fal's dangling `$ref` (a warning, typed Any) is fixed by an overlay that adds the type."""
    from generator.core.ir import TypeExpr
    from tests.spec.test_spec import minimal_doc

    document = minimal_doc(points={"type": "array", "items": {"$ref": "#/components/schemas/Point"}})
    source = tmp_path / "fal-ai__demo.json"
    source.write_text(__import__("json").dumps(document), encoding="utf-8")
    directory = tmp_path / "overlays"
    directory.mkdir()
    (directory / "fix.yaml").write_text(
        """actions:
  - target: fal-ai/demo
    pointer: /types
    add:
      name: Point
      fields:
        - {name: x, type: {kind: number}, required: true}
      additional_properties: true
    reason: fal's document refers to Point and never defines it
  - target: fal-ai/demo
    pointer: /types
    add: {name: Point}
    reason: a second definition is refused, never merged
""",
        encoding="utf-8",
    )
    result = parse([source], overlays=directory)
    endpoint = result.endpoint("fal-ai/demo")
    assert endpoint is not None
    point = endpoint.type("Point")
    assert point is not None and point.additional_properties is True and point.fields[0].type == TypeExpr(kind="number")
    found = [(d.code, d.severity.value) for d in result.diagnostics]
    assert ("dangling-ref", "warning") in found  # the document's defect is still reported
    assert [code for code, _ in found if code.startswith("overlay")] == ["overlay-applied", "overlay-unused"]
    assert not any(severity == "error" for _, severity in found)
