"""Enterprise registration: apply without an account; an administrator or the registration
agency approves (enterprise, first operator, activation token) or rejects with a reason."""

from __future__ import annotations

from typing import Any

from eport.datamodel.identifiers import make_uscc
from tests.conftest import Api

APPLY = "/api/v1/registrations"
REVIEW = "/api/v1/admin/registrations"


def application(body: str = "91440300MA5G00017", **overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "scheme": "USCC",
        "identifier": make_uscc(body),
        "name": "Shenzhen Bay Importers Co., Ltd.",
        "address": "1 Binhai Avenue, Nanshan, Shenzhen",
        "contact": {"name": "Li Na", "email": "li.na@bay.example", "phone": "+86 755 0000 0000"},
        "role": "trader",
    }
    doc.update(overrides)
    return doc


def pending(api: Api) -> list[dict[str, Any]]:
    return list(api.get("admin@demo", REVIEW).json()["items"])


def test_apply_approve_and_the_operator_activates(api: Api) -> None:
    r = api.client.post(APPLY, json=application())
    assert r.status_code == 202, r.text
    reg = r.json()
    assert reg["status"] == "pending" and reg["enterprise"] is None
    assert [p["id"] for p in pending(api)] == [reg["id"]]

    approved = api.post("admin@demo", f"{REVIEW}/{reg['id']}/approve", {})
    assert approved.status_code == 200, approved.text
    result = approved.json()
    assert result["status"] == "approved" and result["operator"]["email"] == "li.na@bay.example"
    activation = {"Authorization": f"Bearer {result['activationToken']}"}
    me = api.client.get("/api/v1/me", headers=activation).json()
    assert me["roles"] == ["trader"] and me["enterprise"] == result["enterprise"]
    # The new operator sets a password and can log in; the enterprise lodges its own goods.
    pw = api.client.post(
        "/api/v1/me/password", json={"new": "a long enough secret"}, headers=activation
    )
    assert pw.status_code == 204, pw.text
    login = api.client.post(
        "/api/v1/auth/login",
        json={"email": "li.na@bay.example", "password": "a long enough secret"},
    )
    assert login.status_code == 200, login.text

    assert pending(api) == []
    done = api.get("admin@demo", f"{REVIEW}/{reg['id']}").json()
    assert done["status"] == "approved" and done["decidedBy"] and done["enterprise"]
    again = api.post("admin@demo", f"{REVIEW}/{reg['id']}/approve", {})
    assert again.status_code == 409 and again.json()["code"] == "registration.already_decided"
    # Registered now: a second application for the same identifier is refused.
    assert api.client.post(APPLY, json=application()).status_code == 409

    api.drain()
    trail = api.get("admin@demo", "/api/v1/admin/audit", limit=1000).json()["entries"]
    actions = [e["action"] for e in trail]
    assert "registration.submitted" in actions and "registration.decided" in actions


def test_bad_applications_name_each_field_and_store_nothing(api: Api) -> None:
    bad = application(identifier="91440300MA5G00010", address=" ", role="bank")
    bad["contact"]["email"] = "nobody"
    r = api.client.post(APPLY, json=bad)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    pointers = {e["pointer"] for e in r.json()["errors"]}
    assert "/role" in pointers  # schema: not an enterprise role
    bad["role"] = "trader"
    r = api.client.post(APPLY, json=bad)
    pointers = {e["pointer"]: e["code"] for e in r.json()["errors"]}
    assert pointers["/identifier"] == "identifier.invalid"  # wrong USCC check digit
    assert pointers["/address"] == "required"
    assert pointers["/contact/email"] == "email.invalid"
    assert pending(api) == []
    # The demo trader is registered already.
    taken = api.client.post(APPLY, json=application("91310000MA1FL0001"))
    assert taken.status_code == 409
    # One pending application per identifier.
    assert api.client.post(APPLY, json=application()).status_code == 202
    assert api.client.post(APPLY, json=application()).status_code == 409


def test_only_registrars_review_and_rejection_needs_a_reason(api: Api) -> None:
    reg = api.client.post(APPLY, json=application()).json()
    for user in ("trader@demo", "customs@demo", "bank@demo", "broker@demo"):
        assert api.get(user, REVIEW).status_code == 403, user
        assert api.post(user, f"{REVIEW}/{reg['id']}/approve", {}).status_code == 403, user
    # The registration agency (commerce) reviews too.
    assert [p["id"] for p in api.get("commerce@demo", REVIEW).json()["items"]] == [reg["id"]]
    no_reason = api.post("commerce@demo", f"{REVIEW}/{reg['id']}/reject", {})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["pointer"] == "/reason"
    rejected = api.post(
        "commerce@demo", f"{REVIEW}/{reg['id']}/reject", {"reason": "Licence not shown"}
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert api.get("admin@demo", REVIEW, status="rejected").json()["items"][0]["reason"] == (
        "Licence not shown"
    )
    # After a rejection the enterprise may apply again.
    assert api.client.post(APPLY, json=application()).status_code == 202
    assert api.get("admin@demo", f"{REVIEW}/REG-nope").status_code == 404


def test_applying_is_rate_limited_per_address(api: Api) -> None:
    answers = [api.client.post(APPLY, json=application(f"9144030000000{n:04d}")) for n in range(11)]
    assert [a.status_code for a in answers[:10]] == [202] * 10
    assert answers[10].status_code == 429
    assert answers[10].headers["content-type"] == "application/problem+json"
    assert len(pending(api)) == 10
