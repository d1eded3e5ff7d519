"""What the manifests context needs from the outside world."""

from __future__ import annotations

from typing import Protocol

from eport.declarations.ports import IdempotencyStore
from eport.kernel.unit_of_work import UnitOfWork
from eport.manifests.model import Bill, GateEvent, ManifestRecord


class ManifestRepository(Protocol):
    def add(self, record: ManifestRecord, raw: bytes) -> None: ...

    def get(self, manifest_id: str, *, for_update: bool = False) -> ManifestRecord | None: ...

    def save(self, record: ManifestRecord) -> None: ...

    def open_bill(self, reference: str) -> Bill | None:
        """The bill with this reference on a manifest not yet departed, if any."""
        ...

    def bill_for_container(self, container: str) -> Bill | None:
        """The bill carrying this container on the latest arrived manifest."""
        ...

    def link_bill(self, manifest_id: str, reference: str, declaration_id: str | None) -> None: ...

    def add_gate_event(self, event: GateEvent) -> None: ...


class DeclarationStatusReader(Protocol):
    def status_of(self, declaration_id: str) -> str | None: ...


class ManifestsUnitOfWork(UnitOfWork, Protocol):
    manifests: ManifestRepository
    declaration_status: DeclarationStatusReader
    idempotency: IdempotencyStore
