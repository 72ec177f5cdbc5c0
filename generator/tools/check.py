"""`falgen check`: docs -> specs -> code must reproduce exactly the output in the working tree.

Everything is regenerated into a temporary directory and compared file by file with
`specs/openapi/`, the diagnostics report and `generated/` as they are on disk, committed or not;
the report names those of them that hold changes git has not committed. CI checks a fresh clone,
where the two are the same: what is committed.
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.build.output import OutputRefused, read_manifest
from generator.build.trees import tree_files
from generator.docs.diagnostics_report import write_report
from generator.docs.parse import ParseRun, partial_sources
from generator.python.namelock import LOCK_FILE, LockError, PublicNames, read_lock
from generator.render.generate import render_package, write_tree
from generator.render.inputs import DEFAULT_VERSION, RenderError, package_version
from generator.spec.write import write_documents
from generator.tools.drift.compare import DiffResult, renames
from generator.tools.drift.git import git
from generator.tools.drift.report import render_compact, semantic_report

REGENERATE = "make generate   (or: falgen parse && falgen generate)"


@dataclass
class TreeDiff:
    added: list[str] = field(default_factory=list)
    """In the regenerated tree only (not on disk)."""
    removed: list[str] = field(default_factory=list)
    """Committed but no longer generated."""
    changed: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _files(root: Path) -> dict[str, Path]:
    return {path.relative_to(root).as_posix(): path for path in tree_files(root) if root.is_dir()}


def compare_trees(committed: Path, fresh: Path) -> TreeDiff:
    """Compare what falgen owns in `committed` (files its manifest lists, or that would be
    generated; everything when it has no readable manifest) with the `fresh` tree. Files falgen
    did not write (a `build/` left by pip, notes) are not its output, so not compared."""
    old, new = _files(committed), _files(fresh)
    try:
        listed = read_manifest(committed) if committed.is_dir() else None
    except OutputRefused:
        listed = None
    if listed is not None:
        old = {path: file for path, file in old.items() if path in listed or path in new}
    diff = TreeDiff()
    diff.added = sorted(new.keys() - old.keys())
    diff.removed = sorted(old.keys() - new.keys())
    diff.changed = sorted(p for p in old.keys() & new.keys() if old[p].read_bytes() != new[p].read_bytes())
    return diff


def unified(committed: Path, fresh: Path, relative: str, limit: int = 40) -> str:
    a = (committed / relative).read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    b = (fresh / relative).read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    lines = list(difflib.unified_diff(a, b, f"on-disk/{relative}", f"regenerated/{relative}"))
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more diff lines)\n"]
    return "".join(lines)


@dataclass
class CheckResult:
    specs: TreeDiff
    report: TreeDiff
    generated: TreeDiff
    fresh_specs: Path
    fresh_generated: Path

    @property
    def clean(self) -> bool:
        return self.specs.clean and self.report.clean and self.generated.clean


def run_check(sources: Path, specs: Path, generated: Path, overlays: Path, workdir: Path, version: str = DEFAULT_VERSION) -> CheckResult:
    fresh_specs = workdir / "openapi"
    fresh_report = workdir / "report"
    fresh_generated = workdir / "generated"
    run = ParseRun([sources], overlays, partial_sources=partial_sources([sources]))
    write_documents(run.documents(), fresh_specs)
    write_report(run.summary(), run.sorted_diagnostics(), fresh_report)
    # The committed names lock is an input as much as the docs: the names it records stay.
    write_tree(render_package(fresh_specs, read_lock(generated / LOCK_FILE), version).files, fresh_generated)
    report_diff = TreeDiff()
    for name in ("diagnostics.json", "diagnostics.md"):
        committed, fresh = specs.parent / name, fresh_report / name
        if not committed.is_file():
            report_diff.added.append(name)
        elif committed.read_bytes() != fresh.read_bytes():
            report_diff.changed.append(name)
    return CheckResult(
        specs=compare_trees(specs, fresh_specs),
        report=report_diff,
        generated=compare_trees(generated, fresh_generated),
        fresh_specs=fresh_specs,
        fresh_generated=fresh_generated,
    )


def check(sources: Path, specs: Path, generated: Path, overlays: Path, version_file: Path | None = None) -> tuple[bool, str]:
    """Returns (clean, report text)."""
    compared = f"{specs}/, {specs.parent}/diagnostics.{{json,md}} and {generated}/ as they are on disk (committed or not)"
    with tempfile.TemporaryDirectory(prefix="falgen-check-") as tmp:
        try:
            version = package_version(specs, version_file)
            result = run_check(sources, specs, generated, overlays, Path(tmp), version)
        except (LockError, RenderError) as error:
            return False, f"falgen check: {error}"
        uncommitted = _uncommitted([specs, specs.parent / "diagnostics.json", specs.parent / "diagnostics.md", generated])
        note = [f"note: not committed yet (CI checks the commit): {', '.join(uncommitted)}"] if uncommitted else []
        if result.clean:
            files = len(_files(specs)) + len(_files(generated))
            return True, "\n".join([f"falgen check: clean: {compared} reproduce from {sources} ({files} files)", *note])
        lines = [f"falgen check: {compared} do not reproduce from {sources}.", *note, ""]
        lines += _describe("specs", specs, result.fresh_specs, result.specs)
        lines += _describe("diagnostics report", specs.parent, specs.parent, result.report, show_diff=False)
        lines += _describe("generated package", generated, result.fresh_generated, result.generated, hand_edits=True)
        semantic = semantic_report(specs, result.fresh_specs)
        if semantic:
            lines += ["", f"What changed for users ({specs}/ -> what the docs make):", semantic]
        moved = _moved_names(generated, result.fresh_generated)
        if moved:
            lines += ["", f"Public names that would move ({generated}/ -> regenerated):", moved]
        lines += ["", f"To regenerate: {REGENERATE}"]
        return False, "\n".join(lines)


def _uncommitted(paths: list[Path]) -> list[str]:
    """Those of `paths` that hold changes git has not committed, with a count of the files
    (untracked ones included); nothing outside a git repository."""
    anchor = next((path for path in paths if path.is_dir()), Path.cwd())
    try:
        top = git(["rev-parse", "--show-toplevel"], anchor)
        status = git(["status", "--porcelain", "-z", "--untracked-files=all", "--", *(str(path.resolve()) for path in paths)], anchor)
    except OSError:  # no git
        return []
    if top.returncode != 0 or status.returncode != 0:
        return []
    root = Path(top.stdout.decode(errors="replace").strip()).resolve()
    fields = status.stdout.decode(errors="replace").split("\0")
    changed: list[Path] = []
    index = 0
    while index < len(fields):
        entry = fields[index]
        index += 1
        if len(entry) > 3:
            changed.append(root / entry[3:])
            if entry[0] in "RC":  # a rename or copy: its next field is the old path
                index += 1
    found = []
    for path in paths:
        inside = [file for file in changed if file == path.resolve() or path.resolve() in file.parents]
        if inside:
            found.append(f"{path}{'/' if path.is_dir() else ''} ({len(inside)} file{'s' if len(inside) > 1 else ''})")
    return found


def _moved_names(committed: Path, fresh: Path) -> str:
    """Endpoints and shared types whose module or class the regenerated package changes."""
    before, after = PublicNames.from_tree(committed), PublicNames.from_tree(fresh)
    changes = renames(before, after)
    lines = [f"  note: {note}" for note in before.notes]
    if changes:
        lines.append(render_compact(DiffResult(changes=changes)))
    return "\n".join(lines)


def _describe(label: str, committed: Path, fresh: Path, diff: TreeDiff, show_diff: bool = True, hand_edits: bool = False) -> list[str]:
    if diff.clean:
        return []
    lines = [f"{label}:"]
    for path in diff.removed:
        lines.append(f"  on disk but no longer generated: {committed / path}")
    for path in diff.added:
        lines.append(f"  missing (would be generated): {committed / path}")
    for path in diff.changed:
        reason = "edited by hand or out of date" if hand_edits else "differs"
        lines.append(f"  {reason}: {committed / path}")
        if show_diff:
            lines.append(_indent(unified(committed, fresh, path)))
    return lines


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").split("\n"))
