"""The licence register on the E-Ledger: commerce issues; lodging refuses over-use and expired,
revoked or foreign licences; release writes off atomically (a second release that would
overdraw is refused); holder and agencies see the balance with inclusion proofs."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from eport.config import Settings
from eport.ledger import merkle
from tests.conftest import Api
from tests.factories import TRADER_USCC, import_declaration, item

OFFICERS = {
    "customs": "customs@demo",
    "port": "terminal@demo",
    "quarantine": "quarantine@demo",
    "commerce": "commerce@demo",
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"licences_enforced": True})


def licence(**over: Any) -> dict[str, Any]:
    body = {
        "number": "LIC-CAR-2026-001", "holder": {"scheme": "USCC", "value": TRADER_USCC},
        "kind": "911", "hsPrefixes": ["8703"], "quantityLimit": "10", "unit": "H87",
        "valueLimit": "200000", "currency": "USD", "validFrom": "2026-01-01",
        "validTo": "2027-12-31",
    }  # fmt: skip
    return body | over


def cars(n: int, ref: str, number: str = "LIC-CAR-2026-001") -> dict[str, Any]:
    goods = item(
        1, "87032390", description="Passenger cars", quantity=str(n), unit="H87",
        value=f"{n * 20000}.00", documents=[{"type": "911", "reference": number}],
    )  # fmt: skip
    return import_declaration(
        traderReference=ref, goodsItems=[goods], invoiceAmount=f"{n * 20000}.00"
    )


def cleared(api: Api, doc: dict[str, Any], user: str = "trader@demo") -> dict[str, Any]:
    r = api.lodge(user, doc)
    assert r.status_code == 201, r.text
    d = r.json()
    for agency, task in d["agencies"].items():
        assert api.decide(OFFICERS[agency], task["task"], "accept").status_code == 200
    return dict(d)


def test_issue_write_off_and_a_release_that_would_overdraw(api: Api) -> None:
    api.eport.ensure_ca()
    assert api.post("trader@demo", "/api/v1/licences", licence()).status_code == 403
    issued = api.post("commerce@demo", "/api/v1/licences", licence())
    assert issued.status_code == 201, issued.text
    first, second = cleared(api, cars(4, "C-1")), cleared(api, cars(8, "C-2"))
    ok = api.post("customs@demo", f"/api/v1/declarations/{first['id']}/release")
    assert ok.status_code == 200, ok.text
    refused = api.post("customs@demo", f"/api/v1/declarations/{second['id']}/release")
    assert refused.status_code == 409 and refused.json()["code"] == "licence.exhausted"
    status = api.get("trader@demo", f"/api/v1/declarations/{second['id']}").json()["status"]
    assert status == "cleared"  # nothing was written

    seen = api.get("trader@demo", "/api/v1/licences/LIC-CAR-2026-001").json()
    assert (seen["licence"]["usedQuantity"], seen["licence"]["quantityLeft"]) == ("4", "6")
    assert [e["entry"]["type"] for e in seen["ledger"]] == ["licence.issued", "licence.write_off"]
    root = base64.b64decode(seen["head"]["rootHash"])
    for e in seen["ledger"]:
        proof = [base64.b64decode(p) for p in e["inclusion"]["proof"]]
        leaf = merkle.leaf_hash(base64.b64decode(e["data"]))
        assert merkle.verify_inclusion(leaf, e["seq"], seen["head"]["treeSize"], proof, root)
    assert api.get("other@demo", "/api/v1/licences/LIC-CAR-2026-001").status_code == 404
    assert api.get("customs@demo", "/api/v1/licences/LIC-CAR-2026-001").status_code == 200


def test_lodging_refuses_over_use_and_expired_revoked_or_foreign_licences(api: Api) -> None:
    api.post("commerce@demo", "/api/v1/licences", licence())
    api.post(
        "commerce@demo", "/api/v1/licences",
        licence(number="LIC-OLD", validFrom="2024-01-01", validTo="2024-12-31"),
    )  # fmt: skip

    def refused(doc: dict[str, Any], user: str = "trader@demo") -> str:
        r = api.lodge(user, doc)
        assert r.status_code == 422, r.text
        error = r.json()["errors"][0]
        assert (error["pointer"], error["code"]) == ("/goodsItems/0/documents", "licence.refused")
        return str(error["message"] if "message" in error else error["detail"])

    assert "left" in refused(cars(11, "X-1"))
    assert "valid" in refused(cars(1, "X-2", "LIC-OLD"))
    assert "no such licence" in refused(cars(1, "X-3", "LIC-NONE"))
    assert "another enterprise" in refused(cars(1, "X-4"), "other@demo")
    api.post("commerce@demo", "/api/v1/licences/LIC-CAR-2026-001/revoke", {"reason": "fraud"})
    assert "revoked" in refused(cars(1, "X-5"))


def test_a_signed_issue_carries_the_officers_signature_on_the_ledger(
    api: Api, tmp_path: Any
) -> None:
    import json

    from tests.pki_client import Operator, openssl

    api.eport.ensure_ca()
    officer = Operator(api, "commerce@demo", tmp_path)
    raw = json.dumps(licence(number="LIC-SIGNED-1")).encode()
    headers = api.headers("commerce@demo", **{"Content-Type": "application/json"})
    headers["X-EPort-Signature"] = officer.sign(raw)
    issued = api.client.post("/api/v1/licences", content=raw, headers=headers)
    assert issued.status_code == 201, issued.text
    # Another agency's officer cannot sign for commerce.
    quarantine = Operator(api, "quarantine@demo", tmp_path)
    raw2 = json.dumps(licence(number="LIC-SIGNED-2")).encode()
    headers["X-EPort-Signature"] = quarantine.sign(raw2)
    wrong = api.client.post("/api/v1/licences", content=raw2, headers=headers)
    assert wrong.status_code == 422 and "signature.wrong_agency" in wrong.text
    entry = api.get("commerce@demo", f"/api/v1/ledger/entries/{issued.json()['ledgerSeq']}")
    sub = entry.json()["entry"]["submission"]
    assert sub["format"] == "cms" and sub["signer"] == officer.serial
    (tmp_path / "body").write_bytes(base64.b64decode(sub["body"]))
    (tmp_path / "sig").write_bytes(base64.b64decode(sub["signature"]))
    (tmp_path / "root.pem").write_bytes(api.eport.writer.ca.root_pem())  # type: ignore[union-attr]
    out = openssl(
        "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "sig"),
        "-content", str(tmp_path / "body"), "-CAfile", str(tmp_path / "root.pem"),
        "-purpose", "any", "-out", str(tmp_path / "out"),
    )  # fmt: skip
    assert out.returncode == 0 and b"LIC-SIGNED-1" in (tmp_path / "out").read_bytes()
