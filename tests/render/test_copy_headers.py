"""Every hand-written file copied into `generated/` says where it comes from: its first line names
the source under `templates/package/`, and the rest is that source byte for byte."""

from __future__ import annotations

from pathlib import Path

from generator.render.copies import copy_header

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "templates" / "package"
GENERATED = ROOT / "generated"


def _hand_written() -> list[str]:
    return sorted(
        path.relative_to(SOURCES).as_posix()
        for path in SOURCES.rglob("*")
        if path.is_file() and path.suffix not in (".jinja", ".pyc") and "__pycache__" not in path.parts
    )


def test_every_copied_python_file_names_its_source() -> None:
    files = [relative for relative in _hand_written() if relative.endswith(".py")]
    assert len(files) > 20
    wrong = []
    for relative in files:
        copy = (GENERATED / relative).read_text(encoding="utf-8")
        first, _, rest = copy.partition("\n")
        expected = f"# Copied from templates/package/{relative} by falgen. Edit the source, then run make generate."
        if first != expected or rest != (SOURCES / relative).read_text(encoding="utf-8"):
            wrong.append(f"generated/{relative}: first line {first[:100]!r}")
    assert not wrong, "copies without their source header (run `make generate`):\n" + "\n".join(wrong)


def test_markers_are_copied_as_they_are() -> None:
    """`py.typed` is read by type checkers, not Python: no header."""
    for relative in _hand_written():
        if not relative.endswith(".py"):
            assert copy_header(relative) == ""
            assert (GENERATED / relative).read_bytes() == (SOURCES / relative).read_bytes()
