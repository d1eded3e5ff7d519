"""Administration and account pages over HTTP (no browser): each page's main action goes
through the same command as the API, with the API's access rules."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from litestar.testing import TestClient

from eport.bootstrap import EPort
from eport.config import Settings
from eport.entrypoints.seed import ENTERPRISES, issue_token, make_uscc
from eport.risk.demo import demo_document
from tests.factories import import_declaration
from tests.web.conftest import csrf, log_in

BROKER_USCC = next(uscc for key, uscc, _ in ENTERPRISES if key == "broker")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Lodgements get a lane, so a replay has past selections to run over.
    return settings.model_copy(
        update={"risk_enabled": True, "risk_yellow_rate": 0.0, "risk_red_rate": 0.0}
    )


def post_form(web: TestClient[Any], path: str, form_page: str, data: dict[str, Any]) -> Any:
    return web.post(
        path, data={**data, "_csrf_token": csrf(web, form_page)}, follow_redirects=False
    )


def lodge(web: TestClient[Any], eport: EPort) -> dict[str, Any]:
    token = issue_token(eport, "trader@demo")
    r = web.post(
        "/api/v1/declarations",
        json=import_declaration(),
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code in (201, 202), r.text
    result: dict[str, Any] = r.json()
    return result


def drain(eport: EPort) -> None:
    assert eport.dispatcher is not None
    while eport.dispatcher.run_once():
        pass


def test_non_admins_get_a_403_page(web: TestClient[Any]) -> None:
    log_in(web, "trader@demo")
    for path in ("/portal/admin", "/portal/admin/users", "/portal/admin/audit",
                 "/portal/admin/registrations", "/portal/admin/risk",
                 "/portal/admin/catalogue/new"):  # fmt: skip
        r = web.get(path)
        assert r.status_code == 403, path
        assert "You may not do this" in r.text
    refused = post_form(
        web, "/portal/admin/users", "/portal", {"email": "x@y.z", "name": "X", "roles": "admin"}
    )
    assert refused.status_code == 403
    assert "Administration" not in web.get("/portal").text.split("<main")[0]


def test_the_admin_creates_a_user_and_sees_errors_next_to_fields(web: TestClient[Any]) -> None:
    log_in(web, "admin@demo")
    overview = web.get("/portal/admin")
    assert overview.status_code == 200 and "/portal/admin/users" in overview.text
    listing = web.get("/portal/admin/users")
    assert "Shanghai Eastern Trading Co., Ltd." in listing.text and "trader@demo" in listing.text
    # No role (the form's check), then neither an enterprise nor an agency (the command's).
    bad = post_form(
        web, "/portal/admin/users", "/portal/admin/users", {"email": "new@demo", "name": ""}
    )
    assert bad.status_code == 422
    assert 'role="alert"' in bad.text and 'href="#f-roles"' in bad.text
    assert re.search(
        r'id="f-name"[^>]*aria-describedby="f-name-error" aria-invalid="true"', bad.text
    )
    bad = post_form(
        web, "/portal/admin/users", "/portal/admin/users",
        {"email": "new@demo", "name": "New", "roles": "trader"},
    )  # fmt: skip
    assert bad.status_code == 422 and 'id="f-enterprise-error"' in bad.text
    assert re.search(r'id="f-enterprise"[^>]*aria-invalid="true"', bad.text)
    ok = post_form(
        web, "/portal/admin/users", "/portal/admin/users",
        {"email": "clerk@demo", "name": "New clerk", "roles": ["officer"], "agency": "customs"},
    )  # fmt: skip
    assert ok.status_code == 200, ok.text
    assert "User clerk@demo created" in ok.text
    again = post_form(
        web, "/portal/admin/users", "/portal/admin/users",
        {"email": "clerk@demo", "name": "Twice", "roles": "officer", "agency": "customs"},
    )  # fmt: skip
    assert again.status_code == 409 and "A user with this e-mail exists." in again.text


def test_the_admin_approves_and_rejects_registrations(web: TestClient[Any]) -> None:
    ids = []
    for n, suffix in enumerate(("91310000MA1FL0077", "91310000MA1FL0078")):
        applied = web.post(
            "/api/v1/registrations",
            json={
                "identifier": make_uscc(suffix), "name": f"Applicant {n} Ltd.",
                "address": "1 Bund Road, Shanghai",
                "contact": {"name": "Ms Applicant", "email": f"applicant{n}@example.com"},
            },
        )  # fmt: skip
        assert applied.status_code == 202, applied.text
        ids.append(applied.json()["id"])
    log_in(web, "admin@demo")
    listing = web.get("/portal/admin/registrations")
    assert "Applicant 0 Ltd." in listing.text and "Applicant 1 Ltd." in listing.text
    approved = post_form(
        web, f"/portal/admin/registrations/{ids[0]}/approve", "/portal/admin/registrations", {}
    )
    assert approved.status_code == 200, approved.text
    assert "Application approved" in approved.text and "applicant0@example.com" in approved.text
    # A rejection needs a reason, shown next to that application's field.
    no_reason = post_form(
        web, f"/portal/admin/registrations/{ids[1]}/reject", "/portal/admin/registrations", {}
    )
    assert no_reason.status_code == 422
    assert f'id="f-reason-{ids[1]}-error"' in no_reason.text
    rejected = post_form(
        web, f"/portal/admin/registrations/{ids[1]}/reject", "/portal/admin/registrations",
        {"reason": "Licence missing"},
    )  # fmt: skip
    assert rejected.status_code == 200 and "was rejected" in rejected.text
    assert "No applications." in web.get("/portal/admin/registrations").text
    everything = web.get("/portal/admin/registrations?status=all").text
    assert "Licence missing" in everything


def test_the_admin_puts_a_catalogue_rule_and_sees_it_listed(web: TestClient[Any]) -> None:
    log_in(web, "admin@demo")
    rule = {
        "code": "WOOD-IMPORT", "description": "Wood needs a phytosanitary check",
        "hs_prefixes": "4401, 4403", "declaration_types": "IM", "agencies": "quarantine",
        "documents": "N851", "effective_from": "2026-01-01", "effective_to": "",
    }  # fmt: skip
    # An unknown agency and a period that ends before it starts: errors next to the fields.
    bad = post_form(
        web, "/portal/admin/catalogue", "/portal/admin/catalogue/new",
        {**rule, "agencies": "nobody", "effective_to": "2025-01-01"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert 'id="f-agencies-error"' in bad.text and 'id="f-effective_to-error"' in bad.text
    assert 'href="#f-agencies"' in bad.text
    created = post_form(web, "/portal/admin/catalogue", "/portal/admin/catalogue/new", rule)
    assert created.status_code == 303, created.text
    assert created.headers["location"].startswith("/portal/admin/catalogue/WOOD-IMPORT")
    listing = web.get("/portal/admin/catalogue").text
    assert "WOOD-IMPORT" in listing and "Wood needs a phytosanitary check" in listing
    # The next version, edited from version 1; an edit of a stale version is refused.
    edit = {**rule, "description": "Wood and wood products", "expected_version": "1"}
    assert post_form(web, "/portal/admin/catalogue", "/portal/admin/catalogue/WOOD-IMPORT",
                     edit).status_code == 303  # fmt: skip
    stale = post_form(web, "/portal/admin/catalogue", "/portal/admin/catalogue/WOOD-IMPORT", edit)
    assert stale.status_code == 409 and "Someone changed this rule" in stale.text
    versions = web.get("/portal/admin/catalogue/WOOD-IMPORT").text
    assert "Wood and wood products" in versions and "Wood needs a phytosanitary check" in versions
    retired = post_form(
        web, "/portal/admin/catalogue/WOOD-IMPORT/retire", "/portal/admin/catalogue/WOOD-IMPORT",
        {"reason": "Replaced"},
    )  # fmt: skip
    assert retired.status_code == 303
    assert "retired" in web.get("/portal/admin/catalogue").text


def test_the_admin_publishes_an_exchange_rate_and_browses_the_tariff(web: TestClient[Any]) -> None:
    log_in(web, "admin@demo")
    bad = post_form(
        web, "/portal/admin/rates", "/portal/admin/rates",
        {"currency": "USD", "rate": "-1", "valid_from": "2026-02-01"},
    )  # fmt: skip
    assert bad.status_code == 422 and 'id="f-rate-error"' in bad.text
    ok = post_form(
        web, "/portal/admin/rates", "/portal/admin/rates",
        {"currency": "usd", "rate": "7.1234", "valid_from": "2026-02-01", "valid_to": ""},
    )  # fmt: skip
    assert ok.status_code == 200, ok.text
    assert "Published: 1 USD = 7.1234" in ok.text
    assert re.search(r"<th scope=\"row\">USD</th><td class=\"num\">7.1234</td>", ok.text)
    tariff = web.get("/portal/admin/tariff", params={"q": "0201"})
    assert tariff.status_code == 200 and "020130" in tariff.text.replace(".", "")


def test_forex_publishes_rates_but_a_trader_may_not(web: TestClient[Any]) -> None:
    log_in(web, "trader@demo")
    refused = post_form(
        web, "/portal/admin/rates", "/portal/admin/rates",
        {"currency": "EUR", "rate": "8", "valid_from": "2026-02-01"},
    )  # fmt: skip
    assert refused.status_code == 403


def test_customs_replays_a_rule_set_and_sees_hit_counts(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    lodge(web, portal_eport)
    lodge(web, portal_eport)
    log_in(web, "admin@demo")
    index = web.get("/portal/admin/risk")
    assert index.status_code == 200 and "selectivity" in index.text
    bad = web.post(
        "/portal/admin/risk/replay",
        data={"code": "selectivity", "document": "{not json",
              "_csrf_token": csrf(web, "/portal/admin/risk")},
    )  # fmt: skip
    assert bad.status_code == 422 and 'id="f-document-error"' in bad.text
    report = web.post(
        "/portal/admin/risk/replay",
        data={"code": "selectivity", "_csrf_token": csrf(web, "/portal/admin/risk")},
        files={"file": ("proposed.json", json.dumps(demo_document()).encode(), "application/json")},
    )
    assert report.status_code == 200, report.text
    assert "2 past declarations replayed: 2 keep their lane, 0 would move." in report.text
    hits = re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', report.text)
    assert hits and sum(int(n) for _, n in hits) >= 1
    # Store what was replayed as the next version; a bad date is shown next to its field.
    proposed = re.search(r'name="proposed" value="([^"]*)"', report.text)
    assert proposed
    import html

    document = html.unescape(proposed.group(1))
    token = csrf(web, "/portal/admin/risk")
    bad_date = web.post(
        "/portal/admin/risk/versions",
        data={"code": "selectivity", "proposed": document, "validFrom": "tomorrow",
              "_csrf_token": token},
    )  # fmt: skip
    assert bad_date.status_code == 422 and 'id="f-validFrom-error"' in bad_date.text
    stored = web.post(
        "/portal/admin/risk/versions",
        data={"code": "selectivity", "proposed": document, "validFrom": "2026-01-01",
              "note": "replayed first", "_csrf_token": token},
    )  # fmt: skip
    assert stored.status_code == 200, stored.text
    assert "Version 2 of selectivity is stored." in stored.text


def test_audit_search_finds_a_lodged_declarations_events(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    declaration = lodge(web, portal_eport)
    drain(portal_eport)
    log_in(web, "admin@demo")
    r = web.get("/portal/admin/audit", params={"declaration": declaration["id"]})
    assert r.status_code == 200
    assert "declaration.lodged" in r.text.lower() or "DeclarationLodged" in r.text
    rows = re.findall(r"<tr>\s*<td class=\"num\">", r.text)
    assert rows
    # The same search by actor (e-mail), event prefix and today's date.
    day = r.text.split('<time datetime="')[1][:10]
    narrowed = web.get(
        "/portal/admin/audit",
        params={"actor": "trader@demo", "event": "declaration.*", "from": day, "to": day},
    )
    assert declaration["id"] in narrowed.text
    assert (
        "No audit entries match."
        in web.get("/portal/admin/audit", params={"declaration": "DEC-NONE"}).text
    )
    assert web.get("/portal/admin/audit", params={"from": "yesterday"}).status_code == 422


def test_a_trader_grants_and_revokes_a_delegation(web: TestClient[Any]) -> None:
    log_in(web, "trader@demo")
    page = web.get("/portal/delegations")
    assert page.status_code == 200 and "You have granted no delegations." in page.text
    bad = post_form(
        web, "/portal/delegations", "/portal/delegations",
        {"grantee": "NOPE", "valid_from": "2026-01-01", "valid_to": "2025-01-01"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert 'id="f-grantee-error"' in bad.text and 'href="#f-grantee"' in bad.text
    granted = post_form(
        web, "/portal/delegations", "/portal/delegations",
        {"grantee": BROKER_USCC, "document_types": ["declaration", "amendment"],
         "customs_offices": "CNSHA, CNNGB", "valid_from": "2026-01-01", "valid_to": "2027-01-01"},
    )  # fmt: skip
    assert granted.status_code == 303, granted.text
    listing = web.get("/portal/delegations").text
    assert "Pudong Customs Brokerage Co., Ltd." in listing and "CNNGB, CNSHA" in listing
    delegation_id = re.search(r"/portal/delegations/([^/]+)/revoke", listing)
    assert delegation_id
    # The broker sees it as received, with no revoke button.
    broker = TestClient(web.app)
    with broker:
        log_in(broker, "broker@demo")
        received = broker.get("/portal/delegations").text
        assert "Shanghai Eastern Trading Co., Ltd." in received and "/revoke" not in received
        # Another enterprise cannot revoke it: not found.
        other = post_form(
            broker, f"/portal/delegations/{delegation_id.group(1)}/revoke",
            "/portal/delegations", {},
        )  # fmt: skip
        assert other.status_code == 403  # a broker grants no delegations (API: 403)
    stranger = TestClient(web.app)
    with stranger:
        log_in(stranger, "other@demo")
        other = post_form(
            stranger, f"/portal/delegations/{delegation_id.group(1)}/revoke",
            "/portal/delegations", {},
        )  # fmt: skip
        assert other.status_code == 404
    revoked = post_form(
        web, f"/portal/delegations/{delegation_id.group(1)}/revoke", "/portal/delegations", {}
    )
    assert revoked.status_code == 303
    assert "revoked" in web.get("/portal/delegations").text


def test_a_trader_adds_and_removes_a_webhook(web: TestClient[Any]) -> None:
    log_in(web, "trader@demo")
    assert "No subscriptions." in web.get("/portal/webhooks").text
    bad = post_form(web, "/portal/webhooks", "/portal/webhooks", {"url": "ftp://example.com/x"})
    assert bad.status_code == 422 and 'id="f-url-error"' in bad.text
    added = post_form(
        web, "/portal/webhooks", "/portal/webhooks",
        {"url": "https://hooks.example.com/eport", "event_types": "declaration.released"},
    )  # fmt: skip
    assert added.status_code == 200, added.text
    assert "shown only once" in added.text and "https://hooks.example.com/eport" in added.text
    subscription = re.search(r"/portal/webhooks/([^/]+)/remove", added.text)
    assert subscription
    stranger = TestClient(web.app)
    with stranger:
        log_in(stranger, "other@demo")
        assert "hooks.example.com" not in stranger.get("/portal/webhooks").text
        theirs = post_form(
            stranger, f"/portal/webhooks/{subscription.group(1)}/remove", "/portal/webhooks", {}
        )
        assert theirs.status_code == 404
    removed = post_form(
        web, f"/portal/webhooks/{subscription.group(1)}/remove", "/portal/webhooks", {}
    )
    assert removed.status_code == 303
    assert "No subscriptions." in web.get("/portal/webhooks").text
    log_in(web, "customs@demo")
    assert web.get("/portal/webhooks").status_code == 403


def test_the_admin_adds_an_agency_and_errors_stay_next_to_their_fields(
    web: TestClient[Any],
) -> None:
    log_in(web, "admin@demo")
    token = csrf(web, "/portal/admin/catalogue")
    bad = web.post("/portal/admin/catalogue/agencies",
                   data={"code": "", "name": "", "_csrf_token": token})  # fmt: skip
    assert bad.status_code == 422
    assert 'id="f-code-error"' in bad.text and 'id="f-name-error"' in bad.text
    ok = web.post(
        "/portal/admin/catalogue/agencies",
        data={"code": "health", "name": "Port Health Authority", "interests": "/goodsItems, /",
              "active": "1", "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert ok.status_code == 303
    listed = web.get("/portal/admin/catalogue").text
    assert "Port Health Authority" in listed
    log_in(web, "trader@demo")
    refused = web.post("/portal/admin/catalogue/agencies",
                       data={"code": "x", "name": "X", "_csrf_token": token})  # fmt: skip
    assert refused.status_code == 403
