"""Logging in with a TLS client certificate, through a real `eport serve --tls-cert` process.

The operator's key stays with the client (openssl makes it and the CSR); E-Port issues the
certificate; a real TLS handshake presents it. A revoked certificate, a foreign one and none at
all are refused, and revoking the certificate ends the session it opened.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.pki_client import make_key_and_csr, openssl

pytestmark = pytest.mark.slow
HOST = "127.0.0.1"


def tls(server_crt: Path, cert: Path | None = None, key: Path | None = None) -> ssl.SSLContext:
    """Trust the test server's certificate; present ``cert`` (with ``key``) if given."""
    context = ssl.create_default_context(cafile=str(server_crt))
    if cert is not None:
        context.load_cert_chain(str(cert), str(key))
    return context


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path, dict[str, str]]]:
    """`eport serve --demo` on HTTPS with a server certificate for 127.0.0.1."""
    server_key, server_crt = tmp_path / "server.key", tmp_path / "server.crt"
    openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(server_key), "-out", str(server_crt), "-days", "2",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    )  # fmt: skip
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPORT_")}
    env |= {"EPORT_ENVIRONMENT": "test", "EPORT_TOKEN_CACHE_SECONDS": "0"}
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "eport", "serve", "--demo", "--no-demo-data", "--host", HOST,
         "--port", str(port), "--data-dir", str(data_dir), "--tls-cert", str(server_crt),
         "--tls-key", str(server_key)],
        env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"https://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if (
                    httpx.get(f"{url}/healthz", verify=tls(server_crt), timeout=2).status_code
                    == 200
                ):
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("the TLS server did not start: " + (tmp_path / "server.log").read_text())
        env["EPORT_DATA_DIR"] = str(data_dir)
        yield url, server_crt, env
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_a_client_certificate_logs_in_and_revocation_ends_it(
    tls_server: tuple[str, Path, dict[str, str]], tmp_path: Path
) -> None:
    url, server_crt, env = tls_server
    token = subprocess.run(
        [sys.executable, "-m", "eport", "token", "trader@demo"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    ).stdout.strip().split()[-1]  # fmt: skip
    bearer = {"Authorization": f"Bearer {token}"}
    csr = make_key_and_csr(tmp_path / "op.key", tmp_path / "op.csr", "/CN=me")
    with httpx.Client(base_url=url, verify=tls(server_crt), timeout=30) as plain:
        issued = plain.post("/api/v1/pki/certificates", json={"csr": csr}, headers=bearer)
        assert issued.status_code == 201, issued.text
        (tmp_path / "op.crt").write_text(issued.json()["certificate"])
        serial = issued.json()["serial"]
        # No certificate on the connection: refused, as problem+json.
        none = plain.post("/api/v1/auth/certificate")
        assert none.status_code == 401 and "no client certificate" in none.json()["detail"]

    context = tls(server_crt, tmp_path / "op.crt", tmp_path / "op.key")
    with httpx.Client(base_url=url, verify=context, timeout=30) as mtls:
        login = mtls.post("/api/v1/auth/certificate")
        assert login.status_code == 200, login.text
        session = {"Authorization": f"Bearer {login.json()['access_token']}"}
        assert login.json()["expires_in"] == 8 * 3600
        me = mtls.get("/api/v1/me", headers=session)
        assert me.status_code == 200 and me.json()["email"] == "trader@demo"

        revoked = mtls.post(
            f"/api/v1/pki/certificates/{serial}/revoke",
            json={"reason": "key_compromise"},
            headers=bearer,
        )
        assert revoked.status_code == 200, revoked.text
        assert mtls.get("/api/v1/me", headers=session).status_code == 401
        again = mtls.post("/api/v1/auth/certificate")
        assert again.status_code == 401 and "revoked" in again.json()["detail"]


def test_a_certificate_from_another_ca_does_not_get_through_the_handshake(
    tls_server: tuple[str, Path, dict[str, str]], tmp_path: Path
) -> None:
    url, server_crt, _ = tls_server
    openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(tmp_path / "x.key"), "-out", str(tmp_path / "x.crt"), "-days", "2",
        "-subj", "/CN=forger", "-addext", "extendedKeyUsage=clientAuth",
    )  # fmt: skip
    context = tls(server_crt, tmp_path / "x.crt", tmp_path / "x.key")
    with (
        httpx.Client(base_url=url, verify=context, timeout=30) as forged,
        pytest.raises(httpx.TransportError),
    ):
        forged.post("/api/v1/auth/certificate")
