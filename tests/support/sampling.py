"""Deterministic samples of the corpus, for tests where a process or a round trip per endpoint is
the point: the same ids on every run and every machine, whatever order the ids come in, and
adding an endpoint moves at most one id in or out."""

from __future__ import annotations

import zlib
from collections.abc import Iterable


def stable_hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def stable_sample(ids: Iterable[str], count: int) -> list[str]:
    """The `count` ids with the smallest stable hash (all of them when there are fewer), sorted."""
    return sorted(sorted(set(ids), key=lambda i: (stable_hash(i), i))[:count])


def failures_message(what: str, failures: dict[str, str], total: int) -> str:
    """One assertion message naming every failing id and why."""
    lines = [f"{len(failures)} of {total} endpoint(s): {what}"]
    lines += [f"  {endpoint_id}: {why}" for endpoint_id, why in sorted(failures.items())]
    return "\n".join(lines)
