"""Errors of the clearance context."""

from __future__ import annotations

from eport.kernel.errors import Conflict, NotFound


class OrderNotFound(NotFound):
    code = "inspection.not_found"


class OrderNotOpen(Conflict):
    code = "inspection.completed"


class OrderOpen(Conflict):
    code = "inspection.open"


class HoldNotFound(NotFound):
    code = "ipr_hold.not_found"


class HoldDecided(Conflict):
    code = "ipr_hold.decided"


class ClearanceHeld(Conflict):
    """Customs cannot accept or release while an inspection or an IPR hold is open."""

    code = "clearance.held"
