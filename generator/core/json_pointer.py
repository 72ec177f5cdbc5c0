"""JSON pointer tokens (RFC 6901), for every stage that names a place in a document."""

from __future__ import annotations


def escape(token: str) -> str:
    """A key as one pointer token: `~` then `/` escaped (in that order, as the RFC says)."""
    return token.replace("~", "~0").replace("/", "~1")
