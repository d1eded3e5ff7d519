"""Ledger entries, tree heads and proofs: plain values, hashes as raw 32-byte strings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """Leaf ``seq`` (from 0): the exact bytes appended and their RFC 9162 leaf hash."""

    seq: int
    data: bytes
    leaf_hash: bytes
    appended_at: datetime


@dataclass(frozen=True, slots=True)
class TreeHead:
    """The root hash of the first ``size`` leaves (unsigned; signing is a later layer)."""

    size: int
    root: bytes


@dataclass(frozen=True, slots=True)
class InclusionProof:
    index: int
    size: int
    path: tuple[bytes, ...]  # RFC 9162 §2.1.3.1 order: leaf to root


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    first: int
    second: int
    path: tuple[bytes, ...]  # RFC 9162 §2.1.4.1 order
