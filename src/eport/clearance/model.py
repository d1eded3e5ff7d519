"""Inspection orders, findings, IPR recordations and holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from eport.datamodel.declaration import Declaration


class OrderState(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"


class Outcome(StrEnum):
    NO_DISCREPANCY = "no_discrepancy"
    DISCREPANCY = "discrepancy"


class HoldState(StrEnum):
    HELD = "held"
    RELEASED = "released"  # the rights holder did not act, or the goods are genuine
    SEIZED = "seized"


# What an inspector may correct on a goods item, and the document member it corrects.
CORRECTABLE = {
    "quantity": "quantity",
    "value": "value",
    "hsCode": "hsCode",
    "originCountry": "originCountry",
    "netMass": "netMass",
    "grossMass": "grossMass",
}


@dataclass(frozen=True, slots=True)
class Correction:
    item: int  # goods item sequence
    field: str  # a key of CORRECTABLE
    declared: str
    found: str


@dataclass(slots=True)
class InspectionOrder:
    id: str
    declaration_id: str
    revision: int
    reason: str
    ordered_by: str
    ordered_at: datetime
    state: OrderState = OrderState.OPEN
    outcome: Outcome | None = None
    corrections: tuple[Correction, ...] = ()
    remarks: str | None = None
    inspected_by: str | None = None
    completed_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class IprRecordation:
    """A rights holder's trademark recorded with customs, for goods under these HS prefixes."""

    id: str
    rights_holder: str
    trademark: str
    hs_prefixes: tuple[str, ...]
    valid_from: date
    valid_to: date | None = None

    def matches(self, hs_code: str, description: str, on: date) -> bool:
        if not (self.valid_from <= on and (self.valid_to is None or on < self.valid_to)):
            return False
        if not any(hs_code.startswith(p) for p in self.hs_prefixes):
            return False
        pattern = r"(?<![0-9A-Za-z])" + re.escape(self.trademark) + r"(?![0-9A-Za-z])"
        return re.search(pattern, description, re.IGNORECASE) is not None


@dataclass(slots=True)
class IprHold:
    id: str
    declaration_id: str
    recordation_id: str
    item: int
    trademark: str
    state: HoldState
    held_at: datetime
    decided_by: str | None = None
    reason: str | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class Corrected:
    """The declaration as the inspector found it (for reassessment)."""

    document: Declaration
    changes: dict[str, Any] = field(default_factory=dict)


def apply_corrections(document: dict[str, Any], corrections: tuple[Correction, ...]) -> None:
    """Write the found values into a declaration's JSON (in place). A corrected item value
    moves the invoice total by the same amount, so the customs value follows."""
    by_sequence = {item["sequence"]: item for item in document["goodsItems"]}
    for c in corrections:
        goods = by_sequence[c.item]
        if c.field == "value":
            change = Decimal(c.found) - Decimal(str(goods["value"]))
            document["invoiceAmount"] = str(Decimal(str(document["invoiceAmount"])) + change)
        goods[CORRECTABLE[c.field]] = c.found
