"""Commands of the clearance context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from eport.clearance.model import Correction, HoldState, Outcome
from eport.kernel.messages import Command


@dataclass(frozen=True, kw_only=True)
class OrderInspection(Command):
    declaration_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class RecordFindings(Command):
    order_id: str
    outcome: Outcome
    corrections: tuple[Correction, ...] = ()
    remarks: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordIpr(Command):
    rights_holder: str
    trademark: str
    hs_prefixes: tuple[str, ...]
    valid_from: date
    valid_to: date | None = None


@dataclass(frozen=True, kw_only=True)
class DecideIprHold(Command):
    hold_id: str
    decision: HoldState
    reason: str
