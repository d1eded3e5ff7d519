"""Customs exchange rates: a pure, effective-dated :class:`RateBook`.

A rate is national currency per one unit of a foreign currency. The book has two layers:

- **seed** rates (e.g. monthly ECB cross rates from :mod:`eport.tariff.ecb`), each valid from
  its ``valid_from`` until its ``valid_to`` (exclusive) or, when that is ``None``, until the next
  seed rate of the same currency;
- **published** rates (from the forex agency) which, for the period they cover, override the
  seed. A later :meth:`RateBook.publish` wins over an earlier one.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from eport.tariff.errors import ExchangeRateMissing
from eport.tariff.model import Validity

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class ExchangeRate:
    currency: str
    rate: Decimal  # national currency per one unit of ``currency``
    valid_from: date
    valid_to: date | None = None  # exclusive
    source: str = "seed"


class RateBook:
    """Implements :class:`eport.tariff.ports.ExchangeRates`. Immutable: ``publish`` returns a
    new book."""

    def __init__(
        self,
        national_currency: str,
        seed: Iterable[ExchangeRate] = (),
        published: Iterable[ExchangeRate] = (),
    ) -> None:
        self._national = national_currency
        self._seed: dict[str, list[ExchangeRate]] = defaultdict(list)
        for r in seed:
            if r.rate <= 0:
                raise ValueError(f"exchange rate for {r.currency} must be positive")
            self._seed[r.currency].append(r)
        for rates in self._seed.values():
            rates.sort(key=lambda r: r.valid_from)
        self._starts = {c: [r.valid_from for r in rs] for c, rs in self._seed.items()}
        self._published: tuple[ExchangeRate, ...] = tuple(published)

    @property
    def national_currency(self) -> str:
        return self._national

    def publish(self, rates: Iterable[ExchangeRate]) -> RateBook:
        """A new book where ``rates`` override everything else for the periods they cover."""
        book = RateBook(self._national)
        book._seed, book._starts = self._seed, self._starts
        book._published = self._published + tuple(rates)
        return book

    def rate(self, currency: str, on: date) -> Decimal:
        if currency == self._national:
            return ONE
        for r in reversed(self._published):
            if r.currency == currency and Validity(r.valid_from, r.valid_to).covers(on):
                return r.rate
        seeded = self._seed.get(currency, [])
        i = bisect.bisect_right(self._starts.get(currency, []), on) - 1
        if i >= 0:
            r = seeded[i]
            if r.valid_to is None or on < r.valid_to:
                return r.rate
        raise ExchangeRateMissing(
            f"No customs exchange rate for {currency} on {on.isoformat()}.",
            currency=currency,
            on=on.isoformat(),
        )

    def currencies(self) -> frozenset[str]:
        return frozenset(self._seed) | {r.currency for r in self._published}

    def convert(self, amount: Decimal, currency: str, on: date) -> Decimal:
        """``amount`` of ``currency`` in national currency, exact (not rounded)."""
        return amount * self.rate(currency, on)
