"""Reading a git repository: the spec directory and the names lock as committed at a revision."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from generator.python.namelock import LockError, NameLock


def git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


@contextmanager
def specs_at_revision(revision: str, new_dir: Path) -> Iterator[Path]:
    """The spec directory as committed at `revision`, extracted into a temporary directory.

    The directory's path inside the repository is `new_dir`'s (default `specs/openapi`).
    """
    anchor = new_dir if new_dir.is_dir() else Path.cwd()
    top = git(["rev-parse", "--show-toplevel"], anchor)
    if top.returncode != 0:
        raise click.UsageError(f"--base needs a git repository: {top.stderr.decode(errors='replace').strip()}")
    root = Path(top.stdout.decode().strip())
    try:
        relative = new_dir.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = "specs/openapi"
    verified = git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root)
    if verified.returncode != 0:
        raise click.UsageError(f"--base: unknown git revision {revision!r}")
    archive = git(["archive", "--format=tar", verified.stdout.decode().strip(), "--", relative], root)
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


def lock_at_revision(revision: str, path: Path) -> NameLock | None:
    """The names lock committed at git `revision` under `path` (None when it has none)."""
    anchor = path.parent if path.parent.is_dir() else Path.cwd()
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=anchor, capture_output=True, check=False)
    if top.returncode != 0:
        return None
    root = Path(top.stdout.decode().strip())
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    shown = subprocess.run(["git", "show", f"{revision}:{relative}"], cwd=root, capture_output=True, check=False)
    if shown.returncode != 0:
        return None
    try:
        text = shown.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise LockError(f"{revision}:{relative}: not UTF-8 text") from None
    return NameLock.loads(text, f"{revision}:{relative}")
