"""Read models for the administration pages: enterprises, users, registrations, exchange
rates, risk rule sets and the audit trail searched by subject, actor, action and time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from eport.kernel.clock import isoformat

from . import tables as t


def enterprises(conn: sa.Connection, limit: int = 500) -> list[dict[str, Any]]:
    e = t.enterprises
    rows = conn.execute(sa.select(e).order_by(e.c.name, e.c.id).limit(limit)).mappings()
    return [
        {"id": r["id"], "scheme": r["scheme"], "identifier": r["identifier"], "name": r["name"]}
        for r in rows
    ]


def users(conn: sa.Connection, limit: int = 500) -> list[dict[str, Any]]:
    u = t.users
    query = sa.select(
        u.c.id, u.c.email, u.c.name, u.c.roles, u.c.enterprise_id, u.c.agency_code, u.c.active
    )
    rows = conn.execute(query.order_by(u.c.email).limit(limit)).mappings()
    return [
        {
            "id": r["id"],
            "email": r["email"],
            "name": r["name"],
            "roles": sorted(r["roles"]),
            "enterprise": r["enterprise_id"],
            "agency": r["agency_code"],
            "active": r["active"],
        }
        for r in rows
    ]


def registrations(conn: sa.Connection, status: str | None, limit: int = 100) -> list[Any]:
    """Rows of ``registrations``, oldest first (as the review API lists them)."""
    r = t.registrations
    query = sa.select(r).order_by(r.c.submitted_at, r.c.id).limit(limit)
    if status is not None:
        query = query.where(r.c.status == status)
    return [dict(row) for row in conn.execute(query).mappings()]


def published_rates(conn: sa.Connection, limit: int = 200) -> list[dict[str, Any]]:
    r = t.exchange_rates
    rows = conn.execute(
        sa.select(r).order_by(r.c.published_at.desc(), r.c.currency).limit(limit)
    ).mappings()
    return [
        {
            "currency": row["currency"],
            "rate": row["rate"],
            "validFrom": row["valid_from"].isoformat(),
            "validTo": row["valid_to"].isoformat() if row["valid_to"] else None,
            "publishedBy": row["published_by"],
            "publishedAt": isoformat(row["published_at"]),
        }
        for row in rows
    ]


def rule_sets(conn: sa.Connection) -> list[dict[str, Any]]:
    """Every version of every risk rule set (without the documents), by code then version."""
    r = t.risk_rule_sets
    rows = conn.execute(
        sa.select(r.c.code, r.c.version, r.c.valid_from, r.c.valid_to, r.c.author, r.c.note)
        .order_by(r.c.code, r.c.version)
    ).mappings()  # fmt: skip
    return [
        {
            "code": row["code"],
            "version": row["version"],
            "validFrom": row["valid_from"].isoformat(),
            "validTo": row["valid_to"].isoformat() if row["valid_to"] else None,
            "author": row["author"],
            "note": row["note"],
        }
        for row in rows
    ]


def audit_search(
    conn: sa.Connection,
    *,
    subject: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before: int | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Audit entries newest first, filtered; ``before`` is the ``seq`` to continue below;
    ``actor`` is a user id or a user's e-mail.
    ``action`` matches a whole name or, ending in ``.`` or ``*``, a prefix of it."""
    a = t.audit_log
    query = sa.select(
        a.c.seq, a.c.event_id, a.c.occurred_at, a.c.actor, a.c.agency, a.c.action,
        a.c.subject, a.c.reason, a.c.hash,
    )  # fmt: skip
    if subject:
        query = query.where(a.c.subject == subject)
    if actor and "@" in actor:  # an e-mail: the user's id
        u = t.users
        query = query.where(
            a.c.actor.in_(sa.select(u.c.id).where(u.c.email == actor.strip().lower()))
        )
    elif actor:
        query = query.where(a.c.actor == actor)
    if action:
        if action.endswith(("*", ".")):
            stem = action.rstrip("*").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(a.c.action.like(stem + "%", escape="\\"))
        else:
            query = query.where(a.c.action == action)
    # occurred_at is stored as RFC 3339 with a Z and microseconds, so text order is time order.
    if since is not None:
        query = query.where(a.c.occurred_at >= isoformat(since))
    if until is not None:
        query = query.where(a.c.occurred_at < isoformat(until))
    if before is not None:
        query = query.where(a.c.seq < before)
    rows = conn.execute(query.order_by(a.c.seq.desc()).limit(limit + 1)).mappings().all()
    items = [dict(r) for r in rows[:limit]]
    return {"items": items, "next": items[-1]["seq"] if len(rows) > limit else None}
