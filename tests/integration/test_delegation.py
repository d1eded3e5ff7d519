"""Delegation: a broker lodges in a trader's name only within a signed-off scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import Api
from tests.factories import import_declaration


def enterprise_of(api: Api, user: str) -> str:
    return str(api.get(user, "/api/v1/me").json()["enterprise"])


def grant(api: Api, **over: Any) -> Any:
    now = datetime.now(UTC)
    from eport.datamodel.identifiers import make_uscc

    body = {
        "grantee": {"scheme": "USCC", "value": make_uscc("91310000MA1FL0002")},  # the broker
        "documentTypes": ["declaration", "amendment", "cancel"],
        "customsOffices": ["CNSHA01"],
        "validFrom": (now - timedelta(hours=1)).isoformat(),
        "validTo": (now + timedelta(days=30)).isoformat(),
        **over,
    }
    return api.post("trader@demo", "/api/v1/delegations", body)


def lodge_for(api: Api, on_behalf_of: str, doc: dict[str, Any] | None = None) -> Any:
    import uuid

    headers = api.headers("broker@demo", uuid.uuid4().hex)
    headers["X-EPort-On-Behalf-Of"] = on_behalf_of
    return api.client.post(
        "/api/v1/declarations", json=doc or import_declaration(), headers=headers
    )


def test_a_broker_lodges_for_a_trader_within_its_delegation(api: Api) -> None:
    trader = enterprise_of(api, "trader@demo")
    assert lodge_for(api, trader).status_code == 403  # no delegation yet
    r = grant(api)
    assert r.status_code == 201, r.text
    lodged = lodge_for(api, trader)
    assert lodged.status_code == 201, lodged.text
    did = lodged.json()["id"]
    # The trader owns it and sees it; the broker sees it as representative; others do not.
    detail = api.get("trader@demo", f"/api/v1/declarations/{did}").json()
    assert detail["owner"] == trader and detail["representative"] == enterprise_of(
        api, "broker@demo"
    )
    assert api.get("broker@demo", f"/api/v1/declarations/{did}").status_code == 200
    assert api.get("other@demo", f"/api/v1/declarations/{did}").status_code == 404
    assert did in {d["id"] for d in api.get("broker@demo", "/api/v1/declarations").json()["items"]}
    # The trader is told: the lodging event is on its declaration's history, by the broker.
    history = api.get("trader@demo", f"/api/v1/declarations/{did}/history").json()["events"]
    assert history[0]["type"] == "declaration.lodged"
    assert history[0]["data"]["representative"] == enterprise_of(api, "broker@demo")
    # The broker may cancel in the trader's name, since the delegation covers it.
    headers = api.headers("broker@demo")
    headers["X-EPort-On-Behalf-Of"] = trader
    r = api.client.post(
        f"/api/v1/declarations/{did}/cancel", json={"reason": "duplicate"}, headers=headers
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


def test_outside_the_scope_or_after_revocation_is_refused(api: Api) -> None:
    trader = enterprise_of(api, "trader@demo")
    delegation = grant(api, documentTypes=["declaration"], customsOffices=["CNSHA01"]).json()
    # Another customs office: not covered.
    assert lodge_for(api, trader, import_declaration(customsOffice="CNNGB01")).status_code == 403
    # Someone else's name: no delegation from them.
    assert lodge_for(api, enterprise_of(api, "other@demo")).status_code == 403
    assert lodge_for(api, trader).status_code == 201
    # Only the grantor revokes; then it is over.
    assert (
        api.post("other@demo", f"/api/v1/delegations/{delegation['id']}/revoke").status_code == 404
    )
    r = api.post("trader@demo", f"/api/v1/delegations/{delegation['id']}/revoke")
    assert r.status_code == 200 and r.json()["revokedAt"]
    assert lodge_for(api, trader).status_code == 403


def test_an_expired_delegation_does_not_count(api: Api) -> None:
    now = datetime.now(UTC)
    grant(
        api,
        validFrom=(now - timedelta(days=10)).isoformat(),
        validTo=(now - timedelta(days=1)).isoformat(),
    )
    assert lodge_for(api, enterprise_of(api, "trader@demo")).status_code == 403


def test_bad_grants_get_pointers(api: Api) -> None:
    r = grant(api, documentTypes=["everything"])
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/documentTypes"
    r = grant(api, grantee={"scheme": "USCC", "value": enterprise_of(api, "trader@demo")})
    assert r.status_code == 422
    assert api.post("broker@demo", "/api/v1/delegations", {}).status_code in (403, 422)
    listed = api.get("broker@demo", "/api/v1/delegations").json()["items"]
    assert listed == []
