"""The verification context's registers in the database: forex receipts and verifications,
refund claims, and released exports read back from the E-Ledger."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from eport.kernel.errors import Conflict
from eport.verification.model import (
    ClaimState,
    ExportFacts,
    ExportGoods,
    ForexReceipt,
    RefundClaim,
)

from . import tables as t
from .ledger import SqlLedgerIndex
from .repositories import enterprise_id
from .tables import utc


def _receipt(row: Any) -> ForexReceipt:
    return ForexReceipt(
        id=row["id"],
        bank=row["bank_id"],
        bank_reference=row["bank_reference"],
        exporter=row["exporter_id"],
        amount=Decimal(row["amount"]),
        currency=row["currency"],
        value_date=row["value_date"],
        remitter=row["remitter"],
        remitter_country=row["remitter_country"],
        declaration_id=row["declaration_id"],
        received_at=row["received_at"],
        ledger_seq=row["ledger_seq"],
        matched_to=row["matched_to"],
    )


def _claim(row: Any) -> RefundClaim:
    return RefundClaim(
        id=row["id"],
        declaration_id=row["declaration_id"],
        exporter=row["exporter_id"],
        sequences=tuple(row["sequences"]),
        amount=Decimal(row["amount"]),
        currency=row["currency"],
        lines=list(row["lines"]),
        claimed_at=row["claimed_at"],
        claimed_by=row["claimed_by"],
        state=ClaimState(row["state"]),
        reasons=list(row["reasons"]),
        decided_at=row["decided_at"],
        decided_by=row["decided_by"],
        claim_seq=row["claim_seq"],
        decision_seq=row["decision_seq"],
        version=row["version"],
    )


class SqlVerification:
    """The verification context's ``VerificationRepository``."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.index = SqlLedgerIndex(conn)

    def enterprise_id(self, scheme: str, identifier: str) -> str | None:
        return enterprise_id(self.conn, scheme, identifier)

    def _entry(self, seq: int) -> tuple[dict[str, Any], datetime]:
        e = t.ledger_entries
        row = self.conn.execute(sa.select(e.c.data, e.c.appended_at).where(e.c.seq == seq)).one()
        return json.loads(bytes(row[0])), row[1]

    def export_facts(self, declaration_id: str, *, lock: bool = False) -> ExportFacts | None:
        d = t.declarations
        q = sa.select(d.c.owner_id, d.c.currency, d.c.invoice_amount).where(
            d.c.id == declaration_id, d.c.declaration_type == "EX", d.c.status == "released"
        )
        row = self.conn.execute(q.with_for_update() if lock else q).first()
        releases = self.index.find(declaration_id, "customs.release")
        if row is None or not releases:
            return None
        release, released_at = self._entry(releases[-1])
        departures = self.index.find(declaration_id, "export.departed")
        departed_at = None
        if departures:
            departed, _ = self._entry(departures[0])
            departed_at = utc(datetime.fromisoformat(departed["departedAt"]))
        return ExportFacts(
            declaration_id=declaration_id,
            exporter=row[0],
            currency=row[1],
            invoice_amount=Decimal(row[2]),
            released_at=released_at,
            release_seq=releases[-1],
            goods=tuple(
                ExportGoods(int(g["sequence"]), str(g["hsCode"]), Decimal(g["value"]))
                for g in release["goods"]
            ),
            departed_at=departed_at,
            departure_seq=departures[0] if departures else None,
        )

    def exports_awaiting_forex(self) -> list[str]:
        d, v = t.declarations, t.forex_verifications
        matched = sa.select(v.c.declaration_id).where(v.c.answer == "matched")
        q = (
            sa.select(d.c.id)
            .where(
                d.c.declaration_type == "EX",
                d.c.status == "released",
                d.c.id.not_in(matched),
            )
            .order_by(d.c.updated_at, d.c.id)
        )
        return list(self.conn.execute(q).scalars())

    def receipt_exists(self, bank: str, bank_reference: str) -> bool:
        r = t.forex_receipts
        q = sa.select(r.c.id).where(r.c.bank_id == bank, r.c.bank_reference == bank_reference)
        return self.conn.execute(q).first() is not None

    def add_receipt(self, receipt: ForexReceipt) -> None:
        self.conn.execute(
            t.forex_receipts.insert(),
            {
                "id": receipt.id,
                "bank_id": receipt.bank,
                "bank_reference": receipt.bank_reference,
                "exporter_id": receipt.exporter,
                "amount": str(receipt.amount),
                "currency": receipt.currency,
                "value_date": receipt.value_date,
                "remitter": receipt.remitter,
                "remitter_country": receipt.remitter_country,
                "declaration_id": receipt.declaration_id,
                "received_at": receipt.received_at,
                "ledger_seq": receipt.ledger_seq,
                "matched_to": receipt.matched_to,
            },
        )

    def receipt(self, receipt_id: str) -> ForexReceipt | None:
        r = t.forex_receipts
        row = self.conn.execute(sa.select(r).where(r.c.id == receipt_id)).mappings().first()
        return _receipt(row) if row else None

    def open_receipts(self, exporter: str, currency: str) -> list[ForexReceipt]:
        r = t.forex_receipts
        q = (
            sa.select(r)
            .where(r.c.exporter_id == exporter, r.c.currency == currency, r.c.matched_to.is_(None))
            .order_by(r.c.value_date, r.c.id)
            .with_for_update()
        )
        return [_receipt(row) for row in self.conn.execute(q).mappings()]

    def allocate(self, receipt_ids: tuple[str, ...], declaration_id: str) -> None:
        r = t.forex_receipts
        done = self.conn.execute(
            r.update()
            .where(r.c.id.in_(receipt_ids), r.c.matched_to.is_(None))
            .values(matched_to=declaration_id)
        )
        if done.rowcount != len(receipt_ids):
            raise Conflict("A receipt was matched meanwhile; retry.", declarationId=declaration_id)

    def matched_forex(self, declaration_id: str) -> int | None:
        v = t.forex_verifications
        q = sa.select(v.c.ledger_seq).where(
            v.c.declaration_id == declaration_id, v.c.answer == "matched"
        )
        value = self.conn.execute(q).scalar()
        return None if value is None else int(value)

    def add_forex_verification(self, row: dict[str, Any]) -> None:
        self.conn.execute(t.forex_verifications.insert(), row)

    def forex_verifications(self, declaration_id: str) -> list[dict[str, Any]]:
        v = t.forex_verifications
        q = sa.select(v).where(v.c.declaration_id == declaration_id).order_by(v.c.ledger_seq)
        return [dict(r) for r in self.conn.execute(q).mappings()]

    def claims_for(self, declaration_id: str) -> list[RefundClaim]:
        c = t.refund_claims
        q = sa.select(c).where(c.c.declaration_id == declaration_id).order_by(c.c.claimed_at)
        return [_claim(r) for r in self.conn.execute(q).mappings()]

    def get_claim(self, claim_id: str, *, for_update: bool = False) -> RefundClaim | None:
        c = t.refund_claims
        q = sa.select(c).where(c.c.id == claim_id)
        row = self.conn.execute(q.with_for_update() if for_update else q).mappings().first()
        return _claim(row) if row else None

    def _values(self, claim: RefundClaim) -> dict[str, Any]:
        return {
            "state": claim.state.value,
            "reasons": claim.reasons,
            "decided_at": claim.decided_at,
            "decided_by": claim.decided_by,
            "decision_seq": claim.decision_seq,
        }

    def add_claim(self, claim: RefundClaim) -> None:
        self.conn.execute(
            t.refund_claims.insert(),
            {
                "id": claim.id,
                "declaration_id": claim.declaration_id,
                "exporter_id": claim.exporter,
                "sequences": list(claim.sequences),
                "amount": str(claim.amount),
                "currency": claim.currency,
                "lines": claim.lines,
                "claimed_at": claim.claimed_at,
                "claimed_by": claim.claimed_by,
                "claim_seq": claim.claim_seq,
                "version": claim.version,
                **self._values(claim),
            },
        )

    def save_claim(self, claim: RefundClaim) -> None:
        c = t.refund_claims
        done = self.conn.execute(
            c.update()
            .where(c.c.id == claim.id, c.c.version == claim.version)
            .values(**self._values(claim), version=claim.version + 1)
        )
        if done.rowcount != 1:
            raise Conflict("The claim changed meanwhile; retry.", claim=claim.id)
        claim.version += 1
