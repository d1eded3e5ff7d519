"""Login with an argon2 password and a TOTP second factor; lockout; sessions expire."""

from __future__ import annotations

import pyotp
import sqlalchemy as sa

from eport.adapters.db import tables as t
from tests.conftest import Api

PASSWORD = "correct horse battery staple"


def login(
    api: Api, password: str = PASSWORD, code: str | None = None, email: str = "trader@demo"
) -> object:
    return api.client.post(
        "/api/v1/auth/login", json={"email": email, "password": password, "code": code}
    )


def test_password_then_totp_login_gives_a_session_token(api: Api) -> None:
    assert login(api).status_code == 401  # no password set yet
    r = api.post("trader@demo", "/api/v1/me/password", {"new": "short"})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/new"
    assert api.post("trader@demo", "/api/v1/me/password", {"new": PASSWORD}).status_code == 204
    with api.eport.read_engine.connect() as conn:
        stored = conn.execute(
            sa.select(t.users.c.password_hash).where(t.users.c.email == "trader@demo")
        ).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored

    ok = login(api)
    assert ok.status_code == 200  # type: ignore[attr-defined]
    session = ok.json()["token"]  # type: ignore[attr-defined]
    me = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {session}"})
    assert me.json()["email"] == "trader@demo"

    enrolled = api.post("trader@demo", "/api/v1/me/totp").json()
    assert enrolled["otpauthUri"].startswith("otpauth://totp/")
    assert login(api).status_code == 401  # the code is now required
    code = pyotp.TOTP(enrolled["secret"]).now()
    assert login(api, code=code).status_code == 200
    # Changing the password needs the current one.
    assert (
        api.post(
            "trader@demo", "/api/v1/me/password", {"current": "nope", "new": PASSWORD + "!"}
        ).status_code
        == 422
    )


def test_five_failures_lock_the_account(api: Api) -> None:
    api.post("trader@demo", "/api/v1/me/password", {"new": PASSWORD})
    for _ in range(5):
        r = login(api, password="guess")
        assert r.status_code == 401  # type: ignore[attr-defined]
    locked = login(api)  # even the right password is refused while locked
    assert locked.status_code == 401  # type: ignore[attr-defined]
    assert locked.json()["code"] == "login.locked"  # type: ignore[attr-defined]
    unknown = login(api, email="nobody@demo")
    assert unknown.json()["code"] == "login.refused"  # type: ignore[attr-defined]
    api.drain()
    entries = api.get("admin@demo", "/api/v1/admin/audit", limit=1000).json()["entries"]
    assert sum(e["action"] == "login.failed" for e in entries) >= 6
