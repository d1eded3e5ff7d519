"""Cargo manifests (carriers), the terminal's gate, and the discrepancy report (customs)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.params import Parameter

from eport.adapters.db import tables as t
from eport.datamodel.declaration import ContainerNumber, Model
from eport.datamodel.manifest import CargoManifest, parse_manifest
from eport.declarations.handlers import Outcome
from eport.identity import policy
from eport.identity.model import Principal, Role
from eport.kernel.clock import isoformat
from eport.kernel.errors import Forbidden, NotFound
from eport.manifests import commands as mc

from .common import eport_of, execute, is_json, json_body, read
from .declarations import _idempotency_key
from .errors import problem
from .openapi import request_body


class GateOutBody(Model):
    container: ContainerNumber


def _carrier(principal: Principal, action: policy.Action) -> str:
    policy.require_role(principal, action, {Role.CARRIER})
    if principal.enterprise is None:
        raise Forbidden("Only a carrier's user can do this.")
    return principal.enterprise


def _summary(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "carrier": row["carrier_id"],
        "customsOffice": row["customs_office"],
        "voyage": row["voyage"],
        "conveyance": row["conveyance"],
        "placeOfArrival": row["place_of_arrival"],
        "expectedArrival": isoformat(row["expected_arrival"]),
        "status": row["status"],
        "lodgedAt": isoformat(row["lodged_at"]),
        "arrivedAt": isoformat(row["arrived_at"]) if row["arrived_at"] else None,
        "departedAt": isoformat(row["departed_at"]) if row["departed_at"] else None,
    }


class ManifestController(Controller):
    path = "/api/v1/manifests"
    tags = ["manifests"]

    @post(
        "/",
        status_code=201,
        summary="Lodge a cargo manifest before arrival",
        operation_class=request_body(CargoManifest),
    )
    async def lodge(self, request: Request[Any, Any, Any], principal: Principal) -> Response[Any]:
        """A carrier lodges the conveyance, voyage and bills of lading (containers, goods
        lines). Needs `Idempotency-Key`. A bill already on an open manifest is 409."""
        carrier = _carrier(principal, policy.Action.LODGE_MANIFEST)
        if not is_json(request):
            raise HTTPException(status_code=415, detail="Send Content-Type: application/json.")
        key = _idempotency_key(request)
        raw = await request.body()
        document = parse_manifest(raw)
        outcome: Outcome = await execute(
            eport_of(request),
            mc.LodgeManifest(
                actor=principal.user_id,
                carrier=carrier,
                document=document,
                raw=raw,
                idempotency_key=key,
            ),
        )
        headers = {"Location": f"/api/v1/manifests/{outcome.body['id']}"}
        if outcome.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(outcome.body, status_code=outcome.status_code, headers=headers)

    @get("/", summary="Manifests: a carrier's own; all for customs and the terminal")
    async def list(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        status: str | None = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    ) -> dict[str, Any]:
        everyone = (
            principal.has(Role.TERMINAL)
            or principal.has(Role.ADMIN)
            or (principal.has(Role.OFFICER) and principal.agency == "customs")
        )
        policy.permit_any_user(
            principal, policy.Action.READ_MANIFEST, "own, or all for customs and terminal"
        )
        if not everyone and principal.enterprise is None:
            return {"items": []}

        def query(conn: sa.Connection) -> list[dict[str, Any]]:
            m = t.manifests
            q = sa.select(m).order_by(m.c.lodged_at.desc()).limit(limit)
            if not everyone:
                q = q.where(m.c.carrier_id == principal.enterprise)
            if status:
                q = q.where(m.c.status == status)
            return [_summary(r) for r in conn.execute(q).mappings()]

        return {"items": await read(eport_of(request), query)}

    @get("/discrepancies", summary="Bills not declared after N days; refused gate-outs")
    async def discrepancies(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        days: Annotated[int, Parameter(ge=0, le=3650)] = 3,
    ) -> dict[str, Any]:
        """For customs officers and administrators: every bill on an arrived manifest that no
        declaration covers `days` days after arrival, and every refused gate-out."""
        if not (
            principal.has(Role.ADMIN)
            or (principal.has(Role.OFFICER) and principal.agency == "customs")
        ):
            policy.require_role(principal, policy.Action.READ_DISCREPANCIES, {Role.ADMIN})
        eport = eport_of(request)
        cutoff = eport.clock() - timedelta(days=days)

        def query(conn: sa.Connection) -> dict[str, Any]:
            b, m, g = t.bills, t.manifests, t.gate_events
            undeclared = conn.execute(
                sa.select(b.c.manifest_id, b.c.reference, b.c.consignee_name, m.c.arrived_at)
                .join(m, m.c.id == b.c.manifest_id)
                .where(
                    b.c.declaration_id.is_(None),
                    m.c.arrived_at.is_not(None),
                    m.c.arrived_at <= cutoff,
                )
                .order_by(m.c.arrived_at)
            ).all()
            refused = conn.execute(
                sa.select(g).where(g.c.outcome == "refused").order_by(g.c.at)
            ).mappings()
            return {
                "undeclaredBills": [
                    {
                        "manifestId": r[0],
                        "bill": r[1],
                        "consignee": r[2],
                        "arrivedAt": isoformat(r[3]),
                    }
                    for r in undeclared
                ],
                "refusedGateOuts": [
                    {
                        "id": r["id"],
                        "container": r["container"],
                        "at": isoformat(r["at"]),
                        "by": r["by"],
                        "reason": r["reason"],
                        "bill": r["bill_reference"],
                        "declarationId": r["declaration_id"],
                    }
                    for r in refused
                ],
                "days": days,
            }

        return await read(eport, query)

    @get("/{manifest_id:str}", summary="One manifest with its bills")
    async def detail(
        self, request: Request[Any, Any, Any], principal: Principal, manifest_id: str
    ) -> dict[str, Any]:
        def query(conn: sa.Connection) -> tuple[Any, list[Any]]:
            row = (
                conn.execute(sa.select(t.manifests).where(t.manifests.c.id == manifest_id))
                .mappings()
                .first()
            )
            bills = (
                conn.execute(sa.select(t.bills).where(t.bills.c.manifest_id == manifest_id))
                .mappings()
                .all()
            )
            return row, list(bills)

        row, bills = await read(eport_of(request), query)
        policy.can_read_manifest(principal, row["carrier_id"] if row else "", manifest_id)
        if row is None:
            raise NotFound("No such manifest.", id=manifest_id)
        return {
            **_summary(row),
            "manifest": row["document"],
            "bills": [
                {
                    "reference": b["reference"],
                    "consignee": b["consignee_name"],
                    "packages": b["packages"],
                    "grossMass": b["gross_mass"],
                    "containers": b["containers"],
                    "declarationId": b["declaration_id"],
                }
                for b in bills
            ],
        }

    @post("/{manifest_id:str}/arrival", status_code=200, summary="The conveyance arrived")
    async def arrival(
        self, request: Request[Any, Any, Any], principal: Principal, manifest_id: str
    ) -> dict[str, Any]:
        carrier = _carrier(principal, policy.Action.LODGE_MANIFEST)
        result: dict[str, Any] = await execute(
            eport_of(request),
            mc.RecordArrival(actor=principal.user_id, carrier=carrier, manifest_id=manifest_id),
        )
        return result

    @post("/{manifest_id:str}/departure", status_code=200, summary="The conveyance departed")
    async def departure(
        self, request: Request[Any, Any, Any], principal: Principal, manifest_id: str
    ) -> dict[str, Any]:
        carrier = _carrier(principal, policy.Action.LODGE_MANIFEST)
        result: dict[str, Any] = await execute(
            eport_of(request),
            mc.RecordDeparture(actor=principal.user_id, carrier=carrier, manifest_id=manifest_id),
        )
        return result


class GateController(Controller):
    path = "/api/v1/gate"
    tags = ["manifests"]

    @post(
        "/out",
        status_code=200,
        summary="Let a container out of the terminal (only after release)",
        operation_class=request_body(GateOutBody),
    )
    async def gate_out(
        self, request: Request[Any, Any, Any], principal: Principal
    ) -> Response[Any]:
        """`{"container": "CSQU3054383"}`. 200 `{"outcome": "allowed"}` when customs released
        the declaration covering the container's bill; otherwise 409 problem+json
        `gate.refused` with the reason, and the attempt is flagged as a discrepancy."""
        policy.require_role(principal, policy.Action.GATE_OUT, {Role.TERMINAL})
        body, _ = await json_body(request, GateOutBody)
        result: dict[str, Any] = await execute(
            eport_of(request), mc.GateOut(actor=principal.user_id, container=body.container)
        )
        if result["outcome"] == "allowed":
            return Response(result)
        return problem(
            409,
            "Gate-out refused",
            result["reason"],
            "gate.refused",
            str(request.url.path),
            {k: v for k, v in result.items() if k != "reason"},
        )
