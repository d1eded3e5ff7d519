"""Clearance: a red lane orders an inspection; customs cannot accept until the findings are in;
a discrepancy reassesses the duties (a supplementary bill) and counts in the trader's record
and the rule's hit rate; goods matching a recorded trademark are held until customs decides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from eport.config import Settings
from tests.conftest import Api
from tests.factories import import_declaration, item


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "risk_enabled": True,
            "tariff_enabled": True,
            "risk_yellow_rate": 0.0,
            "risk_red_rate": 0.0,
        }
    )


def brazilian_beef() -> dict[str, Any]:
    goods = item(
        1, "02023000", description="Frozen boneless beef", originCountry="BR",
        quantity="20000", unit="KGM", netMass="20000", grossMass="21000", value="98000.00",
        documents=[{"type": "853", "reference": "BR-VET-1"}],
    )  # fmt: skip
    return import_declaration(
        goodsItems=[goods], invoiceAmount="98000.00", countryOfDispatch="BR",
        placeOfLoading="BRSSZ",
    )  # fmt: skip


def sneakers(description: str) -> dict[str, Any]:
    goods = item(
        1, "64031900", description=description, originCountry="VN", quantity="500", unit="PR",
        netMass="400", grossMass="450", value="9000.00",
    )  # fmt: skip
    return import_declaration(goodsItems=[goods], invoiceAmount="9000.00")


def test_red_lane_inspection_with_a_discrepancy_reassesses(api: Api) -> None:
    lodged = api.lodge("trader@demo", brazilian_beef())
    assert lodged.status_code == 201, lodged.text
    d = lodged.json()
    assert d["lane"] == "red"
    checks = api.get("trader@demo", f"/api/v1/declarations/{d['id']}/checks").json()
    [order] = checks["inspections"]
    assert order["state"] == "open" and "Red lane" in order["reason"]
    assert [o["id"] for o in api.get("customs@demo", "/api/v1/inspections").json()["items"]] == [
        order["id"]
    ]
    # Customs cannot accept before the inspection is done.
    early = api.decide("customs@demo", d["agencies"]["customs"]["task"], "accept")
    assert early.status_code == 409 and early.json()["code"] == "clearance.open"

    before = Decimal(d["duties"]["total"])
    found = api.post(
        "customs@demo",
        f"/api/v1/inspections/{order['id']}/findings",
        {
            "outcome": "discrepancy",
            "corrections": [
                {"item": 1, "field": "quantity", "declared": "20000", "found": "24000"},
                {"item": 1, "field": "value", "declared": "98000.00", "found": "117600.00"},
            ],
            "remarks": "Four pallets more than declared.",
        },
    )
    assert found.status_code == 200, found.text
    after = Decimal(found.json()["reassessed"]["total"])
    assert after > before
    duties = api.get("trader@demo", f"/api/v1/declarations/{d['id']}/duties").json()
    assert Decimal(duties["account"]["unpaid"]) == after  # the supplementary bill is due
    again = api.post(
        "customs@demo", f"/api/v1/inspections/{order['id']}/findings", {"outcome": "no_discrepancy"}
    )
    assert again.status_code == 409
    assert api.decide("customs@demo", d["agencies"]["customs"]["task"], "accept").status_code == 200

    stats = {
        s["rule"]: s for s in api.get("customs@demo", "/api/v1/risk/statistics").json()["rules"]
    }
    meat = stats["sanitary.meat_high_risk_origin"]
    assert (meat["hits"], meat["checked"], meat["findings"], meat["hitRate"]) == (1, 1, 1, 1.0)


def test_bad_findings_are_refused_field_by_field(api: Api) -> None:
    d = api.lodge("trader@demo", brazilian_beef()).json()
    order = api.get("trader@demo", f"/api/v1/declarations/{d['id']}/checks").json()["inspections"][
        0
    ]
    r = api.post(
        "customs@demo",
        f"/api/v1/inspections/{order['id']}/findings",
        {
            "outcome": "discrepancy",
            "corrections": [{"item": 7, "field": "quantity", "declared": "1", "found": "2"}],
        },
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/corrections/0/item"
    assert (
        api.post(
            "trader@demo",
            f"/api/v1/inspections/{order['id']}/findings",
            {"outcome": "no_discrepancy"},
        ).status_code
        == 403
    )
    still = api.get("customs@demo", f"/api/v1/inspections/{order['id']}").json()
    assert still["state"] == "open"


def test_customs_may_order_an_inspection_with_no_discrepancy(api: Api) -> None:
    goods = sneakers("Leather sports shoes")
    d = api.lodge("trader@demo", goods).json()
    ordered = api.post(
        "customs@demo", f"/api/v1/declarations/{d['id']}/inspections", {"reason": "Spot check"}
    )
    assert ordered.status_code == 201
    assert (
        api.post(
            "other@demo", f"/api/v1/declarations/{d['id']}/inspections", {"reason": "x"}
        ).status_code
        == 403
    )
    done = api.post(
        "customs@demo", f"/api/v1/inspections/{ordered.json()['id']}/findings",
        {"outcome": "no_discrepancy"},
    )  # fmt: skip
    assert done.status_code == 200 and done.json()["reassessed"] is None


def test_goods_matching_a_recorded_trademark_are_held(api: Api) -> None:
    recorded = api.post(
        "customs@demo",
        "/api/v1/ipr/recordations",
        {"rightsHolder": "Nike, Inc.", "trademark": "NIKE", "hsPrefixes": ["6403", "6404"],
         "validFrom": "2026-01-01"},
    )  # fmt: skip
    assert recorded.status_code == 201, recorded.text
    plain = api.lodge("trader@demo", sneakers("Leather sports shoes")).json()
    assert (
        api.get("trader@demo", f"/api/v1/declarations/{plain['id']}/checks").json()["iprHolds"]
        == []
    )
    held = api.lodge("trader@demo", sneakers("Nike Air leather sports shoes")).json()
    [hold] = api.get("trader@demo", f"/api/v1/declarations/{held['id']}/checks").json()["iprHolds"]
    assert hold["state"] == "held" and hold["trademark"] == "NIKE"
    customs_task = held["agencies"]["customs"]["task"]
    assert api.decide("customs@demo", customs_task, "accept").json()["code"] == "clearance.open"
    decided = api.post(
        "customs@demo", f"/api/v1/ipr/holds/{hold['id']}/decision",
        {"decision": "released", "reason": "The rights holder confirmed the goods are genuine."},
    )  # fmt: skip
    assert decided.status_code == 200 and decided.json()["state"] == "released"
    assert api.decide("customs@demo", customs_task, "accept").status_code == 200
