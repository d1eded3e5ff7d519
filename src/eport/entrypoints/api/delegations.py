"""Delegations (powers of attorney): a trader lets a broker lodge in its name, within a scope."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from pydantic import AwareDatetime, Field

from eport.adapters.db import tables as t
from eport.adapters.db.repositories import delegations_of
from eport.datamodel.declaration import Identifier, Model
from eport.identity import commands as ic
from eport.identity import policy
from eport.identity.model import Delegation, Principal, Role
from eport.kernel.clock import isoformat
from eport.kernel.errors import FieldError, Forbidden, ValidationFailed
from eport.pki.signatures import DocumentKind

from .common import eport_of, execute, json_body, read
from .openapi import request_body
from .signatures import verified_signature

GRANTING_ROLES = {Role.TRADER}


class DelegationBody(Model):
    grantee: Identifier = Field(description="The broker's enterprise identifier.")
    document_types: list[str] = Field(min_length=1, max_length=3)
    customs_offices: list[str] = Field(default=[], max_length=100)
    valid_from: AwareDatetime
    valid_to: AwareDatetime


def delegation_json(d: Delegation) -> dict[str, Any]:
    return {
        "id": d.id,
        "grantor": d.grantor,
        "grantee": d.grantee,
        "documentTypes": sorted(d.document_types),
        "customsOffices": sorted(d.customs_offices),
        "validFrom": isoformat(d.valid_from),
        "validTo": isoformat(d.valid_to),
        "revokedAt": isoformat(d.revoked_at) if d.revoked_at else None,
    }


def _grantor(principal: Principal) -> str:
    policy.require_role(principal, policy.Action.MANAGE_DELEGATIONS, GRANTING_ROLES)
    if principal.enterprise is None:
        raise Forbidden("Delegations are granted by an enterprise.")
    return principal.enterprise


class DelegationController(Controller):
    path = "/api/v1/delegations"
    tags = ["delegations"]

    @post(
        "/",
        status_code=201,
        summary="Grant a broker a delegation",
        operation_class=request_body(DelegationBody),
    )
    async def grant(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        """The broker may then lodge (header `X-EPort-On-Behalf-Of: <your enterprise id>`)
        the document types listed, at the customs offices listed (none: all), in the period."""
        grantor = _grantor(principal)
        body, raw = await json_body(request, DelegationBody)
        signed = await verified_signature(request, raw, {grantor}, DocumentKind.DELEGATION)

        def grantee_id(conn: sa.Connection) -> str | None:
            e = t.enterprises
            return conn.execute(
                sa.select(e.c.id).where(
                    e.c.scheme == body.grantee.scheme, e.c.identifier == body.grantee.value
                )
            ).scalar()

        grantee = await read(eport_of(request), grantee_id)
        if grantee is None:
            raise ValidationFailed(
                [
                    FieldError(
                        "/grantee",
                        "enterprise.unknown",
                        "No registered enterprise has this identifier.",
                    )
                ]
            )
        delegation: Delegation = await execute(
            eport_of(request),
            ic.GrantDelegation(
                actor=principal.user_id,
                grantor=grantor,
                grantee=grantee,
                document_types=frozenset(body.document_types),
                customs_offices=frozenset(body.customs_offices),
                valid_from=body.valid_from,
                valid_to=body.valid_to,
                signature=signed[0] if signed else None,
                signer_serial=signed[1] if signed else None,
            ),
        )
        return delegation_json(delegation)

    @get("/", summary="Delegations you granted or received")
    async def mine(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        policy.permit_any_user(principal, policy.Action.MANAGE_DELEGATIONS, "own enterprise's")
        if principal.enterprise is None:
            return {"items": []}
        enterprise = principal.enterprise
        items = await read(eport_of(request), lambda c: delegations_of(c, enterprise))
        return {"items": [delegation_json(d) for d in items]}

    @post("/{delegation_id:str}/revoke", status_code=200, summary="Revoke (grantor)")
    async def revoke(
        self, request: Request[Any, Any, Any], principal: Principal, delegation_id: str
    ) -> dict[str, Any]:
        grantor = _grantor(principal)
        revoked: Delegation = await execute(
            eport_of(request),
            ic.RevokeDelegation(
                actor=principal.user_id, grantor=grantor, delegation_id=delegation_id
            ),
        )
        return delegation_json(revoked)
