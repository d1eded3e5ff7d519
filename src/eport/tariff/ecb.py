"""Seed a :class:`RateBook` from the ECB history that ``currencyconverter`` ships (no network).

Rule (documented in docs/tariff.md): the customs rate of a month is the ECB reference cross
rate, via EUR, on the **first day of that month with an ECB fixing** (a TARGET business day),
``national per EUR / currency per EUR``, rounded HALF_UP to 6 decimal places (as China Customs
publishes per 100 units with 4 decimals). It applies from the 1st of the month to the 1st of the
next (exclusive).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import TYPE_CHECKING

from eport.tariff.exchange import ExchangeRate, RateBook

if TYPE_CHECKING:
    from currency_converter import CurrencyConverter

PLACES = Decimal("0.000001")


@cache
def _converter() -> CurrencyConverter:
    from currency_converter import CurrencyConverter

    return CurrencyConverter(decimal=True)


def _month_starts(start: date, end: date) -> list[date]:
    months, d = [], date(start.year, start.month, 1)
    while d <= end:
        months.append(d)
        d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return months


def _per_eur(currency: str, on: date) -> Decimal | None:
    from currency_converter import RateNotFoundError

    converter = _converter()
    try:
        value = converter.convert(Decimal(1), "EUR", currency, date=on)
    except (RateNotFoundError, ValueError):
        return None
    return Decimal(value)


def first_fixing_day(month: date, national: str = "USD") -> date | None:
    """The first day of ``month`` with an ECB reference rate for ``national``."""
    for offset in range(10):
        day = month + timedelta(days=offset)
        if day.month != month.month:
            break
        if _per_eur(national, day) is not None:
            return day
    return None


def ecb_monthly_rates(
    national: str, start: date, end: date, currencies: frozenset[str] | None = None
) -> list[ExchangeRate]:
    """Monthly customs rates into ``national`` for every month from ``start`` to ``end``."""
    converter = _converter()
    wanted = sorted((currencies or frozenset(converter.currencies)) - {national})
    out: list[ExchangeRate] = []
    for month in _month_starts(start, end):
        fixing = first_fixing_day(month, national)
        national_per_eur = _per_eur(national, fixing) if fixing else None
        if fixing is None or national_per_eur is None:
            continue
        next_month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        for currency in wanted:
            per_eur = _per_eur(currency, fixing)
            if per_eur:
                rate = (national_per_eur / per_eur).quantize(PLACES, rounding=ROUND_HALF_UP)
                out.append(ExchangeRate(currency, rate, month, next_month, f"ECB {fixing}"))
    return out


def ecb_rate_book(
    national: str, start: date, end: date, currencies: frozenset[str] | None = None
) -> RateBook:
    return RateBook(national, ecb_monthly_rates(national, start, end, currencies))
