"""Inspections and findings, IPR recordations and holds (customs); a declaration's checks."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.params import Parameter
from pydantic import Field

from eport.adapters.db import tables as t
from eport.adapters.db.clearance import SqlClearanceRepository
from eport.clearance import commands as cc
from eport.clearance.handlers import order_json
from eport.clearance.model import Correction, HoldState, Outcome
from eport.datamodel.declaration import Model
from eport.identity import policy
from eport.identity.model import Principal
from eport.kernel.clock import isoformat
from eport.kernel.errors import NotFound

from .common import eport_of, execute, json_body, read
from .declarations import visible_declaration
from .openapi import request_body


class OrderBody(Model):
    reason: str = Field(min_length=1, max_length=2000)


class CorrectionBody(Model):
    item: int = Field(ge=1, le=999)
    field: Literal["quantity", "value", "hsCode", "originCountry", "netMass", "grossMass"]
    declared: str = Field(max_length=70)
    found: str = Field(min_length=1, max_length=70)


class FindingsBody(Model):
    outcome: Outcome
    corrections: list[CorrectionBody] = Field(default_factory=list, max_length=999)
    remarks: str | None = Field(default=None, max_length=4000)


class RecordationBody(Model):
    rights_holder: str = Field(min_length=1, max_length=200)
    trademark: str = Field(min_length=1, max_length=200)
    hs_prefixes: list[str] = Field(min_length=1, max_length=50)
    valid_from: date
    valid_to: date | None = None


class HoldDecisionBody(Model):
    decision: Literal["released", "seized"]
    reason: str = Field(min_length=1, max_length=2000)


def _customs(principal: Principal) -> None:
    policy.require_agency_or_admin(principal, policy.Action.INSPECT, "customs")


def _hold_json(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "declarationId": row["declaration_id"],
        "item": row["item"],
        "trademark": row["trademark"],
        "state": row["state"],
        "heldAt": isoformat(row["held_at"]),
        "decidedBy": row["decided_by"],
        "reason": row["reason"],
    }


class InspectionController(Controller):
    path = "/api/v1/inspections"
    tags = ["clearance"]

    @get("/", summary="Inspection orders (customs)")
    async def list(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        order_state: Annotated[str, Parameter(query="state")] = "open",
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    ) -> dict[str, Any]:
        _customs(principal)

        def query(conn: sa.Connection) -> list[dict[str, Any]]:
            o = t.inspection_orders
            ids = conn.execute(
                sa.select(o.c.id)
                .where(o.c.state == order_state)
                .order_by(o.c.ordered_at)
                .limit(limit)
            ).scalars()
            repo = SqlClearanceRepository(conn, eport_of(request).clock())
            return [order_json(order) for i in ids if (order := repo.get_order(i)) is not None]

        return {"items": await read(eport_of(request), query)}

    @get("/{inspection_id:str}", summary="One inspection order (customs)")
    async def detail(
        self, request: Request[Any, Any, Any], principal: Principal, inspection_id: str
    ) -> dict[str, Any]:
        _customs(principal)

        def query(conn: sa.Connection) -> Any:
            return SqlClearanceRepository(conn, eport_of(request).clock()).get_order(inspection_id)

        order = await read(eport_of(request), query)
        if order is None:
            raise NotFound("No such inspection order.", id=inspection_id)
        return order_json(order)

    @post(
        "/{inspection_id:str}/findings",
        status_code=200,
        summary="Record what the inspection found (customs)",
        operation_class=request_body(FindingsBody),
    )
    async def findings(
        self, request: Request[Any, Any, Any], principal: Principal, inspection_id: str
    ) -> dict[str, Any]:
        """`{"outcome": "no_discrepancy"}` or `{"outcome": "discrepancy", "corrections":
        [{"item": 1, "field": "quantity", "declared": "100", "found": "120"}], "remarks":
        "..."}`. A discrepancy reassesses the duties on the corrected goods: the duty account
        then shows a supplementary bill (or a refund)."""
        _customs(principal)
        body, _ = await json_body(request, FindingsBody)
        result: dict[str, Any] = await execute(
            eport_of(request),
            cc.RecordFindings(
                actor=principal.user_id,
                order_id=inspection_id,
                outcome=body.outcome,
                corrections=tuple(
                    Correction(c.item, c.field, c.declared, c.found) for c in body.corrections
                ),
                remarks=body.remarks,
            ),
        )
        return result


class DeclarationChecksController(Controller):
    path = "/api/v1/declarations"
    tags = ["clearance"]

    @post(
        "/{declaration_id:str}/inspections",
        status_code=201,
        summary="Order a physical inspection (customs)",
        operation_class=request_body(OrderBody),
    )
    async def order(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        _customs(principal)
        await visible_declaration(request, principal, declaration_id)
        body, _ = await json_body(request, OrderBody)
        result: dict[str, Any] = await execute(
            eport_of(request),
            cc.OrderInspection(
                actor=principal.user_id, declaration_id=declaration_id, reason=body.reason
            ),
        )
        return result

    @get("/{declaration_id:str}/checks", summary="Inspections and IPR holds on a declaration")
    async def checks(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        await visible_declaration(request, principal, declaration_id)

        def query(conn: sa.Connection) -> dict[str, Any]:
            o, h = t.inspection_orders, t.ipr_holds
            repo = SqlClearanceRepository(conn, eport_of(request).clock())
            ids = conn.execute(
                sa.select(o.c.id)
                .where(o.c.declaration_id == declaration_id)
                .order_by(o.c.ordered_at)
            ).scalars()
            holds = conn.execute(
                sa.select(h).where(h.c.declaration_id == declaration_id).order_by(h.c.held_at)
            ).mappings()
            return {
                "inspections": [
                    order_json(order) for i in ids if (order := repo.get_order(i)) is not None
                ],
                "iprHolds": [_hold_json(r) for r in holds],
            }

        return {"declarationId": declaration_id, **await read(eport_of(request), query)}


class IprController(Controller):
    path = "/api/v1/ipr"
    tags = ["clearance"]

    @post(
        "/recordations",
        status_code=201,
        summary="Record a rights holder's trademark (customs)",
        operation_class=request_body(RecordationBody),
    )
    async def record(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        """Goods lodged later under one of `hsPrefixes` whose description names the trademark
        are held until customs releases or seizes them."""
        policy.require_agency_or_admin(principal, policy.Action.MANAGE_IPR, "customs")
        body, _ = await json_body(request, RecordationBody)
        result: dict[str, Any] = await execute(
            eport_of(request),
            cc.RecordIpr(
                actor=principal.user_id,
                rights_holder=body.rights_holder,
                trademark=body.trademark,
                hs_prefixes=tuple(body.hs_prefixes),
                valid_from=body.valid_from,
                valid_to=body.valid_to,
            ),
        )
        return result

    @get("/holds", summary="IPR holds (customs)")
    async def holds(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        hold_state: Annotated[str, Parameter(query="state")] = "held",
    ) -> dict[str, Any]:
        policy.require_agency_or_admin(principal, policy.Action.MANAGE_IPR, "customs")

        def query(conn: sa.Connection) -> list[dict[str, Any]]:
            h = t.ipr_holds
            rows = conn.execute(
                sa.select(h).where(h.c.state == hold_state).order_by(h.c.held_at)
            ).mappings()
            return [_hold_json(r) for r in rows]

        return {"items": await read(eport_of(request), query)}

    @post(
        "/holds/{hold_id:str}/decision",
        status_code=200,
        summary="Release or seize held goods (customs)",
        operation_class=request_body(HoldDecisionBody),
    )
    async def decide(
        self, request: Request[Any, Any, Any], principal: Principal, hold_id: str
    ) -> dict[str, Any]:
        policy.require_agency_or_admin(principal, policy.Action.MANAGE_IPR, "customs")
        body, _ = await json_body(request, HoldDecisionBody)
        result: dict[str, Any] = await execute(
            eport_of(request),
            cc.DecideIprHold(
                actor=principal.user_id,
                hold_id=hold_id,
                decision=HoldState(body.decision),
                reason=body.reason,
            ),
        )
        return result
