"""Login with an argon2 password and a TOTP second factor; lockout; sessions expire."""

from __future__ import annotations

import pyotp
import sqlalchemy as sa

from eport.adapters.db import tables as t
from tests.conftest import Api
from tests.pki_client import make_key_and_csr

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


def test_a_system_exchanges_a_client_assertion_for_a_certificate_bound_token(
    api: Api, tmp_path: object
) -> None:
    import base64
    import time
    from pathlib import Path

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from joserfc import jwk, jwt

    api.eport.ensure_ca()
    tmp = Path(str(tmp_path))
    make_key_and_csr(tmp / "k.pem", tmp / "c.csr", "/CN=system")
    issued = api.post(
        "bank@demo", "/api/v1/pki/certificates", {"csr": (tmp / "c.csr").read_text()}
    ).json()
    x5c = [
        base64.b64encode(
            x509.load_pem_x509_certificate(p.encode()).public_bytes(serialization.Encoding.DER)
        ).decode()
        for p in (issued["certificate"], issued["chain"][0])
    ]
    key = jwk.import_key((tmp / "k.pem").read_bytes(), "EC")
    audience = f"{api.eport.settings.public_url}/api/v1/auth/token"

    def assertion(aud: str = audience) -> str:
        now = int(time.time())
        return jwt.encode(
            {"alg": "ES256", "x5c": x5c},
            {"iss": "bank", "sub": "bank", "aud": aud, "iat": now, "exp": now + 120},
            key,
        )

    def exchange(token: str) -> object:
        return api.client.post(
            "/api/v1/auth/token",
            json={
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": token,
            },
        )

    assert exchange(assertion("https://elsewhere/token")).status_code == 401  # type: ignore[attr-defined]
    got = exchange(assertion())
    assert got.status_code == 200, got.text  # type: ignore[attr-defined]
    bearer = {"Authorization": f"Bearer {got.json()['access_token']}"}  # type: ignore[attr-defined]
    assert api.client.get("/api/v1/me", headers=bearer).json()["email"] == "bank@demo"
    # Revoking the certificate ends the token bound to it.
    assert (
        api.post(
            "bank@demo",
            f"/api/v1/pki/certificates/{issued['serial']}/revoke",
            {"reason": "key_compromise"},
        ).status_code
        == 200
    )
    assert api.client.get("/api/v1/me", headers=bearer).status_code == 401
    assert exchange(assertion()).status_code == 401  # type: ignore[attr-defined]
