"""Inspection orders, IPR recordations and holds; findings fed back to risk."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from eport.clearance.model import (
    Correction,
    HoldState,
    InspectionOrder,
    IprHold,
    IprRecordation,
    OrderState,
    Outcome,
)
from eport.kernel.errors import Conflict

from . import tables as t


def _order(row: Any) -> InspectionOrder:
    return InspectionOrder(
        id=row["id"],
        declaration_id=row["declaration_id"],
        revision=row["revision"],
        reason=row["reason"],
        ordered_by=row["ordered_by"],
        ordered_at=row["ordered_at"],
        state=OrderState(row["state"]),
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        corrections=tuple(Correction(**c) for c in row["corrections"]),
        remarks=row["remarks"],
        inspected_by=row["inspected_by"],
        completed_at=row["completed_at"],
        version=row["version"],
    )


def _hold(row: Any) -> IprHold:
    return IprHold(
        id=row["id"],
        declaration_id=row["declaration_id"],
        recordation_id=row["recordation_id"],
        item=row["item"],
        trademark=row["trademark"],
        state=HoldState(row["state"]),
        held_at=row["held_at"],
        decided_by=row["decided_by"],
        reason=row["reason"],
        version=row["version"],
    )


class SqlClearanceRepository:
    def __init__(self, conn: sa.Connection, now: datetime) -> None:
        self.conn, self.now = conn, now

    def _order_values(self, order: InspectionOrder) -> dict[str, Any]:
        return {
            "state": order.state.value,
            "outcome": order.outcome.value if order.outcome else None,
            "corrections": [
                {"item": c.item, "field": c.field, "declared": c.declared, "found": c.found}
                for c in order.corrections
            ],
            "remarks": order.remarks,
            "inspected_by": order.inspected_by,
            "completed_at": order.completed_at,
        }

    def add_order(self, order: InspectionOrder) -> None:
        self.conn.execute(
            t.inspection_orders.insert(),
            {
                "id": order.id,
                "declaration_id": order.declaration_id,
                "revision": order.revision,
                "reason": order.reason,
                "ordered_by": order.ordered_by,
                "ordered_at": order.ordered_at,
                "version": order.version,
                **self._order_values(order),
            },
        )

    def get_order(self, order_id: str, *, for_update: bool = False) -> InspectionOrder | None:
        o = t.inspection_orders
        query = sa.select(o).where(o.c.id == order_id)
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        return _order(row) if row else None

    def save_order(self, order: InspectionOrder) -> None:
        o = t.inspection_orders
        done = self.conn.execute(
            o.update()
            .where(o.c.id == order.id, o.c.version == order.version)
            .values(**self._order_values(order), version=order.version + 1)
        )
        if done.rowcount != 1:
            raise Conflict("The inspection order changed meanwhile; retry.", id=order.id)
        order.version += 1

    def open_orders(self, declaration_id: str) -> list[InspectionOrder]:
        o = t.inspection_orders
        rows = self.conn.execute(
            sa.select(o).where(
                o.c.declaration_id == declaration_id, o.c.state == OrderState.OPEN.value
            )
        ).mappings()
        return [_order(r) for r in rows]

    def add_recordation(self, recordation: IprRecordation) -> None:
        self.conn.execute(
            t.ipr_recordations.insert(),
            {
                "id": recordation.id,
                "rights_holder": recordation.rights_holder,
                "trademark": recordation.trademark,
                "hs_prefixes": list(recordation.hs_prefixes),
                "valid_from": recordation.valid_from,
                "valid_to": recordation.valid_to,
            },
        )

    def recordations(self, on: date) -> list[IprRecordation]:
        r = t.ipr_recordations
        rows = self.conn.execute(
            sa.select(r).where(
                r.c.valid_from <= on, sa.or_(r.c.valid_to.is_(None), r.c.valid_to > on)
            )
        ).mappings()
        return [
            IprRecordation(
                row["id"],
                row["rights_holder"],
                row["trademark"],
                tuple(row["hs_prefixes"]),
                row["valid_from"],
                row["valid_to"],
            )
            for row in rows
        ]

    def add_hold(self, hold: IprHold) -> None:
        self.conn.execute(
            t.ipr_holds.insert(),
            {
                "id": hold.id,
                "declaration_id": hold.declaration_id,
                "recordation_id": hold.recordation_id,
                "item": hold.item,
                "trademark": hold.trademark,
                "state": hold.state.value,
                "held_at": hold.held_at,
                "decided_by": hold.decided_by,
                "reason": hold.reason,
                "version": hold.version,
            },
        )

    def get_hold(self, hold_id: str, *, for_update: bool = False) -> IprHold | None:
        h = t.ipr_holds
        query = sa.select(h).where(h.c.id == hold_id)
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        return _hold(row) if row else None

    def save_hold(self, hold: IprHold) -> None:
        h = t.ipr_holds
        done = self.conn.execute(
            h.update()
            .where(h.c.id == hold.id, h.c.version == hold.version)
            .values(
                state=hold.state.value,
                decided_by=hold.decided_by,
                reason=hold.reason,
                version=hold.version + 1,
            )
        )
        if done.rowcount != 1:
            raise Conflict("The hold changed meanwhile; retry.", id=hold.id)
        hold.version += 1

    def open_holds(self, declaration_id: str) -> list[IprHold]:
        h = t.ipr_holds
        rows = self.conn.execute(
            sa.select(h).where(
                h.c.declaration_id == declaration_id, h.c.state == HoldState.HELD.value
            )
        ).mappings()
        return [_hold(r) for r in rows]

    def blocking(self, declaration_id: str) -> list[str]:
        """What stops customs accepting or releasing: open inspections and IPR holds."""
        return [f"inspection {o.id}" for o in self.open_orders(declaration_id)] + [
            f"IPR hold {h.id} ({h.trademark})" for h in self.open_holds(declaration_id)
        ]

    def record_finding(self, declaration_id: str, discrepancy: bool, on: date) -> None:
        s = t.risk_selections
        self.conn.execute(
            s.update()
            .where(s.c.declaration_id == declaration_id)
            .values(finding="discrepancy" if discrepancy else "none")
        )
        if not discrepancy:
            return
        d, e, c = t.declarations, t.enterprises, t.compliance_profiles
        owner = self.conn.execute(
            sa.select(e.c.scheme, e.c.identifier)
            .join(d, d.c.owner_id == e.c.id)
            .where(d.c.id == declaration_id)
        ).first()
        if owner is None:
            return
        done = self.conn.execute(
            c.update()
            .where(c.c.scheme == owner[0], c.c.identifier == owner[1])
            .values(past_findings=c.c.past_findings + 1, last_finding_on=on, updated_at=self.now)
        )
        if not done.rowcount:
            self.conn.execute(
                c.insert(),
                {
                    "scheme": owner[0],
                    "identifier": owner[1],
                    "level": "general",
                    "past_findings": 1,
                    "last_finding_on": on,
                    "updated_at": self.now,
                },
            )
