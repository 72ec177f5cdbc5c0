"""Output folders falgen writes (`generated/`, `specs/openapi/`): what it owns, one writer at a time.

- Ownership. A folder falgen wrote holds `.falgen-manifest`: the relative path of every file the
  last run wrote (JSON, deterministic, committed with the folder so a clean clone owns its tree).
  A run removes only files a manifest lists; anything else in the folder (a `build/` left by
  `pip install`, a user's notes, `.git`) is never touched. A non-empty folder without a manifest
  is not falgen's: a run refuses to write into it unless told to take ownership.
- Links. A symbolic link to a directory inside the folder is never followed: a run that would
  write or remove below one refuses instead.
- One writer. A run holds an exclusive `flock` on `.falgen-lock` in the folder from before it
  decides anything until it is done; a second run waits for it (bounded).
- Crash safety. Before its first write a run leaves `.falgen-in-progress`, listing every file it
  may have written, and removes it once the manifest is in place. A run that finds it knows the
  last run died half-way: it trusts nothing incremental (a full run) and owns what either lists.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType

from generator.build.trees import IN_PROGRESS, LOCK, RUN_FILES

MANIFEST = ".falgen-manifest"
DEFAULT_WAIT = 600.0
"""Seconds a run waits for another run writing the same folder."""
_FORMAT = 1


class OutputRefused(Exception):
    """falgen will not write into this folder (the CLI exits 2 with the reason)."""


class OutputBusy(Exception):
    """Another run kept the folder locked for longer than this run would wait."""


def path_problem(relative: object) -> str | None:
    """Why `relative` is not a path inside a folder (None when it is one): manifests are read
    from disk, so their entries are foreign input."""
    if not isinstance(relative, str) or not relative:
        return "not a non-empty string"
    if "\\" in relative or "\0" in relative or relative.startswith("/"):
        return "not a relative POSIX path"
    if any(part in ("", ".", "..") for part in relative.split("/")):
        return "has an empty, '.' or '..' part"
    return None


def read_manifest(root: Path, name: str = MANIFEST) -> set[str] | None:
    """The files a manifest (or in-progress marker) in `root` lists; None when it has none.
    Raises OutputRefused when it is there but is not one falgen wrote."""
    path = root / name
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            raise OutputRefused(f"{path} is not a regular file")
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as error:
        raise OutputRefused(f"{path} cannot be read as falgen's manifest ({error})") from error
    files = data.get("files") if isinstance(data, dict) and data.get("falgen-manifest") == _FORMAT else None
    if not isinstance(files, list):
        raise OutputRefused(f"{path} is not a falgen manifest (expected {{'falgen-manifest': {_FORMAT}, 'files': [...]}})")
    for entry in files:
        problem = path_problem(entry)
        if problem is not None:
            raise OutputRefused(f"{path} lists {entry!r}, which is {problem}")
    return set(files)


def manifest_bytes(files: Iterable[str]) -> bytes:
    return (json.dumps({"falgen-manifest": _FORMAT, "files": sorted(set(files))}, indent=1) + "\n").encode("utf-8")


def overlap(a: Path, b: Path) -> bool:
    """Whether one of two paths is the other or lies inside it."""
    first, second = a.resolve(), b.resolve()
    return first == second or first in second.parents or second in first.parents


class OutputFolder:
    """One run's hold on an output folder: `with OutputFolder(path) as folder:` refuses a
    folder falgen does not own, creates a missing one (with the user's umask), waits for the
    lock; then `begin(paths)` before writing, `write`/`prune`, and `finish(paths)`.

    `interrupted` is true when the last run died half-way (its marker is still there): the
    caller must not trust what it recorded about the tree."""

    def __init__(
        self,
        root: Path,
        *,
        take_ownership: bool = False,
        wait: float = DEFAULT_WAIT,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.take_ownership = take_ownership
        self.wait = wait
        self.notify = notify or (lambda message: None)
        self.owned: set[str] = set()
        """Files an earlier run may have written: what `prune` may remove."""
        self.interrupted = False
        self._fd: int | None = None
        self._created = False
        self._directories: set[str] = {""}
        """Relative directories known to be real directories (not links) in this run."""

    # -- taking the folder ---------------------------------------------------------------

    def __enter__(self) -> OutputFolder:
        self._ownership()  # refuse a folder that is not ours before touching anything in it
        self._make_root()
        self._lock()
        try:
            self.owned = self._ownership()
            marker = read_manifest(self.root, IN_PROGRESS)
            if marker is not None:
                self.interrupted = True
                self.owned |= marker
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self._unlock()

    def _make_root(self) -> None:
        """A missing folder is made with the user's umask (as mkdir makes it)."""
        try:
            self.root.mkdir(parents=True)
            self._created = True
        except FileExistsError:
            if not self.root.is_dir():
                raise OutputRefused(f"{self.root} is not a folder") from None
        except OSError as error:
            raise OutputRefused(f"cannot create {self.root}: {error.strerror or error}") from error

    def _ownership(self) -> set[str]:
        """What the folder's manifest lists; raises OutputRefused for a folder falgen does not own."""
        if not self.root.is_dir():
            return set()
        try:
            listed = read_manifest(self.root)
            if listed is None:
                listed = read_manifest(self.root, IN_PROGRESS)  # a first run into it died
        except OutputRefused as error:
            if not self.take_ownership:
                raise OutputRefused(f"{error}; pass --take-ownership to write into {self.root} anyway (files falgen did not write are kept)") from error
            return set()
        if listed is not None:
            return listed
        others = sorted(name for name in os.listdir(self.root) if name not in RUN_FILES)
        if others and not self.take_ownership:
            shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
            raise OutputRefused(
                f"{self.root} is not empty ({shown}) and has no {MANIFEST}: falgen did not write it and never "
                f"deletes or overwrites what it did not write. Use a new or empty folder, or pass "
                f"--take-ownership to write into it (files falgen did not write are kept)."
            )
        return set()

    def _lock(self) -> None:
        path = self.root / LOCK
        deadline = time.monotonic() + self.wait
        told = False
        while True:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
            except FileNotFoundError:  # the run before made the folder, failed and removed it
                self._make_root()
                continue
            except OSError as error:
                if error.errno == errno.ELOOP:
                    raise OutputRefused(f"{path} is a symbolic link; falgen does not follow links in its output") from error
                raise OutputRefused(f"cannot lock {self.root} ({path}: {error.strerror or error})") from error
            try:
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                        if time.monotonic() >= deadline:
                            raise OutputBusy(
                                f"another falgen run (pid {holder}) is still writing {self.root} after {self.wait:g}s; "
                                f"wait for it to finish (or stop it) and run again"
                            ) from None
                        if not told:
                            self.notify(f"waiting for another falgen run (pid {holder}) writing {self.root} ...")
                            told = True
                        time.sleep(0.05)
                # The run before may have removed the lock file on its way out: hold the one there now.
                try:
                    current = os.stat(path, follow_symlinks=False)
                except FileNotFoundError:
                    current = None
                if current is not None and os.path.samestat(os.fstat(fd), current):
                    os.ftruncate(fd, 0)
                    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
                    self._fd = fd
                    return
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)

    def _unlock(self) -> None:
        if self._fd is None:
            return
        # Remove the file while still holding it (a waiter re-checks which file it holds).
        with contextlib.suppress(OSError):
            os.unlink(self.root / LOCK)
        os.close(self._fd)
        self._fd = None
        if self._created:
            with contextlib.suppress(OSError):  # a folder this run made and left empty (it failed)
                self.root.rmdir()

    # -- writing -------------------------------------------------------------------------

    def begin(self, paths: Iterable[str]) -> None:
        """Before the first write: check no directory on the way is a link, and leave the marker
        naming every file this run or an earlier one may have written."""
        planned = set(paths)
        for relative in sorted(planned | self.owned):
            self._directory(relative.rpartition("/")[0], create=False)
        self.owned |= planned
        self._replace(IN_PROGRESS, manifest_bytes(self.owned))

    def write(self, relative: str, data: bytes) -> os.stat_result:
        """Write one file (through a temporary file and a rename, so no reader sees half of it)."""
        problem = path_problem(relative)
        if problem is not None:
            raise OutputRefused(f"cannot write {relative!r} into {self.root}: it is {problem}")
        directory, _, _ = relative.rpartition("/")
        self._directory(directory, create=True)
        return self._replace(relative, data)

    def holds(self, relative: str, data: bytes) -> bool:
        """Whether `relative` is a regular file (not a link) that holds exactly `data`."""
        if not self._directory(relative.rpartition("/")[0], create=False):
            return False
        path = self.root / relative
        try:
            info = os.lstat(path)
            return stat.S_ISREG(info.st_mode) and info.st_size == len(data) and path.read_bytes() == data
        except OSError:
            return False

    def prune(self, keep: Iterable[str]) -> int:
        """Remove every owned file not in `keep`, then the directories that removal emptied;
        returns how many files were removed."""
        kept = set(keep)
        emptied: set[str] = set()
        removed = 0
        for relative in sorted(self.owned - kept):
            directory = relative.rpartition("/")[0]
            if not self._directory(directory, create=False):
                continue
            target = self.root / relative
            try:
                if stat.S_ISDIR(os.lstat(target).st_mode):
                    continue  # a directory now stands there: not a file falgen wrote
                target.unlink()
            except FileNotFoundError:
                continue
            removed += 1
            while directory:
                emptied.add(directory)
                directory = directory.rpartition("/")[0]
        for directory in sorted(emptied, key=lambda d: d.count("/"), reverse=True):
            with contextlib.suppress(OSError):  # not empty: it holds files falgen did not remove
                (self.root / directory).rmdir()
        return removed

    def finish(self, paths: Iterable[str]) -> None:
        """After the last write: the manifest lists `paths`; the marker goes."""
        data = manifest_bytes(paths)
        path = self.root / MANIFEST
        try:
            same = path.read_bytes() == data
        except OSError:
            same = False
        if not same:  # an unchanged manifest keeps its mtime (a no-op run touches nothing)
            self._replace(MANIFEST, data)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.root / IN_PROGRESS)
        self.interrupted = False

    def _directory(self, relative: str, *, create: bool) -> bool:
        """Whether `relative` is a real directory under the root (made when `create`); raises
        OutputRefused when a part of it is a link or a file."""
        if relative in self._directories:
            return True
        parent = relative.rpartition("/")[0]
        if not self._directory(parent, create=create):
            return False
        path = self.root / relative
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            if not create:
                return False
            path.mkdir()
            mode = stat.S_IFDIR
        if stat.S_ISLNK(mode):
            raise OutputRefused(f"{path} is a symbolic link; falgen never writes or removes through links in its output: remove the link")
        if not stat.S_ISDIR(mode):
            raise OutputRefused(f"{path} is in the way: falgen needs a folder there")
        self._directories.add(relative)
        return True

    def _replace(self, relative: str, data: bytes) -> os.stat_result:
        target = self.root / relative
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.unlink(missing_ok=True)  # never write through whatever stands there
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
        return os.stat(target, follow_symlinks=False)
