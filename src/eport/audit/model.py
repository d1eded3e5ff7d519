"""Audit entries and the hash chain.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical JSON
(sorted keys, no whitespace). Changing, removing or reordering any stored entry breaks every
hash after it, which :func:`verify_chain` reports with the first broken sequence number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    event_id: str
    occurred_at: str
    actor: str
    agency: str | None
    action: str
    subject: str | None
    reason: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str


def canonical(entry: dict[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes an entry's hash covers."""
    return orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)


def entry_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(body)).hexdigest()


def body_of(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "eventId": entry.event_id,
        "occurredAt": entry.occurred_at,
        "actor": entry.actor,
        "agency": entry.agency,
        "action": entry.action,
        "subject": entry.subject,
        "reason": entry.reason,
        "detail": entry.detail,
    }


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


def verify_chain(entries: Iterable[AuditEntry]) -> ChainReport:
    prev, expected_seq, checked = GENESIS, 1, 0
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainReport(
                False,
                checked,
                entry.seq,
                f"sequence gap: expected {expected_seq}, found {entry.seq}",
            )
        if entry.prev_hash != prev:
            return ChainReport(False, checked, entry.seq, "link to previous entry broken")
        if entry_hash(prev, body_of(entry)) != entry.hash:
            return ChainReport(False, checked, entry.seq, "entry content does not match its hash")
        prev, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    return ChainReport(True, checked)
