"""Read-side queries for the API: plain SELECTs shaped as the JSON clients get."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from eport.kernel.clock import isoformat
from eport.routing.model import E_CERTIFICATE_TYPES

from . import tables as t


def _cursor(lodged_at: datetime, declaration_id: str) -> str:
    return base64.urlsafe_b64encode(f"{isoformat(lodged_at)}|{declaration_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str] | None:
    try:
        stamp, ident = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")), ident
    except (ValueError, UnicodeDecodeError):
        return None


def summary(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "declarationType": row["declaration_type"],
        "traderReference": row["trader_reference"],
        "status": row["status"],
        "revision": row["revision"],
        "customsOffice": row["customs_office"],
        "currency": row["currency"],
        "invoiceAmount": row["invoice_amount"],
        "itemCount": row["item_count"],
        "lodgedAt": isoformat(row["lodged_at"]),
        "updatedAt": isoformat(row["updated_at"]),
        "owner": row["owner_id"],
        "representative": row["representative_id"],
    }


def list_declarations(
    conn: sa.Connection,
    *,
    owner: str | None,
    agency: str | None,
    status: str | None,
    lodged_from: datetime | None,
    lodged_to: datetime | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> dict[str, Any]:
    """Newest first, keyset-paginated on (lodged_at, id)."""
    d = t.declarations
    query = sa.select(d)
    if owner is not None:  # its own, and those it lodged for others under delegation
        query = query.where(sa.or_(d.c.owner_id == owner, d.c.representative_id == owner))
    if agency is not None:
        routed = sa.select(t.tasks.c.declaration_id).where(t.tasks.c.agency == agency)
        query = query.where(d.c.id.in_(routed))
    if status:
        query = query.where(d.c.status == status)
    if lodged_from:
        query = query.where(d.c.lodged_at >= lodged_from)
    if lodged_to:
        query = query.where(d.c.lodged_at < lodged_to)
    if after:
        query = query.where(sa.tuple_(d.c.lodged_at, d.c.id) < sa.tuple_(*after))
    rows = (
        conn.execute(query.order_by(d.c.lodged_at.desc(), d.c.id.desc()).limit(limit + 1))
        .mappings()
        .all()
    )
    items = [summary(r) for r in rows[:limit]]
    next_cursor = (
        _cursor(rows[limit - 1]["lodged_at"], rows[limit - 1]["id"]) if len(rows) > limit else None
    )
    return {"items": items, "nextCursor": next_cursor}


def task_json(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "declarationId": row["declaration_id"],
        "agency": row["agency"],
        "state": row["state"],
        "revision": row["revision"],
        "rules": row["rules"],
        "decision": row["decision"],
        "reason": row["reason"],
        "decidedBy": row["decided_by"],
        "createdAt": isoformat(row["created_at"]),
        "updatedAt": isoformat(row["updated_at"]),
    }


def declaration_header(conn: sa.Connection, declaration_id: str) -> Any | None:
    return (
        conn.execute(sa.select(t.declarations).where(t.declarations.c.id == declaration_id))
        .mappings()
        .first()
    )


def task_agencies(conn: sa.Connection, declaration_id: str) -> list[str]:
    return list(
        conn.execute(
            sa.select(t.tasks.c.agency).where(t.tasks.c.declaration_id == declaration_id)
        ).scalars()
    )


def declaration_detail(conn: sa.Connection, header: Any) -> dict[str, Any]:
    r = t.declaration_revisions
    rev = (
        conn.execute(
            sa.select(r).where(
                r.c.declaration_id == header["id"], r.c.revision == header["revision"]
            )
        )
        .mappings()
        .one()
    )
    first = conn.execute(
        sa.select(r.c.raw_sha256, r.c.received_at, sa.func.length(r.c.raw)).where(
            r.c.declaration_id == header["id"], r.c.revision == 1
        )
    ).one()
    tasks = conn.execute(
        sa.select(t.tasks)
        .where(t.tasks.c.declaration_id == header["id"])
        .order_by(t.tasks.c.agency)
    ).mappings()
    return {
        **summary(header),
        "declaration": rev["document"],
        "receipt": {"receivedAt": isoformat(first[1]), "sha256": first[0], "size": first[2]},
        "revisionReceipt": {
            "receivedAt": isoformat(rev["received_at"]),
            "sha256": rev["raw_sha256"],
        },
        "agencies": [task_json(k) for k in tasks],
    }


def history(conn: sa.Connection, declaration_id: str) -> list[dict[str, Any]]:
    e = t.events
    rows = conn.execute(
        sa.select(e).where(e.c.declaration_id == declaration_id).order_by(e.c.seq)
    ).mappings()
    return [
        {
            "id": r["id"],
            "type": r["name"],
            "occurredAt": isoformat(r["occurred_at"]),
            "actor": r["actor"],
            "agency": r["agency"],
            "reason": r["reason"],
            "data": r["payload"],
        }
        for r in rows
    ]


def revisions(conn: sa.Connection, declaration_id: str) -> list[dict[str, Any]]:
    r = t.declaration_revisions
    rows = conn.execute(
        sa.select(
            r.c.revision, r.c.received_at, r.c.raw_sha256, r.c.created_by, r.c.reason, r.c.diff
        )
        .where(r.c.declaration_id == declaration_id)
        .order_by(r.c.revision)
    ).mappings()
    return [
        {
            "revision": x["revision"],
            "receivedAt": isoformat(x["received_at"]),
            "sha256": x["raw_sha256"],
            "by": x["created_by"],
            "reason": x["reason"],
            "diff": x["diff"] or [],
        }
        for x in rows
    ]


def raw_document(
    conn: sa.Connection, declaration_id: str, revision: int
) -> tuple[bytes, str] | None:
    r = t.declaration_revisions
    row = conn.execute(
        sa.select(r.c.raw, r.c.content_type).where(
            r.c.declaration_id == declaration_id, r.c.revision == revision
        )
    ).first()
    return (bytes(row[0]), row[1]) if row else None


def list_tasks(
    conn: sa.Connection,
    *,
    agency: str,
    state: str | None,
    limit: int,
    offset: int,
    declaration_type: str | None = None,
    lane: str | None = None,
    lodged_from: datetime | None = None,
    lodged_to: datetime | None = None,
) -> list[dict[str, Any]]:
    """An agency's tasks, oldest first; optionally only one declaration type, lane (customs)
    or lodging period (``lodged_to`` excluded)."""
    k, d, s = t.tasks, t.declarations, t.risk_selections
    query = (
        sa.select(
            k, d.c.declaration_type, d.c.trader_reference, d.c.status, d.c.lodged_at, s.c.lane
        )
        .join(d, d.c.id == k.c.declaration_id)
        .outerjoin(s, sa.and_(s.c.declaration_id == k.c.declaration_id, s.c.revision == 1))
        .where(k.c.agency == agency)
    )
    if state:
        query = query.where(k.c.state == state)
    if declaration_type:
        query = query.where(d.c.declaration_type == declaration_type)
    if lane:
        query = query.where(s.c.lane == lane)
    if lodged_from:
        query = query.where(d.c.lodged_at >= lodged_from)
    if lodged_to:
        query = query.where(d.c.lodged_at < lodged_to)
    rows = conn.execute(query.order_by(k.c.created_at, k.c.id).limit(limit).offset(offset))
    return [
        {
            **task_json(r),
            "declarationType": r["declaration_type"],
            "traderReference": r["trader_reference"],
            "declarationStatus": r["status"],
            "lodgedAt": isoformat(r["lodged_at"]),
            **({"lane": r["lane"], "check": CHECKS.get(r["lane"])} if agency == "customs" else {}),
        }
        for r in rows.mappings()
    ]


# What a customs officer's task is, by lane: a document check or a physical inspection.
CHECKS = {"yellow": "document_check", "red": "inspection", "green": None, "blue": "audit_later"}


def get_task(conn: sa.Connection, task_id: str) -> Any | None:
    return conn.execute(sa.select(t.tasks).where(t.tasks.c.id == task_id)).mappings().first()


def catalogue_rules(conn: sa.Connection) -> list[Any]:
    c = t.catalogue_rules
    return list(conn.execute(sa.select(c).order_by(c.c.code, c.c.version)).mappings())


def agencies(conn: sa.Connection) -> list[dict[str, Any]]:
    return [
        {"code": r["code"], "name": r["name"], "interests": r["interests"], "active": r["active"]}
        for r in conn.execute(sa.select(t.agencies).order_by(t.agencies.c.code)).mappings()
    ]


def subscriptions(
    conn: sa.Connection, enterprise: str, *, active_only: bool = True
) -> list[dict[str, Any]]:
    s = t.webhook_subscriptions
    query = sa.select(s).where(s.c.enterprise_id == enterprise)
    if active_only:
        query = query.where(s.c.active.is_(True))
    rows = conn.execute(query.order_by(s.c.created_at)).mappings()
    return [
        {
            "id": r["id"],
            "url": r["url"],
            "eventTypes": r["event_types"],
            "createdAt": isoformat(r["created_at"]),
        }
        for r in rows
    ]


def deliveries(
    conn: sa.Connection, enterprise: str, subscription_id: str, state: str | None
) -> list[dict[str, Any]]:
    d, s, e = t.webhook_deliveries, t.webhook_subscriptions, t.events
    query = (
        sa.select(d, e.c.name)
        .join(s, s.c.id == d.c.subscription_id)
        .join(e, e.c.id == d.c.event_id)
        .where(s.c.enterprise_id == enterprise, s.c.id == subscription_id)
    )
    if state:
        query = query.where(d.c.state == state)
    return [
        {
            "id": r["id"],
            "eventId": r["event_id"],
            "eventType": r["name"],
            "state": r["state"],
            "attempts": r["attempts"],
            "lastStatus": r["last_status"],
            "lastError": r["last_error"],
            "nextAttemptAt": isoformat(r["next_attempt_at"]),
            "deliveredAt": isoformat(r["delivered_at"]) if r["delivered_at"] else None,
        }
        for r in conn.execute(query.order_by(d.c.id)).mappings()
    ]


def revision_receipt(
    conn: sa.Connection, declaration_id: str, revision: int
) -> dict[str, Any] | None:
    """What a sealed receipt states about one revision: when, and the hash of what arrived."""
    r, d = t.declaration_revisions, t.declarations
    row = conn.execute(
        sa.select(
            r.c.revision,
            r.c.received_at,
            r.c.raw_sha256,
            sa.func.length(r.c.raw),
            r.c.created_by,
            d.c.owner_id,
            d.c.declaration_type,
            d.c.trader_reference,
        )
        .join(d, d.c.id == r.c.declaration_id)
        .where(r.c.declaration_id == declaration_id, r.c.revision == revision)
    ).first()
    if row is None:
        return None
    return {
        "type": "eport.receipt/1",
        "declarationId": declaration_id,
        "revision": row[0],
        "receivedAt": isoformat(row[1]),
        "sha256": row[2],
        "size": row[3],
        "lodgedBy": row[4],
        "enterprise": row[5],
        "declarationType": row[6],
        "traderReference": row[7],
    }


def _latest_event(
    conn: sa.Connection, declaration_id: str, name: str, agency: str | None = None
) -> Any | None:
    e = t.events
    query = sa.select(e).where(e.c.declaration_id == declaration_id, e.c.name == name)
    if agency is not None:
        query = query.where(e.c.agency == agency)
    return conn.execute(query.order_by(e.c.seq.desc()).limit(1)).mappings().first()


def _goods(conn: sa.Connection, declaration_id: str, revision: int) -> list[dict[str, Any]]:
    r = t.declaration_revisions
    document = conn.execute(
        sa.select(r.c.document).where(
            r.c.declaration_id == declaration_id, r.c.revision == revision
        )
    ).scalar_one()
    keys = ("sequence", "hsCode", "description", "originCountry", "quantity", "unit", "grossMass")
    return [{k: item.get(k) for k in keys} for item in document.get("goodsItems", [])]


def release_notice(conn: sa.Connection, header: Any) -> dict[str, Any] | None:
    """What a sealed release notice states: the goods may leave, who released them, when, and
    every agency's decision. None unless the declaration is released."""
    released = _latest_event(conn, header["id"], "declaration.released")
    if header["status"] != "released" or released is None:
        return None
    tasks = conn.execute(
        sa.select(t.tasks)
        .where(t.tasks.c.declaration_id == header["id"])
        .order_by(t.tasks.c.agency)
    ).mappings()
    return {
        "type": "eport.release-notice/1",
        "declarationId": header["id"],
        "revision": header["revision"],
        "enterprise": header["owner_id"],
        "representative": header["representative_id"],
        "declarationType": header["declaration_type"],
        "traderReference": header["trader_reference"],
        "customsOffice": header["customs_office"],
        "releasedAt": isoformat(released["occurred_at"]),
        "releasedBy": released["actor"],
        "releasingAgency": released["agency"],
        "goods": _goods(conn, header["id"], header["revision"]),
        "decisions": [
            {"agency": k["agency"], "decision": k["decision"], "decidedBy": k["decided_by"]}
            for k in tasks
        ],
    }


def decision_notice(conn: sa.Connection, header: Any, agency: str) -> dict[str, Any] | None:
    """What a sealed decision notice states: one agency's latest decision on a declaration,
    with the officer's own signature if the officer signed it."""
    decided = _latest_event(conn, header["id"], "task.decided", agency)
    if decided is None:
        return None
    data = decided["payload"]
    notice = {
        "type": "eport.decision-notice/1",
        "declarationId": header["id"],
        "enterprise": header["owner_id"],
        "traderReference": header["trader_reference"],
        "agency": agency,
        "task": data.get("task"),
        "revision": data.get("revision"),
        "decision": data.get("decision"),
        "reason": decided["reason"],
        "decidedBy": decided["actor"],
        "decidedAt": isoformat(decided["occurred_at"]),
    }
    if "signature" in data:
        notice["officerSignature"] = {"signer": data.get("signer"), "cms": data["signature"]}
    return notice


def ecertificate_json(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "declarationId": row["declaration_id"],
        "agency": row["agency"],
        "type": row["type"],
        "typeName": E_CERTIFICATE_TYPES.get(row["type"], row["type"]),
        "revision": row["revision"],
        "remarks": row["remarks"],
        "issuedBy": row["issued_by"],
        "issuedAt": isoformat(row["issued_at"]),
        "signed": row["signature"] is not None,
    }


def ecertificates(conn: sa.Connection, declaration_id: str) -> list[dict[str, Any]]:
    e = t.e_certificates
    rows = conn.execute(
        sa.select(e).where(e.c.declaration_id == declaration_id).order_by(e.c.issued_at, e.c.id)
    ).mappings()
    return [ecertificate_json(r) for r in rows]


def ecertificate_document(
    conn: sa.Connection, header: Any, certificate_id: str
) -> dict[str, Any] | None:
    """What a sealed e-certificate states: the agency certifies these goods of this
    declaration, with the officer's own signature if there was one."""
    e = t.e_certificates
    row = (
        conn.execute(
            sa.select(e).where(e.c.id == certificate_id, e.c.declaration_id == header["id"])
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    document = ecertificate_json(row)
    del document["signed"]
    document |= {
        "certificateType": document.pop("type"),
        "type": "eport.e-certificate/1",
        "enterprise": header["owner_id"],
        "declarationType": header["declaration_type"],
        "traderReference": header["trader_reference"],
        "goods": _goods(conn, header["id"], row["revision"]),
    }
    if row["signature"] is not None:
        document["officerSignature"] = {
            "signer": row["signer_serial"],
            "cms": base64.b64encode(row["signature"]).decode(),
        }
    return document
