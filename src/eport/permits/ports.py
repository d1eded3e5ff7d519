"""What the permits context needs from the outside world."""

from __future__ import annotations

from typing import Any, Protocol

from eport.kernel.unit_of_work import UnitOfWork
from eport.ledger.ports import Ledger
from eport.permits.model import Licence


class LicenceRepository(Protocol):
    enforced: bool

    def add(self, licence: Licence) -> None: ...

    def get(self, number: str, *, for_update: bool = False) -> Licence | None: ...

    def save(self, licence: Licence) -> None: ...

    def enterprise_id(self, scheme: str, identifier: str) -> str | None: ...


class ReleasedDeclarations(Protocol):
    def get(self, declaration_id: str, *, for_update: bool = False) -> Any: ...


class PermitsUnitOfWork(UnitOfWork, Protocol):
    licences: LicenceRepository
    ledger: Ledger
    declarations: ReleasedDeclarations
