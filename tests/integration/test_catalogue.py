"""Administrators edit the requirements catalogue; every change is a new version."""

from __future__ import annotations

from tests.conftest import Api
from tests.factories import import_declaration, item

RULE = {
    "code": "QUA-WOOD",
    "description": "Sawn pine wood needs a phytosanitary certificate.",
    "conditions": {"hsPrefixes": ["4407"], "declarationTypes": ["IM"]},
    "agencies": ["quarantine"],
    "documents": [{"type": "851", "description": "phytosanitary certificate"}],
    "effectiveFrom": "2025-01-01",
}


def wood() -> dict:
    return import_declaration(goodsItems=[item(1, "440711", description="Sawn pine wood")])


def test_a_new_rule_routes_and_requires_documents_and_is_versioned(api: Api) -> None:
    assert api.lodge("trader@demo", wood()).json()["agencies"].keys() == {"customs", "port"}
    r = api.post("admin@demo", "/api/v1/catalogue/rules", RULE)
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1
    refused = api.lodge("trader@demo", wood())
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["rule"] == "QUA-WOOD"

    # Version 2 drops the document requirement; an edit of a stale version is refused.
    v2 = {**RULE, "documents": [], "expectedVersion": 1}
    assert (
        api.client.put(
            "/api/v1/catalogue/rules/QUA-WOOD", json=v2, headers=api.headers("admin@demo")
        ).status_code
        == 200
    )
    stale = api.client.put(
        "/api/v1/catalogue/rules/QUA-WOOD", json=v2, headers=api.headers("admin@demo")
    )
    assert stale.status_code == 409
    lodged = api.lodge("trader@demo", wood())
    assert lodged.status_code == 201
    assert lodged.json()["agencies"]["quarantine"]["rules"] == ["QUA-WOOD"]

    retired = api.client.request(
        "DELETE",
        "/api/v1/catalogue/rules/QUA-WOOD",
        json={"reason": "Policy ended"},
        headers=api.headers("admin@demo"),
    )
    assert retired.status_code == 200 and retired.json()["retired"] is True
    assert "quarantine" not in api.lodge("trader@demo", wood()).json()["agencies"]
    versions = api.get("trader@demo", "/api/v1/catalogue/rules/QUA-WOOD/versions").json()
    assert [(v["version"], v["retired"]) for v in versions["versions"]] == [
        (1, False),
        (2, False),
        (3, True),
    ]


def test_rules_in_the_future_do_not_apply_yet(api: Api) -> None:
    future = {**RULE, "code": "QUA-FUTURE", "effectiveFrom": "2999-01-01"}
    assert api.post("admin@demo", "/api/v1/catalogue/rules", future).status_code == 201
    assert api.lodge("trader@demo", wood()).status_code == 201
    listed = api.get("trader@demo", "/api/v1/catalogue/rules", at="2999-06-01").json()
    assert "QUA-FUTURE" in {r["code"] for r in listed["rules"]}


def test_bad_rules_get_pointers(api: Api) -> None:
    bad = {**RULE, "agencies": ["nobody"], "effectiveTo": "2020-01-01"}
    r = api.post("admin@demo", "/api/v1/catalogue/rules", bad)
    assert r.status_code == 422
    assert {e["pointer"] for e in r.json()["errors"]} == {"/agencies/0", "/effectiveTo"}


def test_agencies_are_a_configurable_list(api: Api) -> None:
    r = api.client.put(
        "/api/v1/agencies/fisheries",
        json={"name": "Fisheries authority", "interests": ["/"]},
        headers=api.headers("admin@demo"),
    )
    assert r.status_code == 200
    codes = {a["code"] for a in api.get("trader@demo", "/api/v1/agencies").json()["agencies"]}
    assert {"customs", "quarantine", "commerce", "forex", "tax", "port", "fisheries"} <= codes


def test_a_future_dated_edit_waits_for_its_day(api: Api) -> None:
    assert api.post("admin@demo", "/api/v1/catalogue/rules", RULE).status_code == 201
    later = {**RULE, "documents": [], "effectiveFrom": "2999-01-01", "expectedVersion": 1}
    r = api.client.put(
        "/api/v1/catalogue/rules/QUA-WOOD", json=later, headers=api.headers("admin@demo")
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    # Today version 1 still routes (and still wants its certificate) ...
    assert api.lodge("trader@demo", wood()).json()["errors"][0]["rule"] == "QUA-WOOD"
    today = api.get("trader@demo", "/api/v1/catalogue/rules", at="2026-06-01").json()
    assert {r["code"]: r["version"] for r in today["rules"]}["QUA-WOOD"] == 1
    # ... and version 2 takes over on its day.
    then = api.get("trader@demo", "/api/v1/catalogue/rules", at="2999-06-01").json()
    assert {r["code"]: r["version"] for r in then["rules"]}["QUA-WOOD"] == 2


def test_an_inactive_agency_gets_no_tasks(api: Api) -> None:
    r = api.client.put(
        "/api/v1/agencies/port",
        json={"name": "Port and terminal authority", "interests": ["/transport"], "active": False},
        headers=api.headers("admin@demo"),
    )
    assert r.status_code == 200
    assert set(api.lodge("trader@demo", import_declaration()).json()["agencies"]) == {"customs"}
