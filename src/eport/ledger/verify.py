"""Checking a log from outside, with no access to E-Port's database: an exported log against
its signed head, one entry's inclusion proof, and a witness's consistency check."""

from __future__ import annotations

import base64
from typing import Any

from eport.ledger import merkle
from eport.ledger.heads import SignedTreeHead


def check_export(entries: list[dict[str, Any]], head: SignedTreeHead) -> list[str]:
    """Problems with an exported log: a gap or reordering in the sequence, data that does not
    hash to its leaf, or leaves whose tree is not the signed head's."""
    problems: list[str] = []
    leaves: list[bytes] = []
    for position, entry in enumerate(entries):
        seq = int(entry["seq"])
        if seq != position:
            problems.append(f"entry at position {position} has sequence {seq}: missing or moved")
        data = base64.b64decode(entry["data"])
        computed = merkle.leaf_hash(data)
        if base64.b64decode(entry.get("leafHash", "")) not in (b"", computed):
            problems.append(f"entry {seq}: its data does not hash to its recorded leaf hash")
        leaves.append(data)
    if len(entries) != head.size:
        problems.append(f"the log has {len(entries)} entries; the signed head says {head.size}")
    elif merkle.root(leaves) != head.root:
        problems.append("the entries do not hash to the signed head's root: edited or reordered")
    return problems


def check_prefix(entries: list[dict[str, Any]], earlier: SignedTreeHead) -> list[str]:
    """The first ``earlier.size`` entries must still hash to the root signed back then."""
    if len(entries) < earlier.size:
        return [f"the log has {len(entries)} entries; a head seen before had {earlier.size}"]
    leaves = [base64.b64decode(e["data"]) for e in entries[: earlier.size]]
    if merkle.root(leaves) != earlier.root:
        return [f"the first {earlier.size} entries differ from the log signed before: rewritten"]
    return []


def check_inclusion(entry: dict[str, Any], head: SignedTreeHead) -> list[str]:
    """An entry as ``GET /api/v1/ledger/entries/{seq}`` gives it, against a signed head."""
    data = base64.b64decode(entry["data"])
    proof = [base64.b64decode(p) for p in entry["inclusion"]["proof"]]
    size = int(entry["inclusion"]["treeSize"])
    if size != head.size:
        return [f"the proof is for a tree of {size}; the signed head has {head.size}"]
    if not merkle.verify_inclusion(
        merkle.leaf_hash(data), int(entry["seq"]), size, proof, head.root
    ):
        return [f"entry {entry['seq']} is not in the signed tree (proof does not verify)"]
    return []


def check_consistency(old: SignedTreeHead, new: SignedTreeHead, proof: list[bytes]) -> list[str]:
    """A witness's check that ``new`` extends ``old`` (append-only, no fork)."""
    if new.size < old.size:
        return [f"the log shrank from {old.size} to {new.size} entries"]
    if new.size == old.size:
        return [] if new.root == old.root else ["same size, different root: a fork"]
    if not merkle.verify_consistency(old.size, new.size, old.root, new.root, proof):
        return [f"the tree of {new.size} does not extend the tree of {old.size}: a fork"]
    return []
