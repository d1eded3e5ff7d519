"""What customs and the forex agency administer, through the API, and how it changes the next
assessment or lane: certificates of origin (preference refused, then granted), published
exchange rates, quota balances (a quota running out between two declarations at release, and
racing releases that never overdraw it), risk rule-set versions, replay and hit statistics."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from eport.config import Settings
from eport.declarations import commands as dc
from eport.kernel.errors import EPortError
from eport.payments import commands as pc
from eport.risk.demo import demo_document
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


def beef(**over: Any) -> dict[str, Any]:
    """20 t of Australian frozen beef: MFN 12 %, ChAFTA 0 % with a certificate of origin."""
    goods = item(
        1, "02023000", description="Frozen boneless beef", originCountry="AU",
        quantity="20000", unit="KGM", netMass="20000", grossMass="21000", value="98000.00",
        documents=[{"type": "853", "reference": "AU-VET-1"}],
    )  # fmt: skip
    goods.update(over)
    return import_declaration(
        goodsItems=[goods], invoiceAmount="98000.00", countryOfDispatch="AU",
        placeOfLoading="AUMEL", totalPackages=800,
    )  # fmt: skip


def wheat(tonnes: int, ref: str) -> dict[str, Any]:
    kg = str(tonnes * 1000)
    goods = item(
        1, "10019990", description="Wheat", originCountry="AU", quantity=kg, unit="KGM",
        netMass=kg, grossMass=kg, value=str(tonnes * 250) + ".00",
    )  # fmt: skip
    return import_declaration(
        traderReference=ref, goodsItems=[goods], invoiceAmount=str(tonnes * 250) + ".00",
        countryOfDispatch="AU", placeOfLoading="AUMEL",
    )  # fmt: skip


def lodge(api: Api, doc: dict[str, Any]) -> dict[str, Any]:
    r = api.lodge("trader@demo", doc)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_a_preference_is_refused_without_a_certificate_and_granted_with_one(api: Api) -> None:
    without = lodge(api, beef())
    refused = [p for p in without["duties"]["preferences"] if p["agreement"] == "CHAFTA"]
    assert refused[0]["granted"] is False and refused[0]["reason"] == "preference.no_certificate"
    mfn_total = Decimal(without["duties"]["totals"]["duty"])
    assert mfn_total > 0

    cert = {"type": "861", "reference": "ChAFTA-AU-2026-000777"}
    unknown = lodge(api, beef(documents=[*beef()["goodsItems"][0]["documents"], cert]))
    decision = next(p for p in unknown["duties"]["preferences"] if p["agreement"] == "CHAFTA")
    assert decision["reason"] == "preference.certificate_invalid"

    record = {
        "reference": "ChAFTA-AU-2026-000777", "agreement": "CHAFTA", "origin": "AU",
        "issuer": "DFAT Australia", "validFrom": "2026-01-01", "validTo": "2027-12-31",
    }  # fmt: skip
    assert api.post("trader@demo", "/api/v1/tariff/origin-certificates", record).status_code == 403
    recorded = api.post("customs@demo", "/api/v1/tariff/origin-certificates", record)
    assert recorded.status_code == 201, recorded.text
    granted = lodge(api, beef(documents=[*beef()["goodsItems"][0]["documents"], cert]))
    decision = next(p for p in granted["duties"]["preferences"] if p["agreement"] == "CHAFTA")
    assert decision["granted"] is True
    assert Decimal(granted["duties"]["totals"].get("duty", "0")) == 0  # ChAFTA beef: 0 %
    assessment = api.get("trader@demo", f"/api/v1/declarations/{granted['id']}/assessment").json()
    lines = assessment["latest"]["assessment"]["lines"]
    assert any("CHAFTA" in str(line) for line in lines), lines
    assert any("CHAFTA" in line["legalReference"] for line in lines), lines


def test_a_published_rate_changes_the_next_assessment(api: Api) -> None:
    before = lodge(api, beef())
    official = api.get("trader@demo", "/api/v1/tariff/exchange-rates/USD").json()
    doubled = str((Decimal(official["rate"]) * 2).quantize(Decimal("0.000001")))
    body = {"currency": "USD", "rate": doubled, "validFrom": "2026-01-01"}
    assert api.post("customs@demo", "/api/v1/tariff/exchange-rates", body).status_code == 403
    assert api.post("forex@demo", "/api/v1/tariff/exchange-rates", body).status_code == 201
    after = lodge(api, beef(value="98000.00"))
    assert Decimal(after["duties"]["total"]) > Decimal(before["duties"]["total"]) * Decimal("1.9")
    assert api.get("trader@demo", "/api/v1/tariff/exchange-rates/USD").json()["rate"] == doubled


def test_nomenclature_search(api: Api) -> None:
    found = api.get("trader@demo", "/api/v1/tariff/lines", q="frozen bovine boneless").json()
    assert "02023000" in [e["code"] for e in found["items"]]
    by_code = api.get("trader@demo", "/api/v1/tariff/lines", q="8471").json()
    assert all(e["code"].startswith("8471") for e in by_code["items"]) and by_code["items"]


def clear_and_pay(api: Api, declaration_id: str) -> None:
    detail = api.get("trader@demo", f"/api/v1/declarations/{declaration_id}").json()
    for task in detail["agencies"]:
        if task["state"] == "pending":
            user = {
                "customs": "customs@demo",
                "port": "terminal@demo",
                "quarantine": "quarantine@demo",
            }[task["agency"]]
            assert api.decide(user, task["id"], "accept").status_code == 200
    trader = api.get("trader@demo", "/api/v1/me").json()["enterprise"]
    api.eport.run(
        pc.SetGuaranteeFacility(actor="c", enterprise=trader, limit=10**12, currency="CNY")
    )
    api.eport.run(pc.GuaranteeDuties(actor="t", declaration_id=declaration_id, enterprise=trader))


def test_a_quota_running_out_between_two_declarations(api: Api) -> None:
    """TRQ-WHEAT: 1 % in quota, 65 % out. 100 t are left; two declarations of 80 t each.

    At lodging both see 100 t, so both are assessed in quota. At release, first come first
    served: the first takes 80 t; the second gets the remaining 20 t in quota and 60 t out of
    quota, is reassessed, and is not released until the supplementary duty is secured."""
    assert (
        api.put_json(
            "customs@demo", "/api/v1/tariff/quotas/TRQ-WHEAT", {"balance": "100000"}
        ).status_code
        == 200
    )
    first, second = lodge(api, wheat(80, "W-1")), lodge(api, wheat(80, "W-2"))
    for d in (first, second):
        assert d["duties"]["quotaDraws"][0]["inQuota"] == "80000"
    clear_and_pay(api, first["id"])
    clear_and_pay(api, second["id"])
    ok = api.post("customs@demo", f"/api/v1/declarations/{first['id']}/release")
    assert ok.status_code == 200, ok.text
    short = api.post("customs@demo", f"/api/v1/declarations/{second['id']}/release")
    assert short.status_code == 409 and short.json()["code"] == "release.quota_exhausted"
    draw = short.json()["duties"]["quotaDraws"][0]
    assert (draw["inQuota"], draw["outOfQuota"]) == ("20000", "60000")
    # Duty before: 80 t at 250 USD/t in quota at 1 %; after: 60 t of it at 65 %.
    duties = api.get("trader@demo", f"/api/v1/declarations/{second['id']}/duties").json()
    assert duties["account"]["settled"] is False
    kinds = [p["kind"] for p in duties["postings"]]
    assert kinds[:2] == ["assessed", "guaranteed"] and "reassessed" in kinds
    quotas = {
        q["quotaId"]: q for q in api.get("trader@demo", "/api/v1/tariff/quotas").json()["items"]
    }
    assert quotas["TRQ-WHEAT"]["balance"] == "0"
    # Secured, the second is released, and the quota is not consumed twice.
    trader = api.get("trader@demo", "/api/v1/me").json()["enterprise"]
    api.eport.run(pc.GuaranteeDuties(actor="t", declaration_id=second["id"], enterprise=trader))
    again = api.post("customs@demo", f"/api/v1/declarations/{second['id']}/release")
    assert again.status_code == 200, again.text


def test_racing_releases_never_overdraw_a_quota(api: Api) -> None:
    api.put_json("customs@demo", "/api/v1/tariff/quotas/TRQ-WHEAT", {"balance": "250000"})
    racers = [lodge(api, wheat(50, f"R-{n}"))["id"] for n in range(8)]
    for did in racers:
        clear_and_pay(api, did)

    def release(declaration_id: str) -> str:
        try:
            result = api.eport.run(
                dc.ReleaseDeclaration(
                    actor="customs", agency="customs", declaration_id=declaration_id, reason=None
                )
            )
            return "released" if result["released"] else "short"
        except EPortError as exc:
            return exc.code

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(release, racers))
    assert outcomes.count("released") == 5 and outcomes.count("short") == 3, outcomes
    quotas = {
        q["quotaId"]: q for q in api.get("trader@demo", "/api/v1/tariff/quotas").json()["items"]
    }
    assert Decimal(quotas["TRQ-WHEAT"]["balance"]) == 0


def test_risk_rule_sets_versions_replay_and_statistics(api: Api) -> None:
    lodge(api, beef())  # first-time trader: yellow
    lodge(api, beef())
    versions = api.get("customs@demo", "/api/v1/risk/rule-sets/selectivity").json()["items"]
    assert [v["version"] for v in versions] == [1]
    assert api.get("trader@demo", "/api/v1/risk/rule-sets/selectivity").status_code == 403

    bad_put = api.post(
        "customs@demo", "/api/v1/risk/rule-sets/selectivity",
        {"validFrom": "2026-12-01", "document": {"nodes": "nope"}},
    )  # fmt: skip
    assert bad_put.status_code == 422 and bad_put.json()["errors"][0]["pointer"]

    replayed = api.post(
        "customs@demo", "/api/v1/risk/rule-sets/selectivity/replay",
        {"document": demo_document()},
    )  # fmt: skip
    assert replayed.status_code == 200, replayed.text
    report = replayed.json()
    assert report["total"] == 2 and report["changed"] == 0
    stats = {
        s["rule"]: s for s in api.get("customs@demo", "/api/v1/risk/statistics").json()["rules"]
    }
    assert sum(s["hits"] for s in stats.values()) >= 1
    put = api.post(
        "customs@demo", "/api/v1/risk/rule-sets/selectivity",
        {"validFrom": "2026-01-01", "document": demo_document(), "note": "same rules, v2"},
    )  # fmt: skip
    assert put.status_code == 201 and put.json()["version"] == 2


def test_the_trader_sees_the_lane_but_not_the_rules(api: Api) -> None:
    d = lodge(api, beef())
    mine = api.get("trader@demo", f"/api/v1/declarations/{d['id']}/risk").json()["latest"]
    assert mine["lane"] == d["lane"] and "fired" not in mine
    customs = api.get("customs@demo", f"/api/v1/declarations/{d['id']}/risk").json()["latest"]
    assert customs["fired"] and all(f["reason"] for f in customs["fired"])
    assert api.get("other@demo", f"/api/v1/declarations/{d['id']}/risk").status_code == 404


def test_an_aeo_with_a_clean_record_gets_the_green_lane(api: Api) -> None:
    from tests.factories import TRADER_USCC

    lodge(api, beef())  # not a first-time trader any more
    path = f"/api/v1/risk/profiles/USCC/{TRADER_USCC}"
    assert api.put_json("trader@demo", path, {"level": "aeo"}).status_code == 403
    assert api.put_json("customs@demo", path, {"level": "aeo"}).status_code == 200
    profile = api.get("customs@demo", path).json()
    assert (profile["level"], profile["pastDeclarations"]) == ("aeo", 1)
    d = lodge(api, beef())
    assert d["lane"] == "green"
    detail = api.get("trader@demo", f"/api/v1/declarations/{d['id']}").json()
    customs = next(t for t in detail["agencies"] if t["agency"] == "customs")
    assert (customs["state"], customs["decidedBy"]) == ("accepted", "risk")


def test_an_amendment_gets_a_lane_of_its_own(api: Api) -> None:
    d = lodge(api, beef())
    amended = beef()
    amended["goodsItems"][0]["description"] = "Frozen boneless beef, plant AU-123"
    r = api.client.post(
        f"/api/v1/declarations/{d['id']}/amendments",
        json={"reason": "plant number", "declaration": amended},
        headers=api.headers("trader@demo", "amend-lane"),
    )
    assert r.status_code == 201 and r.json()["lane"], r.text
    history = api.get("customs@demo", f"/api/v1/declarations/{d['id']}/risk").json()["history"]
    assert [h["revision"] for h in history] == [1, 2]
