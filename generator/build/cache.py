"""The local cache (`.falgen-cache/`, or `$FALGEN_CACHE`; never committed).

Every stage is a deterministic function of its inputs and of the generator's own code, so a
result can be stored under a hash of exactly those and reused by any later run: formatted
modules, parsed pages, recovered endpoints, rendered specs. Keys always include the code hash
(`generator/` and `templates/`), so editing the generator invalidates everything it made.
A missing, unreadable or read-only cache only costs time: reads miss, writes are skipped.

Trust: whoever can write the cache can put any bytes in it (a CI cache restored from another
branch is foreign input). So an entry is data, never code: JSON read back through the shape its
reader expects (`Codec`), and a damaged, foreign or wrongly shaped entry is a miss. The folder
is created private to its user (0700), and a folder another user owns is not used at all.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any, Generic, TypeVar

from generator.build.codehash import PROJECT_ROOT, code_hash

T = TypeVar("T")

_CHECKSUM = 16
"""Bytes of sha256 in front of every blob on disk."""


def cache_root() -> Path:
    return Path(os.environ.get("FALGEN_CACHE") or PROJECT_ROOT / ".falgen-cache")


def usable(root: Path, *, create: bool) -> bool:
    """Whether the cache folder `root` may be read (or, with `create`, written): it exists
    (made 0700 when `create`) and belongs to this user. A cache folder another user owns is
    foreign: it is neither read nor written."""
    if create and not os.path.isdir(root):
        _ROOT_STATES.pop(root, None)
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return False
    return _root_state(root) == "ours"


_ROOT_STATES: dict[Path, str] = {}


def _root_state(root: Path) -> str:
    """"ours", "missing" or "foreign"; a folder of ours that others may read is made private.
    Known answers are kept for the process ("missing" is not: a write creates the folder)."""
    known = _ROOT_STATES.get(root)
    if known is not None:
        return known
    try:
        info = os.stat(root)
    except OSError:
        return "missing"
    state = "ours"
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        state = "foreign"
    elif info.st_mode & 0o077:
        try:
            os.chmod(root, 0o700)
        except OSError:
            state = "foreign"
    _ROOT_STATES[root] = state
    return state


def digest(*parts: str | bytes) -> str:
    """sha256 over `parts`, each length-prefixed (so ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def write_atomic(path: Path, data: bytes, root: Path | None = None) -> None:
    """Write a cache file through a temporary file and a rename, so no reader sees half of it.
    A cache that cannot be written is skipped: it only saves time (a read-only checkout works)."""
    if not usable(root or cache_root(), create=True):
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.unlink(missing_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        temporary.replace(path)
    except OSError:
        pass


def read_cached(path: Path, root: Path | None = None) -> bytes | None:
    """A cache file's bytes (`root`: its cache folder); None when missing, unreadable or in a
    cache folder not ours."""
    if not usable(root or cache_root(), create=False):
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


class Codec(Generic[T]):
    """How one shape of value is cached: JSON (exact for every value the IR holds: NaN,
    big integers and lone surrogates included), read back through a pydantic TypeAdapter of
    the shape, so an entry that does not validate is a miss and a cache never holds code."""

    def __init__(self, shape: Any) -> None:
        self.shape = shape

    @functools.cached_property
    def adapter(self) -> Any:
        # Lazy: a no-op `falgen parse`/`generate` checks its stage stamp through this module and
        # stops without importing pydantic (~100-200 ms here).
        from pydantic import TypeAdapter

        return TypeAdapter(self.shape)

    def encode(self, value: T) -> bytes | None:
        """The entry for `value`; None when JSON cannot hold it exactly (it is then not cached)."""
        try:
            data = self.adapter.dump_python(value)
            return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        except (TypeError, ValueError, RecursionError):
            return None

    def decode(self, data: bytes) -> T | None:
        try:
            value: T = self.adapter.validate_python(json.loads(data))
        except (ValueError, RecursionError):  # pydantic's ValidationError is a ValueError
            return None
        return value


class CacheDamaged(Exception):
    """A cache entry a run relies on vanished or does not verify (the run starts over)."""


class Store:
    """Content-addressed blobs in one namespace of the cache.

    Each blob on disk starts with a checksum of its bytes, so a damaged entry reads as a miss.
    `persistent=False` keeps the blobs in memory only (one run, nothing written): the same
    code path runs with and without a cache on disk. `refresh=True` writes but never reads
    what is on disk (a forced run that renews the cache).
    """

    def __init__(self, namespace: str, root: Path | None = None, *, persistent: bool = True, refresh: bool = False) -> None:
        self.namespace = namespace
        self.root = root
        self.cache = root or cache_root()
        self.directory = self.cache / namespace if persistent else None
        self.refresh = refresh
        self.memory: dict[str, bytes] = {}
        self.objects: dict[str, Any] = {}

    def fresh(self) -> Store:
        """A store over the same place that ignores what is already there."""
        return Store(self.namespace, self.root, persistent=self.directory is not None, refresh=True)

    def key(self, *parts: str | bytes) -> str:
        return digest(self.namespace, code_hash(), *parts)

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / key

    def has(self, key: str) -> bool:
        if key in self.memory or key in self.objects:
            return True
        if self.directory is None or self.refresh:
            return False
        path = self._path(key)
        return usable(self.cache, create=False) and path.is_file()

    def get(self, key: str) -> bytes | None:
        if key in self.memory:
            return self.memory[key]
        if self.directory is None or self.refresh:
            return None
        stored = read_cached(self._path(key), self.cache)
        if stored is None:
            return None
        data = stored[_CHECKSUM:]
        if stored[:_CHECKSUM] != hashlib.sha256(data).digest()[:_CHECKSUM]:
            return None
        self.memory[key] = data
        return data

    def put(self, key: str, data: bytes) -> None:
        self.memory[key] = data
        if self.directory is None:
            return
        write_atomic(self._path(key), hashlib.sha256(data).digest()[:_CHECKSUM] + data, self.cache)

    def get_object(self, key: str, codec: Codec[T]) -> T | None:
        """A value stored with `codec`; None when missing, damaged or of another shape."""
        if key in self.objects:
            found: T = self.objects[key]
            return found
        data = self.get(key)
        if data is None:
            return None
        value = codec.decode(data)
        if value is None:
            self.memory.pop(key, None)
        return value

    def put_object(self, key: str, value: T, codec: Codec[T]) -> None:
        """Store `value`, which the caller no longer changes (an in-memory store keeps the
        object itself)."""
        if self.directory is None:
            self.objects[key] = value
            return
        data = codec.encode(value)
        if data is not None:
            self.put(key, data)


def tune_gc() -> None:
    """A generator run builds a few hundred thousand small objects that live until it ends;
    the default GC thresholds rescan them thousands of times (a third of the run time at
    1,000 endpoints). Collect rarely instead, as batch tools such as mypy do."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(200_000, 50, 100)
