"""The portal's security and plumbing over HTTP (no browser): CSRF, sessions, the language
cookie, no open redirects, error pages without stack traces."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from eport.entrypoints.seed import DEMO_PASSWORD
from tests.web.conftest import csrf, log_in


def test_login_needs_the_csrf_token_and_sets_a_secure_session_cookie(web: TestClient[Any]) -> None:
    no_token = web.post("/login", data={"email": "trader@demo", "password": DEMO_PASSWORD})
    assert no_token.status_code == 403
    token = csrf(web)
    r = web.post(
        "/login",
        data={"email": "trader@demo", "password": DEMO_PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/portal"
    cookie = r.headers["set-cookie"]
    assert "eport_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_a_wrong_password_is_refused_without_saying_which_part(web: TestClient[Any]) -> None:
    r = web.post(
        "/login",
        data={"email": "trader@demo", "password": "nope-nope-nope", "_csrf_token": csrf(web)},
    )
    assert r.status_code == 401
    assert "Wrong e-mail, password or code." in r.text
    assert "eport_session" not in r.headers.get("set-cookie", "")


def test_login_never_redirects_off_site(web: TestClient[Any]) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        r = web.post(
            "/login",
            data={"email": "customs@demo", "password": DEMO_PASSWORD, "next": target,
                  "_csrf_token": csrf(web)},
            follow_redirects=False,
        )  # fmt: skip
        assert r.status_code == 303 and r.headers["location"] == "/portal/workbench", target


def test_pages_need_a_session_and_logout_ends_it(web: TestClient[Any]) -> None:
    r = web.get("/portal", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/portal"
    log_in(web, "trader@demo")
    session = web.cookies.get("eport_session")
    assert web.get("/portal", follow_redirects=False).status_code == 200
    token = csrf(web, "/verify")
    out = web.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    # The token behind the old cookie is revoked, not only dropped by the browser.
    web.cookies.set("eport_session", str(session))
    again = web.get("/portal", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_the_language_switch_persists_in_a_cookie(web: TestClient[Any]) -> None:
    assert 'lang="en"' in web.get("/verify").text
    r = web.post(
        "/lang",
        data={"lang": "zh_Hans", "next": "/verify", "_csrf_token": csrf(web, "/verify")},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/verify"
    assert "eport_lang=zh_Hans" in r.headers["set-cookie"]
    page = web.get("/verify").text
    assert 'lang="zh-Hans"' in page and "核验单证" in page
    # Browsers asking for Chinese get it before choosing.
    fresh = TestClient(web.app)
    with fresh:
        assert "核验单证" in fresh.get("/verify", headers={"Accept-Language": "zh-CN"}).text


def test_status_page_and_error_pages_show_no_internals(web: TestClient[Any]) -> None:
    status = web.get("/status")
    assert status.status_code == 200 and "available" in status.text
    r = web.post("/verify", files={"document": ("x.p7m", b"not a signature")},
                 data={"_csrf_token": csrf(web, "/verify")})  # fmt: skip
    assert r.status_code == 200 and "Not verified" in r.text
    assert "Traceback" not in r.text and 'File "' not in r.text


def test_enrolling_an_authenticator_makes_logins_need_its_code(web: TestClient[Any]) -> None:
    import re

    import pyotp

    log_in(web, "broker@demo")
    r = web.post("/portal/security/totp", data={"_csrf_token": csrf(web, "/portal/security")})
    assert r.status_code == 200 and "<svg" in r.text
    secret = re.search(r"<code>([A-Z2-7]+)</code>", r.text)
    assert secret
    web.cookies.clear()
    without = web.post(
        "/login",
        data={"email": "broker@demo", "password": DEMO_PASSWORD, "_csrf_token": csrf(web)},
    )
    assert without.status_code == 401
    code = pyotp.TOTP(secret.group(1)).now()
    ok = web.post(
        "/login",
        data={"email": "broker@demo", "password": DEMO_PASSWORD, "code": code,
              "_csrf_token": csrf(web)},
        follow_redirects=False,
    )  # fmt: skip
    assert ok.status_code == 303


def test_changing_the_password_checks_the_current_one(web: TestClient[Any]) -> None:
    log_in(web, "carrier@demo")
    token = csrf(web, "/portal/security")
    bad = web.post(
        "/portal/security/password",
        data={"current": "wrong-one-123", "new": "a-new-password-1", "repeat": "a-new-password-1",
              "_csrf_token": token},
    )  # fmt: skip
    assert bad.status_code == 422 and "The current password is not right." in bad.text
    assert 'aria-invalid="true"' in bad.text
    good = web.post(
        "/portal/security/password",
        data={"current": DEMO_PASSWORD, "new": "a-new-password-1", "repeat": "a-new-password-1",
              "_csrf_token": token},
    )  # fmt: skip
    assert good.status_code == 200 and "Your password was changed." in good.text


def test_where_signatures_are_required_the_portal_refuses_unsigned_submissions(
    portal_eport: Any,
) -> None:
    """EPORT_SIGNATURES_REQUIRED applies to the portal too: it cannot sign, so it refuses."""
    from eport.entrypoints.api.app import create_app

    portal_eport.settings = portal_eport.settings.model_copy(
        update={"signatures_required": "declaration,amendment,decision"}
    )
    with TestClient(create_app(portal_eport, manage_lifecycle=False)) as client:
        portal_eport.start()
        log_in(client, "trader@demo")
        token = csrf(client, "/portal/declarations/new")
        r = client.post(
            "/portal/declarations",
            data={"/traderReference": "PO-UNSIGNED", "_csrf_token": token, "nonce": "n-1"},
        )
        assert r.status_code == 422 and "must be signed" in r.text
        log_in(client, "customs@demo")
        token = csrf(client, "/portal/workbench")
        r = client.post(
            "/portal/workbench/tasks/TSK-NONE/decision",
            data={"decision": "accept", "_csrf_token": token},
        )
        assert r.status_code == 422 and "must be signed" in r.text
