"""The combined status through agency decisions, queries, amendments, cancel and release."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.factories import export_declaration, import_declaration, item, meat_import


def status(api: Api, declaration_id: str) -> str:
    return str(api.get("trader@demo", f"/api/v1/declarations/{declaration_id}").json()["status"])


def lodge(api: Api, doc: dict[str, Any]) -> dict[str, Any]:
    r = api.lodge("trader@demo", doc)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_all_accept_clears_then_customs_releases(api: Api) -> None:
    dec = lodge(api, meat_import())
    did = dec["id"]
    officers = {"customs": "customs@demo", "quarantine": "quarantine@demo", "port": "terminal@demo"}
    for agency, user in officers.items():
        assert status(api, did) in ("lodged", "under_review")
        r = api.decide(user, dec["agencies"][agency]["task"], "accept")
        assert r.status_code == 200, r.text
    assert status(api, did) == "cleared"
    assert api.post("quarantine@demo", f"/api/v1/declarations/{did}/release").status_code == 403
    r = api.post("customs@demo", f"/api/v1/declarations/{did}/release", {"reason": "ok"})
    assert r.status_code == 200 and r.json()["status"] == "released"
    assert api.post("customs@demo", f"/api/v1/declarations/{did}/release").status_code == 409
    assert (
        api.post(
            "trader@demo", f"/api/v1/declarations/{did}/cancel", {"reason": "too late"}
        ).status_code
        == 409
    )
    history = api.get("trader@demo", f"/api/v1/declarations/{did}/history").json()["events"]
    types = [e["type"] for e in history]
    assert types[0] == "declaration.lodged"
    assert types.count("task.decided") == 3
    assert types[-3:] == [
        "declaration.released",
        "declaration.status_changed",
        "ledger.entry_appended",  # every release is written on the E-Ledger
    ]
    transitions = [
        (e["data"]["from"], e["data"]["to"])
        for e in history
        if e["type"] == "declaration.status_changed"
    ]
    assert transitions == [
        ("lodged", "under_review"),
        ("under_review", "cleared"),
        ("cleared", "released"),
    ]
    decided = [e for e in history if e["type"] == "task.decided"]
    assert {e["agency"] for e in decided} == set(officers)
    assert all(e["occurredAt"].endswith("Z") and e["actor"].startswith("USR-") for e in history)


def test_any_reject_rejects(api: Api) -> None:
    dec = lodge(api, meat_import())
    api.decide("customs@demo", dec["agencies"]["customs"]["task"], "accept")
    assert (
        api.decide("quarantine@demo", dec["agencies"]["quarantine"]["task"], "reject").status_code
        == 422
    )  # a reject gives its reason
    r = api.decide(
        "quarantine@demo",
        dec["agencies"]["quarantine"]["task"],
        "reject",
        "Beef from a plant not on the approved list",
    )
    assert r.status_code == 200
    assert status(api, dec["id"]) == "rejected"
    r = api.decide("terminal@demo", dec["agencies"]["port"]["task"], "accept")
    assert r.status_code == 200  # the port may still close its task; the status stays rejected
    assert status(api, dec["id"]) == "rejected"
    amend = api.post(
        "trader@demo",
        f"/api/v1/declarations/{dec['id']}/amendments",
        {"reason": "x", "declaration": meat_import(traderReference="X")},
        key="a",
    )
    assert amend.status_code == 409


def test_query_amend_reroutes_only_the_agencies_concerned(api: Api) -> None:
    doc = meat_import()
    dec = lodge(api, doc)
    did, tasks = dec["id"], dec["agencies"]
    api.decide("customs@demo", tasks["customs"]["task"], "accept")
    api.decide("terminal@demo", tasks["port"]["task"], "accept")
    r = api.decide(
        "quarantine@demo",
        tasks["quarantine"]["task"],
        "query",
        "Give the slaughterhouse approval number on the beef line",
    )
    assert r.status_code == 200
    assert status(api, did) == "queried"
    # A decided task cannot be decided again.
    assert api.decide("quarantine@demo", tasks["quarantine"]["task"], "accept").status_code == 409

    amended = meat_import()
    amended["goodsItems"][0]["description"] = "Frozen boneless beef, plant AU-123"
    r = api.post(
        "trader@demo",
        f"/api/v1/declarations/{did}/amendments",
        {"reason": "Plant number added as asked", "declaration": amended},
        key="am-1",
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["revision"] == 2 and body["status"] == "amended"
    assert body["diff"] == [
        {
            "pointer": "/goodsItems/0/description",
            "old": "Frozen boneless beef",
            "new": "Frozen boneless beef, plant AU-123",
        }
    ]
    # Quarantine asked, and customs reviews everything; the port's decision stands.
    assert body["rerouted"] == {
        "reopened": ["customs", "quarantine"],
        "added": [],
        "withdrawn": [],
        "unaffected": ["port"],
    }
    detail = api.get("trader@demo", f"/api/v1/declarations/{did}").json()
    states = {t["agency"]: (t["state"], t["revision"]) for t in detail["agencies"]}
    assert states == {
        "customs": ("pending", 2),
        "quarantine": ("pending", 2),
        "port": ("accepted", 1),
    }
    assert detail["declaration"]["goodsItems"][0]["description"].endswith("AU-123")
    revs = api.get("trader@demo", f"/api/v1/declarations/{did}/revisions").json()["revisions"]
    assert [r["revision"] for r in revs] == [1, 2]
    assert revs[1]["reason"] == "Plant number added as asked"

    # A stale decision (on revision 1) is refused; the current one is accepted.
    stale = api.post(
        "quarantine@demo",
        f"/api/v1/tasks/{tasks['quarantine']['task']}/decision",
        {"decision": "accept", "revision": 1},
    )
    assert stale.status_code == 409
    api.decide("quarantine@demo", tasks["quarantine"]["task"], "accept")
    assert status(api, did) == "under_review"
    api.decide("customs@demo", tasks["customs"]["task"], "accept")
    assert status(api, did) == "cleared"


def test_amendment_that_adds_goods_adds_an_agency_and_withdraws_one(api: Api) -> None:
    dec = lodge(api, import_declaration())  # laptops: customs + port
    did = dec["id"]
    assert set(dec["agencies"]) == {"customs", "port"}
    car = item(
        2,
        "870323",
        description="Passenger car",
        quantity="1",
        netMass="1400",
        grossMass="1500",
        value="30000.00",
        documents=[{"type": "911", "reference": "LIC-1"}],
    )
    new = import_declaration(
        goodsItems=[item(), car], invoiceAmount="75000.00", transport={"mode": "3"}, containers=[]
    )
    r = api.post(
        "trader@demo",
        f"/api/v1/declarations/{did}/amendments",
        {"reason": "Car added; goes by road", "declaration": new},
        key="am-2",
    )
    assert r.status_code == 201, r.text
    assert r.json()["rerouted"]["added"] == ["commerce"]
    assert r.json()["rerouted"]["withdrawn"] == ["port"]
    detail = api.get("trader@demo", f"/api/v1/declarations/{did}").json()
    states = {t["agency"]: t["state"] for t in detail["agencies"]}
    assert states == {"customs": "pending", "commerce": "pending", "port": "withdrawn"}


def test_amendment_is_validated_with_pointers_into_the_body(api: Api) -> None:
    dec = lodge(api, meat_import())
    bad = meat_import(currency="ZZZ")
    bad["goodsItems"][0]["documents"] = []
    r = api.post(
        "trader@demo",
        f"/api/v1/declarations/{dec['id']}/amendments",
        {"reason": "x", "declaration": bad},
        key="am-3",
    )
    assert r.status_code == 422
    assert {(e["pointer"], e["code"]) for e in r.json()["errors"]} == {
        ("/declaration/currency", "currency.unknown")
    }
    r = api.post(
        "trader@demo",
        f"/api/v1/declarations/{dec['id']}/amendments",
        {"reason": "x", "declaration": meat_import()},
        key="am-4",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "amendment.no_change"
    nodoc = meat_import(traderReference="changed")
    nodoc["goodsItems"][0]["documents"] = []
    r = api.post(
        "trader@demo",
        f"/api/v1/declarations/{dec['id']}/amendments",
        {"reason": "x", "declaration": nodoc},
        key="am-5",
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/declaration/goodsItems/0/documents"
    assert r.json()["errors"][0]["rule"] == "QUA-MEAT-VET"
    assert api.get("trader@demo", f"/api/v1/declarations/{dec['id']}").json()["revision"] == 1


def test_cancel_before_release_closes_every_task(api: Api) -> None:
    dec = lodge(api, export_declaration())
    did = dec["id"]
    assert set(dec["agencies"]) == {"customs", "commerce", "forex", "tax", "port"}
    api.decide("commerce@demo", dec["agencies"]["commerce"]["task"], "accept")
    assert (
        api.post("trader@demo", f"/api/v1/declarations/{did}/cancel", {"reason": ""}).status_code
        == 422
    )
    r = api.post(
        "trader@demo", f"/api/v1/declarations/{did}/cancel", {"reason": "Buyer withdrew the order"}
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    detail = api.get("trader@demo", f"/api/v1/declarations/{did}").json()
    assert {t["state"] for t in detail["agencies"]} == {"cancelled"}
    assert api.decide("forex@demo", dec["agencies"]["forex"]["task"], "accept").status_code == 409


def test_listing_filters_and_paginates(api: Api) -> None:
    ids = [lodge(api, import_declaration(traderReference=f"R{i}"))["id"] for i in range(5)]
    api.post("trader@demo", f"/api/v1/declarations/{ids[0]}/cancel", {"reason": "dup"})
    page = api.get("trader@demo", "/api/v1/declarations", limit=2).json()
    assert [d["id"] for d in page["items"]] == [ids[4], ids[3]]
    page2 = api.get(
        "trader@demo", "/api/v1/declarations", limit=2, cursor=page["nextCursor"]
    ).json()
    assert [d["id"] for d in page2["items"]] == [ids[2], ids[1]]
    cancelled = api.get("trader@demo", "/api/v1/declarations", status="cancelled").json()
    assert [d["id"] for d in cancelled["items"]] == [ids[0]]
    future = api.get("trader@demo", "/api/v1/declarations", **{"from": "2999-01-01"}).json()
    assert future["items"] == []
    assert api.get("trader@demo", "/api/v1/declarations", cursor="!!").status_code == 422
    tasks = api.get("customs@demo", "/api/v1/tasks", state="pending").json()["items"]
    assert {t["declarationId"] for t in tasks} == set(ids[1:])
