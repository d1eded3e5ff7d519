"""What the permits context needs from the outside world."""

from __future__ import annotations

from typing import Any, Protocol

from eport.kernel.unit_of_work import UnitOfWork
from eport.ledger.ports import Ledger
from eport.permits.model import Handbook, Licence


class LicenceRepository(Protocol):
    enforced: bool

    def add(self, licence: Licence) -> None: ...

    def get(self, number: str, *, for_update: bool = False) -> Licence | None: ...

    def save(self, licence: Licence) -> None: ...

    def enterprise_id(self, scheme: str, identifier: str) -> str | None: ...


class HandbookRepository(Protocol):
    enforced: bool

    def add(self, handbook: Handbook) -> None: ...

    def get(self, number: str, *, for_update: bool = False) -> Handbook | None: ...

    def save(self, handbook: Handbook) -> None: ...

    def enterprise_id(self, scheme: str, identifier: str) -> str | None: ...

    def record_entry(
        self, number: str, kind: str, ledger_seq: int, declaration_id: str | None = None
    ) -> None:
        """Remember which ledger entry is about the handbook (issued, revoked, import or
        export), so its history is read by seq rather than by scanning the log."""
        ...


class ReleasedDeclarations(Protocol):
    def get(self, declaration_id: str, *, for_update: bool = False) -> Any: ...


class PermitsUnitOfWork(UnitOfWork, Protocol):
    licences: LicenceRepository
    handbooks: HandbookRepository
    ledger: Ledger
    declarations: ReleasedDeclarations
