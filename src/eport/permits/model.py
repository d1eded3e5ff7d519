"""Licences and what declarations used of them; processing-trade handbooks and what
imports add to and exports consume from them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeVar

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


# ---------------------------------------------------------------------------------------------
# Processing-trade handbooks: bonded imported materials and the norms by which exported
# products consume them.

HANDBOOK_DOCUMENT = "915"  # goods items cite a handbook by its number as a document of type 915
NORM_PLACES = Decimal("0.000001")  # consumption is rounded to 6 decimal places, half up


class MovementKind(StrEnum):
    IMPORT = "import"  # an IM declaration adds materials
    EXPORT = "export"  # an EX declaration consumes materials by the products' norms


@dataclass(frozen=True, slots=True)
class Material:
    """A bonded material: an HS prefix (or full code), counted in ``unit`` up to the limit."""

    hs_code: str
    description: str
    unit: str
    quantity_limit: Decimal
    imported: Decimal = Decimal(0)
    consumed: Decimal = Decimal(0)

    @property
    def balance(self) -> Decimal:
        return self.imported - self.consumed


@dataclass(frozen=True, slots=True)
class Norm:
    """One unit of the product consumes ``consumption`` of the material net, and a fraction
    ``waste_rate`` (0 ≤ w < 1) of what goes in is wasted: gross = net / (1 - w)."""

    material: str  # the material's hs_code, as the handbook lists it
    consumption: Decimal
    waste_rate: Decimal


@dataclass(frozen=True, slots=True)
class Product:
    hs_code: str
    unit: str
    norms: tuple[Norm, ...]


@dataclass(slots=True)
class Handbook:
    """A processing-trade handbook; a material's balance is imported - consumed."""

    number: str
    holder: str  # enterprise id
    valid_from: date
    valid_to: date
    issued_by: str
    materials: tuple[Material, ...]
    products: tuple[Product, ...]
    revoked: bool = False
    version: int = 1

    def material(self, hs_code: str) -> Material | None:
        """The material an HS code falls under (the longest matching prefix)."""
        return _longest(self.materials, hs_code)

    def product(self, hs_code: str) -> Product | None:
        return _longest(self.products, hs_code)

    def apply(self, kind: MovementKind, quantities: dict[str, Decimal]) -> None:
        """Add (import) or consume (export) the quantities, per material hs_code."""

        def moved(m: Material) -> Material:
            q = quantities.get(m.hs_code)
            if q is None:
                return m
            if kind is MovementKind.IMPORT:
                return replace(m, imported=m.imported + q)
            return replace(m, consumed=m.consumed + q)

        self.materials = tuple(moved(m) for m in self.materials)


_Coded = TypeVar("_Coded", Material, Product)


def _longest(candidates: tuple[_Coded, ...], hs_code: str) -> _Coded | None:
    found = [c for c in candidates if hs_code.startswith(c.hs_code)]
    return max(found, key=lambda c: len(c.hs_code)) if found else None


def gross_consumption(quantity: Decimal, norm: Norm) -> Decimal:
    """What ``quantity`` units of product consume of the norm's material, waste included:
    quantity * consumption / (1 - waste_rate), rounded to 6 decimal places half up.

    Worked example: 2000 shirts at 0.25 kg of yarn each with 2 % waste consume
    2000 * 0.25 / (1 - 0.02) = 500 / 0.98 = 510.2040816… → 510.204082 kg.
    """
    return (quantity * norm.consumption / (1 - norm.waste_rate)).quantize(
        NORM_PLACES, rounding=ROUND_HALF_UP
    )


def handbook_citations(document: object) -> dict[str, tuple[int, ...]]:
    """Handbook number → the indexes of the goods items that cite it (document 915)."""
    out: dict[str, list[int]] = {}
    for index, item in enumerate(getattr(document, "goods_items", ())):
        for ref in {d.reference for d in item.documents if d.type == HANDBOOK_DOCUMENT}:
            out.setdefault(ref, []).append(index)
    return {ref: tuple(indexes) for ref, indexes in out.items()}


def movement_kind(document: object) -> MovementKind:
    return (
        MovementKind.EXPORT
        if getattr(document, "declaration_type", "") == "EX"
        else (MovementKind.IMPORT)
    )


def imported_quantities(
    handbook: Handbook, items: list[object], indexes: tuple[int, ...]
) -> dict[str, Decimal]:
    """What an import adds: per material, the quantities of the items that fall under it
    (items under no material are skipped here; ``handbook_problems`` refuses them)."""
    out: dict[str, Decimal] = {}
    for index in indexes:
        item = items[index]
        material = handbook.material(str(getattr(item, "hs_code", "")))
        if material is not None:
            quantity = Decimal(getattr(item, "quantity", 0))
            out[material.hs_code] = out.get(material.hs_code, Decimal(0)) + quantity
    return out


def consumed_quantities(
    handbook: Handbook, items: list[object], indexes: tuple[int, ...]
) -> dict[str, Decimal]:
    """What an export consumes: per material, the sum over the cited items and their
    product's norms of ``gross_consumption`` (each item and norm rounded, then summed)."""
    out: dict[str, Decimal] = {}
    for index in indexes:
        item = items[index]
        product = handbook.product(str(getattr(item, "hs_code", "")))
        if product is None:
            continue
        for norm in product.norms:
            used = gross_consumption(Decimal(getattr(item, "quantity", 0)), norm)
            out[norm.material] = out.get(norm.material, Decimal(0)) + used
    return out


def movement(
    handbook: Handbook, kind: MovementKind, items: list[object], indexes: tuple[int, ...]
) -> dict[str, Decimal]:
    """Per material hs_code, what the declaration adds (import) or consumes (export)."""
    if kind is MovementKind.IMPORT:
        return imported_quantities(handbook, items, indexes)
    return consumed_quantities(handbook, items, indexes)


def handbook_problems(
    handbook: Handbook | None,
    kind: MovementKind,
    items: list[object],
    indexes: tuple[int, ...],
    owner: str,
    on: date,
) -> str | None:
    """Why a declaration may not use this handbook, or None."""
    if handbook is None:
        return "no such handbook"
    if handbook.holder != owner:
        return "the handbook is held by another enterprise"
    if handbook.revoked:
        return "the handbook is revoked"
    if not handbook.valid_from <= on <= handbook.valid_to:
        return f"the handbook is valid {handbook.valid_from} to {handbook.valid_to}"
    for index in indexes:
        item = items[index]
        hs, unit = str(getattr(item, "hs_code", "")), getattr(item, "unit", "")
        counted: Material | Product | None
        if kind is MovementKind.IMPORT:
            counted, what = handbook.material(hs), "material"
        else:
            counted, what = handbook.product(hs), "product"
        if counted is None:
            return f"goods item {index + 1} (HS {hs}) is not a {what} of the handbook"
        if unit != counted.unit:
            return f"the handbook counts {what} {counted.hs_code} in {counted.unit}"
    quantities = movement(handbook, kind, items, indexes)
    for material in handbook.materials:
        asked = quantities.get(material.hs_code)
        if asked is None:
            continue
        if kind is MovementKind.IMPORT and material.imported + asked > material.quantity_limit:
            left = material.quantity_limit - material.imported
            return (
                f"{asked} {material.unit} of material {material.hs_code} imported, "
                f"{left} left under its limit"
            )
        if kind is MovementKind.EXPORT and asked > material.balance:
            return (
                f"the export consumes {asked} {material.unit} of material {material.hs_code}, "
                f"its balance is {material.balance}"
            )
    return None
