"""Processing-trade handbooks: customs issues and revokes; imports add bonded materials,
exports consume them by the norms; the holder and agencies see the balances with the
E-Ledger entries that prove them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from pydantic import Field

from eport.adapters.db.permits import SqlHandbooks
from eport.datamodel.declaration import Identifier, Model, Unit
from eport.identity import policy
from eport.identity.model import Principal, Role
from eport.kernel.errors import NotFound
from eport.permits import commands as pmc
from eport.permits.handlers import handbook_json
from eport.permits.model import Material, Norm, Product
from eport.pki.signatures import DocumentKind

from .common import eport_of, execute, json_body, read
from .ledger import proved_entries, signed_head
from .openapi import request_body
from .signatures import JWS_HEADER, submission, verified_signature

Amount = Annotated[str, Field(pattern=r"^[0-9]{1,15}(\.[0-9]{1,6})?$")]
HsPrefix = Annotated[str, Field(pattern=r"^[0-9]{2,10}$")]


class NormBody(Model):
    material: HsPrefix  # the hsCode of one of the handbook's materials
    consumption: Amount  # of the material, in its unit, per unit of product (net)
    waste_rate: Amount  # fraction of the material wasted, 0 <= w < 1


class MaterialBody(Model):
    hs_code: HsPrefix
    description: str = Field(min_length=1, max_length=512)
    unit: Unit
    quantity_limit: Amount


class ProductBody(Model):
    hs_code: HsPrefix
    unit: Unit
    norms: list[NormBody] = Field(min_length=1, max_length=100)


class HandbookBody(Model):
    number: str = Field(min_length=1, max_length=70)
    holder: Identifier
    valid_from: date
    valid_to: date
    materials: list[MaterialBody] = Field(min_length=1, max_length=500)
    products: list[ProductBody] = Field(min_length=1, max_length=500)


class RevokeBody(Model):
    reason: str = Field(min_length=1, max_length=2000)


def _customs(principal: Principal) -> None:
    policy.require_agency_or_admin(principal, policy.Action.MANAGE_HANDBOOKS, "customs")


def _command(
    body: HandbookBody, principal: Principal, signed: dict[str, Any] | None
) -> pmc.IssueHandbook:
    return pmc.IssueHandbook(
        submission=signed,
        actor=principal.user_id,
        agency=principal.agency or "customs",
        number=body.number,
        holder_scheme=body.holder.scheme,
        holder_identifier=body.holder.value,
        valid_from=body.valid_from,
        valid_to=body.valid_to,
        materials=tuple(
            Material(m.hs_code, m.description, m.unit, Decimal(m.quantity_limit))
            for m in body.materials
        ),
        products=tuple(
            Product(
                p.hs_code,
                p.unit,
                tuple(
                    Norm(n.material, Decimal(n.consumption), Decimal(n.waste_rate)) for n in p.norms
                ),
            )
            for p in body.products
        ),
    )


class HandbookController(Controller):
    path = "/api/v1/handbooks"
    tags = ["handbooks"]

    @post(
        "/",
        status_code=201,
        summary="Issue a processing-trade handbook (customs)",
        operation_class=request_body(HandbookBody),
    )
    async def issue(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        """Goods items cite it by number (document 915). An import's items add to its
        materials, an export's items consume them by the products' norms (quantity *
        consumption / (1 - wasteRate), 6 decimal places); lodging checks, release moves.
        Issue, revocation and every movement are E-Ledger entries."""
        _customs(principal)
        body, raw = await json_body(request, HandbookBody)
        signed = await verified_signature(
            request, raw, set(), DocumentKind.DECISION, agency="customs"
        )
        result: dict[str, Any] = await execute(
            eport_of(request),
            _command(body, principal, submission(raw, signed, JWS_HEADER in request.headers)),
        )
        return result

    @post(
        "/{number:str}/revoke",
        status_code=200,
        summary="Revoke a processing-trade handbook (customs)",
        operation_class=request_body(RevokeBody),
    )
    async def revoke(
        self, request: Request[Any, Any, Any], principal: Principal, number: str
    ) -> dict[str, Any]:
        _customs(principal)
        body, raw = await json_body(request, RevokeBody)
        signed = await verified_signature(
            request, raw, set(), DocumentKind.DECISION, agency="customs"
        )
        result: dict[str, Any] = await execute(
            eport_of(request),
            pmc.RevokeHandbook(
                actor=principal.user_id, number=number, reason=body.reason,
                submission=submission(raw, signed, JWS_HEADER in request.headers),
            ),
        )  # fmt: skip
        return result

    @get("/{number:str}", summary="A handbook's balances, proved on the E-Ledger")
    async def detail(
        self, request: Request[Any, Any, Any], principal: Principal, number: str
    ) -> dict[str, Any]:
        """The holder and agency officers see each material's limit, imported, consumed and
        balance, the products and norms, and every E-Ledger entry about the handbook with
        its inclusion proof in the signed head."""
        policy.permit_any_user(principal, policy.Action.READ_LEDGER, "holder or agency")
        head = await signed_head(request)

        def query(conn: sa.Connection) -> tuple[Any, list[dict[str, Any]]]:
            handbooks = SqlHandbooks(conn)
            handbook = handbooks.get(number)
            if handbook is None:
                return None, []
            return handbook, proved_entries(
                conn, handbooks.entry_seqs(number, head.size), head.size
            )

        handbook, entries = await read(eport_of(request), query)
        agency = principal.has(Role.ADMIN) or (
            principal.has(Role.OFFICER) and principal.agency is not None
        )
        if handbook is None or not (agency or principal.enterprise == handbook.holder):
            raise NotFound("No such handbook.", number=number)
        return {"handbook": handbook_json(handbook), "ledger": entries, "head": head.as_dict()}
