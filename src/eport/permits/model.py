"""Licences and what declarations used of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

LICENCE_DOCUMENTS = frozenset({"911", "811"})  # import licence, export licence


@dataclass(slots=True)
class Licence:
    number: str
    holder: str  # enterprise id
    kind: str  # "911" import or "811" export
    hs_prefixes: tuple[str, ...]
    quantity_limit: Decimal
    unit: str
    value_limit: Decimal
    currency: str
    valid_from: date
    valid_to: date
    issued_by: str
    revoked: bool = False
    used_quantity: Decimal = Decimal(0)
    used_value: Decimal = Decimal(0)
    version: int = 1

    def in_force(self, on: date) -> bool:
        return not self.revoked and self.valid_from <= on <= self.valid_to

    @property
    def quantity_left(self) -> Decimal:
        return self.quantity_limit - self.used_quantity

    @property
    def value_left(self) -> Decimal:
        return self.value_limit - self.used_value


@dataclass(frozen=True, slots=True)
class Use:
    """What one declaration draws on one licence."""

    item_indexes: tuple[int, ...]
    quantity: Decimal
    value: Decimal


def uses(document: object) -> dict[str, Use]:
    """Licence number → what the declaration's goods items citing it draw."""
    out: dict[str, tuple[list[int], Decimal, Decimal]] = {}
    for index, item in enumerate(getattr(document, "goods_items", ())):
        for ref in {d.reference for d in item.documents if d.type in LICENCE_DOCUMENTS}:
            indexes, quantity, value = out.get(ref, ([], Decimal(0), Decimal(0)))
            indexes.append(index)
            out[ref] = (indexes, quantity + item.quantity, value + item.value)
    return {ref: Use(tuple(i), q, v) for ref, (i, q, v) in out.items()}


def problems(
    licence: Licence | None, use: Use, owner: str, currency: str, items: list[object], on: date
) -> str | None:
    """Why a declaration may not use this licence, or None."""
    if licence is None:
        return "no such licence"
    if licence.holder != owner:
        return "the licence is held by another enterprise"
    if licence.revoked:
        return "the licence is revoked"
    if not licence.valid_from <= on <= licence.valid_to:
        return f"the licence is valid {licence.valid_from} to {licence.valid_to}"
    for index in use.item_indexes:
        item = items[index]
        if not any(str(getattr(item, "hs_code", "")).startswith(p) for p in licence.hs_prefixes):
            return f"goods item {index + 1} is not covered by the licence's HS codes"
        if getattr(item, "unit", licence.unit) != licence.unit:
            return f"the licence counts {licence.unit}"
    if currency != licence.currency:
        return f"the licence counts value in {licence.currency}"
    if use.quantity > licence.quantity_left:
        return f"{use.quantity} {licence.unit} asked, {licence.quantity_left} left"
    if use.value > licence.value_left:
        return f"{use.value} {licence.currency} asked, {licence.value_left} left"
    return None
