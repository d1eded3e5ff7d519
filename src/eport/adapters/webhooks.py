"""Webhook fan-out and delivery: HMAC-signed POSTs, retried with backoff, then dead-lettered."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
import sqlalchemy as sa

from eport.kernel.clock import isoformat
from eport.notifications.model import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    DeliveryState,
    backoff,
    sign,
)

from .db import tables as t
from .db.locks import FANOUT_LOCK, serialize

log = logging.getLogger("eport.webhooks")


def fan_out(conn: sa.Connection, now: datetime, limit: int = 1000) -> tuple[int, int]:
    """Turn undelivered 'webhooks' outbox rows into one delivery per matching subscription.

    Returns (outbox rows handled, deliveries created).
    """
    serialize(conn, FANOUT_LOCK)
    o, e, s = t.outbox, t.events, t.webhook_subscriptions
    rows = (
        conn.execute(
            sa.select(o.c.id.label("outbox_id"), e.c.id, e.c.name, e.c.enterprise_id)
            .join(e, e.c.id == o.c.event_id)
            .where(o.c.destination == "webhooks", o.c.delivered_at.is_(None))
            .order_by(o.c.id)
            .limit(limit)
        )
        .mappings()
        .all()
    )
    if not rows:
        return 0, 0
    owners = {r["enterprise_id"] for r in rows if r["enterprise_id"]}
    subs: dict[str, list[Any]] = {}
    if owners:
        for sub in conn.execute(
            sa.select(s).where(s.c.enterprise_id.in_(owners), s.c.active.is_(True))
        ).mappings():
            subs.setdefault(sub["enterprise_id"], []).append(sub)
    deliveries = [
        {
            "subscription_id": sub["id"],
            "event_id": r["id"],
            "state": DeliveryState.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "last_status": None,
            "last_error": None,
            "delivered_at": None,
            "created_at": now,
        }
        for r in rows
        for sub in subs.get(r["enterprise_id"], [])
        if not sub["event_types"] or r["name"] in sub["event_types"]
    ]
    if deliveries:
        conn.execute(t.webhook_deliveries.insert(), deliveries)
    conn.execute(
        o.update()
        .where(o.c.id.in_([r["outbox_id"] for r in rows]))
        .values(delivered_at=now, attempts=o.c.attempts + 1)
    )
    return len(rows), len(deliveries)


@dataclass(frozen=True, slots=True)
class Attempt:
    delivery_id: int
    url: str
    secret: str
    event_id: str
    event_name: str
    body: bytes
    attempts: int


def event_body(row: Any) -> bytes:
    return orjson.dumps(
        {
            "id": row["id"],
            "type": row["name"],
            "declarationId": row["declaration_id"],
            "occurredAt": isoformat(row["occurred_at"]),
            "actor": row["actor"],
            "agency": row["agency"],
            "reason": row["reason"],
            "data": row["payload"],
        }
    )


def due(conn: sa.Connection, now: datetime, limit: int = 100) -> list[Attempt]:
    d, s, e = t.webhook_deliveries, t.webhook_subscriptions, t.events
    rows = (
        conn.execute(
            sa.select(d.c.id.label("delivery_id"), d.c.attempts, s.c.url, s.c.secret, e)
            .join(s, s.c.id == d.c.subscription_id)
            .join(e, e.c.id == d.c.event_id)
            .where(
                d.c.state == DeliveryState.PENDING.value,
                d.c.next_attempt_at <= now,
                s.c.active.is_(True),
            )
            .order_by(d.c.next_attempt_at, d.c.id)
            .limit(limit)
        )
        .mappings()
        .all()
    )
    return [
        Attempt(
            r["delivery_id"],
            r["url"],
            r["secret"],
            r["id"],
            r["name"],
            event_body(r),
            r["attempts"],
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Result:
    delivery_id: int
    ok: bool
    status: int | None
    error: str | None


def send(client: httpx.Client, attempt: Attempt, now: datetime) -> Result:
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(attempt.secret, timestamp, attempt.body),
        TIMESTAMP_HEADER: timestamp,
        DELIVERY_HEADER: str(attempt.delivery_id),
        EVENT_HEADER: attempt.event_name,
        "User-Agent": "E-Port-Webhooks/1",
    }
    try:
        response = client.post(attempt.url, content=attempt.body, headers=headers)
    except httpx.HTTPError as exc:
        return Result(attempt.delivery_id, False, None, f"{type(exc).__name__}: {exc}")
    ok = 200 <= response.status_code < 300
    return Result(
        attempt.delivery_id,
        ok,
        response.status_code,
        None if ok else f"HTTP {response.status_code}",
    )


def record(
    conn: sa.Connection,
    results: list[Result],
    attempts: dict[int, int],
    now: datetime,
    *,
    max_attempts: int,
    base: timedelta,
) -> None:
    d = t.webhook_deliveries
    for r in results:
        tries = attempts[r.delivery_id] + 1
        if r.ok:
            values: dict[str, Any] = {
                "state": DeliveryState.DELIVERED.value,
                "delivered_at": now,
                "last_error": None,
            }
        elif tries >= max_attempts:
            values = {"state": DeliveryState.DEAD.value, "last_error": r.error}
            log.warning(
                "webhook delivery %s dead-lettered after %d attempts: %s",
                r.delivery_id,
                tries,
                r.error,
            )
        else:
            values = {"next_attempt_at": now + backoff(tries, base), "last_error": r.error}
        conn.execute(
            d.update()
            .where(d.c.id == r.delivery_id)
            .values(attempts=tries, last_status=r.status, **values)
        )
