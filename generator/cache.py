"""The local cache (`.falgen-cache/`, or `$FALGEN_CACHE`; never committed).

Every stage is a deterministic function of its inputs and of the generator's own code, so a
result can be stored under a hash of exactly those and reused by any later run: formatted
modules, parsed pages, recovered endpoints, rendered specs. Keys always include the code hash
(`generator/` and `templates/`), so editing the generator invalidates everything it made.
A missing, unreadable or read-only cache only costs time: reads miss, writes are skipped.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GENERATOR_ROOT = PROJECT_ROOT / "generator"
TEMPLATES_ROOT = PROJECT_ROOT / "templates"
_CODE_SUFFIXES = (".py", ".jinja", ".json", ".toml", ".md", ".typed", "")
_CHECKSUM = 16
"""Bytes of sha256 in front of every blob on disk."""


def cache_root() -> Path:
    return Path(os.environ.get("FALGEN_CACHE") or PROJECT_ROOT / ".falgen-cache")


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """The generator's code and templates (computed once per process)."""
    from generator.stages import hash_trees

    return hash_trees([GENERATOR_ROOT, TEMPLATES_ROOT], _CODE_SUFFIXES)


def digest(*parts: str | bytes) -> str:
    """sha256 over `parts`, each length-prefixed (so ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write a cache file through a temporary file and a rename, so no reader sees half of it.
    A cache that cannot be written is skipped: it only saves time (a read-only checkout works)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError:
        pass


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
        self.directory = (root or cache_root()) / namespace if persistent else None
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
        return self.directory is not None and not self.refresh and self._path(key).is_file()

    def get(self, key: str) -> bytes | None:
        if key in self.memory:
            return self.memory[key]
        if self.directory is None or self.refresh:
            return None
        try:
            stored = self._path(key).read_bytes()
        except OSError:
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
        write_atomic(self._path(key), hashlib.sha256(data).digest()[:_CHECKSUM] + data)

    def get_object(self, key: str) -> Any:
        """A pickled value (the cache is local and written only by falgen), or None."""
        if key in self.objects:
            return self.objects[key]
        data = self.get(key)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001  (a damaged or foreign entry is a miss)
            self.memory.pop(key, None)
            return None

    def put_object(self, key: str, value: Any) -> None:
        """Store `value`, which the caller no longer changes (an in-memory store keeps the
        object itself rather than a pickle of it)."""
        if self.directory is None:
            self.objects[key] = value
        else:
            self.put(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def tune_gc() -> None:
    """A generator run builds a few hundred thousand small objects that live until it ends;
    the default GC thresholds rescan them thousands of times (a third of the run time at
    1,000 endpoints). Collect rarely instead, as batch tools such as mypy do."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(200_000, 50, 100)
