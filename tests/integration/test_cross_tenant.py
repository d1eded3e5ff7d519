"""Cross-tenant suite: every operation that names another party's document, as every role.

The operations come from the API's own OpenAPI document, so a new endpoint is covered the
day it is added. A party that is not entitled gets 403 or 404 (never the document, never a
change); at the end every document is exactly as it was.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from eport.entrypoints.seed import USERS
from tests.conftest import Api
from tests.factories import export_declaration, manifest, meat_import
from tests.pki_client import make_key_and_csr

ALL_USERS = [email for email, *_ in USERS]
READERS = {"trader@demo", "customs@demo", "quarantine@demo", "terminal@demo"}
TASK_AGENCY_USER = {
    "customs": "customs@demo",
    "quarantine": "quarantine@demo",
    "port": "terminal@demo",
}

# A plausible body per operation, so refusals are about who asks, not what they send.
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/declarations/{declaration_id}/amendments"): {
        "reason": "x",
        "declaration": meat_import(traderReference="HIJACK"),
    },
    ("POST", "/api/v1/declarations/{declaration_id}/cancel"): {"reason": "hijack"},
    ("POST", "/api/v1/declarations/{declaration_id}/release"): {"reason": "hijack"},
    ("POST", "/api/v1/tasks/{task_id}/decision"): {"decision": "reject", "reason": "hijack"},
    ("POST", "/api/v1/tasks/{task_id}/e-certificates"): {"type": "856", "remarks": "forged"},
    ("POST", "/api/v1/pki/certificates/{serial}/revoke"): {"reason": "key_compromise"},
    ("POST", "/api/v1/payment-orders/{order_id}/confirmation"): {
        "amount": "10.00",
        "currency": "CNY",
        "bankReference": "HIJACK",
    },
    ("POST", "/api/v1/inspections/{inspection_id}/findings"): {"outcome": "no_discrepancy"},
    ("POST", "/api/v1/licences/{number}/revoke"): {"reason": "hijack"},
    ("POST", "/api/v1/handbooks/{number}/revoke"): {"reason": "hijack"},
    ("POST", "/api/v1/declarations/{declaration_id}/inspections"): {"reason": "hijack"},
    ("PUT", "/api/v1/guarantees/{enterprise_id}"): {"limit": "99999999", "currency": "CNY"},
    ("POST", "/api/v1/declarations/{declaration_id}/payment-orders"): {
        "bank": {"scheme": "USCC", "value": "91330000MA28000057"},
    },
}


@pytest.fixture
def victim(api: Api, tmp_path: Any) -> dict[str, Any]:
    """The trader's documents: a declaration with three tasks, a webhook, a certificate."""
    api.eport.ensure_ca()
    dec = api.lodge("trader@demo", meat_import()).json()
    # Quarantine accepted and certified; the other tasks stay pending.
    quarantine_task = dec["agencies"]["quarantine"]["task"]
    assert api.decide("quarantine@demo", quarantine_task, "accept").status_code == 200
    ecert = api.post(
        "quarantine@demo", f"/api/v1/tasks/{quarantine_task}/e-certificates", {"type": "856"}
    ).json()
    hook = api.post("trader@demo", "/api/v1/webhooks", {"url": "https://trader.example/h"})
    make_key_and_csr(tmp_path / "k", tmp_path / "csr", "/CN=x")
    cert = api.post(
        "trader@demo", "/api/v1/pki/certificates", {"csr": (tmp_path / "csr").read_text()}
    ).json()
    from datetime import UTC, datetime, timedelta

    from eport.datamodel.identifiers import make_uscc

    now = datetime.now(UTC)
    delegation = api.post(
        "trader@demo",
        "/api/v1/delegations",
        {
            "grantee": {"scheme": "USCC", "value": make_uscc("91310000MA1FL0002")},
            "documentTypes": ["declaration"],
            "validFrom": now.isoformat(),
            "validTo": (now + timedelta(days=1)).isoformat(),
        },
    ).json()
    registration = api.client.post(
        "/api/v1/registrations",
        json={
            "identifier": make_uscc("91440300MA5G00017"),
            "name": "Applicant Co.",
            "address": "1 Road",
            "contact": {"name": "A", "email": "a@applicant.example"},
        },
    ).json()
    carried = api.client.post(
        "/api/v1/manifests", json=manifest(), headers=api.headers("carrier@demo", "xt-man")
    ).json()
    from eport.payments import commands as pc

    api.eport.run(
        pc.PostAssessment(actor="t", declaration_id=dec["id"], currency="CNY", amount=1000)
    )
    bank = {"scheme": "USCC", "value": make_uscc("91330000MA2800005")}
    order = api.post(
        "trader@demo", f"/api/v1/declarations/{dec['id']}/payment-orders", {"bank": bank}
    ).json()
    inspection = api.post(
        "customs@demo", f"/api/v1/declarations/{dec['id']}/inspections", {"reason": "spot check"}
    ).json()
    licence = api.post(
        "commerce@demo",
        "/api/v1/licences",
        {
            "number": "LIC-VICTIM",
            "holder": {"scheme": "USCC", "value": make_uscc("91310000MA1FL0001")},
            "kind": "911", "hsPrefixes": ["8703"], "quantityLimit": "1", "unit": "H87",
            "valueLimit": "1", "currency": "USD",
            "validFrom": "2026-01-01", "validTo": "2027-01-01",
        },
    ).json()  # fmt: skip
    handbook = api.post(
        "customs@demo",
        "/api/v1/handbooks",
        {
            "number": "HB-VICTIM",
            "holder": {"scheme": "USCC", "value": make_uscc("91310000MA1FL0001")},
            "validFrom": "2026-01-01", "validTo": "2027-01-01",
            "materials": [{"hsCode": "5205", "description": "Cotton yarn", "unit": "KGM",
                           "quantityLimit": "1"}],
            "products": [{"hsCode": "6205", "unit": "H87", "norms": [
                {"material": "5205", "consumption": "0.25", "wasteRate": "0.02"}]}],
        },
    ).json()  # fmt: skip
    # A released export with a refund claim, and a forex receipt for the trader.
    exported = api.lodge("trader@demo", export_declaration(traderReference="XT-EX")).json()
    officers = {"commerce": "commerce@demo", "customs": "customs@demo", "forex": "forex@demo",
                "tax": "tax@demo", "port": "terminal@demo"}  # fmt: skip
    for agency, task in exported["agencies"].items():
        assert api.decide(officers[agency], task["task"], "accept").status_code == 200
    release = api.post("customs@demo", f"/api/v1/declarations/{exported['id']}/release")
    assert release.status_code == 200, release.text
    claim = api.post("trader@demo", "/api/v1/refund-claims", {"declarationId": exported["id"]})
    assert claim.status_code == 201, claim.text
    from datetime import date
    from decimal import Decimal

    from eport.verification.commands import RecordForexReceipt

    fx = api.eport.run(
        RecordForexReceipt(
            actor="t", bank=api.get("bank@demo", "/api/v1/me").json()["enterprise"],
            bank_reference="XT-FX", exporter_scheme="USCC",
            exporter_identifier=make_uscc("91310000MA1FL0001"), amount=Decimal("10"),
            currency="EUR", value_date=date(2026, 11, 1), remitter="R", remitter_country="NL",
            declaration_id=None, submission={},
        )
    )  # fmt: skip
    return {
        "export_id": exported["id"],
        "claim_id": claim.json()["id"],
        "receipt_id": fx["id"],
        "licence": licence["number"],
        "handbook": handbook["number"],
        "inspection_id": inspection["id"],
        "order_id": order["id"],
        "enterprise_id": api.get("trader@demo", "/api/v1/me").json()["enterprise"],
        "manifest_id": carried["id"],
        "registration_id": registration["id"],
        "ecertificate_id": ecert["id"],
        "delegation_id": delegation["id"],
        "declaration_id": dec["id"],
        "tasks": {a: v["task"] for a, v in dec["agencies"].items()},
        "subscription_id": hook.json()["id"],
        "serial": cert["serial"],
    }


def snapshot(api: Api, v: dict[str, Any]) -> Any:
    detail = api.get("trader@demo", f"/api/v1/declarations/{v['declaration_id']}").json()
    ecerts = api.get("trader@demo", f"/api/v1/declarations/{v['declaration_id']}/e-certificates")
    hooks = api.get("trader@demo", "/api/v1/webhooks").json()["items"]
    certs = api.get("trader@demo", "/api/v1/pki/certificates").json()["items"]
    grants = api.get("trader@demo", "/api/v1/delegations").json()["items"]
    registrations = api.get("admin@demo", "/api/v1/admin/registrations", status="all")
    carried = api.get("carrier@demo", f"/api/v1/manifests/{v['manifest_id']}").json()
    duties = api.get("trader@demo", f"/api/v1/declarations/{v['declaration_id']}/duties").json()
    guarantee = api.get("trader@demo", "/api/v1/guarantees/mine").json()
    lic = api.get("trader@demo", f"/api/v1/licences/{v['licence']}").json()["licence"]
    book = api.get("trader@demo", f"/api/v1/handbooks/{v['handbook']}").json()["handbook"]
    claim = api.get("trader@demo", f"/api/v1/refund-claims/{v['claim_id']}").json()["claim"]
    fx = api.get("trader@demo", f"/api/v1/forex/receipts/{v['receipt_id']}").json()
    return (
        (claim["state"], claim["decisionSeq"], fx["matchedTo"]),
        [(r["id"], r["status"]) for r in registrations.json()["items"]],
        [c["id"] for c in ecerts.json()["items"]],
        (carried["status"], [b["declarationId"] for b in carried["bills"]]),
        (duties["account"], [(o["id"], o["state"]) for o in duties["orders"]], guarantee),
        (lic["revoked"], lic["usedQuantity"]),
        (book["revoked"], book["materials"]),
        [(g["id"], g["revokedAt"]) for g in grants],
        detail["status"],
        detail["revision"],
        sorted((t["agency"], t["state"], t["revision"]) for t in detail["agencies"]),
        [h["id"] for h in hooks],
        [(c["serial"], c["status"]) for c in certs],
    )


def operations(api: Api) -> list[tuple[str, str]]:
    schema = api.client.get("/api/docs/openapi.json").json()
    out = []
    for path, item in schema["paths"].items():
        for method in item:
            if method.upper() in ("GET", "POST", "PUT", "DELETE", "PATCH"):
                out.append((method.upper(), path))
    return out


def targets(method: str, path: str, v: dict[str, Any]) -> list[tuple[str, set[str]]]:
    """Concrete URLs naming the victim's documents, with who is entitled to each."""
    if path.startswith("/api/v1/forex/exports/"):
        url = path.replace("{declaration_id}", v["export_id"])
        return [(url, {"trader@demo", "forex@demo", "tax@demo", "customs@demo", "admin@demo"})]
    if "{receipt_id}" in path:
        url = path.replace("{receipt_id}", v["receipt_id"])
        return [(url, {"bank@demo", "trader@demo", "forex@demo", "tax@demo", "customs@demo",
                       "admin@demo"})]  # fmt: skip
    if "{claim_id}" in path:
        url = path.replace("{claim_id}", v["claim_id"])
        if method == "GET":
            return [(url, {"trader@demo", "tax@demo", "customs@demo", "admin@demo"})]
        return [(url, {"tax@demo", "admin@demo"})]
    if "{declaration_id}" in path:
        url = path.replace("{declaration_id}", v["declaration_id"])
        url = url.replace("{revision}", "1").replace("{agency}", "quarantine")
        url = url.replace("{certificate_id}", v["ecertificate_id"])
        if method == "GET":
            return [(url, READERS)]
        if path.endswith("/inspections"):  # customs orders inspections
            return [(url, {"customs@demo", "admin@demo"})]
        return [
            (url, {"trader@demo", "customs@demo"} if path.endswith("/release") else {"trader@demo"})
        ]
    if "{task_id}" in path:
        return [
            (path.replace("{task_id}", task), {TASK_AGENCY_USER[agency]})
            for agency, task in v["tasks"].items()
        ]
    if "{subscription_id}" in path:
        return [(path.replace("{subscription_id}", v["subscription_id"]), {"trader@demo"})]
    if "{serial}" in path:
        return [(path.replace("{serial}", v["serial"]), {"trader@demo", "admin@demo"})]
    if "{number}" in path:
        agencies = {"customs@demo", "quarantine@demo", "commerce@demo", "forex@demo", "tax@demo",
                    "terminal@demo", "admin@demo"}  # fmt: skip
        if path.startswith("/api/v1/handbooks/"):  # processing trade: customs manages
            url, managers = path.replace("{number}", v["handbook"]), "customs@demo"
        else:  # licences: commerce manages
            url, managers = path.replace("{number}", v["licence"]), "commerce@demo"
        if method == "GET":
            return [(url, agencies | {"trader@demo"})]
        return [(url, {managers, "admin@demo"})]
    if "{inspection_id}" in path:
        url = path.replace("{inspection_id}", v["inspection_id"])
        return [(url, {"customs@demo", "admin@demo"})]
    if "{order_id}" in path:
        return [(path.replace("{order_id}", v["order_id"]), {"bank@demo"})]
    if "{enterprise_id}" in path:
        return [
            (path.replace("{enterprise_id}", v["enterprise_id"]), {"customs@demo", "admin@demo"})
        ]
    if "{manifest_id}" in path:
        url = path.replace("{manifest_id}", v["manifest_id"])
        readers = {"carrier@demo", "customs@demo", "terminal@demo", "admin@demo"}
        return [(url, readers if method == "GET" else {"carrier@demo"})]
    if "{registration_id}" in path:
        url = path.replace("{registration_id}", v["registration_id"])
        return [(url, {"admin@demo", "commerce@demo"})]
    if "{delegation_id}" in path:
        return [(path.replace("{delegation_id}", v["delegation_id"]), {"trader@demo"})]
    return []


def test_no_role_reaches_another_partys_documents(api: Api, victim: dict[str, Any]) -> None:
    before = snapshot(api, victim)
    checked = 0
    for method, path in operations(api):
        for url, entitled in targets(method, path, victim):
            body = BODIES.get((method, path))
            for user in ALL_USERS:
                if user in entitled:
                    continue
                headers = api.headers(user, key=f"xt-{user}-{checked}")
                r = api.client.request(
                    method, url, json=body if method != "GET" else None, headers=headers
                )
                checked += 1
                assert r.status_code in (403, 404), (user, method, url, r.status_code, r.text)
                # A refusal may echo the URL asked for; it never carries the document.
                for secret in (
                    "goodsItems",
                    "Frozen boneless beef",
                    "BEGIN CERTIFICATE",
                    "trader.example",
                ):
                    assert secret not in r.text, (user, method, url, secret)
    assert checked > 100
    assert snapshot(api, victim) == before


def test_listings_show_nothing_of_another_party(api: Api, victim: dict[str, Any]) -> None:
    did = victim["declaration_id"]
    for user in ALL_USERS:
        if user in READERS:
            continue
        for path in (
            "/api/v1/declarations",
            "/api/v1/webhooks",
            "/api/v1/pki/certificates",
            "/api/v1/tasks",
        ):
            r = api.get(user, path)
            assert r.status_code in (200, 403), (user, path, r.status_code)
            text = r.text
            assert did not in text and victim["subscription_id"] not in text, (user, path)
            assert victim["serial"] not in text, (user, path)


def test_every_parametrised_operation_is_covered(api: Api, victim: dict[str, Any]) -> None:
    """A new endpoint with a document id in its path must be added to ``targets``."""
    known = {
        "declaration_id",
        "delegation_id",
        "task_id",
        "subscription_id",
        "serial",
        "revision",
        "code",
        "user_id",
        "token_id",
        "delivery_id",
        "encoded",
        "agency",
        "registration_id",
        "certificate_id",
        "manifest_id",
        "order_id",
        "inspection_id",
        "hold_id",  # customs-internal, like inspections
        "enterprise_id",
        "receipt_id",
        "claim_id",
        # reference data, not another party's documents:
        "quota_id",
        "currency",
        "reference",
        "number",
        "seq",  # ledger entries: agencies only (403 to traders, banks, carriers)
        "scheme",  # compliance profiles: customs only (403 to everyone else)
        "identifier",
    }
    for _, path in operations(api):
        names = set(re.findall(r"{(\w+)}", path))
        assert names <= known, path
