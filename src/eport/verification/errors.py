"""Errors of the verification context."""

from __future__ import annotations

from eport.kernel.errors import Conflict, NotFound


class ExportNotFound(NotFound):
    code = "export.not_found"


class ClaimNotFound(NotFound):
    code = "refund.not_found"


class DuplicateReceipt(Conflict):
    code = "forex.duplicate_receipt"


class RefundAlreadyGranted(Conflict):
    """The goods were refunded before; the problem carries the first refund's ledger entry."""

    code = "refund.already_granted"


class RefundPending(Conflict):
    code = "refund.pending"
