"""Processing-trade handbooks on the E-Ledger: customs issues; an import's release adds to the
materials, an export's consumes them by the norms (waste included); lodging refuses what the
handbook does not allow; two exports that together overdraw a material release once; the
holder and agencies see the balance with inclusion proofs, nobody else sees the handbook."""

from __future__ import annotations

import base64
from concurrent.futures import Future
from decimal import Decimal
from typing import Any

import pytest

from eport.config import Settings
from eport.datamodel.identifiers import make_uscc
from eport.declarations import commands as dc
from eport.kernel.errors import Conflict
from eport.ledger import merkle
from tests.conftest import Api
from tests.factories import TRADER_USCC, export_declaration, import_declaration, item

OFFICERS = {
    "customs": "customs@demo",
    "port": "terminal@demo",
    "quarantine": "quarantine@demo",
    "commerce": "commerce@demo",
    "forex": "forex@demo",
    "tax": "tax@demo",
}
NUMBER = "HB-2026-0001"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"licences_enforced": True})


@pytest.fixture(autouse=True)
def ca(api: Api) -> None:
    api.eport.ensure_ca()  # the handbook's page carries a signed tree head


def handbook(**over: Any) -> dict[str, Any]:
    """Cotton yarn in (up to 10 t); men's cotton shirts out, 0.25 kg of yarn each, 2 % waste."""
    body = {
        "number": NUMBER,
        "holder": {"scheme": "USCC", "value": TRADER_USCC},
        "validFrom": "2026-01-01",
        "validTo": "2027-12-31",
        "materials": [
            {"hsCode": "5205", "description": "Cotton yarn", "unit": "KGM",
             "quantityLimit": "10000"},
        ],
        "products": [
            {"hsCode": "6205", "unit": "H87",
             "norms": [{"material": "5205", "consumption": "0.25", "wasteRate": "0.02"}]},
        ],
    }  # fmt: skip
    return body | over


def yarn(kg: str, ref: str, number: str = NUMBER, **over: Any) -> dict[str, Any]:
    goods = item(
        1, "52051200", description="Cotton yarn", originCountry="IN", quantity=kg, unit="KGM",
        netMass=kg, grossMass=kg, value="3000.00",
        documents=[{"type": "915", "reference": number}],
    ) | over  # fmt: skip
    return import_declaration(traderReference=ref, goodsItems=[goods], invoiceAmount="3000.00")


def shirts(n: int, ref: str, number: str = NUMBER) -> dict[str, Any]:
    goods = item(
        1, "62052000", description="Men's cotton shirts", originCountry="CN", quantity=str(n),
        unit="H87", netMass="100", grossMass="120", value="5000.00", procedureCode="1000",
        documents=[{"type": "915", "reference": number}],
    )  # fmt: skip
    return export_declaration(traderReference=ref, goodsItems=[goods], invoiceAmount="5000.00")


def cleared(api: Api, doc: dict[str, Any], user: str = "trader@demo") -> str:
    r = api.lodge(user, doc)
    assert r.status_code == 201, r.text
    d = r.json()
    for agency, task in d["agencies"].items():
        assert api.decide(OFFICERS[agency], task["task"], "accept").status_code == 200
    return str(d["id"])


def release(api: Api, declaration_id: str) -> Any:
    return api.post("customs@demo", f"/api/v1/declarations/{declaration_id}/release")


def yarn_of(api: Api, user: str = "trader@demo") -> dict[str, Any]:
    r = api.get(user, f"/api/v1/handbooks/{NUMBER}")
    assert r.status_code == 200, r.text
    return dict(r.json()["handbook"]["materials"][0])


def test_imports_add_exports_consume_by_the_norm_and_the_balance_is_proved(api: Api) -> None:
    for user in ("trader@demo", "commerce@demo"):
        assert api.post(user, "/api/v1/handbooks", handbook()).status_code == 403
    issued = api.post("customs@demo", "/api/v1/handbooks", handbook())
    assert issued.status_code == 201, issued.text
    assert api.post("customs@demo", "/api/v1/handbooks", handbook()).status_code == 409

    assert release(api, cleared(api, yarn("1000", "IM-1"))).status_code == 200
    assert (yarn_of(api)["imported"], yarn_of(api)["balance"]) == ("1000", "1000")
    # 2000 shirts * 0.25 kg / (1 - 0.02) = 510.2040816... -> 510.204082 kg of yarn.
    assert release(api, cleared(api, shirts(2000, "EX-1"))).status_code == 200
    seen = yarn_of(api)
    assert (seen["consumed"], seen["balance"]) == ("510.204082", "489.795918")

    seen = api.get("trader@demo", f"/api/v1/handbooks/{NUMBER}").json()
    kinds = [e["entry"]["type"] for e in seen["ledger"]]
    assert kinds == ["handbook.issued", "handbook.import", "handbook.export"]
    assert seen["ledger"][2]["entry"]["materials"] == [
        {"hsCode": "5205", "quantity": "510.204082", "balance": "489.795918"}
    ]
    assert seen["handbook"]["products"][0]["norms"][0]["wasteRate"] == "0.02"
    root = base64.b64decode(seen["head"]["rootHash"])
    for e in seen["ledger"]:
        proof = [base64.b64decode(p) for p in e["inclusion"]["proof"]]
        leaf = merkle.leaf_hash(base64.b64decode(e["data"]))
        assert merkle.verify_inclusion(leaf, e["seq"], seen["head"]["treeSize"], proof, root)
    # Replaying the movements on the ledger gives the balance the register shows.
    balance = sum(
        (1 if e["entry"]["type"] == "handbook.import" else -1)
        * Decimal(e["entry"]["materials"][0]["quantity"])
        for e in seen["ledger"][1:]
    )
    assert balance == Decimal(seen["handbook"]["materials"][0]["balance"])

    assert api.get("other@demo", f"/api/v1/handbooks/{NUMBER}").status_code == 404
    assert api.get("carrier@demo", f"/api/v1/handbooks/{NUMBER}").status_code == 404
    for user in ("customs@demo", "commerce@demo", "admin@demo"):
        assert api.get(user, f"/api/v1/handbooks/{NUMBER}").status_code == 200


def test_two_exports_that_together_overdraw_release_once(api: Api) -> None:
    api.post("customs@demo", "/api/v1/handbooks", handbook())
    assert release(api, cleared(api, yarn("400", "IM-1"))).status_code == 200
    # Each export of 1000 shirts needs 255.102041 kg: either fits in 400, both do not.
    first, second = cleared(api, shirts(1000, "EX-1")), cleared(api, shirts(1000, "EX-2"))
    assert release(api, first).status_code == 200
    refused = release(api, second)
    assert refused.status_code == 409 and refused.json()["code"] == "handbook.exhausted"
    status = api.get("trader@demo", f"/api/v1/declarations/{second}").json()["status"]
    assert status == "cleared"  # nothing was written
    assert (yarn_of(api)["consumed"], yarn_of(api)["balance"]) == ("255.102041", "144.897959")


def test_concurrent_exports_that_together_overdraw_release_once(api: Api) -> None:
    """Released at the same time through the writer: the handbook row is locked, so one
    release consumes and the other is refused; neither is half-written."""
    api.post("customs@demo", "/api/v1/handbooks", handbook())
    assert release(api, cleared(api, yarn("400", "IM-1"))).status_code == 200
    ids = [cleared(api, shirts(1000, f"EX-{i}")) for i in range(2)]
    futures: list[Future[Any]] = [
        api.eport.submit(dc.ReleaseDeclaration(actor="customs", agency="customs", declaration_id=d))
        for d in ids
    ]
    outcomes = []
    for f in futures:
        try:
            f.result(timeout=30)
            outcomes.append("released")
        except Conflict as e:
            outcomes.append(e.code)
    assert sorted(outcomes) == ["handbook.exhausted", "released"]
    statuses = sorted(
        api.get("trader@demo", f"/api/v1/declarations/{d}").json()["status"] for d in ids
    )
    assert statuses == ["cleared", "released"]
    assert yarn_of(api)["balance"] == "144.897959"
    kinds = [
        e["entry"]["type"]
        for e in api.get("customs@demo", f"/api/v1/handbooks/{NUMBER}").json()["ledger"]
    ]
    assert kinds == ["handbook.issued", "handbook.import", "handbook.export"]


def test_lodging_refuses_what_the_handbook_does_not_allow(api: Api) -> None:
    api.post("customs@demo", "/api/v1/handbooks", handbook())
    api.post(
        "customs@demo", "/api/v1/handbooks",
        handbook(number="HB-OLD", validFrom="2024-01-01", validTo="2024-12-31"),
    )  # fmt: skip

    def refused(doc: dict[str, Any], user: str = "trader@demo") -> str:
        r = api.lodge(user, doc)
        assert r.status_code == 422, r.text
        error = r.json()["errors"][0]
        assert (error["pointer"], error["code"]) == ("/goodsItems/0/documents", "handbook.refused")
        return str(error["detail"])

    assert "no such handbook" in refused(yarn("1", "X-1", "HB-NONE"))
    assert "valid 2024-01-01 to 2024-12-31" in refused(yarn("1", "X-2", "HB-OLD"))
    assert "another enterprise" in refused(yarn("1", "X-3"), "other@demo")
    assert "not a material" in refused(shirts(1, "X-4") | {"declarationType": "IM"})
    assert "in KGM" in refused(yarn("1", "X-5", unit="TNE"))
    assert "left under its limit" in refused(yarn("10000.5", "X-6"))
    assert "its balance is 0" in refused(shirts(1, "X-7"))
    assert release(api, cleared(api, yarn("100", "IM-1"))).status_code == 200
    # 400 shirts need 102.040816 kg; 100 kg are there.
    assert "its balance is 100" in refused(shirts(400, "X-8"))
    assert api.lodge("trader@demo", shirts(392, "EX-OK")).status_code == 201  # 99.999998 kg
    revoke = f"/api/v1/handbooks/{NUMBER}/revoke"
    assert api.post("commerce@demo", revoke, {"reason": "fraud"}).status_code == 403
    assert api.post("customs@demo", revoke, {"reason": "fraud"}).status_code == 200
    assert "revoked" in refused(shirts(1, "X-9"))
    kinds = [
        e["entry"]["type"]
        for e in api.get("trader@demo", f"/api/v1/handbooks/{NUMBER}").json()["ledger"]
    ]
    assert kinds == ["handbook.issued", "handbook.import", "handbook.revoked"]


def test_an_invalid_handbook_is_refused_with_a_pointer_per_field(api: Api) -> None:
    def pointers(body: dict[str, Any]) -> set[tuple[str, str]]:
        r = api.post("customs@demo", "/api/v1/handbooks", body)
        assert r.status_code == 422, r.text
        return {(e["pointer"], e["code"]) for e in r.json()["errors"]}

    shape = pointers(
        handbook(
            materials=[{"hsCode": "52x", "description": "Yarn", "unit": "KGM",
                        "quantityLimit": "-1"}],
            products=[],
        )
    )  # fmt: skip
    assert {p for p, _ in shape} == {
        "/materials/0/hsCode",
        "/materials/0/quantityLimit",
        "/products",
    }
    rules = pointers(
        handbook(
            holder={"scheme": "USCC", "value": make_uscc("91110000MA0000000")},
            validTo="2025-12-31",
            materials=[
                {"hsCode": "5205", "description": "Yarn", "unit": "KGM", "quantityLimit": "0"},
                {"hsCode": "520512", "description": "Yarn", "unit": "KGM", "quantityLimit": "1"},
            ],
            products=[
                {"hsCode": "6205", "unit": "H87", "norms": [
                    {"material": "5806", "consumption": "0", "wasteRate": "1"}]},
            ],
        )
    )  # fmt: skip
    assert rules == {
        ("/holder", "enterprise.unknown"),
        ("/validTo", "period.empty"),
        ("/materials/0/quantityLimit", "number.too_small"),
        ("/materials/1/hsCode", "hs_code.overlap"),
        ("/products/0/norms/0/material", "material.unknown"),
        ("/products/0/norms/0/consumption", "number.too_small"),
        ("/products/0/norms/0/wasteRate", "number.out_of_range"),
    }
    assert api.get("customs@demo", f"/api/v1/handbooks/{NUMBER}").status_code == 404
