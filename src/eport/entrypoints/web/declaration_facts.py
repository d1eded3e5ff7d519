"""What the declaration page shows, read as the API reads it: the detail and history
(``views``), the lane (``api/risk.py``), the assessment (``api/tariff.py``), the duty account
(``api/payments.py``) and the e-certificates. One read, one connection."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from eport.adapters.db import tables as t
from eport.adapters.db import views
from eport.adapters.db.repositories import SqlDutyBook
from eport.identity.model import Principal, Role
from eport.kernel.clock import isoformat
from eport.payments.handlers import order_json
from eport.payments.model import account_view

from ..api.payments import account_json, money, order_out


def sees_risk_rules(principal: Principal) -> bool:
    """As ``GET /declarations/{id}/risk``: customs officers and administrators see why."""
    return principal.has(Role.ADMIN) or (
        principal.has(Role.OFFICER) and principal.agency == "customs"
    )


def lanes(conn: sa.Connection, declaration_id: str, full: bool) -> list[dict[str, Any]]:
    s = t.risk_selections
    rows = conn.execute(
        sa.select(s).where(s.c.declaration_id == declaration_id).order_by(s.c.revision)
    ).mappings()
    out = []
    for r in rows:
        lane: dict[str, Any] = {
            "revision": r["revision"],
            "lane": r["lane"],
            "selectedAt": isoformat(r["selected_at"]),
            "finding": r["finding"],
        }
        if full:
            lane["fired"] = r["fired"]
        out.append(lane)
    return out


def latest_assessment(conn: sa.Connection, declaration_id: str) -> dict[str, Any] | None:
    a = t.assessments
    row = conn.execute(
        sa.select(a.c.revision, a.c.reason, a.c.assessed_at, a.c.document)
        .where(a.c.declaration_id == declaration_id)
        .order_by(a.c.revision.desc(), a.c.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return {
        "revision": row[0],
        "reason": row[1],
        "assessedAt": isoformat(row[2]),
        "assessment": row[3],
    }


def duties(conn: sa.Connection, declaration_id: str) -> dict[str, Any] | None:
    """The duty account and payment orders, None if nothing was ever assessed."""
    book = SqlDutyBook(conn)
    postings = book.postings(declaration_id)
    o = t.payment_orders
    order_ids = list(
        conn.execute(
            sa.select(o.c.id).where(o.c.declaration_id == declaration_id).order_by(o.c.issued_at)
        ).scalars()
    )
    if not postings and not order_ids:
        return None
    currency = postings[0].currency if postings else "CNY"
    return {
        "account": account_json(account_view(declaration_id, currency, postings)),
        "postings": [
            {
                "kind": p.kind.value,
                "amount": money(p.amount, p.currency),
                "currency": p.currency,
                "at": isoformat(p.at),
                "reference": p.reference,
            }
            for p in postings
        ],
        "orders": [
            order_out(order_json(order))
            for oid in order_ids
            if (order := book.get_order(oid)) is not None
        ],
    }


def page_facts(conn: sa.Connection, header: Any, principal: Principal) -> dict[str, Any]:
    declaration_id = header["id"]
    detail = views.declaration_detail(conn, header)
    events = views.history(conn, declaration_id)
    own_agency = principal.agency if principal.has(Role.OFFICER) else None
    agencies = sorted(detail["agencies"], key=lambda k: (k["agency"] != own_agency, k["agency"]))
    for task in agencies:
        task["events"] = [e for e in events if e["agency"] == task["agency"]]
    return {
        "d": detail,
        "document": detail["declaration"],
        "agencies": agencies,
        "own_agency": own_agency,
        "events": events,
        "revisions": views.revisions(conn, declaration_id),
        "lanes": lanes(conn, declaration_id, sees_risk_rules(principal)),
        "assessment": latest_assessment(conn, declaration_id),
        "duties": duties(conn, declaration_id),
        "certificates": views.ecertificates(conn, declaration_id),
        "released": header["status"] == "released",
    }
