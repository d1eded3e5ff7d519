"""What the workbench says: labels of data it shows, the messages it translates from data,
waiting times for people, and form errors in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from litestar import Request

from eport.clearance import events as ce
from eport.declarations import events as de
from eport.kernel.errors import FieldError
from eport.payments import events as pe
from eport.risk import events as rke
from eport.routing import events as rte
from eport.routing.model import TaskState
from eport.tariff import events as te

from .. import i18n
from ..pages import locale_of

TASK_STATES = tuple(s.value for s in TaskState)
LANES = ("green", "yellow", "red", "blue")
# The correctable goods fields, in the order the findings form shows them, with their labels.
FIELD_LABELS = {
    "quantity": "Quantity",
    "value": "Value",
    "hsCode": "HS code",
    "originCountry": "Origin",
    "netMass": "Net mass (kg)",
    "grossMass": "Gross mass (kg)",
}
EVENT_LABELS = {
    event.name: label
    for event, label in (
        (de.DeclarationLodged, "Lodged"),
        (de.DeclarationAmended, "Amended"),
        (de.DeclarationStatusChanged, "Status changed"),
        (de.DeclarationCancelled, "Cancelled"),
        (de.DeclarationReleased, "Released"),
        (rte.TaskDecided, "Agency decided"),
        (rte.ECertificateIssued, "E-certificate issued"),
        (rke.LaneAssigned, "Lane assigned"),
        (ce.InspectionOrdered, "Inspection ordered"),
        (ce.FindingsRecorded, "Inspection findings recorded"),
        (ce.GoodsHeld, "Goods held (IPR)"),
        (ce.HoldDecided, "IPR hold decided"),
        (pe.DutiesAssessed, "Duties assessed"),
        (te.DeclarationAssessed, "Duties assessed"),
        (pe.PaymentOrderIssued, "Payment order issued"),
        (pe.PaymentConfirmed, "Payment confirmed"),
        (pe.DutiesGuaranteed, "Duties guaranteed"),
        (pe.DutiesRefunded, "Duties refunded"),
    )
}
# Messages the templates translate from data (test_catalogue checks they are translated).
DYNAMIC = (
    *TASK_STATES,
    *LANES,
    *FIELD_LABELS.values(),
    *EVENT_LABELS.values(),
    "lodged",
    "under_review",
    "queried",
    "cleared",
    "released",
    "rejected",
    "cancelled",
    "amended",
    "accept",
    "reject",
    "query",
    "open",
    "completed",
    "no_discrepancy",
    "discrepancy",
    "customs",
    "quarantine",
    "port",
    "commerce",
    "forex",
    "tax",
)

Gettext = Callable[..., str]


def gettext_of(request: Request[Any, Any, Any]) -> Gettext:
    return i18n.gettext_for(locale_of(request))


def waited(since: datetime, now: datetime, _: Gettext) -> str:
    """How long a task has waited, for people: "3 h 12 min", "2 d 5 h", "under a minute"."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h", d=days, h=hours)
    if hours:
        return _("%(h)s h %(m)s min", h=hours, m=mins)
    if mins:
        return _("%(m)s min", m=mins)
    return _("under a minute")


def field_message(error: FieldError, _: Gettext) -> str:
    """The reader's language for the errors a form can cause; the API's text otherwise."""
    name = error.pointer.rsplit("/", 1)[-1]
    if name == "decision":
        return _("Choose accept, reject or query.")
    if name == "reason" and error.code == "required":
        return _("Give the reason for a rejection or a query.")
    if name == "outcome":
        return _("Choose what the inspection found.")
    if name == "corrections" and error.code == "required":
        return _("A discrepancy says what was found: correct a field or write remarks.")
    if name == "corrections" and error.code == "findings.contradiction":
        return _("No discrepancy means no corrections: clear the corrected fields.")
    if error.code == "string.too_long":
        return _("This is too long.")
    return error.message
