"""Worked duty cases on the demo schedule (USD 1 = CNY 7, CIF, so customs value = value x 7)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eport.tariff import (
    InMemoryQuotaBalances,
    QuantityUnavailable,
    RefusalReason,
    TariffLineUnknown,
    draw,
)
from tests.unit.tariff.conftest import amounts, certificates, declaration, goods, run


def test_compound_duty_hits_its_minimum() -> None:
    # Milk powder 04022100: 10 % min 1.50 CNY/kg. 1,000 kg worth USD 100 -> CV 700.00 CNY.
    # 10 % x 700.00 = 70.00 < minimum 1.50 x 1,000 kg = 1,500.00, so the duty is 1,500.00.
    result = run(
        declaration(goods(1, "04022100", origin="US", qty="1000", unit="KGM", value="100"))
    )
    (duty,) = [x for x in result.lines if x.kind == "duty"]
    assert duty.base.amount == Decimal("700.00")
    assert duty.amount.amount == Decimal("1500.00")
    assert str(duty.rate) == "10% min 1.50 CNY/KGM"


def test_specific_duty_per_kilogram() -> None:
    # Frozen chicken cuts 02071400: 1.30 CNY/kg x 2,000 kg = 2,600.00 whatever the value.
    result = run(
        declaration(goods(1, "02071400", origin="BR", qty="2000", unit="KGM", value="5000"))
    )
    assert amounts(result, "duty") == [Decimal("2600.00")]


def _wine(**over: object) -> dict[str, object]:
    # Bottled wine 22042110 from Australia: MFN 14 % min 2 CNY/l, ChAFTA 0 %.
    # 1,000 l worth USD 10,000 -> CV 70,000.00; MFN 14 % = 9,800.00 (> minimum 2,000.00).
    return goods(1, "22042110", origin="AU", qty="1000", unit="LTR", value="10000", **over)


def test_preference_refused_without_certificate() -> None:
    result = run(declaration(_wine()))
    assert amounts(result, "duty") == [Decimal("9800.00")]
    (decision,) = result.preferences
    assert (decision.agreement, decision.granted) == ("CHAFTA", False)
    assert decision.reason is RefusalReason.NO_CERTIFICATE


def test_preference_refused_with_a_certificate_the_registry_rejects() -> None:
    doc = {"type": "865", "reference": "AU-COO-FORGED"}
    result = run(declaration(_wine(documents=[doc])), registry=certificates())
    assert amounts(result, "duty") == [Decimal("9800.00")]
    assert result.preferences[0].reason is RefusalReason.CERTIFICATE_INVALID
    assert result.preferences[0].certificate == "AU-COO-FORGED"


def test_preference_granted_with_a_valid_certificate() -> None:
    doc = {"type": "865", "reference": "AU-COO-1"}
    result = run(
        declaration(_wine(documents=[doc])),
        registry=certificates(("AU-COO-1", "CHAFTA", "AU")),
    )
    (duty,) = [x for x in result.lines if x.kind == "duty"]
    assert duty.amount.amount == Decimal("0.00")
    assert duty.legal_reference == "CHAFTA-22042110" and duty.note == "preference CHAFTA"
    assert result.preferences[0].granted and result.preferences[0].certificate == "AU-COO-1"


@pytest.mark.parametrize(
    ("manufacturer", "measure", "expected"),
    [
        # Stainless steel 72191100 from Korea, CV 70,000.00 (USD 10,000).
        (" posco ", "AD-SS-KR-POSCO", Decimal("16170.00")),  # 23.1 % x 70,000.00
        ("Another Mill", "AD-SS-KR", Decimal("72170.00")),  # all others: 103.1 % x 70,000.00
        (None, "AD-SS-KR", Decimal("72170.00")),
    ],
)
def test_anti_dumping_producer_specific_or_all_others(
    manufacturer: str | None, measure: str, expected: Decimal
) -> None:
    over = {"manufacturer": manufacturer} if manufacturer else {}
    item = goods(1, "72191100", origin="KR", qty="5000", unit="KGM", value="10000", **over)
    result = run(declaration(item))
    (ad,) = [x for x in result.lines if x.kind == "anti_dumping"]
    assert (ad.legal_reference, ad.amount.amount) == (measure, expected)
    assert amounts(result, "duty") == [Decimal("2800.00")]  # MFN 4 % still applies


def test_countervailing_duty() -> None:
    # n-propanol 29051200 from the US: MFN 5.5 % and CVD 4.2 % on CV 7,000.00.
    result = run(
        declaration(goods(1, "29051200", origin="US", qty="900", unit="KGM", value="1000"))
    )
    assert amounts(result, "duty") == [Decimal("385.00")]
    assert amounts(result, "countervailing") == [Decimal("294.00")]


def test_draw_is_pure_and_splits_exactly() -> None:
    assert draw(Decimal(100), Decimal(30)) == (Decimal(30), Decimal(0))
    assert draw(Decimal(10), Decimal(30)) == (Decimal(10), Decimal(20))
    assert draw(Decimal(0), Decimal(30)) == (Decimal(0), Decimal(30))
    assert draw(Decimal(-5), Decimal(30)) == (Decimal(0), Decimal(30))
    with pytest.raises(ValueError, match="negative"):
        draw(Decimal(1), Decimal(-1))


def test_quota_runs_out_between_two_declarations() -> None:
    # Wheat quota TRQ-WHEAT: in-quota 1 %, out-of-quota 65 %; 30,000 kg left.
    balance = Decimal(30000)
    first = run(
        declaration(goods(1, "10019910", origin="CA", qty="20000", unit="KGM", value="4000")),
        quotas=InMemoryQuotaBalances({"TRQ-WHEAT": balance}),
    )
    (d1,) = first.quota_draws
    assert (d1.in_quota, d1.out_of_quota) == (Decimal(20000), Decimal(0))
    # All in quota: 1 % x CV 28,000.00 = 280.00.
    assert amounts(first, "duty") == [Decimal("280.00")]
    # The caller consumed the first draw; the balance carries over.
    in_quota, _ = draw(balance, d1.requested)
    balance -= in_quota
    second = run(
        declaration(goods(1, "10019910", origin="CA", qty="25000", unit="KGM", value="5000")),
        quotas=InMemoryQuotaBalances({"TRQ-WHEAT": balance}),
    )
    (d2,) = second.quota_draws
    assert (d2.in_quota, d2.out_of_quota) == (Decimal(10000), Decimal(15000))
    # CV 35,000.00 split by quantity: in-quota base 35,000 x 10/25 = 14,000.00 -> 1 % = 140.00;
    # out-of-quota base 21,000.00 -> 65 % = 13,650.00.
    in_line, out_line = [x for x in second.lines if x.kind == "duty"]
    assert (in_line.note, in_line.base.amount, in_line.amount.amount) == (
        "in_quota",
        Decimal("14000.00"),
        Decimal("140.00"),
    )
    assert (out_line.note, out_line.base.amount, out_line.amount.amount) == (
        "out_of_quota",
        Decimal("21000.00"),
        Decimal("13650.00"),
    )


def test_two_items_in_one_declaration_share_the_quota() -> None:
    items = [
        goods(2, "10019910", origin="CA", qty="8000", unit="KGM", value="1000"),
        goods(1, "10019990", origin="AU", qty="8000", unit="KGM", value="1000"),
    ]
    result = run(declaration(*items), quotas=InMemoryQuotaBalances({"TRQ-WHEAT": Decimal(10000)}))
    draws = {d.item: (d.in_quota, d.out_of_quota) for d in result.quota_draws}
    assert draws == {1: (Decimal(8000), Decimal(0)), 2: (Decimal(2000), Decimal(6000))}


def test_temporary_admission_relieves_duty_and_taxes() -> None:
    item = goods(
        1, "84151000", origin="JP", qty="10", unit="H87", value="1000", procedureCode="5300"
    )
    result = run(declaration(item))
    assert result.total is not None and result.total.amount == 0
    duty = next(x for x in result.lines if x.kind == "duty")
    # 10 % x 7,000.00 = 700.00 relieved (a guarantee may be required for it).
    assert duty.exemption == "EX-TA-5300" and duty.relieved is not None
    assert duty.relieved.amount == Decimal("700.00")


def test_reimport_relieves_duty_but_not_vat() -> None:
    item = goods(
        1, "84151000", origin="JP", qty="10", unit="H87", value="1000", procedureCode="6100"
    )
    result = run(declaration(item))
    # Duty relieved, so the VAT base is CV only: 13 % x 7,000.00 = 910.00.
    assert amounts(result, "duty") == [Decimal("0.00")]
    assert amounts(result, "vat") == [Decimal("910.00")]


def test_a_bare_subheading_needs_the_national_line() -> None:
    with pytest.raises(TariffLineUnknown) as caught:
        run(declaration(goods(1, "847130", origin="VN", qty="1", unit="H87", value="500")))
    assert caught.value.code == "tariff.line_unknown"


def test_a_specific_rate_in_litres_needs_a_volume() -> None:
    item = goods(1, "22042110", origin="FR", qty="1000", unit="KGM", value="10000")
    with pytest.raises(QuantityUnavailable):
        run(declaration(item))
