"""Exports as the E-Ledger records them, forex receipts, refund claims, and the pure rules that
match, check and compute them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class ExportGoods:
    sequence: int
    hs_code: str
    value: Decimal


@dataclass(frozen=True, slots=True)
class ExportFacts:
    """A released export as the log has it: the release entry and, once the conveyance left,
    the departure entry."""

    declaration_id: str
    exporter: str  # enterprise id
    currency: str
    invoice_amount: Decimal
    released_at: datetime
    release_seq: int
    goods: tuple[ExportGoods, ...]
    departed_at: datetime | None = None
    departure_seq: int | None = None


@dataclass(slots=True)
class ForexReceipt:
    """Foreign currency a bank received for an exporter, reported signed."""

    id: str
    bank: str  # enterprise id of the reporting bank
    bank_reference: str
    exporter: str
    amount: Decimal
    currency: str
    value_date: date
    remitter: str
    remitter_country: str
    declaration_id: str | None  # the export the exporter told its bank about, if any
    received_at: datetime
    ledger_seq: int = -1
    matched_to: str | None = None


class ForexAnswer(StrEnum):
    MATCHED = "matched"  # receipts cover the export within the tolerance
    UNMATCHED = "unmatched"  # not (yet) covered
    OVERDUE = "overdue"  # still not covered after the set period: flagged


@dataclass(frozen=True, slots=True)
class ForexMatch:
    answer: ForexAnswer
    expected: Decimal
    received: Decimal
    receipts: tuple[str, ...]  # ids of the receipts used (only when matched)

    @property
    def difference(self) -> Decimal:
        return self.received - self.expected


def match_receipts(
    export: ExportFacts,
    receipts: list[ForexReceipt],
    tolerance: Decimal,
    overdue_after_days: int,
    now: datetime,
) -> ForexMatch:
    """Match whole receipts to one export.

    Candidates are the exporter's unallocated receipts in the export's currency that cite this
    export or no export; those citing it come first, then by value date. Receipts are taken in
    that order until they reach the invoice amount less the tolerance; the export is matched
    when the total lies within ``tolerance`` (a fraction) of the invoice amount either way.
    Otherwise nothing is allocated, and an export released more than ``overdue_after_days``
    ago is overdue.
    """
    expected = export.invoice_amount
    candidates = sorted(
        (
            r
            for r in receipts
            if r.matched_to is None
            and r.exporter == export.exporter
            and r.currency == export.currency
            and r.declaration_id in (None, export.declaration_id)
        ),
        key=lambda r: (r.declaration_id != export.declaration_id, r.value_date, r.id),
    )
    low, high = expected * (1 - tolerance), expected * (1 + tolerance)
    taken: list[ForexReceipt] = []
    total = Decimal(0)
    for receipt in candidates:
        if total >= low:
            break
        taken.append(receipt)
        total += receipt.amount
    if taken and low <= total <= high:
        return ForexMatch(ForexAnswer.MATCHED, expected, total, tuple(r.id for r in taken))
    received = sum((r.amount for r in candidates), Decimal(0))
    overdue = (now - export.released_at).days >= overdue_after_days
    answer = ForexAnswer.OVERDUE if overdue else ForexAnswer.UNMATCHED
    return ForexMatch(answer, expected, received, ())


# Export VAT refund rates by HS prefix (the longest prefix wins). Demonstration rates in the
# shape of China's schedule (13 % and 9 % bands, none for fuels); an operator replaces them.
REFUND_RATES: dict[str, Decimal] = {
    "": Decimal("0.13"),
    **{f"{c:02d}": Decimal("0.09") for c in range(1, 25)},  # animal, vegetable, food
    "27": Decimal("0"),  # mineral fuels: no refund
    "2846": Decimal("0.13"),
}


def refund_rate(hs_code: str) -> Decimal:
    prefix = max((p for p in REFUND_RATES if hs_code.startswith(p)), key=len)
    return REFUND_RATES[prefix]


def refund_lines(goods: tuple[ExportGoods, ...]) -> list[dict[str, Any]]:
    """Per goods item: value times rate, HALF_UP to 0.01 (the refund is a sum of these)."""
    return [
        {
            "sequence": g.sequence,
            "hsCode": g.hs_code,
            "value": str(g.value),
            "rate": str(refund_rate(g.hs_code)),
            "amount": str(
                (g.value * refund_rate(g.hs_code)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            ),
        }
        for g in goods
    ]


class ClaimState(StrEnum):
    CLAIMED = "claimed"
    GRANTED = "granted"
    REFUSED = "refused"


@dataclass(slots=True)
class RefundClaim:
    id: str
    declaration_id: str
    exporter: str
    sequences: tuple[int, ...]  # the goods items claimed
    amount: Decimal
    currency: str
    lines: list[dict[str, Any]]
    claimed_at: datetime
    claimed_by: str
    state: ClaimState = ClaimState.CLAIMED
    reasons: list[str] = field(default_factory=list)
    decided_at: datetime | None = None
    decided_by: str | None = None
    claim_seq: int = -1
    decision_seq: int | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class RefundFacts:
    """What the tax agency's check reads, all from the log and its registers."""

    export: ExportFacts | None
    forex: int | None  # ledger seq of a forex verification that matched the export
    earlier: RefundClaim | None  # a granted refund for any of the same goods


def refund_problems(facts: RefundFacts) -> list[str]:
    """Why a refund may not be granted; empty when it may."""
    out = []
    if facts.export is None:
        return ["the export is not released"]
    if facts.export.departure_seq is None:
        out.append("the goods have not departed")
    if facts.forex is None:
        out.append("no forex receipt has been verified for the export")
    if facts.earlier is not None:
        out.append(f"the goods were refunded by claim {facts.earlier.id}")
    return out


def verification_entry(
    agency: str,
    officer: str,
    at: str,
    subject: dict[str, Any],
    question: str,
    answer: str,
    details: dict[str, Any],
    evidence: list[int],
) -> dict[str, Any]:
    """A check an agency made, as it goes on the log: who, what, when, the answer, and the
    entries it relied on."""
    return {
        "type": "verification",
        "agency": agency,
        "officer": officer,
        "at": at,
        "subject": subject,
        "question": question,
        "answer": answer,
        "details": details,
        "evidence": sorted(evidence),
    }
