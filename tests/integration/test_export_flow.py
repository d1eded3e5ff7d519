"""The export flow of ARCHITECTURE §4 on the E-Ledger, end to end: release → departure →
signed forex receipts → the forex agency's verification → refund claim → the tax agency's
check → refund; a second refund is refused with the proof of the first. Every agency check is
a verification entry; the bank's signature on the log verifies with openssl."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from eport.config import Settings
from eport.ledger import merkle
from tests.conftest import Api
from tests.factories import OTHER_USCC, TRADER_USCC, export_declaration, manifest
from tests.pki_client import Operator, openssl

OFFICERS = {"commerce": "commerce@demo", "customs": "customs@demo", "forex": "forex@demo",
            "tax": "tax@demo", "port": "terminal@demo"}  # fmt: skip


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"licences_enforced": True})


@pytest.fixture
def flow(api: Api) -> Api:
    api.eport.ensure_ca()
    return api


def released_export(api: Api, departed: bool = True, **over: Any) -> str:
    m = api.client.post(
        "/api/v1/manifests", json=manifest(), headers=api.headers("carrier@demo", "m-" + str(over))
    ).json()
    assert api.post("carrier@demo", f"/api/v1/manifests/{m['id']}/arrival").status_code == 200
    r = api.lodge("trader@demo", export_declaration(**over))  # names bill MAEU123456789
    assert r.status_code == 201, r.text
    d = r.json()
    for agency, task in d["agencies"].items():
        assert api.decide(OFFICERS[agency], task["task"], "accept").status_code == 200
    assert api.post("customs@demo", f"/api/v1/declarations/{d['id']}/release").status_code == 200
    if departed:
        assert api.post("carrier@demo", f"/api/v1/manifests/{m['id']}/departure").status_code == 200
    return str(d["id"])


def receipt(api: Api, bank: Operator | None, **over: Any) -> Any:
    body = {
        "bankReference": "BOC-FX-0001", "exporter": {"scheme": "USCC", "value": TRADER_USCC},
        "amount": "50000.00", "currency": "EUR", "valueDate": "2026-11-20",
        "remitter": {"name": "Rotterdam Metals BV", "country": "NL"},
    } | over  # fmt: skip
    raw = json.dumps(body).encode()
    headers = api.headers("bank@demo", **{"Content-Type": "application/json"})
    if bank is not None:
        headers["X-EPort-Signature"] = bank.sign(raw)
    return api.client.post("/api/v1/forex/receipts", content=raw, headers=headers)


def entries_verify(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every entry in the answer is in the signed head's tree."""
    root = base64.b64decode(body["head"]["rootHash"])
    for e in body["ledger"]:
        leaf = merkle.leaf_hash(base64.b64decode(e["data"]))
        path = [base64.b64decode(p) for p in e["inclusion"]["proof"]]
        assert merkle.verify_inclusion(leaf, e["seq"], body["head"]["treeSize"], path, root)
    return [e["entry"] for e in body["ledger"]]


def test_release_departure_forex_verification_refund_and_a_second_refused(
    flow: Api, tmp_path: Path
) -> None:
    api = flow
    did = released_export(api)
    bank = Operator(api, "bank@demo", tmp_path)

    # Banks report forex receipts, always signed, by the bank itself.
    unsigned = receipt(api, None)
    assert unsigned.status_code == 422 and "signature.required" in unsigned.text
    trader = Operator(api, "trader@demo", tmp_path)
    wrong = receipt(api, trader)
    assert wrong.status_code == 422 and "signature.wrong_enterprise" in wrong.text
    first = receipt(api, bank, declarationId=did)
    assert first.status_code == 201, first.text
    again = receipt(api, bank, declarationId=did)
    assert again.status_code == 409 and again.json()["code"] == "forex.duplicate_receipt"
    # 85,500 of 86,000 EUR: within the 5 % tolerance.
    second = receipt(api, bank, bankReference="BOC-FX-0002", amount="35500.00")
    assert second.status_code == 201, second.text
    # Another exporter's receipt is never matched to this export.
    foreign = receipt(api, bank, bankReference="BOC-FX-0003", amount="500.00",
                      exporter={"scheme": "USCC", "value": OTHER_USCC})  # fmt: skip
    assert foreign.status_code == 201, foreign.text

    # A claim before forex is verified: the tax agency's check refuses it, on the log.
    early = api.post("trader@demo", "/api/v1/refund-claims", {"declarationId": did})
    assert early.status_code == 201, early.text
    assert early.json()["amount"] == "11180.00"  # 13 % of 70,000 + 13 % of 16,000
    checked = api.post("tax@demo", f"/api/v1/refund-claims/{early.json()['id']}/check")
    assert checked.status_code == 200, checked.text
    assert checked.json()["state"] == "refused"
    assert checked.json()["reasons"] == ["no forex receipt has been verified for the export"]

    # The forex agency verifies: both receipts of this exporter match the export.
    verified = api.post("forex@demo", "/api/v1/forex/verifications", {"declarationIds": [did]})
    assert verified.status_code == 200, verified.text
    (answer,) = verified.json()["items"]
    assert answer["answer"] == "matched" and answer["received"] == "85500.00"
    assert sorted(answer["receipts"]) == sorted([first.json()["id"], second.json()["id"]])

    # The claim again: released, departed, forex received, no earlier refund → refunded.
    claim = api.post("trader@demo", "/api/v1/refund-claims", {"declarationId": did})
    assert claim.status_code == 201, claim.text
    granted = api.post("tax@demo", f"/api/v1/refund-claims/{claim.json()['id']}/check")
    assert granted.status_code == 200 and granted.json()["state"] == "granted", granted.text

    # A second refund of the same goods is refused, with the proof of the first.
    dup = api.post("trader@demo", "/api/v1/refund-claims", {"declarationId": did, "items": [2]})
    assert dup.status_code == 409, dup.text
    problem = dup.json()
    assert problem["code"] == "refund.already_granted"
    assert problem["firstClaim"] == claim.json()["id"]
    proof = problem["firstRefund"]
    assert proof["entry"]["type"] == "refund.granted" and proof["entry"]["amount"] == "11180.00"
    head = problem["head"]
    assert merkle.verify_inclusion(
        merkle.leaf_hash(base64.b64decode(proof["data"])), proof["seq"], head["treeSize"],
        [base64.b64decode(p) for p in proof["inclusion"]["proof"]],
        base64.b64decode(head["rootHash"]),
    )  # fmt: skip

    # The claim's story, proved: release, departure, receipts, verifications, refund.
    detail = api.get("trader@demo", f"/api/v1/refund-claims/{claim.json()['id']}")
    assert detail.status_code == 200, detail.text
    entries = entries_verify(detail.json())
    kinds = [e["type"] for e in entries]
    assert kinds == [
        "customs.release", "export.departed", "forex.receipt", "refund.claimed",
        "verification", "verification", "refund.claimed", "verification", "refund.granted",
    ], kinds  # fmt: skip
    checks = [e for e in entries if e["type"] == "verification"]
    assert [(c["agency"], c["question"], c["answer"]) for c in checks] == [
        ("tax", "export_vat_refund.eligible", "refused"),
        ("forex", "forex.received", "matched"),
        ("tax", "export_vat_refund.eligible", "eligible"),
    ]
    for check in checks:  # who, what, when, the answer, and what it relied on
        assert check["officer"] and check["at"] and check["subject"]["declarationId"] == did
        assert check["evidence"]

    # The bank's signed request is on the log; openssl verifies it against E-Port's root.
    fx = api.get("forex@demo", f"/api/v1/forex/exports/{did}").json()
    assert fx["matched"] is True and len(fx["receipts"]) == 2
    on_log = next(e for e in entries_verify(fx) if e["type"] == "forex.receipt")
    sub = on_log["submission"]
    (tmp_path / "body").write_bytes(base64.b64decode(sub["body"]))
    (tmp_path / "sig.der").write_bytes(base64.b64decode(sub["signature"]))
    (tmp_path / "root.pem").write_bytes(api.eport.writer.ca.root_pem())  # type: ignore[union-attr]
    out = openssl(
        "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "sig.der"),
        "-content", str(tmp_path / "body"), "-CAfile", str(tmp_path / "root.pem"),
        "-purpose", "any", "-out", str(tmp_path / "out"),
    )  # fmt: skip
    assert out.returncode == 0
    assert json.loads((tmp_path / "out").read_bytes())["bankReference"] == "BOC-FX-0001"


def test_refund_needs_departure_and_claims_are_the_exporters_own(flow: Api, tmp_path: Path) -> None:
    api = flow
    did = released_export(api, departed=False)
    bank = Operator(api, "bank@demo", tmp_path)
    assert receipt(api, bank, amount="86000.00").status_code == 201
    assert (
        api.post("forex@demo", "/api/v1/forex/verifications", {}).json()["items"][0]["answer"]
        == "matched"
    )
    # Another trader cannot claim on it, nor see it; nor can a trader check claims.
    other = api.post("other@demo", "/api/v1/refund-claims", {"declarationId": did})
    assert other.status_code == 404
    assert api.get("other@demo", f"/api/v1/forex/exports/{did}").status_code == 404
    claim = api.post("trader@demo", "/api/v1/refund-claims", {"declarationId": did}).json()
    assert api.get("other@demo", f"/api/v1/refund-claims/{claim['id']}").status_code == 404
    assert api.post("trader@demo", f"/api/v1/refund-claims/{claim['id']}/check").status_code == 403
    pending = api.post("trader@demo", "/api/v1/refund-claims", {"declarationId": did})
    assert pending.status_code == 409 and pending.json()["code"] == "refund.pending"
    checked = api.post("tax@demo", f"/api/v1/refund-claims/{claim['id']}/check").json()
    assert checked["state"] == "refused" and checked["reasons"] == ["the goods have not departed"]
    twice = api.post("tax@demo", f"/api/v1/refund-claims/{claim['id']}/check")
    assert twice.status_code == 409
    bad = api.post("trader@demo", "/api/v1/refund-claims", {"declarationId": did, "items": [7]})
    assert bad.status_code == 422
    assert [e["pointer"] for e in bad.json()["errors"]] == ["/items/0"]


@pytest.mark.parametrize("overdue_days", [0])
def test_unmatched_exports_are_flagged_after_the_set_period(
    api: Api, settings: Settings, tmp_path: Path, overdue_days: int
) -> None:
    api.eport.ensure_ca()
    api.eport.settings = settings.model_copy(update={"forex_overdue_days": overdue_days})
    did = released_export(api)
    bank = Operator(api, "bank@demo", tmp_path)
    assert receipt(api, bank, amount="40000.00").status_code == 201  # far short of 86,000
    report = api.get("forex@demo", "/api/v1/forex/overdue").json()
    assert [i["declarationId"] for i in report["items"]] == [did]
    run = api.post("forex@demo", "/api/v1/forex/verifications", {}).json()["items"]
    assert [(i["declarationId"], i["answer"], i["received"]) for i in run] == [
        (did, "overdue", "40000.00")
    ]
    assert api.get("trader@demo", "/api/v1/forex/overdue").status_code == 403
    # Nothing was allocated: a later receipt completes the match.
    assert receipt(api, bank, bankReference="BOC-FX-0009", amount="46000.00").status_code == 201
    run = api.post("forex@demo", "/api/v1/forex/verifications", {}).json()["items"]
    assert [(i["answer"], i["received"]) for i in run] == [("matched", "86000.00")]
    assert api.get("forex@demo", "/api/v1/forex/overdue").json()["items"] == []


def test_bad_receipts_change_nothing(flow: Api, tmp_path: Path) -> None:
    api = flow
    bank = Operator(api, "bank@demo", tmp_path)
    size = api.client.get("/ledger/head").json()["treeSize"]
    bad = receipt(api, bank, amount="-5", currency="XXZ",
                  exporter={"scheme": "USCC", "value": OTHER_USCC[:-1] + "0"})  # fmt: skip
    assert bad.status_code == 422
    assert {e["pointer"] for e in bad.json()["errors"]} >= {"/amount", "/currency"}
    unknown = receipt(api, bank, declarationId="DEC-NOPE")
    assert unknown.status_code == 422
    assert [e["pointer"] for e in unknown.json()["errors"]] == ["/declarationId"]
    assert api.client.get("/ledger/head").json()["treeSize"] == size
