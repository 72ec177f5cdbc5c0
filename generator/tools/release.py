"""`falgen release`: prepare a release of the generated package.

The version lives in one committed file (`specs/VERSION`, read by `falgen generate`). A release
is a git tag `vX.Y.Z`. This command compares the specs with those of the last release tag
(`falgen diff --base vX.Y.Z`), applies the suggested semver bump to that release's version,
writes the new version and prepends the release's changelog entry. Then: `make generate`,
commit, tag; the release workflow builds, tests and publishes on the tag.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

import click

from generator.render.inputs import parse_version
from generator.tools.drift.compare import Bump
from generator.tools.drift.git import git

BUMPS: tuple[Bump, ...] = ("none", "patch", "minor", "major")


def _repository_root(anchor: Path) -> Path:
    top = git(["rev-parse", "--show-toplevel"], anchor)
    if top.returncode != 0:
        raise click.UsageError(f"falgen release needs a git repository: {top.stderr.decode(errors='replace').strip()}")
    return Path(top.stdout.decode().strip())


def tag_version(tag: str) -> tuple[int, int, int] | None:
    """The version a release tag names: `v` and the version (`v1.4.0` -> (1, 4, 0)); None for
    any other name."""
    return parse_version(tag[1:]) if tag.startswith("v") else None


def last_release_tag(root: Path) -> str | None:
    """The highest `vX.Y.Z` tag reachable from HEAD (None when there is none)."""
    listed = git(["tag", "--merged", "HEAD", "--list", "v*"], root)
    if listed.returncode != 0:
        return None
    tags = [(version, tag) for tag in listed.stdout.decode().split() if (version := tag_version(tag)) is not None]
    return max(tags)[1] if tags else None


def released_version(base: str, root: Path, version_file: Path) -> str:
    """The version released at `base`: a release tag's own, else the version file at `base`."""
    if tag_version(base) is not None:
        return base[1:]
    try:
        relative = version_file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise click.UsageError(f"--base {base} is no release tag (vX.Y.Z) and {version_file} is outside the repository") from None
    shown = git(["show", f"{base}:{relative}"], root)
    version = shown.stdout.decode(errors="replace").strip()
    if shown.returncode != 0 or parse_version(version) is None:
        raise click.UsageError(f"--base {base} is no release tag (vX.Y.Z) and has no readable {relative}")
    return version


def _unreleased(released: str) -> Callable[[str], bool]:
    """Accepts the heading of a changelog entry of a version after `released`: an earlier
    preparation of this release, which the new entry (every change since `released`) replaces."""
    after = parse_version(released)

    def accepts(heading: str) -> bool:
        version, bracket, _ = heading.removeprefix("## ").partition(" (")  # `## 1.4.0 (minor)`
        parsed = parse_version(version) if heading.startswith("## ") and bracket else None
        return parsed is not None and after is not None and parsed > after

    return accepts


@click.command("release")
@click.option("--specs", type=click.Path(path_type=Path), default=Path("specs/openapi"), show_default=True)
@click.option("--base", metavar="REV", help="The last release [default: the highest vX.Y.Z tag reachable from HEAD].")
@click.option("--bump", type=click.Choice(BUMPS[1:]), help="Bump more than the changes need (never less).")
@click.option("--version-file", type=click.Path(path_type=Path), help="[default: VERSION beside --specs, i.e. specs/VERSION].")
@click.option("--changelog", type=click.Path(path_type=Path), default=Path("CHANGELOG.md"), show_default=True)
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
def release_command(specs: Path, base: str | None, bump: str | None, version_file: Path | None, changelog: Path, dry_run: bool) -> None:
    """Prepare a release: the next version from what changed for users since the last release.

    Compares --specs with the specs at the last release tag (as `falgen diff --base`), applies
    the suggested bump to that release's version (breaking -> major, other additions -> minor,
    the rest -> patch), writes it to specs/VERSION and prepends the release's entry to the
    changelog. Nothing changed: nothing is written. Then: make generate, commit, `git tag
    vX.Y.Z`, push the tag (the release workflow builds, tests and publishes). Exit 0, 1 when a
    spec cannot be read, 2 on usage errors.
    """
    from generator.python.namelock import LOCK_FILE, LockError, read_lock
    from generator.render.inputs import RenderError, package_version, version_path
    from generator.tools.drift.compare import diff_dirs
    from generator.tools.drift.git import lock_at_revision, specs_at_revision
    from generator.tools.drift.report import next_version, prepend_changelog, render_changelog_entry

    if not specs.is_dir():
        raise click.UsageError(f"no spec directory {specs}")
    root = _repository_root(specs)
    target = version_path(specs, version_file)
    try:
        current = package_version(specs, version_file)
    except RenderError as error:
        raise click.UsageError(str(error)) from None
    if base is None:
        base = last_release_tag(root)
        if base is None:
            raise click.UsageError(
                f"no release tag (vX.Y.Z) reachable from HEAD. The first release is the version in {target} "
                f"({current}): tag it (git tag v{current}), or give --base REV"
            )
    released = released_version(base, root, target)
    lock = root / "generated" / LOCK_FILE
    try:
        locks = (lock_at_revision(base, lock), read_lock(lock))
    except LockError as error:
        raise click.UsageError(str(error)) from None
    with specs_at_revision(base, specs) as old:
        result = diff_dirs(old, specs, locks)
    for problem in result.problems:
        click.echo(f"falgen release: {problem}", err=True)
    if result.problems:
        sys.exit(1)
    counts = ", ".join(f"{count} {verdict}" for verdict, count in result.counts().items())
    chosen = cast(Bump, bump) if bump else result.bump
    if BUMPS.index(chosen) < BUMPS.index(result.bump):
        raise click.UsageError(f"the changes since {base} need a {result.bump} bump ({counts}); --bump {chosen} would hide them")
    if chosen == "none":
        click.echo(f"nothing changed for users since {base} (fal-bindings {released}): no release, nothing written")
        return
    version = next_version(released, chosen)
    click.echo(f"fal-bindings {released} -> {version} ({chosen} bump; since {base}: {counts})")
    if dry_run:
        click.echo(f"would write {target} ({current} -> {version}) and the {version} entry of {changelog}")
        return
    if current != version:
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_text(version + "\n", encoding="utf-8")
        temporary.replace(target)
    added = prepend_changelog(changelog, render_changelog_entry(result, released, bump=chosen), title="# Changelog", replaces=_unreleased(released))
    written = f"{target}: {current} -> {version}" if current != version else f"{target}: {version} already"
    click.echo(f"{written}; {changelog}: {'entry added' if added else 'entry already there'}")
    click.echo(f"next: make generate, commit, then `git tag v{version} && git push origin v{version}` (the release workflow builds, tests and publishes)")
