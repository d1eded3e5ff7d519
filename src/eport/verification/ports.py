"""What the verification context needs from storage."""

from __future__ import annotations

from typing import Any, Protocol

from eport.kernel.unit_of_work import UnitOfWork
from eport.ledger.ports import Ledger, LedgerIndex
from eport.verification.model import ExportFacts, ForexReceipt, RefundClaim


class VerificationRepository(Protocol):
    def enterprise_id(self, scheme: str, identifier: str) -> str | None: ...

    def export_facts(self, declaration_id: str, *, lock: bool = False) -> ExportFacts | None:
        """A released export with its release (and departure) entries; ``lock`` serialises
        refund claims on it."""
        ...

    def exports_awaiting_forex(self) -> list[str]: ...

    def receipt_exists(self, bank: str, bank_reference: str) -> bool: ...

    def add_receipt(self, receipt: ForexReceipt) -> None: ...

    def open_receipts(self, exporter: str, currency: str) -> list[ForexReceipt]:
        """Unallocated receipts, locked for the verification."""
        ...

    def allocate(self, receipt_ids: tuple[str, ...], declaration_id: str) -> None: ...

    def matched_forex(self, declaration_id: str) -> int | None:
        """The ledger seq of the verification that matched the export, if any."""
        ...

    def add_forex_verification(self, row: dict[str, Any]) -> None: ...

    def claims_for(self, declaration_id: str) -> list[RefundClaim]: ...

    def get_claim(self, claim_id: str, *, for_update: bool = False) -> RefundClaim | None: ...

    def add_claim(self, claim: RefundClaim) -> None: ...

    def save_claim(self, claim: RefundClaim) -> None: ...


class VerificationUnitOfWork(UnitOfWork, Protocol):
    verification: VerificationRepository
    ledger: Ledger
    ledger_index: LedgerIndex
