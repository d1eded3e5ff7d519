"""The import flow of ARCHITECTURE §4, end to end through the HTTP API with every part on:
manifest → signed declaration → lane → assessment → bank payment (signed) → agency decisions
→ release (sealed notice) → gate-out. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from eport.config import Settings
from eport.datamodel.identifiers import make_uscc
from tests.conftest import Api
from tests.factories import meat_import, meat_manifest
from tests.pki_client import Operator, openssl

BANK = {"scheme": "USCC", "value": make_uscc("91330000MA2800005")}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "manifest_required": True,
            "risk_enabled": True,
            "tariff_enabled": True,
            # Random selection is tested on its own; here the rules alone decide the lane.
            "risk_yellow_rate": 0.0,
            "risk_red_rate": 0.0,
        }
    )


def national(doc: dict[str, Any]) -> dict[str, Any]:
    """The demo import with national tariff lines (8 digits), as customs requires."""
    assert all(len(item["hsCode"]) == 8 for item in doc["goodsItems"])
    return doc


def test_the_import_flow_end_to_end(api: Api, tmp_path: Path) -> None:
    api.eport.ensure_ca()
    # 1. The carrier manifests the cargo; the vessel arrives.
    manifest = api.client.post(
        "/api/v1/manifests", json=meat_manifest(), headers=api.headers("carrier@demo", "v-1")
    )
    assert manifest.status_code == 201, manifest.text
    mid = manifest.json()["id"]
    assert api.post("carrier@demo", f"/api/v1/manifests/{mid}/arrival").status_code == 200

    # 2. The trader lodges a signed declaration once.
    trader = Operator(api, "trader@demo", tmp_path)
    raw = json.dumps(national(meat_import())).encode()
    headers = api.headers("trader@demo", "po-flow-1", **{"Content-Type": "application/json"})
    headers["X-EPort-Signature"] = trader.sign(raw)
    lodged = api.client.post("/api/v1/declarations", content=raw, headers=headers)
    assert lodged.status_code == 201, lodged.text
    body = lodged.json()
    did = body["id"]
    assert set(body["agencies"]) == {"customs", "quarantine", "port"}

    # 3. The lane, with the rules that fired: a first-time importer gets a document check.
    assert body["lane"] == "yellow"
    # 4. Duties and taxes, every line explained; no preference without a certificate of origin.
    duties = body["duties"]
    assert duties["currency"] == "CNY" and Decimal(duties["total"]) > 0
    refused = [p for p in duties["preferences"] if not p["granted"]]
    assert refused and refused[0]["reason"] == "preference.no_certificate"
    account = api.get("trader@demo", f"/api/v1/declarations/{did}/duties").json()["account"]
    assert account["assessed"] == duties["total"] and account["settled"] is False

    # 5. The trader orders payment; the bank confirms with its signature.
    order = api.post("trader@demo", f"/api/v1/declarations/{did}/payment-orders", {"bank": BANK})
    assert order.status_code == 201, order.text
    assert order.json()["amount"] == duties["total"]
    bank = Operator(api, "bank@demo", tmp_path)
    confirmation = json.dumps(
        {"amount": duties["total"], "currency": "CNY", "bankReference": "BOC-FLOW-1"}
    ).encode()
    bank_headers = api.headers("bank@demo", **{"Content-Type": "application/json"})
    bank_headers["X-EPort-Signature"] = bank.sign(confirmation)
    paid = api.client.post(
        f"/api/v1/payment-orders/{order.json()['id']}/confirmation",
        content=confirmation,
        headers=bank_headers,
    )
    assert paid.status_code == 200, paid.text
    assert paid.json()["account"]["settled"] is True

    # 6. The agencies decide: customs checks the documents (yellow), quarantine and port accept.
    queue = api.get("customs@demo", "/api/v1/tasks", state="pending").json()["items"]
    mine = next(t for t in queue if t["declarationId"] == did)
    assert (mine["lane"], mine["check"]) == ("yellow", "document_check")
    officers = {"customs": "customs@demo", "quarantine": "quarantine@demo", "port": "terminal@demo"}
    for agency, task in body["agencies"].items():
        r = api.decide(officers[agency], task["task"], "accept")
        assert r.status_code == 200, r.text
    # 7. Customs releases; the sealed release notice verifies with openssl.
    released = api.post("customs@demo", f"/api/v1/declarations/{did}/release", {"reason": "ok"})
    assert released.status_code == 200 and released.json()["released"] is True, released.text
    notice = api.get("trader@demo", f"/api/v1/declarations/{did}/release-notice").json()
    (tmp_path / "notice.p7m").write_bytes(base64.b64decode(notice["cms"]))
    (tmp_path / "root.pem").write_text(notice["chain"][1])
    out = openssl(
        "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "notice.p7m"),
        "-CAfile", str(tmp_path / "root.pem"),
    )  # fmt: skip
    assert json.loads(out.stdout)["declarationId"] == did

    # 8. The terminal gates the container out; the manifest line is closed by the declaration.
    gate = api.post("terminal@demo", "/api/v1/gate/out", {"container": "CSQU3054383"})
    assert gate.status_code == 200 and gate.json()["outcome"] == "allowed", gate.text
    report = api.get("customs@demo", "/api/v1/manifests/discrepancies", days=0).json()
    assert report == {"undeclaredBills": [], "refusedGateOuts": [], "days": 0}

    # The whole story is on the audit chain, and the chain verifies.
    api.drain()
    events = [
        e["type"]
        for e in api.get("trader@demo", f"/api/v1/declarations/{did}/history").json()["events"]
    ]
    for expected in (
        "declaration.lodged",
        "declaration.assessed",
        "duties.assessed",
        "payment.ordered",
        "payment.confirmed",
        "task.decided",
        "declaration.released",
        "gate.out",
    ):
        assert expected in events, expected
    assert api.get("admin@demo", "/api/v1/admin/audit/verify").json()["ok"] is True
