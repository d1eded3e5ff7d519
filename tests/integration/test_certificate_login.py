"""Client-certificate login behind a TLS-terminating reverse proxy (nginx passes the client
certificate in a header). The header counts only from a trusted proxy address; the
certificate is checked by E-Port itself (chain, validity, purpose, revocation)."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

from eport.config import Settings
from tests.conftest import Api
from tests.pki_client import make_key_and_csr, openssl

HEADER = "X-SSL-Client-Cert"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Litestar's TestClient connects from the address "testclient".
    return settings.model_copy(
        update={"tls_client_cert_header": HEADER, "tls_trusted_proxies": "10.0.0.9, testclient"}
    )


def escaped(pem: str) -> str:
    """What nginx's $ssl_client_escaped_cert holds."""
    return urllib.parse.quote(pem, safe="")


def test_the_proxy_header_logs_in_and_the_login_is_audited(api: Api, tmp_path: Path) -> None:
    api.eport.ensure_ca()
    csr = make_key_and_csr(tmp_path / "k", tmp_path / "csr", "/CN=x")
    issued = api.post("broker@demo", "/api/v1/pki/certificates", {"csr": csr}).json()
    r = api.client.post(
        "/api/v1/auth/certificate", headers={HEADER: escaped(issued["certificate"])}
    )
    assert r.status_code == 200, r.text
    me = api.client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}
    )
    assert me.json()["email"] == "broker@demo"
    api.drain()
    trail = api.get("admin@demo", "/api/v1/admin/audit", limit=1000).json()["entries"]
    logins = [e for e in trail if e["action"] == "access.allow"]
    assert any(e["detail"]["action"] == "login.certificate" for e in logins)


def test_refusals_say_why(api: Api, tmp_path: Path) -> None:
    api.eport.ensure_ca()
    refused = api.client.post("/api/v1/auth/certificate")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert "no client certificate" in refused.json()["detail"]

    garbage = api.client.post("/api/v1/auth/certificate", headers={HEADER: "not%20a%20cert"})
    assert "not a PEM certificate" in garbage.json()["detail"]

    openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(tmp_path / "x.key"), "-out", str(tmp_path / "x.crt"), "-days", "2",
        "-subj", "/CN=forger", "-addext", "extendedKeyUsage=clientAuth",
    )  # fmt: skip
    foreign = api.client.post(
        "/api/v1/auth/certificate", headers={HEADER: escaped((tmp_path / "x.crt").read_text())}
    )
    assert foreign.status_code == 401 and "does not chain" in foreign.json()["detail"]

    # The seal certificate chains, but it is not for client authentication.
    seal = (api.eport.settings.pki_dir / "seal.crt").read_text()
    wrong_purpose = api.client.post("/api/v1/auth/certificate", headers={HEADER: escaped(seal)})
    assert "not for client authentication" in wrong_purpose.json()["detail"]


def test_the_header_from_an_untrusted_address_is_ignored(api: Api, tmp_path: Path) -> None:
    api.eport.ensure_ca()
    csr = make_key_and_csr(tmp_path / "k", tmp_path / "csr", "/CN=x")
    issued = api.post("trader@demo", "/api/v1/pki/certificates", {"csr": csr}).json()
    api.eport.settings.tls_trusted_proxies = "10.0.0.9"
    r = api.client.post(
        "/api/v1/auth/certificate", headers={HEADER: escaped(issued["certificate"])}
    )
    assert r.status_code == 401 and "no client certificate" in r.json()["detail"]
