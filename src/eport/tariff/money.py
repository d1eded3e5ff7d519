"""Money in ``Decimal`` with its currency, and the one rounding rule of the tariff.

Rounding: every calculation is exact (``Decimal``, 28 significant digits); only a finished
amount is rounded, ``ROUND_HALF_UP`` to the minor units of its currency (ISO 4217 via
``iso4217``: CNY 2, JPY 0, KWD 3). Totals are sums of rounded amounts, never rounded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from eport.datamodel.codelists import currency_exponents

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def minor_units(currency: str) -> int:
    """Digits after the decimal point for ``currency`` (2 when ISO 4217 lists none)."""
    return currency_exponents().get(currency, 2)


def round_minor(amount: Decimal, currency: str) -> Decimal:
    """Round HALF_UP to the minor units of ``currency``."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def is_rounded(amount: Decimal, currency: str) -> bool:
    return amount == round_minor(amount, currency)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount and its ISO 4217 currency. Arithmetic refuses to mix currencies."""

    amount: Decimal
    currency: str

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def times(self, factor: Decimal) -> Money:
        return Money(self.amount * factor, self.currency)

    def rounded(self) -> Money:
        return Money(round_minor(self.amount, self.currency), self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(round_minor(ZERO, currency), currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
