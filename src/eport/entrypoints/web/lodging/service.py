"""What the lodging pages do through E-Port's services: lodge a declaration exactly as the API
does, ask the requirements catalogue about one goods line, and look up the user's enterprise
and the enterprises that delegated lodging to it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from litestar import Request

from eport.adapters.db.repositories import (
    SqlIdentityRepository,
    delegations_between,
    delegations_of,
)
from eport.bootstrap import EPort
from eport.datamodel.declaration import Declaration, GoodsItem, TransportMeans
from eport.datamodel.validation import parse_declaration
from eport.declarations import commands as dc
from eport.declarations.handlers import Outcome
from eport.identity import policy
from eport.identity.model import Enterprise, Principal
from eport.pki.signatures import DocumentKind

from ...api.common import eport_of, execute, read
from ..pages import unsigned_allowed
from .form import Built


async def enterprise(eport: EPort, enterprise_id: str | None) -> Enterprise | None:
    if enterprise_id is None:
        return None
    return await read(
        eport, lambda c: SqlIdentityRepository(c, eport.clock()).get_enterprise(enterprise_id)
    )


async def grantors(eport: EPort, own: str | None) -> list[Enterprise]:
    """Enterprises whose current delegation lets ``own`` lodge declarations in their name."""
    if own is None:
        return []
    now = eport.clock()

    def query(conn: sa.Connection) -> list[Enterprise]:
        repo = SqlIdentityRepository(conn, now)
        found = [
            repo.get_enterprise(d.grantor)
            for d in delegations_of(conn, own)
            if d.grantee == own and d.covers("declaration", None, now)
        ]
        return sorted({e.id: e for e in found if e is not None}.values(), key=lambda e: e.name)

    return await read(eport, query)


async def lodge_json(
    request: Request[Any, Any, Any],
    principal: Principal,
    raw: bytes,
    key: str,
    on_behalf_of: str | None,
) -> Outcome:
    """Lodge exactly as ``POST /api/v1/declarations`` does (without a detached signature)."""
    own = policy.require_lodger(principal, policy.Action.LODGE)
    unsigned_allowed(request, DocumentKind.DECLARATION)
    eport = eport_of(request)
    received_at = eport.clock()
    document = parse_declaration(raw)
    found: list[Any] = []
    if on_behalf_of and on_behalf_of != own:
        found = await read(eport, lambda c: delegations_between(c, on_behalf_of, own))
    enterprise, representative = policy.acting_for(
        principal, policy.Action.LODGE, on_behalf_of, found, "declaration",
        document.customs_office, eport.clock(),
    )  # fmt: skip
    outcome: Outcome = await execute(
        eport,
        dc.LodgeDeclaration(
            actor=principal.user_id,
            enterprise=enterprise,
            representative=representative,
            idempotency_key=key,
            document=document,
            raw=raw,
            content_type="application/json",
            received_at=received_at,
        ),
    )
    return outcome


def document_bytes(built: Built) -> bytes:
    return json.dumps(built.document, ensure_ascii=False, separators=(",", ":")).encode()


def requirements(
    eport: EPort, conn: sa.Connection, on: date, line: dict[str, str]
) -> list[dict[str, Any]]:
    """The catalogue rules a goods line meets, through the catalogue's own ``route`` on a
    minimal declaration (the fields the rules' conditions read)."""
    item: dict[str, Any] = {
        "hs_code": line.get("hs", ""),
        "origin_country": line.get("origin", "").upper(),
        "procedure_code": line.get("procedure", ""),
        "documents": (),
    }
    transport: dict[str, Any] = {"mode": line.get("mode") or None}
    header: dict[str, Any] = {
        "declaration_type": line.get("type", "IM"),
        "country_of_destination": line.get("destination", "").upper() or None,
        "country_of_dispatch": line.get("dispatch", "").upper() or None,
        "transport": TransportMeans.model_construct(**transport),
        "goods_items": (GoodsItem.model_construct(**item),),
        "documents": (),
    }
    doc = Declaration.model_construct(**header)
    agencies = eport.catalogue.agencies(conn)
    routing = eport.catalogue.catalogue(conn, on).route(doc, on)
    return [
        {
            "rule": hit.rule.code,
            "description": hit.rule.description,
            "agencies": [
                (code, agencies[code].name if code in agencies else code)
                for code in hit.rule.agencies
                if code not in agencies or agencies[code].active
            ],
            "documents": [(d.type, d.description) for d in hit.rule.documents],
        }
        for hit in routing.hits
    ]
