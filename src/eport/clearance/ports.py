"""What the clearance context needs from the outside world."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from eport.clearance.model import InspectionOrder, IprHold, IprRecordation
from eport.declarations.ports import Assessor
from eport.kernel.unit_of_work import UnitOfWork
from eport.routing.ports import DeclarationLock


class ClearanceRepository(Protocol):
    def add_order(self, order: InspectionOrder) -> None: ...

    def get_order(self, order_id: str, *, for_update: bool = False) -> InspectionOrder | None: ...

    def save_order(self, order: InspectionOrder) -> None: ...

    def open_orders(self, declaration_id: str) -> list[InspectionOrder]: ...

    def add_recordation(self, recordation: IprRecordation) -> None: ...

    def recordations(self, on: date) -> list[IprRecordation]: ...

    def add_hold(self, hold: IprHold) -> None: ...

    def get_hold(self, hold_id: str, *, for_update: bool = False) -> IprHold | None: ...

    def save_hold(self, hold: IprHold) -> None: ...

    def open_holds(self, declaration_id: str) -> list[IprHold]: ...

    def record_finding(self, declaration_id: str, discrepancy: bool, on: date) -> None:
        """Mark the declaration's risk selection with the finding, and count a discrepancy
        in the responsible party's compliance profile."""
        ...


class DeclarationReader(Protocol):
    def document_json(self, declaration_id: str, revision: int) -> dict[str, Any]: ...


class ClearanceUnitOfWork(UnitOfWork, Protocol):
    clearance: ClearanceRepository
    declarations: DeclarationLock
    revisions: DeclarationReader
    assessor: Assessor
