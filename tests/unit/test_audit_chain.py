"""The audit hash chain detects edits, deletions and reordering."""

from __future__ import annotations

import dataclasses

from eport.audit.model import GENESIS, AuditEntry, body_of, entry_hash, verify_chain
from eport.notifications.model import backoff, sign, verify


def chain(n: int) -> list[AuditEntry]:
    out, prev = [], GENESIS
    for seq in range(1, n + 1):
        draft = AuditEntry(
            seq,
            f"EVT-{seq}",
            "2026-01-01T00:00:00Z",
            "USR-1",
            None,
            "declaration.lodged",
            "DEC-1",
            None,
            {"n": seq},
            prev,
            "",
        )
        digest = entry_hash(prev, body_of(draft))
        out.append(dataclasses.replace(draft, hash=digest))
        prev = digest
    return out


def test_an_intact_chain_verifies() -> None:
    report = verify_chain(chain(5))
    assert report.ok and report.checked == 5


def test_edit_delete_and_reorder_are_detected() -> None:
    entries = chain(5)
    edited = entries.copy()
    edited[2] = dataclasses.replace(edited[2], detail={"n": 99})
    assert verify_chain(edited).first_bad_seq == 3
    assert verify_chain(entries[:2] + entries[3:]).first_bad_seq == 4
    swapped = [entries[0], entries[2], entries[1], *entries[3:]]
    assert not verify_chain(swapped).ok
    # Rewriting an entry *and* its hash still breaks the link to the next one.
    forged = entries.copy()
    body = dataclasses.replace(forged[1], reason="forged")
    forged[1] = dataclasses.replace(body, hash=entry_hash(body.prev_hash, body_of(body)))
    assert verify_chain(forged).first_bad_seq == 3


def test_webhook_signatures_and_backoff() -> None:
    signature = sign("s3cret", "1700000000", b'{"a":1}')
    assert signature.startswith("sha256=")
    assert verify("s3cret", "1700000000", b'{"a":1}', signature)
    assert not verify("s3cret", "1700000001", b'{"a":1}', signature)
    from datetime import timedelta

    assert [backoff(i, timedelta(seconds=1)).seconds for i in (1, 2, 3)] == [1, 2, 4]
    assert backoff(30, timedelta(seconds=1)) == timedelta(hours=1)
