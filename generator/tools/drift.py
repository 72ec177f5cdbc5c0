"""Spec drift: what changed between two spec directories, judged for users of the generated package.

`falgen diff OLD NEW` (or `falgen diff --base REV`) reads both directories back into the IR
(`generator.spec.read.read_spec_dir`), compares them endpoint by endpoint and gives every
change a verdict:

- breaking: code written against the old package may stop working (endpoint, input field or
  capability removed, new required input, optional input made required, type changed, enum
  value removed or renamed, limit narrowed, output field removed or made optional, a
  breaking change inside a nested output type);
- non-breaking: only additions or relaxations (new endpoint, new optional input, new enum
  value, limit widened, new output field, required input made optional, description change);
- notable: not breaking, but behaviour users may notice (a default changed; on the output
  side, new enum values or wider limits that exhaustive user code may not expect).

Nested types are compared by the structure reachable from the input and the output, never by
name: a renamed but identical type (or enum) is no change, and a change inside a nested
output type is reported as `nested-output-type-changed` at the data path where it shows
(`/output/images/url`) with the inner kind in `detail`. Input-side changes are judged with
the input's variance (narrowing breaks callers), output-side with the output's (widening is
what callers may not expect). Provenance, required-ness sources and unreferenced types (not
rendered into an endpoint's module) are not compared.

The suggested semver bump for the generated package: breaking -> major, other non-breaking
changes -> minor, notable or description/example-only -> patch, nothing -> none.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from generator.core.ir import Constraints, Endpoint, Field_, Schema, TypeExpr
from generator.core.markdown import md_code, md_text

if TYPE_CHECKING:
    import subprocess

    from generator.python.namelock import NameLock

__all__ = [
    "Change",
    "DiffResult",
    "diff_command",
    "diff_dirs",
    "diff_endpoints",
    "render_changelog_entry",
    "render_compact",
    "render_json",
    "render_markdown",
    "semantic_report",
    "suggested_bump",
]

Verdict = Literal["breaking", "non-breaking", "notable"]
Bump = Literal["major", "minor", "patch", "none"]
Side = Literal["input", "output"]

VERDICTS: tuple[Verdict, ...] = ("breaking", "non-breaking", "notable")

KIND_LABELS: dict[str, str] = {
    "endpoint-removed": "endpoint removed",
    "endpoint-added": "new endpoint",
    "endpoint-renamed": "public name moved",
    "type-renamed": "shared type name moved",
    "capability-removed": "capability removed",
    "capability-added": "new capability",
    "input-field-removed": "input field removed",
    "required-input-added": "new required input",
    "optional-input-added": "new optional input",
    "input-made-required": "optional input made required",
    "input-made-optional": "required input made optional",
    "output-field-removed": "output field removed",
    "output-field-added": "new output field",
    "output-made-optional": "output field made optional",
    "output-made-required": "output field made required",
    "nested-output-type-changed": "nested output type changed",
    "type-changed": "type changed",
    "nullable-added": "null now allowed",
    "nullable-removed": "null no longer allowed",
    "enum-value-removed": "enum value removed",
    "enum-value-renamed": "enum value renamed",
    "enum-value-added": "new enum value",
    "limit-narrowed": "limit narrowed",
    "limit-widened": "limit widened",
    "default-changed": "default changed",
    "description-changed": "description changed",
    "category-changed": "category changed",
    "example-changed": "example changed",
}

COSMETIC_KINDS = frozenset({"description-changed", "example-changed"})
"""Non-breaking kinds that change no behaviour: alone, they suggest a patch release."""

_UNNESTED_KINDS = frozenset({"description-changed", "default-changed"})
"""Kinds reported as themselves even inside a nested output type."""

_LIMITS: tuple[tuple[str, Literal["lower", "upper"]], ...] = (
    ("minimum", "lower"),
    ("exclusive_minimum", "lower"),
    ("min_length", "lower"),
    ("min_items", "lower"),
    ("maximum", "upper"),
    ("exclusive_maximum", "upper"),
    ("max_length", "upper"),
    ("max_items", "upper"),
)


@dataclass(frozen=True)
class Change:
    """One difference between the old and the new spec of an endpoint."""

    endpoint: str
    location: str
    """JSON-pointer-like data path: `/input/prompt`, `/output/images/url`, `/capabilities/streaming`."""
    kind: str
    verdict: Verdict
    old: Any = None
    new: Any = None
    detail: str | None = None
    """For `nested-output-type-changed`: the kind of the change inside the nested type."""

    @property
    def label(self) -> str:
        label = KIND_LABELS.get(self.kind, self.kind)
        if self.detail:
            label += f" ({KIND_LABELS.get(self.detail, self.detail)})"
        return label

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "endpoint": self.endpoint,
            "location": self.location,
            "kind": self.kind,
            "verdict": self.verdict,
            "old": self.old,
            "new": self.new,
        }
        if self.detail is not None:
            out["detail"] = self.detail
        return out


@dataclass
class DiffResult:
    changes: list[Change] = field(default_factory=list)
    old_endpoints: int = 0
    new_endpoints: int = 0
    problems: list[str] = field(default_factory=list)
    """Errors met while reading the spec directories (unreadable or invalid files)."""

    @property
    def bump(self) -> Bump:
        return suggested_bump(self.changes)

    def counts(self) -> dict[Verdict, int]:
        counted = Counter(change.verdict for change in self.changes)
        return {verdict: counted.get(verdict, 0) for verdict in VERDICTS}

    def by_endpoint(self) -> dict[str, list[Change]]:
        grouped: dict[str, list[Change]] = {}
        for change in self.changes:
            grouped.setdefault(change.endpoint, []).append(change)
        return grouped


def suggested_bump(changes: Iterable[Change]) -> Bump:
    bump: Bump = "none"
    for change in changes:
        if change.verdict == "breaking":
            return "major"
        if change.verdict == "non-breaking" and change.kind not in COSMETIC_KINDS:
            bump = "minor"
        elif bump == "none":
            bump = "patch"
    return bump


# --------------------------------------------------------------------------- comparing


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _same_value(a: Any, b: Any) -> bool:
    """JSON equality that tells `true` from `1` (and `1` from `"1"`), but not `5` from `5.0`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def _contains(values: list[Any], value: Any) -> bool:
    return any(_same_value(value, candidate) for candidate in values)


def _text(value: str) -> str:
    return " ".join(value.split())


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _numbers_only(a: str, b: str) -> bool:
    """True when two descriptions differ only in their numbers."""
    return _NUMBER.sub("#", _text(a)) == _NUMBER.sub("#", _text(b))


def _limits(constraints: Constraints) -> dict[str, Any]:
    return {name: getattr(constraints, name) for name, _ in _LIMITS if getattr(constraints, name) is not None}


@dataclass(frozen=True)
class _Context:
    side: Side
    nested: bool = False
    """Inside a type reached through a `ref` (only matters on the output side)."""
    stack: tuple[tuple[str, str], ...] = ()
    """(old, new) type names being compared, to stop on recursive types."""

    def into(self, pair: tuple[str, str]) -> _Context:
        return _Context(self.side, True, (*self.stack, pair))


class _EndpointDiffer:
    def __init__(self, old: Endpoint, new: Endpoint) -> None:
        self.id = new.id
        self.old = old
        self.new = new
        self.old_types = {schema.name: schema for schema in old.types}
        self.new_types = {schema.name: schema for schema in new.types}
        self.changes: list[Change] = []

    def emit(self, location: str, kind: str, verdict: Verdict, old: Any = None, new: Any = None, detail: str | None = None) -> None:
        self.changes.append(Change(self.id, location, kind, verdict, old, new, detail))

    def schema_change(self, ctx: _Context, location: str, kind: str, verdict: Verdict, old: Any = None, new: Any = None) -> None:
        """A change inside a schema: wrapped as `nested-output-type-changed` inside nested output types."""
        if ctx.side == "output" and ctx.nested and kind not in _UNNESTED_KINDS:
            self.emit(location, "nested-output-type-changed", verdict, old, new, detail=kind)
        else:
            self.emit(location, kind, verdict, old, new)

    def run(self) -> list[Change]:
        old, new = self.old, self.new
        for capability in old.capabilities:
            if capability not in new.capabilities:
                self.emit(f"/capabilities/{capability}", "capability-removed", "breaking", capability, None)
        for capability in new.capabilities:
            if capability not in old.capabilities:
                self.emit(f"/capabilities/{capability}", "capability-added", "non-breaking", None, capability)
        if old.category != new.category:
            self.emit("/category", "category-changed", "notable", old.category, new.category)
        for attribute in ("title", "description"):
            before, after = getattr(old, attribute), getattr(new, attribute)
            if _text(before) != _text(after):
                self.emit(f"/{attribute}", "description-changed", "non-breaking", before, after)
        self.schema(old.input, new.input, "/input", _Context("input"))
        self.schema(old.output, new.output, "/output", _Context("output"))
        for role, before_example, after_example in (
            ("input", old.example_input, new.example_input),
            ("output", old.example_output, new.example_output),
        ):
            before = before_example.value if before_example is not None else None
            after = after_example.value if after_example is not None else None
            if not _same_value(before, after):
                self.emit(f"/examples/{role}", "example-changed", "non-breaking", before, after)
        return self.changes

    def schema(self, old: Schema, new: Schema, path: str, ctx: _Context) -> None:
        if not ctx.nested and _text(old.description) != _text(new.description):
            self.emit(path, "description-changed", "non-breaking", old.description, new.description)
        new_by_name = _first_by_name(new.fields)
        old_by_name = _first_by_name(old.fields)
        for before in old_by_name.values():
            location = f"{path}/{_escape(before.name)}"
            after = new_by_name.get(before.name)
            if after is None:
                kind = "input-field-removed" if ctx.side == "input" else "output-field-removed"
                self.schema_change(ctx, location, kind, "breaking", before.type.render(), None)
            else:
                self.field(before, after, location, ctx)
        for after in new_by_name.values():
            if after.name in old_by_name:
                continue
            location = f"{path}/{_escape(after.name)}"
            if ctx.side == "output":
                self.schema_change(ctx, location, "output-field-added", "non-breaking", None, after.type.render())
            elif after.required:
                self.schema_change(ctx, location, "required-input-added", "breaking", None, after.type.render())
            else:
                self.schema_change(ctx, location, "optional-input-added", "non-breaking", None, after.type.render())

    def field(self, old: Field_, new: Field_, location: str, ctx: _Context) -> None:
        inward = ctx.side == "input"
        if old.required != new.required:
            kind: str
            verdict: Verdict
            if inward:
                kind, verdict = ("input-made-required", "breaking") if new.required else ("input-made-optional", "non-breaking")
            else:
                kind, verdict = ("output-made-required", "non-breaking") if new.required else ("output-made-optional", "breaking")
            self.schema_change(ctx, location, kind, verdict, old.required, new.required)
        if old.nullable != new.nullable:
            kind = "nullable-added" if new.nullable else "nullable-removed"
            breaks = (not new.nullable) if inward else new.nullable
            self.schema_change(ctx, location, kind, "breaking" if breaks else "non-breaking", old.nullable, new.nullable)
        self.type(old.type, new.type, location, ctx)
        limits_changed = self.limits(old.constraints, new.constraints, location, ctx)
        if old.has_default != new.has_default or (old.has_default and not _same_value(old.default, new.default)):
            self.emit(
                location,
                "default-changed",
                "notable",
                old.default if old.has_default else None,
                new.default if new.has_default else None,
            )
        if _text(old.description) != _text(new.description) and not (
            limits_changed and _numbers_only(old.description, new.description)
        ):
            # (a limit read from prose, "(1-4)" -> "(1-2)", is reported once: as the limit change)
            self.emit(location, "description-changed", "non-breaking", old.description, new.description)

    def type(self, old: TypeExpr, new: TypeExpr, location: str, ctx: _Context) -> None:
        if old.kind != new.kind:
            self.schema_change(ctx, location, "type-changed", "breaking", old.render(), new.render())
            return
        if old.kind in ("array", "map"):
            if old.items is not None and new.items is not None:
                self.type(old.items, new.items, location, ctx)
            elif (old.items is None) != (new.items is None):
                self.schema_change(ctx, location, "type-changed", "breaking", old.render(), new.render())
        elif old.kind == "ref":
            self.ref(old, new, location, ctx)
        elif old.kind == "enum":
            self.enum(list(old.values or []), list(new.values or []), location, ctx)
        elif old.kind == "union":
            self.union(old, new, location, ctx)

    def ref(self, old: TypeExpr, new: TypeExpr, location: str, ctx: _Context) -> None:
        old_name, new_name = old.ref or "", new.ref or ""
        before, after = self.old_types.get(old_name), self.new_types.get(new_name)
        if before is None or after is None:
            if (before is None) != (after is None) or old_name != new_name:
                self.schema_change(ctx, location, "type-changed", "breaking", old.render(), new.render())
            return
        pair = (old_name, new_name)
        if pair in ctx.stack:
            return
        self.schema(before, after, location, ctx.into(pair))

    def union(self, old: TypeExpr, new: TypeExpr, location: str, ctx: _Context) -> None:
        old_variants, new_variants = list(old.variants or []), list(new.variants or [])
        if sorted(v.kind for v in old_variants) != sorted(v.kind for v in new_variants):
            self.schema_change(ctx, location, "type-changed", "breaking", old.render(), new.render())
            return
        several_refs = sum(1 for v in new_variants if v.kind == "ref") > 1
        remaining = list(new_variants)
        for before in old_variants:
            after = next(v for v in remaining if v.kind == before.kind)
            remaining.remove(after)
            where = f"{location}/{_escape(after.ref or '')}" if several_refs and after.kind == "ref" else location
            self.type(before, after, where, ctx)

    def enum(self, old: list[Any], new: list[Any], location: str, ctx: _Context) -> None:
        removed = [value for value in old if not _contains(new, value)]
        added = [value for value in new if not _contains(old, value)]
        inward = ctx.side == "input"
        renamed: list[tuple[Any, Any]] = []
        for value in list(removed):
            index = next(i for i, candidate in enumerate(old) if _same_value(candidate, value))
            if index < len(new) and _contains(added, new[index]):
                renamed.append((value, new[index]))
                removed.remove(value)
                added = [a for a in added if not _same_value(a, new[index])]
        for before, after in renamed:
            self.schema_change(ctx, location, "enum-value-renamed", "breaking", before, after)
        for value in removed:
            self.schema_change(ctx, location, "enum-value-removed", "breaking" if inward else "non-breaking", value, None)
        for value in added:
            self.schema_change(ctx, location, "enum-value-added", "non-breaking" if inward else "notable", None, value)

    def limits(self, old: Constraints, new: Constraints, location: str, ctx: _Context) -> bool:
        narrowed = widened = False
        for name, bound in _LIMITS:
            before, after = getattr(old, name), getattr(new, name)
            if before == after:
                continue
            if before is None:
                narrowed = True
            elif after is None:
                widened = True
            elif (after > before) == (bound == "lower"):
                narrowed = True
            else:
                widened = True
        if not (narrowed or widened):
            return False
        kind = "limit-narrowed" if narrowed else "limit-widened"
        if ctx.side == "input":
            verdict: Verdict = "breaking" if narrowed else "non-breaking"
        else:
            verdict = "non-breaking" if narrowed else "notable"
        self.schema_change(ctx, location, kind, verdict, _limits(old), _limits(new))
        return True


def _first_by_name(fields: list[Field_]) -> dict[str, Field_]:
    """Fields by wire name; a name listed twice (`x-fal-duplicate-properties`) is the first
    one, the property the spec's JSON Schema and the bindings use."""
    out: dict[str, Field_] = {}
    for item in fields:
        out.setdefault(item.name, item)
    return out


def diff_endpoints(old: Iterable[Endpoint], new: Iterable[Endpoint]) -> list[Change]:
    """Every change from `old` to `new`, endpoints in id order."""
    before = {endpoint.id: endpoint for endpoint in old}
    after = {endpoint.id: endpoint for endpoint in new}
    changes: list[Change] = []
    for endpoint_id in sorted(before.keys() | after.keys()):
        if endpoint_id not in after:
            changes.append(Change(endpoint_id, "/", "endpoint-removed", "breaking", endpoint_id, None))
        elif endpoint_id not in before:
            changes.append(Change(endpoint_id, "/", "endpoint-added", "non-breaking", None, endpoint_id))
        else:
            changes.extend(_EndpointDiffer(before[endpoint_id], after[endpoint_id]).run())
    return changes


def diff_dirs(old_dir: Path, new_dir: Path, locks: tuple[NameLock | None, NameLock | None] | None = None) -> DiffResult:
    """Read both spec directories back into the IR and compare them; with `locks` (the names
    lock of each side, or None: names chosen afresh), also the public names each side gets."""
    from generator.core.ir import Severity
    from generator.python.namelock import names_of, renames
    from generator.spec.read import read_spec_dir

    old = read_spec_dir(old_dir)
    new = read_spec_dir(new_dir)
    problems = [d.render() for d in (*old.diagnostics, *new.diagnostics) if d.severity is Severity.ERROR]
    changes = diff_endpoints(old.endpoints, new.endpoints)
    if locks is not None:
        changes += renames(names_of(old.endpoints, locks[0]), names_of(new.endpoints, locks[1]))
    return DiffResult(
        changes=changes,
        old_endpoints=len(old.endpoints),
        new_endpoints=len(new.endpoints),
        problems=problems,
    )


# --------------------------------------------------------------------------- rendering


def _show(value: Any, limit: int = 60) -> str:
    if value is None:
        return "-"
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _md_value(value: Any) -> str:
    """A change's old or new value in a table cell: its JSON as an inert code span."""
    return "-" if value is None else md_code(_show(value), table=True)


def _counts_text(changes: list[Change]) -> str:
    counted = Counter(change.verdict for change in changes)
    return ", ".join(f"{counted[v]} {v}" for v in VERDICTS if counted[v])


def render_json(result: DiffResult) -> str:
    doc = {
        "bump": result.bump,
        "counts": result.counts(),
        "changes": [change.to_json() for change in result.changes],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_markdown(result: DiffResult, title: str = "Spec drift") -> str:
    """A PR body: verdict summary table, then one section per endpoint."""
    grouped = result.by_endpoint()
    lines = [f"## {title}", ""]
    if not result.changes:
        lines += ["No change visible to users of the generated package.", "", "Suggested version bump: **none**", ""]
        return "\n".join(lines)
    lines += [
        f"{len(result.changes)} change(s) in {len(grouped)} endpoint(s). "
        f"Suggested version bump for the generated package: **{result.bump}**.",
        "",
        "| verdict | changes | endpoints |",
        "|---|---:|---:|",
    ]
    for verdict in VERDICTS:
        matching = [c for c in result.changes if c.verdict == verdict]
        lines.append(f"| {verdict} | {len(matching)} | {len({c.endpoint for c in matching})} |")
    lines.append("")
    for endpoint_id, changes in grouped.items():
        lines += [f"### {md_code(endpoint_id) or md_text(endpoint_id)}", "", f"{_counts_text(changes)}", ""]
        lines += ["| verdict | change | location | old | new |", "|---|---|---|---|---|"]
        for change in changes:
            shown = f"**{change.verdict}**" if change.verdict == "breaking" else change.verdict
            lines.append(
                f"| {shown} | {md_text(change.label)} | {md_code(change.location, table=True)} "
                f"| {_md_value(change.old)} | {_md_value(change.new)} |"
            )
        lines.append("")
    return "\n".join(lines)


def render_compact(result: DiffResult, indent: str = "  ") -> str:
    """Plain text for terminals and `falgen check`: per endpoint, one line per change."""
    lines: list[str] = []
    for endpoint_id, changes in result.by_endpoint().items():
        lines.append(f"{indent}{endpoint_id}: {_counts_text(changes)}")
        width = max(len(change.label) for change in changes)
        for change in changes:
            values = f"{_show(change.old, 40)} -> {_show(change.new, 40)}"
            tag = change.verdict.upper() if change.verdict == "breaking" else change.verdict
            lines.append(f"{indent}  {tag:<12}  {change.label:<{width}}  {change.location}  ({values})")
    if result.changes:
        lines.append(f"{indent}suggested version bump for the generated package: {result.bump}")
    return "\n".join(lines)


def _next_version(current: str, bump: Bump) -> str:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", current.strip())
    if not match:
        raise click.BadParameter(f"not a MAJOR.MINOR.PATCH version: {current!r}", param_hint="--current-version")
    major, minor, patch = (int(part) for part in match.groups())
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    if bump == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return current


def render_changelog_entry(result: DiffResult, current_version: str | None = None) -> str:
    """A deterministic changelog entry (no dates): heading with the bump, changes by verdict."""
    heading = _next_version(current_version, result.bump) if current_version else "Unreleased"
    lines = [f"## {heading} ({result.bump} bump)", ""]
    for verdict in VERDICTS:
        matching = [c for c in result.changes if c.verdict == verdict]
        if not matching:
            continue
        lines += [f"### {verdict.capitalize()}", ""]
        for change in matching:
            values = f"{_show(change.old, 40)} -> {_show(change.new, 40)}"
            lines.append(f"- {md_code(change.endpoint)}: {change.label} {md_code(change.location)} ({md_code(values)})")
        lines.append("")
    return "\n".join(lines)


def prepend_changelog(path: Path, entry: str) -> bool:
    """Put `entry` at the top of `path` (below a leading `# ` title); False when it is there already."""
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    title = ""
    body = existing
    if existing.startswith("# "):
        first, _, rest = existing.partition("\n")
        title = first + "\n\n"
        body = rest.lstrip("\n")
    if body.startswith(entry):
        return False
    text = title + entry + ("\n" + body if body else "")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    tmp.replace(path)
    return True


def semantic_report(old_dir: Path, new_dir: Path) -> str:
    """The drift between two spec directories, compact, for `falgen check`'s failure output."""
    try:
        result = diff_dirs(old_dir, new_dir)
    except Exception as error:  # a report must never hide check's own output
        return f"  (semantic diff unavailable: {type(error).__name__}: {error})"
    lines = [f"  note: {problem}" for problem in result.problems]
    if result.changes:
        lines.append(render_compact(result))
    elif _same_tree(old_dir, new_dir):
        return "\n".join(lines)
    else:
        lines.append("  no change visible to users of the generated package (provenance or formatting only)")
    return "\n".join(lines)


def _same_tree(a: Path, b: Path) -> bool:
    files_a = {p.name: p for p in a.glob("*.json")} if a.is_dir() else {}
    files_b = {p.name: p for p in b.glob("*.json")} if b.is_dir() else {}
    return files_a.keys() == files_b.keys() and all(files_a[n].read_bytes() == files_b[n].read_bytes() for n in files_a)


# --------------------------------------------------------------------------- git base


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    import subprocess

    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


@contextmanager
def specs_at_revision(revision: str, new_dir: Path) -> Iterator[Path]:
    """The spec directory as committed at `revision`, extracted into a temporary directory.

    The directory's path inside the repository is `new_dir`'s (default `specs/openapi`).
    """
    import io
    import tarfile
    import tempfile

    anchor = new_dir if new_dir.is_dir() else Path.cwd()
    top = _git(["rev-parse", "--show-toplevel"], anchor)
    if top.returncode != 0:
        raise click.UsageError(f"--base needs a git repository: {top.stderr.decode(errors='replace').strip()}")
    root = Path(top.stdout.decode().strip())
    try:
        relative = new_dir.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = "specs/openapi"
    verified = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root)
    if verified.returncode != 0:
        raise click.UsageError(f"--base: unknown git revision {revision!r}")
    archive = _git(["archive", "--format=tar", verified.stdout.decode().strip(), "--", relative], root)
    if archive.returncode != 0:
        raise click.UsageError(f"--base: {revision} has no {relative}/ ({archive.stderr.decode(errors='replace').strip()})")
    with tempfile.TemporaryDirectory(prefix="falgen-base-") as tmp:
        out = Path(tmp) / "openapi"
        out.mkdir()
        prefix = relative.rstrip("/") + "/"
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            for member in tar.getmembers():
                name = member.name[len(prefix):] if member.name.startswith(prefix) else ""
                if not member.isfile() or not name or "/" in name or not name.endswith(".json"):
                    continue
                extracted = tar.extractfile(member)
                if extracted is not None:
                    (out / name).write_bytes(extracted.read())
        yield out


# --------------------------------------------------------------------------- CLI


DEFAULT_LOCK = Path("generated/names.lock.json")
"""Relative to the repository's top level."""


def _repository_root(anchor: Path) -> Path:
    top = _git(["rev-parse", "--show-toplevel"], anchor if anchor.is_dir() else Path.cwd())
    return Path(top.stdout.decode().strip()) if top.returncode == 0 else Path.cwd()


def _locks(base: str | None, new_path: Path | None, old_path: Path | None) -> tuple[NameLock | None, NameLock | None]:
    """The names locks of OLD and NEW: given files, or with --base the lock at REV and in the
    working tree. A missing lock is None (names chosen afresh, as `falgen generate` would)."""
    from generator.python.namelock import LockError, lock_at_revision, read_lock

    try:
        new_lock = read_lock(new_path) if new_path is not None else None
        if old_path is not None:
            old_lock = read_lock(old_path)
            if old_lock is None:
                raise click.UsageError(f"no names lock {old_path}")
        else:
            old_lock = lock_at_revision(base, new_path) if base is not None and new_path is not None else None
    except LockError as error:
        raise click.UsageError(str(error)) from None
    return old_lock, new_lock


@click.command("diff")
@click.argument("old", required=False, type=click.Path(path_type=Path))
@click.argument("new", required=False, type=click.Path(path_type=Path))
@click.option("--base", "base", metavar="REV", help="OLD is the spec directory committed at git revision REV; NEW defaults to specs/openapi.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON ({bump, counts, changes}) instead of Markdown.")
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "any", "none"]),
    default="none",
    show_default=True,
    help="Exit 1 when there is a breaking change (breaking) or any change (any).",
)
@click.option("--changelog", type=click.Path(path_type=Path), help="Prepend an entry (bump and changes, no date) to this file.")
@click.option("--current-version", metavar="X.Y.Z", help="Name the changelog entry after the next version instead of 'Unreleased'.")
@click.option(
    "--lock",
    "lock_path",
    type=click.Path(path_type=Path),
    help=f"Names lock of NEW [default with --base: the repository's {DEFAULT_LOCK}, when it exists; else names chosen afresh].",
)
@click.option("--old-lock", "old_lock_path", type=click.Path(path_type=Path), help="Names lock of OLD [default with --base: --lock as committed at REV].")
def diff_command(
    old: Path | None,
    new: Path | None,
    base: str | None,
    as_json: bool,
    fail_on: str,
    changelog: Path | None,
    current_version: str | None,
    lock_path: Path | None,
    old_lock_path: Path | None,
) -> None:
    """Compare two spec directories (OLD NEW, or --base REV [NEW]) and judge every change.

    Each change is breaking, non-breaking or notable for users of the generated package;
    the report (Markdown, or --json) ends with the suggested semver bump. Exit 0, or 1 when
    --fail-on triggers, 2 on usage errors.
    """
    if base is not None:
        if new is not None:
            raise click.UsageError("with --base REV give at most one directory (NEW)")
        new_dir = old if old is not None else Path("specs/openapi")
        if not new_dir.is_dir():
            raise click.UsageError(f"no spec directory {new_dir}")
        locks = _locks(base, lock_path or _repository_root(new_dir) / DEFAULT_LOCK, old_lock_path)
        with specs_at_revision(base, new_dir) as old_dir:
            result = diff_dirs(old_dir, new_dir, locks)
    else:
        if old is None or new is None:
            raise click.UsageError("give OLD and NEW spec directories, or --base REV [NEW]")
        for directory in (old, new):
            if not directory.is_dir():
                raise click.UsageError(f"no spec directory {directory}")
        result = diff_dirs(old, new, _locks(None, lock_path, old_lock_path))
    for problem in result.problems:
        click.echo(f"falgen diff: {problem}", err=True)
    if result.problems:
        sys.exit(2)
    click.echo(render_json(result) if as_json else render_markdown(result), nl=not as_json)
    if changelog is not None and result.changes:
        written = prepend_changelog(changelog, render_changelog_entry(result, current_version))
        click.echo(f"falgen diff: {'updated' if written else 'already up to date:'} {changelog}", err=True)
    triggered = (fail_on == "breaking" and result.bump == "major") or (fail_on == "any" and bool(result.changes))
    sys.exit(1 if triggered else 0)
