"""Evaluating a rate on a base and a quantity; quantities by unit; the quota draw."""

from __future__ import annotations

from decimal import Decimal

from eport.datamodel.declaration import GoodsItem
from eport.tariff.errors import QuantityUnavailable
from eport.tariff.model import Rate, Specific
from eport.tariff.money import HUNDRED, ZERO

# Rec 20 units that count the same thing, with the factor to the first unit of the group.
_MASS = {"KGM": Decimal(1), "GRM": Decimal("0.001"), "TNE": Decimal(1000)}
_VOLUME = {"LTR": Decimal(1), "HLT": Decimal(100), "MTQ": Decimal(1000)}
_PIECES = {"H87": Decimal(1), "C62": Decimal(1), "NAR": Decimal(1), "DZN": Decimal(12)}
_PAIRS = {"PR": Decimal(1), "NPR": Decimal(1)}
_GROUPS = (_VOLUME, _PIECES, _PAIRS)


def quantity_in(item: GoodsItem, unit: str) -> Decimal:
    """The item's quantity in ``unit``: mass units from net mass, others from the declared
    quantity when its unit converts (litres to hectolitres, dozens to pieces, ...)."""
    if unit in _MASS:
        return item.net_mass / _MASS[unit]
    if item.unit == unit:
        return item.quantity
    for group in _GROUPS:
        if unit in group and item.unit in group:
            return item.quantity * group[item.unit] / group[unit]
    raise QuantityUnavailable(
        f"Goods item {item.sequence} is declared in {item.unit}; the measure needs {unit}.",
        item=item.sequence,
        unit=unit,
        declared_unit=item.unit,
    )


def _per_unit(specific: Specific, quantities: dict[str, Decimal]) -> Decimal:
    return specific.amount * quantities[specific.unit]


def evaluate(rate: Rate, base: Decimal, quantities: dict[str, Decimal]) -> Decimal:
    """The exact (unrounded) amount of ``rate`` on ``base`` and ``quantities`` by unit.

    Specific amounts must already be in the base's currency.
    """
    amount = ZERO
    if rate.ad_valorem is not None:
        amount += base * rate.ad_valorem / HUNDRED
    if rate.specific is not None:
        amount += _per_unit(rate.specific, quantities)
    if rate.minimum is not None:
        amount = max(amount, _per_unit(rate.minimum, quantities))
    if rate.maximum is not None:
        amount = min(amount, _per_unit(rate.maximum, quantities))
    return max(amount, ZERO)


def quantities_for(item: GoodsItem, rate: Rate) -> dict[str, Decimal]:
    return {unit: quantity_in(item, unit) for unit in rate.units()}


def draw(balance: Decimal, requested: Decimal) -> tuple[Decimal, Decimal]:
    """Split ``requested`` into (in-quota, out-of-quota) against the quota ``balance``.

    A negative balance counts as exhausted; the two parts always add up to ``requested``.
    """
    if requested < ZERO:
        raise ValueError("requested must not be negative")
    in_quota = min(max(balance, ZERO), requested)
    return in_quota, requested - in_quota


def same_producer(declared: str | None, listed: str) -> bool:
    """A producer-specific rate applies when the declared manufacturer matches, trimmed and
    case-insensitively (by name or identifier)."""
    return declared is not None and " ".join(declared.split()).casefold() == listed.casefold()
