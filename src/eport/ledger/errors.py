"""Errors of the ledger context."""

from __future__ import annotations

from eport.kernel.errors import Conflict, NotFound


class TreeRangeError(NotFound):
    """A leaf index or tree size that the (current) tree does not have."""

    code = "ledger.out_of_range"


class LedgerCorrupted(Conflict):
    """A perfect subtree the tree must have is missing from the store."""

    code = "ledger.corrupted"
