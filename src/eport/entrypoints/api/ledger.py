"""The E-Ledger over HTTP: signed tree heads and consistency proofs (public: hashes only),
entries with inclusion proofs and a full export (agencies)."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, get
from litestar.params import Parameter

from eport.adapters.db import tables as t
from eport.adapters.db.ledger import SqlLedger
from eport.identity import policy
from eport.identity.model import Principal
from eport.kernel.clock import isoformat
from eport.kernel.errors import NotFound
from eport.ledger import commands as lc
from eport.ledger.heads import SignedTreeHead

from .common import eport_of, execute, read


def _b64(values: tuple[bytes, ...] | list[bytes]) -> list[str]:
    return [base64.b64encode(v).decode() for v in values]


async def signed_head(request: Request[Any, Any, Any]) -> SignedTreeHead:
    head: SignedTreeHead = await execute(eport_of(request), lc.SignTreeHead(actor="ledger"))
    return head


class PublicLedgerController(Controller):
    path = "/ledger"
    tags = ["ledger"]

    @get("/head", summary="The latest signed tree head (public)")
    async def head(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """`{"treeSize", "rootHash", "timestamp", "signature", "certificate"}`: the signature
        is ECDSA P-256/SHA-256 over `eport-sth/1\\n<size>\\n<root hex>\\n<timestamp>` by the
        platform seal, whose certificate chains to E-Port's root. Witnesses poll this."""
        return (await signed_head(request)).as_dict()

    @get("/consistency", summary="A consistency proof between two tree sizes (public)")
    async def consistency(
        self,
        request: Request[Any, Any, Any],
        first: Annotated[int, Parameter(ge=0, le=2**62)],
        second: Annotated[int, Parameter(ge=0, le=2**62)],
    ) -> dict[str, Any]:
        def query(conn: sa.Connection) -> Any:
            return SqlLedger(conn).consistency(first, second)

        proof = await read(eport_of(request), query)
        return {"first": proof.first, "second": proof.second, "proof": _b64(proof.path)}


class LedgerController(Controller):
    path = "/api/v1/ledger"
    tags = ["ledger"]

    @get("/entries/{seq:int}", summary="An entry with its inclusion proof (agencies)")
    async def entry(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        seq: Annotated[int, Parameter(ge=0, le=2**62)],
        tree_size: Annotated[int | None, Parameter(query="treeSize", ge=1, le=2**62)] = None,
    ) -> dict[str, Any]:
        """The entry (canonical JSON, and its leaf hash) and the proof that it is in the tree
        of `treeSize` (default: the latest signed head, which is included)."""
        policy.require_agency_user(principal, policy.Action.READ_LEDGER)
        head = await signed_head(request)
        size = tree_size or head.size

        def query(conn: sa.Connection) -> Any:
            ledger = SqlLedger(conn)
            found = ledger.entry(seq)
            if found is None or seq >= size:
                return None, None
            return found, ledger.inclusion(seq, size)

        found, proof = await read(eport_of(request), query)
        if found is None:
            raise NotFound("No such ledger entry in that tree.", seq=seq)
        return {
            "seq": found.seq,
            "data": base64.b64encode(found.data).decode(),
            "entry": json.loads(found.data),
            "leafHash": base64.b64encode(found.leaf_hash).decode(),
            "appendedAt": isoformat(found.appended_at),
            "inclusion": {"treeSize": proof.size, "proof": _b64(proof.path)},
            "head": head.as_dict(),
        }

    @get("/export", summary="The whole log and a signed head (agencies)")
    async def export(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        limit: Annotated[int, Parameter(ge=1, le=10_000_000)] = 1_000_000,
    ) -> dict[str, Any]:
        """Everything `eport ledger verify FILE` needs, offline: every entry (base64 data and
        leaf hash) up to the signed head's size, and the head."""
        policy.require_agency_user(principal, policy.Action.READ_LEDGER)
        head = await signed_head(request)

        def query(conn: sa.Connection) -> list[dict[str, Any]]:
            e = t.ledger_entries
            rows = conn.execute(
                sa.select(e.c.seq, e.c.data, e.c.leaf_hash)
                .where(e.c.seq < head.size)
                .order_by(e.c.seq)
                .limit(limit)
            )
            return [
                {
                    "seq": r[0],
                    "data": base64.b64encode(bytes(r[1])).decode(),
                    "leafHash": base64.b64encode(bytes(r[2])).decode(),
                }
                for r in rows
            ]

        return {"head": head.as_dict(), "entries": await read(eport_of(request), query)}


def proved_entries(conn: sa.Connection, seqs: list[int], size: int) -> list[dict[str, Any]]:
    """Each entry (decoded and base64) with its inclusion proof in the tree of ``size``."""
    ledger, out = SqlLedger(conn), []
    for seq in sorted(set(seqs)):
        found = ledger.entry(seq) if seq < size else None
        if found is None:
            continue
        proof = ledger.inclusion(seq, size)
        out.append(
            {
                "seq": seq,
                "entry": json.loads(found.data),
                "data": base64.b64encode(found.data).decode(),
                "inclusion": {"treeSize": proof.size, "proof": _b64(proof.path)},
            }
        )
    return out
