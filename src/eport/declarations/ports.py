"""What the declarations context needs from the outside world."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from eport.datamodel.declaration import Declaration as Document
from eport.declarations.bills import CargoRules
from eport.declarations.model import AssessmentSummary, DeclarationRecord, QuotaUse, Revision
from eport.kernel.errors import FieldError
from eport.kernel.unit_of_work import UnitOfWork
from eport.manifests.model import Bill
from eport.risk.model import Selection
from eport.routing.ports import CatalogueReader, ClearanceHolds, TaskRepository


class DeclarationRepository(Protocol):
    def add(self, record: DeclarationRecord, revision: Revision) -> None: ...

    def get(self, declaration_id: str, *, for_update: bool = False) -> DeclarationRecord | None: ...

    def save(self, record: DeclarationRecord) -> None:
        """Persist status, revision and document; raises Conflict if changed meanwhile."""
        ...

    def add_revision(self, revision: Revision) -> None: ...

    def document_json(self, declaration_id: str, revision: int) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class StoredResponse:
    request_sha256: str
    status_code: int
    body: dict[str, Any]


class IdempotencyStore(Protocol):
    def get(self, scope: str, key: str) -> StoredResponse | None: ...

    def claim(self, scope: str, key: str, response: StoredResponse) -> bool:
        """Store the response under the key unless the key exists; False if it did."""
        ...

    def put(self, scope: str, key: str, response: StoredResponse) -> None: ...


class BillRegistry(Protocol):
    def open_bill(self, reference: str) -> Bill | None: ...

    def link_bill(self, manifest_id: str, reference: str, declaration_id: str | None) -> None: ...


class Selectivity(Protocol):
    """Risk selectivity on the lodge path (the risk context, wired by an adapter)."""

    def select(self, document: Document, declaration_id: str, on: date) -> Selection | None:
        """The lane and the rules that fired; None when selectivity is off or no rule set
        is in force."""
        ...

    def record(self, selection: Selection, revision: int) -> None: ...


class Assessor(Protocol):
    """Duty and tax assessment (the tariff context, wired by an adapter)."""

    def assess(
        self, document: Document, on: date, granted: dict[str, Decimal] | None = None
    ) -> AssessmentSummary | None:
        """None when assessment is off or does not apply (exports). ``granted``: in-quota
        quantities consumed at release, instead of the balances."""
        ...

    def record(
        self,
        declaration_id: str,
        revision: int,
        assessment: AssessmentSummary,
        reason: str | None = None,
    ) -> None: ...

    def consume_quotas(
        self, declaration_id: str, draws: tuple[QuotaUse, ...]
    ) -> dict[str, Decimal]:
        """Take the draws from the quotas' balances (locked; once per declaration); returns
        the quantity granted per quota."""
        ...

    def latest(self, declaration_id: str) -> AssessmentSummary | None: ...


class LicenceCheck(Protocol):
    def check(self, document: Document, owner: str, on: date) -> list[FieldError]:
        """Problems with the licences the goods cite (empty when all hold)."""
        ...


class HandbookCheck(Protocol):
    def check(self, document: Document, owner: str, on: date) -> list[FieldError]:
        """Problems with the processing-trade handbooks the goods cite (empty when all hold)."""
        ...


class DutyStatus(Protocol):
    def settled(self, declaration_id: str) -> bool:
        """Duties paid or guaranteed (True when nothing was assessed)."""
        ...


class DeclarationsUnitOfWork(UnitOfWork, Protocol):
    duties: DutyStatus
    clearance: ClearanceHolds
    selectivity: Selectivity
    assessor: Assessor
    licences: LicenceCheck
    handbooks: HandbookCheck
    declarations: DeclarationRepository
    manifests: BillRegistry
    cargo_rules: CargoRules
    tasks: TaskRepository
    catalogue: CatalogueReader
    idempotency: IdempotencyStore
