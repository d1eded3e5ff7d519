"""Tenant isolation: traders see their own, officers what was routed to their agency."""

from __future__ import annotations

import pytest

from tests.conftest import Api
from tests.factories import import_declaration, meat_import

OFFICERS_NOT_ROUTED = ["commerce@demo", "forex@demo", "tax@demo"]


@pytest.fixture
def declaration(api: Api) -> dict[str, object]:
    r = api.lodge("trader@demo", meat_import())  # customs, quarantine, port
    assert r.status_code == 201
    return dict(r.json())


def test_another_trader_gets_404_on_every_declaration_endpoint(api: Api, declaration: dict) -> None:
    did = declaration["id"]
    for path in (
        f"/api/v1/declarations/{did}",
        f"/api/v1/declarations/{did}/history",
        f"/api/v1/declarations/{did}/revisions",
        f"/api/v1/declarations/{did}/revisions/1/original",
    ):
        for user in ["other@demo", "broker@demo", "carrier@demo", "bank@demo"]:
            r = api.get(user, path)
            assert r.status_code == 404, (user, path, r.status_code)
            assert r.json()["code"] == "not_found" or r.json()["code"].endswith("not_found")
    for user in ["other@demo", "broker@demo"]:
        assert (
            api.post(user, f"/api/v1/declarations/{did}/cancel", {"reason": "x"}).status_code == 404
        )
        assert (
            api.post(
                user,
                f"/api/v1/declarations/{did}/amendments",
                {"reason": "x", "declaration": import_declaration()},
                key="x",
            ).status_code
            == 404
        )
    listing = api.get("other@demo", "/api/v1/declarations").json()
    assert listing["items"] == []


def test_officers_see_only_what_was_routed_to_their_agency(api: Api, declaration: dict) -> None:
    did = declaration["id"]
    for user in ["customs@demo", "quarantine@demo", "terminal@demo"]:
        assert api.get(user, f"/api/v1/declarations/{did}").status_code == 200
        assert [d["id"] for d in api.get(user, "/api/v1/declarations").json()["items"]] == [did]
    for user in OFFICERS_NOT_ROUTED:
        assert api.get(user, f"/api/v1/declarations/{did}").status_code == 404
        assert api.get(user, "/api/v1/declarations").json()["items"] == []
        assert api.get(user, "/api/v1/tasks").json()["items"] == []


def test_an_officer_cannot_touch_another_agencys_task(api: Api, declaration: dict) -> None:
    tasks = declaration["agencies"]
    quarantine_task = tasks["quarantine"]["task"]
    for user in ["customs@demo", "commerce@demo", "terminal@demo"]:
        assert api.decide(user, quarantine_task, "accept").status_code == 404
        assert api.get(user, f"/api/v1/tasks/{quarantine_task}").status_code == 404
    assert api.get("customs@demo", "/api/v1/tasks", agency="quarantine").json()["items"] == []
    assert api.get("quarantine@demo", f"/api/v1/tasks/{quarantine_task}").status_code == 200


def test_traders_cannot_decide_release_or_administer(api: Api, declaration: dict) -> None:
    did = declaration["id"]
    task = declaration["agencies"]["customs"]["task"]
    assert api.decide("trader@demo", task, "accept").status_code == 403
    assert api.get("trader@demo", "/api/v1/tasks").status_code == 403
    assert api.post("trader@demo", f"/api/v1/declarations/{did}/release").status_code == 403
    rule = {
        "code": "X-1",
        "description": "x",
        "agencies": ["customs"],
        "effectiveFrom": "2026-01-01",
    }
    for user in ["trader@demo", "customs@demo", "bank@demo"]:
        assert api.post(user, "/api/v1/catalogue/rules", rule).status_code == 403
        assert (
            api.post(
                user,
                "/api/v1/admin/users",
                {"email": "x@y", "name": "x", "roles": ["admin"], "agency": "customs"},
            ).status_code
            == 403
        )
        assert api.get(user, "/api/v1/admin/audit").status_code == 403


def test_revoked_token_stops_working(api: Api) -> None:
    me = api.get("admin@demo", "/api/v1/me").json()
    issued = api.post(
        "admin@demo", f"/api/v1/admin/users/{me['userId']}/tokens", {"label": "temp"}
    ).json()
    headers = {"Authorization": f"Bearer {issued['token']}"}
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    r = api.client.delete(f"/api/v1/admin/tokens/{issued['id']}", headers=api.headers("admin@demo"))
    assert r.status_code == 204
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401


def test_tokens_are_stored_only_as_hashes(api: Api) -> None:
    import sqlalchemy as sa

    from eport.adapters.db import tables as t

    with api.eport.read_engine.connect() as conn:
        hashes = set(conn.execute(sa.select(t.api_tokens.c.token_hash)).scalars())
    assert not any(tok in hashes for tok in api.tokens.values())
    assert all(len(h) == 64 for h in hashes)


def test_admin_registers_an_enterprise_and_its_user_who_can_lodge(api: Api) -> None:
    from eport.datamodel.identifiers import make_uscc

    uscc = make_uscc("91320000MA1000006")
    bad = api.post(
        "admin@demo",
        "/api/v1/admin/enterprises",
        {"scheme": "USCC", "identifier": uscc[:-1] + "0", "name": "Bad"},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"] == "/identifier"
    ent = api.post(
        "admin@demo",
        "/api/v1/admin/enterprises",
        {"scheme": "USCC", "identifier": uscc, "name": "Nanjing Silk Co."},
    )
    assert ent.status_code == 201
    again = api.post(
        "admin@demo",
        "/api/v1/admin/enterprises",
        {"scheme": "USCC", "identifier": uscc, "name": "Nanjing Silk Co."},
    )
    assert again.status_code == 409
    nobody = api.post(
        "admin@demo",
        "/api/v1/admin/users",
        {"email": "x@nj", "name": "X", "roles": ["officer"], "agency": "nope"},
    )
    assert nobody.status_code == 422
    assert nobody.json()["errors"][0]["pointer"] == "/agency"
    user = api.post(
        "admin@demo",
        "/api/v1/admin/users",
        {"email": "li@nanjing", "name": "Li", "roles": ["trader"], "enterprise": ent.json()["id"]},
    ).json()
    token = api.post("admin@demo", f"/api/v1/admin/users/{user['id']}/tokens").json()["token"]
    r = api.client.post(
        "/api/v1/declarations",
        json=import_declaration(),
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "n1"},
    )
    assert r.status_code == 201
    assert api.get("trader@demo", f"/api/v1/declarations/{r.json()['id']}").status_code == 404
    missing = api.client.delete("/api/v1/admin/tokens/TOK-nope", headers=api.headers("admin@demo"))
    assert missing.status_code == 404 and missing.json()["code"] == "token.not_found"
