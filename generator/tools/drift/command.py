"""`falgen diff`: the command line of the drift check."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.tools.drift.git import git

if TYPE_CHECKING:
    from generator.python.namelock import NameLock

# The engine (IR, reader, names) is imported inside the commands: `falgen` registers this command
# at start-up, and importing pydantic and the reader there would cost every `falgen` call
# ~200 ms (measured with `python -X importtime`).

DEFAULT_LOCK = Path("generated/names.lock.json")
"""Relative to the repository's top level."""


def _repository_root(anchor: Path) -> Path:
    top = git(["rev-parse", "--show-toplevel"], anchor if anchor.is_dir() else Path.cwd())
    return Path(top.stdout.decode().strip()) if top.returncode == 0 else Path.cwd()


def _locks(base: str | None, new_path: Path | None, old_path: Path | None) -> tuple[NameLock | None, NameLock | None]:
    """The names locks of OLD and NEW: given files, or with --base the lock at REV and in the
    working tree. A missing lock is None (names chosen afresh, as `falgen generate` would)."""
    from generator.python.namelock import LockError, read_lock
    from generator.tools.drift.git import lock_at_revision

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
    from generator.tools.drift.compare import diff_dirs
    from generator.tools.drift.git import specs_at_revision
    from generator.tools.drift.report import prepend_changelog, render_changelog_entry, render_json, render_markdown

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
