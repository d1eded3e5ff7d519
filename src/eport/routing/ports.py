"""What the routing context needs from the outside world."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from eport.kernel.unit_of_work import UnitOfWork
from eport.routing.model import Agency, Catalogue, CatalogueRule, ECertificate, Task


class TaskRepository(Protocol):
    def add_many(self, tasks: list[Task]) -> None: ...

    def for_declaration(self, declaration_id: str) -> list[Task]: ...

    def get(self, task_id: str, *, for_update: bool = False) -> Task | None: ...

    def save(self, task: Task) -> None:
        """Persist the task; raises Conflict if it changed since it was read."""
        ...


class ECertificateRepository(Protocol):
    def add(self, certificate: ECertificate) -> None: ...


class CatalogueReader(Protocol):
    def in_force(self, on: date) -> Catalogue: ...

    def agencies(self) -> dict[str, Agency]: ...


class CatalogueRepository(CatalogueReader, Protocol):
    def versions(self, code: str) -> list[CatalogueRule]: ...

    def add_version(self, rule: CatalogueRule, actor: str) -> None: ...

    def put_agency(self, agency: Agency) -> None: ...


class DeclarationLock(Protocol):
    def get(self, declaration_id: str, *, for_update: bool = False) -> object | None: ...

    def lock(self, declaration_id: str) -> str | None:
        """Lock the declaration's row for this transaction (nothing loaded); its owner, or
        None if there is no such declaration."""
        ...


class ClearanceHolds(Protocol):
    def blocking(self, declaration_id: str) -> list[str]:
        """Open inspections and IPR holds: customs cannot accept while there are any."""
        ...


class RoutingUnitOfWork(UnitOfWork, Protocol):
    clearance: ClearanceHolds
    tasks: TaskRepository
    catalogue: CatalogueRepository
    declarations: DeclarationLock
    ecertificates: ECertificateRepository
