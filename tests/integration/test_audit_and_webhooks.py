"""The outbox feeds the hash-chained audit trail and signed, retried, dead-lettered webhooks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import sqlalchemy as sa

from eport.adapters import audit_store
from eport.adapters.db import tables as t
from eport.notifications.model import verify
from tests.conftest import Api
from tests.factories import import_declaration


def test_every_event_reaches_the_audit_chain_and_tampering_is_detected(api: Api) -> None:
    dec = api.lodge("trader@demo", import_declaration()).json()
    api.decide("customs@demo", dec["agencies"]["customs"]["task"], "accept")
    api.drain()
    with api.eport.read_engine.connect() as conn:
        events = conn.execute(sa.select(sa.func.count()).select_from(t.events)).scalar_one()
        pending = conn.execute(
            sa.select(sa.func.count())
            .select_from(t.outbox)
            .where(t.outbox.c.delivered_at.is_(None))
        ).scalar_one()
    report = api.get("admin@demo", "/api/v1/admin/audit/verify").json()
    # Every event is on the chain, and so is every access decision.
    assert report["ok"] is True and report["checked"] > events
    assert pending == 0
    entries = api.get("admin@demo", "/api/v1/admin/audit", limit=1000).json()["entries"]
    decided = [e for e in entries if e["action"] == "task.decided"]
    assert decided and decided[0]["agency"] == "customs" and decided[0]["subject"] == dec["id"]

    # An edit in place, by someone with database access, breaks the chain at that entry.
    with api.eport.write_engine.begin() as conn:
        conn.execute(
            t.audit_log.update()
            .where(t.audit_log.c.seq == decided[0]["seq"])
            .values(reason="nothing to see")
        )
    with api.eport.read_engine.connect() as conn:
        report2 = audit_store.verify(conn)
    assert not report2.ok and report2.first_bad_seq == decided[0]["seq"]
    assert api.get("admin@demo", "/api/v1/admin/audit/verify").json()["ok"] is False


def test_deleting_an_audit_entry_is_detected(api: Api) -> None:
    api.lodge("trader@demo", import_declaration())
    api.lodge("trader@demo", import_declaration())
    api.drain()
    with api.eport.write_engine.begin() as conn:
        conn.execute(t.audit_log.delete().where(t.audit_log.c.seq == 3))
    with api.eport.read_engine.connect() as conn:
        report = audit_store.verify(conn)
    assert not report.ok and report.first_bad_seq == 4


class Receiver:
    """A real HTTP server that fails the first ``fail`` deliveries, then accepts."""

    def __init__(self, fail: int) -> None:
        self.fail, self.calls = fail, 0
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls += 1
                if receiver.calls <= receiver.fail:
                    self.send_response(503)
                else:
                    receiver.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail=2)
    yield r
    r.close()


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_webhooks_are_signed_and_retried_until_delivered(api: Api, receiver: Receiver) -> None:
    sub = api.post(
        "trader@demo",
        "/api/v1/webhooks",
        {"url": receiver.url, "eventTypes": ["declaration.lodged"]},
    ).json()
    assert sub["secret"].startswith("whsec_")
    dec = api.lodge("trader@demo", import_declaration()).json()
    api.lodge("other@demo", import_declaration())  # another enterprise: not ours to hear
    wait_for(lambda: receiver.received)
    headers, body = receiver.received[0]
    event = json.loads(body)
    assert event["type"] == "declaration.lodged" and event["declarationId"] == dec["id"]
    assert verify(sub["secret"], headers["X-EPort-Timestamp"], body, headers["X-EPort-Signature"])
    assert receiver.calls == 3  # two failures, then success
    deliveries = api.get("trader@demo", f"/api/v1/webhooks/{sub['id']}/deliveries").json()
    [delivery] = deliveries["items"]
    assert delivery["state"] == "delivered" and delivery["attempts"] == 3
    time.sleep(0.3)
    assert len(receiver.received) == 1


def test_a_webhook_that_keeps_failing_is_dead_lettered_and_can_be_retried(api: Api) -> None:
    receiver = Receiver(fail=10**6)
    try:
        sub = api.post(
            "trader@demo",
            "/api/v1/webhooks",
            {"url": receiver.url, "eventTypes": ["declaration.lodged"]},
        ).json()
        api.lodge("trader@demo", import_declaration())
        path = f"/api/v1/webhooks/{sub['id']}/deliveries"
        wait_for(lambda: api.get("trader@demo", path, state="dead").json()["items"])
        [dead] = api.get("trader@demo", path, state="dead").json()["items"]
        assert dead["attempts"] == api.eport.settings.webhook_max_attempts
        assert dead["lastStatus"] == 503
        assert receiver.calls == api.eport.settings.webhook_max_attempts
        # Another enterprise cannot see or retry it; the owner can.
        assert api.get("other@demo", path).status_code == 404
        assert (
            api.post("other@demo", f"/api/v1/webhooks/deliveries/{dead['id']}/retry").status_code
            == 404
        )
        receiver.fail = 0
        assert (
            api.post("trader@demo", f"/api/v1/webhooks/deliveries/{dead['id']}/retry").status_code
            == 202
        )
        wait_for(lambda: api.get("trader@demo", path, state="delivered").json()["items"])
    finally:
        receiver.close()


def test_webhook_url_is_validated(api: Api) -> None:
    r = api.post("trader@demo", "/api/v1/webhooks", {"url": "ftp://example.org/x"})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/url"
    assert (
        api.post("customs@demo", "/api/v1/webhooks", {"url": "https://example.org/x"}).status_code
        == 403
    )


def test_unsubscribing_stops_deliveries(api: Api) -> None:
    receiver = Receiver(fail=10**6)
    try:
        sub = api.post("trader@demo", "/api/v1/webhooks", {"url": receiver.url}).json()
        api.lodge("trader@demo", import_declaration())
        wait_for(lambda: receiver.calls >= 1)
        r = api.client.delete(f"/api/v1/webhooks/{sub['id']}", headers=api.headers("trader@demo"))
        assert r.status_code == 204
        calls = receiver.calls
        time.sleep(0.5)
        assert receiver.calls == calls
        path = f"/api/v1/webhooks/{sub['id']}/deliveries"
        states = {d["state"] for d in api.get("trader@demo", path).json()["items"]}
        assert states == {"dead"}
        assert api.get("trader@demo", "/api/v1/webhooks").json()["items"] == []
    finally:
        receiver.close()


def test_access_decisions_go_onto_the_audit_chain(api: Api) -> None:
    dec = api.lodge("trader@demo", import_declaration()).json()
    assert api.get("other@demo", f"/api/v1/declarations/{dec['id']}").status_code == 404
    api.drain()
    entries = api.get("admin@demo", "/api/v1/admin/audit", limit=1000).json()["entries"]
    denied = [e for e in entries if e["action"] == "access.deny"]
    assert any(e["detail"]["target"] == dec["id"] and e["reason"] == "not a party" for e in denied)
    allowed = [e for e in entries if e["action"] == "access.allow"]
    assert any(e["detail"]["action"] == "declaration.lodge" for e in allowed)
    assert api.get("admin@demo", "/api/v1/admin/audit/verify").json()["ok"] is True
