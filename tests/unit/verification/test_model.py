"""Forex matching and the export VAT refund rules (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from eport.verification.model import (
    ExportFacts,
    ExportGoods,
    ForexAnswer,
    ForexReceipt,
    RefundClaim,
    RefundFacts,
    match_receipts,
    refund_lines,
    refund_problems,
    refund_rate,
)

NOW = datetime(2026, 11, 27, tzinfo=UTC)
TOL = Decimal("0.05")


def export(amount: str = "86000.00", released_days_ago: int = 10, **over: object) -> ExportFacts:
    base = {
        "declaration_id": "DEC-1", "exporter": "ENT-A", "currency": "EUR",
        "invoice_amount": Decimal(amount), "released_at": NOW - timedelta(days=released_days_ago),
        "release_seq": 7, "goods": (ExportGoods(1, "28469011", Decimal("70000.00")),),
    } | over  # fmt: skip
    return ExportFacts(**base)  # type: ignore[arg-type]


def receipt(rid: str, amount: str, **over: object) -> ForexReceipt:
    base = {
        "id": rid, "bank": "BANK", "bank_reference": rid, "exporter": "ENT-A",
        "amount": Decimal(amount), "currency": "EUR", "value_date": date(2026, 11, 20),
        "remitter": "R", "remitter_country": "NL", "declaration_id": None, "received_at": NOW,
    } | over  # fmt: skip
    return ForexReceipt(**base)  # type: ignore[arg-type]


def test_receipts_within_the_tolerance_match() -> None:
    # 50,000 + 35,500 = 85,500: 0.58 % short of 86,000, inside 5 %.
    m = match_receipts(export(), [receipt("a", "50000"), receipt("b", "35500")], TOL, 90, NOW)
    assert (m.answer, m.received, m.receipts) == (ForexAnswer.MATCHED, Decimal("85500"), ("a", "b"))
    assert m.difference == Decimal("-500")


def test_short_receipts_do_not_match_and_allocate_nothing() -> None:
    m = match_receipts(export(), [receipt("a", "40000")], TOL, 90, NOW)
    assert (m.answer, m.receipts, m.received) == (ForexAnswer.UNMATCHED, (), Decimal("40000"))


def test_overpayment_beyond_the_tolerance_does_not_match() -> None:
    # 95,000 is 10.5 % over 86,000.
    m = match_receipts(export(), [receipt("a", "95000")], TOL, 90, NOW)
    assert m.answer is ForexAnswer.UNMATCHED


def test_unmatched_after_the_period_is_overdue() -> None:
    m = match_receipts(export(released_days_ago=91), [], TOL, 90, NOW)
    assert m.answer is ForexAnswer.OVERDUE and m.received == 0


def test_receipts_citing_the_export_come_first_and_others_are_left_alone() -> None:
    pool = [
        receipt("early", "86000", value_date=date(2026, 1, 1)),
        receipt("cited", "86000", declaration_id="DEC-1", value_date=date(2026, 12, 1)),
        receipt("other-export", "86000", declaration_id="DEC-2"),
        receipt("other-exporter", "86000", exporter="ENT-B"),
        receipt("usd", "86000", currency="USD"),
        receipt("used", "86000", matched_to="DEC-0"),
    ]
    m = match_receipts(export(), pool, TOL, 90, NOW)
    assert m.receipts == ("cited",)


def test_refund_rates_take_the_longest_prefix() -> None:
    assert refund_rate("28469011") == Decimal("0.13")
    assert refund_rate("02023000") == Decimal("0.09")
    assert refund_rate("27101990") == Decimal("0")
    assert refund_rate("62034200") == Decimal("0.13")


def test_refund_lines_round_half_up_per_line() -> None:
    # 12,345.67 x 13 % = 1,604.9371 → 1,604.94; 0.05 x 9 % = 0.0045 → 0.00.
    lines = refund_lines(
        (
            ExportGoods(1, "62034200", Decimal("12345.67")),
            ExportGoods(2, "02023000", Decimal("0.05")),
        )
    )
    assert [x["amount"] for x in lines] == ["1604.94", "0.00"]


def test_refund_needs_release_departure_forex_and_no_earlier_refund() -> None:
    assert refund_problems(RefundFacts(None, None, None)) == ["the export is not released"]
    departed = export(departure_seq=9, departed_at=NOW)
    assert refund_problems(RefundFacts(departed, 11, None)) == []
    assert refund_problems(RefundFacts(export(), None, None)) == [
        "the goods have not departed",
        "no forex receipt has been verified for the export",
    ]
    first = RefundClaim(
        id="VRC-1", declaration_id="DEC-1", exporter="ENT-A", sequences=(1,),
        amount=Decimal("1"), currency="EUR", lines=[], claimed_at=NOW, claimed_by="u",
    )  # fmt: skip
    assert refund_problems(RefundFacts(departed, 11, first)) == [
        "the goods were refunded by claim VRC-1"
    ]
