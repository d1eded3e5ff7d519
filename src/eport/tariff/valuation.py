"""Customs value: the invoice brought to a CIF basis, apportioned to items, converted.

What is added to the invoice price to reach the place of import (table in docs/tariff.md):

======================  =========  =========
Incoterms 2020          freight    insurance
======================  =========  =========
EXW, FCA, FAS, FOB      added      added
CFR, CPT                -          added
CIF, CIP                -          -
DAP, DPU, DDP           -          -   (price taken as declared; see docs)
======================  =========  =========

The CIF total (invoice amount + additions) is apportioned to goods items by their invoice value
(equally when every value is 0), converted exactly at the customs rate of the date, and each
item's customs value is rounded HALF_UP to the national currency's minor units.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from eport.datamodel.declaration import Declaration
from eport.tariff.model import ItemValue
from eport.tariff.money import ZERO, Money, round_minor
from eport.tariff.ports import ExchangeRates

# Incoterm -> (add freight, add insurance)
ADDITIONS: dict[str, tuple[bool, bool]] = {
    "EXW": (True, True),
    "FCA": (True, True),
    "FAS": (True, True),
    "FOB": (True, True),
    "CFR": (False, True),
    "CPT": (False, True),
    "CIF": (False, False),
    "CIP": (False, False),
    "DAP": (False, False),
    "DPU": (False, False),
    "DDP": (False, False),
}


def cif_total(declaration: Declaration) -> Decimal:
    """The invoice amount adjusted to CIF, in the declaration's currency (exact)."""
    add_freight, add_insurance = ADDITIONS[declaration.incoterm]
    return (
        declaration.invoice_amount
        + (declaration.freight if add_freight else ZERO)
        + (declaration.insurance if add_insurance else ZERO)
    )


def customs_values(declaration: Declaration, rates: ExchangeRates, on: date) -> list[ItemValue]:
    """Each item's customs value in national currency, in declaration item order."""
    national = rates.national_currency
    rate = rates.rate(declaration.currency, on)
    total = cif_total(declaration)
    items = declaration.goods_items
    invoice_values = sum((i.value for i in items), ZERO)
    out = []
    for item in items:
        share = item.value / invoice_values if invoice_values else Decimal(1) / len(items)
        value = round_minor(total * share * rate, national)
        out.append(ItemValue(item.sequence, Money(value, national), rate))
    return out
