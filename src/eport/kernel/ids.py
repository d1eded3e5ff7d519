"""Identifiers: time-ordered ULIDs with a readable prefix (``DEC-01J...``)."""

from __future__ import annotations

from ulid import ULID


def new_id(prefix: str) -> str:
    return f"{prefix}-{ULID()}"
