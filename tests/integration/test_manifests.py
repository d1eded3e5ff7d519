"""Manifests and cargo flow: a carrier manifests the cargo before arrival; an import must match
its bill of lading; the terminal's gate lets a container out only after release; customs sees
the discrepancies (bills not declared after N days, refused gate-outs)."""

from __future__ import annotations

from typing import Any

import pytest

from eport.config import Settings
from tests.conftest import Api
from tests.factories import OTHER_USCC, bill, import_declaration, manifest

MANIFESTS = "/api/v1/manifests"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"manifest_required": True})


def lodge_manifest(api: Api, doc: dict[str, Any], key: str = "man-1") -> Any:
    return api.client.post(MANIFESTS, json=doc, headers=api.headers("carrier@demo", key))


def arrived(api: Api, doc: dict[str, Any] | None = None) -> str:
    r = lodge_manifest(api, doc or manifest())
    assert r.status_code == 201, r.text
    arrival = api.post("carrier@demo", f"{MANIFESTS}/{r.json()['id']}/arrival")
    assert arrival.status_code == 200, arrival.text
    return str(r.json()["id"])


def declared(**over: Any) -> dict[str, Any]:
    return import_declaration(**over)


def release(api: Api, lodged: dict[str, Any]) -> None:
    officers = {"customs": "customs@demo", "quarantine": "quarantine@demo", "port": "terminal@demo"}
    for agency, task in lodged["agencies"].items():
        assert api.decide(officers[agency], task["task"], "accept").status_code == 200
    r = api.post("customs@demo", f"/api/v1/declarations/{lodged['id']}/release", {"reason": "ok"})
    assert r.status_code == 200, r.text


def test_manifest_then_declaration_then_gate_out_only_after_release(api: Api) -> None:
    manifest_id = arrived(api)
    lodged = api.lodge("trader@demo", declared())
    assert lodged.status_code == 201, lodged.text
    detail = api.get("customs@demo", f"{MANIFESTS}/{manifest_id}").json()
    assert detail["bills"][0]["declarationId"] == lodged.json()["id"]

    early = api.post("terminal@demo", "/api/v1/gate/out", {"container": "CSQU3054383"})
    assert early.status_code == 409 and early.headers["content-type"] == "application/problem+json"
    assert early.json()["code"] == "gate.refused" and "not released" in early.json()["detail"]

    release(api, lodged.json())
    out = api.post("terminal@demo", "/api/v1/gate/out", {"container": "CSQU3054383"})
    assert out.status_code == 200 and out.json()["outcome"] == "allowed", out.text

    report = api.get("customs@demo", f"{MANIFESTS}/discrepancies", days=0).json()
    assert [g["container"] for g in report["refusedGateOuts"]] == ["CSQU3054383"]
    assert report["undeclaredBills"] == []
    api.drain()
    events = api.get("trader@demo", f"/api/v1/declarations/{lodged.json()['id']}/history").json()
    types = [e["type"] for e in events["events"]]
    assert "gate.refused" in types and "gate.out" in types


def test_the_declaration_must_match_its_bill(api: Api) -> None:
    arrived(api)
    unknown = api.lodge(
        "trader@demo",
        declared(transportDocument={"type": "705", "reference": "NOSUCHBILL1"}),
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["code"] == "bill.not_manifested"

    without = import_declaration()
    del without["totalPackages"]
    no_packages = api.lodge("trader@demo", without)
    assert no_packages.json()["errors"][0]["pointer"] == "/totalPackages"

    wrong = import_declaration(totalPackages=99)
    wrong["goodsItems"][0]["grossMass"] = "400"  # the bill says 300 kg; 2% tolerance
    r = api.lodge("trader@demo", wrong)
    codes = {e["pointer"]: e["code"] for e in r.json()["errors"]}
    assert codes == {
        "/totalPackages": "bill.packages_mismatch",
        "/goodsItems": "bill.mass_mismatch",
    }

    within = import_declaration(totalPackages=100)
    within["goodsItems"][0]["grossMass"] = "305"  # 5 kg off 300 kg: within 2%
    first = api.lodge("trader@demo", within)
    assert first.status_code == 201, first.text

    # The bill is covered now; a second declaration on it is refused until the first is cancelled.
    second = api.lodge("trader@demo", declared(traderReference="PO-2"))
    assert second.json()["errors"][0]["code"] == "bill.already_declared"
    cancel = api.post(
        "trader@demo", f"/api/v1/declarations/{first.json()['id']}/cancel", {"reason": "dup"}
    )
    assert cancel.status_code == 200
    assert api.lodge("trader@demo", declared(traderReference="PO-2")).status_code == 201


def test_the_consignee_must_be_the_importer(api: Api) -> None:
    arrived(api, manifest(bill(consignee=OTHER_USCC)))
    r = api.lodge("trader@demo", declared())
    assert r.status_code == 422
    error = r.json()["errors"][0]
    assert (error["pointer"], error["code"]) == ("/importer/identifier", "bill.consignee_mismatch")


def test_bad_manifests_are_refused_field_by_field_and_lodging_is_idempotent(api: Api) -> None:
    bad = manifest(bill(containers=("CSQU3054383", "CSQU3054383")))
    bad["bills"][0]["packages"] = 7
    r = lodge_manifest(api, bad)
    assert r.status_code == 422
    pointers = {e["pointer"]: e["code"] for e in r.json()["errors"]}
    assert pointers["/bills/0/containers/1"] == "container.duplicate"
    assert pointers["/bills/0/packages"] == "packages.mismatch"
    assert api.get("carrier@demo", MANIFESTS).json()["items"] == []

    first = lodge_manifest(api, manifest(), key="m-key")
    again = lodge_manifest(api, manifest(), key="m-key")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    # The same bill on a second open manifest is refused.
    dup = lodge_manifest(api, manifest(voyage="0422E"), key="m-key-2")
    assert dup.status_code == 409 and dup.json()["code"] == "manifest.bill_exists"


def test_who_may_do_what_with_manifests(api: Api) -> None:
    manifest_id = arrived(api)
    assert api.post("trader@demo", MANIFESTS, manifest()).status_code == 403
    for user in ("trader@demo", "other@demo", "bank@demo", "quarantine@demo"):
        assert api.get(user, f"{MANIFESTS}/{manifest_id}").status_code == 404, user
    for user in ("customs@demo", "terminal@demo", "admin@demo", "carrier@demo"):
        assert api.get(user, f"{MANIFESTS}/{manifest_id}").status_code == 200, user
    assert (
        api.post("trader@demo", "/api/v1/gate/out", {"container": "CSQU3054383"}).status_code == 403
    )
    assert api.get("trader@demo", f"{MANIFESTS}/discrepancies").status_code == 403
    departed = api.post("carrier@demo", f"{MANIFESTS}/{manifest_id}/departure")
    assert departed.status_code == 200
    # A departed conveyance's bills are closed: an import can no longer name them.
    late = api.lodge("trader@demo", declared())
    assert late.json()["errors"][0]["code"] == "bill.not_manifested"


def test_undeclared_bills_show_up_after_n_days(api: Api) -> None:
    arrived(api)
    report = api.get("customs@demo", f"{MANIFESTS}/discrepancies", days=0).json()
    assert [b["bill"] for b in report["undeclaredBills"]] == ["MAEU123456789"]
    assert (
        api.get("customs@demo", f"{MANIFESTS}/discrepancies", days=3).json()["undeclaredBills"]
        == []
    )


def test_the_documented_walkthrough_documents_match(api: Api) -> None:
    """docs/api.md's walkthrough lodges meat_manifest(), then meat_import(), then amends."""
    from tests.factories import meat_import, meat_manifest

    arrived(api, meat_manifest())
    r = api.lodge("trader@demo", meat_import())
    assert r.status_code == 201, r.text
    amended = meat_import()
    amended["goodsItems"][0]["description"] = "Frozen boneless beef, plant AU-123"
    a = api.client.post(
        f"/api/v1/declarations/{r.json()['id']}/amendments",
        json={"reason": "Approval number added", "declaration": amended},
        headers=api.headers("trader@demo", "walk-amend"),
    )
    assert a.status_code == 201, a.text
