"""Errors of the payments context."""

from __future__ import annotations

from eport.kernel.errors import Conflict, NotFound


class OrderNotFound(NotFound):
    code = "payment_order.not_found"


class OrderNotOpen(Conflict):
    code = "payment_order.not_open"


class NothingToPay(Conflict):
    code = "payment.nothing_due"


class OrderOpen(Conflict):
    code = "payment_order.open"


class GuaranteeInsufficient(Conflict):
    code = "guarantee.insufficient"


class NoGuarantee(NotFound):
    code = "guarantee.not_found"
