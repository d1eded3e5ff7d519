"""CIF adjustment by Incoterm, apportionment to items, and customs exchange rates."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from currency_converter import CurrencyConverter

from eport.tariff import ExchangeRate, ExchangeRateMissing, RateBook, customs_values, ecb_rate_book
from tests.unit.tariff.conftest import ON, RATES, declaration, goods


def _two_items(incoterm: str) -> list[Decimal]:
    decl = declaration(
        goods(1, "84151000", origin="JP", qty="1", unit="H87", value="30000"),
        goods(2, "84151000", origin="JP", qty="1", unit="H87", value="15000"),
        incoterm=incoterm,
        freight="1200.00",
        insurance="150.00",
    )
    return [v.customs_value.amount for v in customs_values(decl, RATES, ON)]


@pytest.mark.parametrize("incoterm", ["FOB", "EXW", "FCA", "FAS"])
def test_fob_and_exw_add_freight_and_insurance(incoterm: str) -> None:
    # Invoice 45,000 + freight 1,200 + insurance 150 = USD 46,350 CIF; x 7 = CNY 324,450.
    # Apportioned by invoice value 30,000 : 15,000 -> 216,300.00 and 108,150.00.
    assert _two_items(incoterm) == [Decimal("216300.00"), Decimal("108150.00")]


def test_cfr_adds_insurance_only() -> None:
    # (45,000 + 150) x 7 = 316,050 -> 210,700.00 and 105,350.00.
    assert _two_items("CFR") == [Decimal("210700.00"), Decimal("105350.00")]


@pytest.mark.parametrize("incoterm", ["CIF", "CIP", "DAP", "DDP"])
def test_cif_and_d_terms_add_nothing(incoterm: str) -> None:
    assert _two_items(incoterm) == [Decimal("210000.00"), Decimal("105000.00")]


def test_apportionment_rounds_each_item_half_up() -> None:
    # USD 100 over three items of 1 each: 700/3 = 233.333... -> 233.33 each (sum 699.99,
    # documented: item values are rounded independently).
    decl = declaration(
        *(goods(i, "84151000", origin="JP", qty="1", unit="H87", value="1") for i in (1, 2, 3)),
        invoiceAmount="100",
    )
    values = [v.customs_value.amount for v in customs_values(decl, RATES, ON)]
    assert values == [Decimal("233.33")] * 3


def test_published_rate_overrides_the_seed_for_its_period() -> None:
    seed = RateBook(
        "CNY", [ExchangeRate("USD", Decimal("7.2"), date(2025, 1, 1), date(2025, 2, 1))]
    )
    book = seed.publish(
        [ExchangeRate("USD", Decimal("7.1"), date(2025, 1, 10), date(2025, 1, 20), "forex")]
    )
    assert book.rate("USD", date(2025, 1, 9)) == Decimal("7.2")
    assert book.rate("USD", date(2025, 1, 10)) == Decimal("7.1")
    assert book.rate("USD", date(2025, 1, 20)) == Decimal("7.2")  # valid_to is exclusive
    assert seed.rate("USD", date(2025, 1, 15)) == Decimal("7.2")  # the seed book is unchanged
    assert book.rate("CNY", date(2030, 1, 1)) == 1
    with pytest.raises(ExchangeRateMissing):
        book.rate("USD", date(2025, 2, 1))


def test_ecb_seed_uses_the_first_fixing_day_of_the_month_via_eur() -> None:
    # 1 March 2025 was a Saturday: the March rate is the cross rate of Monday 3 March.
    book = ecb_rate_book("CNY", date(2025, 3, 1), date(2025, 3, 31), frozenset({"USD"}))
    ecb = CurrencyConverter(decimal=True)
    cny, usd = (ecb.convert(Decimal(1), "EUR", c, date=date(2025, 3, 3)) for c in ("CNY", "USD"))
    expected = (cny / usd).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    assert book.rate("USD", date(2025, 3, 1)) == expected
    assert book.rate("USD", date(2025, 3, 31)) == expected
    assert Decimal("6.5") < expected < Decimal("8")
    with pytest.raises(ExchangeRateMissing):
        book.rate("USD", date(2025, 4, 1))
