"""VAT and excise (consumption tax) with a per-country base given as data.

A :class:`TaxBase` is a weighted sum of the item's customs value, its customs duties (duty,
anti-dumping, countervailing: the charged, rounded lines) and, for VAT, its excise.
``inclusive`` grosses the base up by the ad valorem rate, as China levies excise:
``base = (sum + specific excise) / (1 - rate)``.

- China: VAT base = CV + duty + excise; excise base = (CV + duty) / (1 - excise rate).
- South Africa: VAT base = CV x 1.10 + duty + excise (the 10 % uplift on imported goods).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from eport.datamodel.declaration import GoodsItem
from eport.tariff.dated import PrefixIndex
from eport.tariff.measures import evaluate, quantities_for
from eport.tariff.model import Rate, Validity
from eport.tariff.money import HUNDRED, ZERO


@dataclass(frozen=True, slots=True)
class TaxBase:
    customs_value: Decimal = Decimal(1)
    duty: Decimal = ZERO
    excise: Decimal = ZERO
    inclusive: bool = False

    def of(self, customs_value: Decimal, duty: Decimal, excise: Decimal = ZERO) -> Decimal:
        return self.customs_value * customs_value + self.duty * duty + self.excise * excise


@dataclass(frozen=True, slots=True)
class TaxRate:
    """A VAT or excise rate on an HS prefix ("" is the default)."""

    measure_id: str
    hs_prefix: str
    rate: Rate
    validity: Validity


def _index(rates: Iterable[TaxRate]) -> PrefixIndex[TaxRate]:
    return PrefixIndex(rates, lambda r: r.hs_prefix, lambda r: r.validity)


class TaxProfile:
    """One country's VAT and excise: bases and effective-dated rates by HS prefix."""

    def __init__(
        self,
        country: str,
        currency: str,
        vat_base: TaxBase,
        excise_base: TaxBase,
        vat_rates: Iterable[TaxRate],
        excise_rates: Iterable[TaxRate] = (),
    ) -> None:
        self.country, self.currency = country, currency
        self.vat_base, self.excise_base = vat_base, excise_base
        self._vat = _index(vat_rates)
        self._excise = _index(excise_rates)

    def vat_rate(self, code: str, on: date) -> TaxRate | None:
        return self._vat.first(code, on)

    def excise_rate(self, code: str, on: date) -> TaxRate | None:
        return self._excise.first(code, on)


def excise(
    base_rule: TaxBase, rate: Rate, item: GoodsItem, customs_value: Decimal, duty: Decimal
) -> tuple[Decimal, Decimal]:
    """(base, exact amount) of the excise on one item."""
    base = base_rule.of(customs_value, duty)
    quantities = quantities_for(item, rate)
    if base_rule.inclusive:
        specific = evaluate(Rate(specific=rate.specific), ZERO, quantities)
        share = (rate.ad_valorem or ZERO) / HUNDRED
        if share >= 1:
            raise ValueError(f"an inclusive excise rate must be below 100 %, got {rate}")
        base = (base + specific) / (1 - share)
    return base, evaluate(rate, base, quantities)


def vat(
    base_rule: TaxBase, rate: Rate, item: GoodsItem, cv: Decimal, duty: Decimal, exc: Decimal
) -> tuple[Decimal, Decimal]:
    """(base, exact amount) of the VAT on one item."""
    base = base_rule.of(cv, duty, exc)
    return base, evaluate(rate, base, quantities_for(item, rate))
