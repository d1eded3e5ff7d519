"""The licence register: the commerce agency issues and revokes; holders and agencies see the
balance, with the E-Ledger entries that prove it."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from pydantic import Field

from eport.adapters.db import tables as t
from eport.adapters.db.permits import SqlLicences
from eport.datamodel.declaration import Currency, Identifier, Model, Unit
from eport.identity import policy
from eport.identity.model import Principal, Role
from eport.kernel.errors import NotFound
from eport.permits import commands as pmc
from eport.permits.handlers import licence_json
from eport.pki.signatures import DocumentKind

from .common import eport_of, execute, json_body, read
from .ledger import proved_entries, signed_head
from .openapi import request_body
from .signatures import JWS_HEADER, submission, verified_signature

Amount = Annotated[str, Field(pattern=r"^[0-9]{1,15}(\.[0-9]{1,6})?$")]


class LicenceBody(Model):
    number: str = Field(min_length=1, max_length=70)
    holder: Identifier
    kind: Literal["911", "811"]
    hs_prefixes: list[str] = Field(min_length=1, max_length=50)
    quantity_limit: Amount
    unit: Unit
    value_limit: Amount
    currency: Currency
    valid_from: date
    valid_to: date


class RevokeBody(Model):
    reason: str = Field(min_length=1, max_length=2000)


def _commerce(principal: Principal) -> None:
    policy.require_agency_or_admin(principal, policy.Action.MANAGE_LICENCES, "commerce")


class LicenceController(Controller):
    path = "/api/v1/licences"
    tags = ["licences"]

    @post(
        "/",
        status_code=201,
        summary="Issue a licence (commerce)",
        operation_class=request_body(LicenceBody),
    )
    async def issue(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        """Goods items cite it by number (document 911 or 811); lodging checks it, release
        writes it off. Issue, revocation and write-offs are E-Ledger entries."""
        _commerce(principal)
        body, raw = await json_body(request, LicenceBody)
        signed = await verified_signature(
            request, raw, set(), DocumentKind.DECISION, agency="commerce"
        )
        result: dict[str, Any] = await execute(
            eport_of(request),
            pmc.IssueLicence(
                actor=principal.user_id,
                agency=principal.agency or "commerce",
                number=body.number,
                holder_scheme=body.holder.scheme,
                holder_identifier=body.holder.value,
                kind=body.kind,
                hs_prefixes=tuple(body.hs_prefixes),
                quantity_limit=Decimal(body.quantity_limit),
                unit=body.unit,
                value_limit=Decimal(body.value_limit),
                currency=body.currency,
                valid_from=body.valid_from,
                valid_to=body.valid_to,
                submission=submission(raw, signed, JWS_HEADER in request.headers),
            ),
        )
        return result

    @post(
        "/{number:str}/revoke",
        status_code=200,
        summary="Revoke a licence (commerce)",
        operation_class=request_body(RevokeBody),
    )
    async def revoke(
        self, request: Request[Any, Any, Any], principal: Principal, number: str
    ) -> dict[str, Any]:
        _commerce(principal)
        body, raw = await json_body(request, RevokeBody)
        signed = await verified_signature(
            request, raw, set(), DocumentKind.DECISION, agency="commerce"
        )
        result: dict[str, Any] = await execute(
            eport_of(request),
            pmc.RevokeLicence(
                actor=principal.user_id, number=number, reason=body.reason,
                submission=submission(raw, signed, JWS_HEADER in request.headers),
            ),
        )  # fmt: skip
        return result

    @get("/{number:str}", summary="A licence's balance, proved on the E-Ledger")
    async def detail(
        self, request: Request[Any, Any, Any], principal: Principal, number: str
    ) -> dict[str, Any]:
        """The holder and agency officers see the limits, what was used and what is left, and
        every E-Ledger entry about the licence with its inclusion proof in the signed head."""
        policy.permit_any_user(principal, policy.Action.READ_LEDGER, "holder or agency")
        head = await signed_head(request)

        def query(conn: sa.Connection) -> tuple[Any, list[dict[str, Any]]]:
            licence = SqlLicences(conn).get(number)
            if licence is None:
                return None, []
            e = t.ledger_entries
            marker = f'"number":{json.dumps(number)}'.encode()
            seqs = [
                seq
                for seq, data in conn.execute(
                    sa.select(e.c.seq, e.c.data).where(e.c.seq < head.size).order_by(e.c.seq)
                )
                if marker in bytes(data)
            ]
            return licence, proved_entries(conn, seqs, head.size)

        licence, entries = await read(eport_of(request), query)
        agency = principal.has(Role.ADMIN) or (
            principal.has(Role.OFFICER) and principal.agency is not None
        )
        if licence is None or not (agency or principal.enterprise == licence.holder):
            raise NotFound("No such licence.", number=number)
        return {"licence": licence_json(licence), "ledger": entries, "head": head.as_dict()}
