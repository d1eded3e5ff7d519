"""The declaration aggregate and its lifecycle: one home for the combined status.

    lodged ──► under_review ──► cleared ──► released
       │            │  ▲
       │            ▼  │ (decisions)
       │         queried ──► amended ──► under_review …
       └──► rejected (any agency rejects)     cancelled (trader, any time before release)

The combined status is computed from the agencies' task states by :func:`combine`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from eport.datamodel.declaration import Declaration as Document
from eport.routing.model import TaskState


class Status(StrEnum):
    LODGED = "lodged"
    UNDER_REVIEW = "under_review"
    QUERIED = "queried"
    AMENDED = "amended"
    CLEARED = "cleared"
    RELEASED = "released"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


FINAL = frozenset({Status.RELEASED, Status.REJECTED, Status.CANCELLED})
AMENDABLE = frozenset({Status.LODGED, Status.UNDER_REVIEW, Status.QUERIED, Status.AMENDED})
CANCELLABLE = AMENDABLE | {Status.CLEARED}


def combine(current: Status, tasks: Iterable[TaskState], *, decided: bool) -> Status:
    """The one status a trader sees, from every agency's task.

    Any reject rejects; any open query means queried; all accepted means cleared; otherwise the
    declaration is under review (or still lodged / amended if no agency has decided since).
    """
    states = [s for s in tasks if s not in (TaskState.WITHDRAWN, TaskState.CANCELLED)]
    if any(s is TaskState.REJECTED for s in states):
        return Status.REJECTED
    if any(s is TaskState.QUERIED for s in states):
        return Status.QUERIED
    if states and all(s is TaskState.ACCEPTED for s in states):
        return Status.CLEARED
    if not decided and current in (Status.LODGED, Status.AMENDED):
        return current
    return Status.UNDER_REVIEW


@dataclass(frozen=True, slots=True)
class Receipt:
    """What E-Port acknowledges: when, and the SHA-256 of the exact bytes received."""

    received_at: datetime
    sha256: str
    size: int


@dataclass(slots=True)
class DeclarationRecord:
    id: str
    owner: str  # enterprise id
    created_by: str
    declaration_type: str
    trader_reference: str
    status: Status
    revision: int
    lodged_at: datetime
    updated_at: datetime
    document: Document
    version: int = 1  # optimistic-lock counter, bumped on every change
    representative: str | None = None  # the enterprise that lodged it under a delegation


@dataclass(frozen=True, slots=True)
class Revision:
    declaration_id: str
    revision: int
    document: dict[str, Any]
    raw: bytes
    content_type: str
    receipt: Receipt
    created_by: str
    reason: str | None = None
    diff: tuple[dict[str, Any], ...] = ()
    signature: bytes | None = None  # detached CMS over ``raw``, verified before it got here
    signer_serial: str | None = None


def field_diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """Field-level diff of two JSON documents: one {pointer, old, new} per changed leaf.

    Arrays are compared index by index; an added or removed element is one entry.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[dict[str, Any]] = []
        for key in sorted(old.keys() | new.keys()):
            child = f"{path}/{key.replace('~', '~0').replace('/', '~1')}"
            if key not in new:
                out.append({"pointer": child, "old": old[key], "new": None})
            elif key not in old:
                out.append({"pointer": child, "old": None, "new": new[key]})
            else:
                out.extend(field_diff(old[key], new[key], child))
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = []
        for index in range(max(len(old), len(new))):
            child = f"{path}/{index}"
            if index >= len(new):
                out.append({"pointer": child, "old": old[index], "new": None})
            elif index >= len(old):
                out.append({"pointer": child, "old": None, "new": new[index]})
            else:
                out.extend(field_diff(old[index], new[index], child))
        return out
    return [] if old == new else [{"pointer": path or "/", "old": old, "new": new}]


@dataclass(frozen=True, slots=True)
class QuotaUse:
    """What one goods item draws from a tariff quota: asked for, and granted in-quota."""

    quota_id: str
    item: int
    requested: Decimal
    in_quota: Decimal


@dataclass(frozen=True, slots=True)
class AssessmentSummary:
    """Duties and taxes assessed: the total in minor units and the quota draws."""

    total: int
    currency: str
    quota_draws: tuple[QuotaUse, ...]
    document: dict[str, Any]
