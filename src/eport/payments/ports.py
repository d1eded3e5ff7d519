"""What the payments context needs from the outside world."""

from __future__ import annotations

from typing import Protocol

from eport.kernel.unit_of_work import UnitOfWork
from eport.payments.model import GuaranteeFacility, PaymentOrder, Posting
from eport.routing.ports import DeclarationLock


class DutyBook(Protocol):
    def post(self, posting: Posting) -> None: ...

    def postings(self, declaration_id: str) -> list[Posting]: ...

    def add_order(self, order: PaymentOrder) -> None: ...

    def get_order(self, order_id: str, *, for_update: bool = False) -> PaymentOrder | None: ...

    def open_order(self, declaration_id: str) -> PaymentOrder | None: ...

    def save_order(self, order: PaymentOrder) -> None:
        """Raises Conflict if the order changed since it was read."""
        ...

    def facility(
        self, enterprise: str, *, for_update: bool = False
    ) -> GuaranteeFacility | None: ...

    def put_facility(self, facility: GuaranteeFacility) -> None: ...


class EnterpriseLookup(Protocol):
    def enterprise_id(self, scheme: str, identifier: str) -> str | None: ...


class PaymentsUnitOfWork(UnitOfWork, Protocol):
    duties: DutyBook
    enterprises: EnterpriseLookup
    declarations: DeclarationLock  # locking the declaration serialises its postings
