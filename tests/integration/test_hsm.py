"""The CA's keys on a PKCS#11 token (Debian's SoftHSM2): issuing, sealing and the CRL work,
the real openssl binary verifies what the HSM signed, and no key file is written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from eport.config import Settings
from tests.conftest import Api
from tests.pki_client import make_key_and_csr, openssl

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
PIN, SO_PIN = "246810", "13579111"
TOKENS = [f"eport-test-{n}" for n in range(4)]


def _need_softhsm() -> None:
    if not MODULE.exists() or shutil.which("softhsm2-util") is None:
        if os.environ.get("CI"):
            pytest.fail("softhsm2 is not installed: .ci/run installs it")
        pytest.skip("softhsm2 is not installed (apt-get install softhsm2)")


def _init_tokens(directory: Path, labels: list[str]) -> dict[str, str]:
    """A SoftHSM2 configuration in ``directory`` holding the tokens ``labels``."""
    (directory / "tokens").mkdir(parents=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\n"
    )
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    init = ["softhsm2-util", "--init-token", "--free", "--pin", PIN, "--so-pin", SO_PIN]
    for label in labels:
        subprocess.run(
            [*init, "--label", label],
            env=env,
            check=True,
            capture_output=True,
        )
    return env


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Tokens made before this process first loads the module (SoftHSM2 reads its slots at
    C_Initialize); each test takes one."""
    _need_softhsm()
    env = _init_tokens(tmp_path_factory.mktemp("softhsm"), TOKENS)
    os.environ["SOFTHSM2_CONF"] = env["SOFTHSM2_CONF"]
    return list(TOKENS)


@pytest.fixture
def settings(settings: Settings, softhsm: list[str]) -> Settings:
    return settings.model_copy(
        update={
            "ca_pkcs11_module": str(MODULE),
            "ca_pkcs11_token": softhsm.pop(),
            "ca_pkcs11_pin": SecretStr(PIN),
        }
    )


def test_a_ca_held_in_softhsm_issues_a_certificate_openssl_verifies(
    api: Api, tmp_path: Path
) -> None:
    from eport.adapters.crypto.keystore import key_vault

    api.eport.ensure_ca()
    pki = api.eport.settings.pki_dir
    assert sorted(p.name for p in pki.iterdir()) == ["issuing.crt", "root.crt", "seal.crt"]

    csr = make_key_and_csr(tmp_path / "op.key", tmp_path / "op.csr", "/CN=ignored")
    r = api.post("trader@demo", "/api/v1/pki/certificates", {"csr": csr})
    assert r.status_code == 201, r.text
    (tmp_path / "cert.pem").write_text(r.json()["certificate"])
    chain = ["-CAfile", str(pki / "root.crt"), "-untrusted", str(pki / "issuing.crt")]
    assert openssl("verify", *chain, str(tmp_path / "cert.pem")).stdout.strip().endswith(": OK")

    # The CRL the HSM signs lists a revoked certificate.
    serial = r.json()["serial"]
    revoked = api.post(
        "trader@demo", f"/api/v1/pki/certificates/{serial}/revoke", {"reason": "key_compromise"}
    )
    assert revoked.status_code == 200, revoked.text
    (tmp_path / "crl.der").write_bytes(api.client.get("/pki/crl").content)
    openssl(
        "crl", "-inform", "DER", "-in", str(tmp_path / "crl.der"), "-out", str(tmp_path / "crl.pem")
    )
    checked = openssl(
        "verify",
        "-crl_check",
        "-CRLfile",
        str(tmp_path / "crl.pem"),
        *chain,
        str(tmp_path / "cert.pem"),
        check=False,
    )
    assert "certificate revoked" in checked.stdout + checked.stderr

    # The key on the token cannot be read out.
    from cryptography.hazmat.primitives import serialization

    with pytest.raises(TypeError):
        key_vault(api.eport.settings).load("issuing").private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def test_the_hsm_seal_makes_receipts_openssl_verifies(api: Api, tmp_path: Path) -> None:
    import base64

    from tests.factories import import_declaration

    api.eport.ensure_ca()
    lodged = api.lodge("trader@demo", import_declaration(), key="hsm-seal-1").json()
    sealed = api.get("trader@demo", f"/api/v1/declarations/{lodged['id']}/receipt").json()
    (tmp_path / "receipt.p7m").write_bytes(base64.b64decode(sealed["cms"]))
    (tmp_path / "root.pem").write_bytes((api.eport.settings.pki_dir / "root.crt").read_bytes())
    out = openssl(
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        str(tmp_path / "receipt.p7m"),
        "-CAfile",
        str(tmp_path / "root.pem"),
        "-purpose",
        "any",
    )
    assert lodged["id"] in out.stdout


def test_eport_ca_init_puts_the_keys_on_the_token(tmp_path: Path) -> None:
    _need_softhsm()
    env = _init_tokens(tmp_path / "hsm", ["cli-token"])
    env |= {
        "EPORT_DATA_DIR": str(tmp_path / "data"),
        "EPORT_CA_PKCS11_MODULE": str(MODULE),
        "EPORT_CA_PKCS11_TOKEN": "cli-token",
        "EPORT_CA_PKCS11_PIN": PIN,
    }
    eport = [sys.executable, "-m", "eport", "ca", "init"]
    first = subprocess.run(eport, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "PKCS#11 token 'cli-token'" in " ".join(first.stdout.split())
    assert not list((tmp_path / "data" / "pki").glob("*.key"))
    probe = (
        "from eport.adapters.crypto.hsm import Pkcs11Vault as V;"
        f"v = V({str(MODULE)!r}, 'cli-token', {PIN!r});"
        "print([v.exists(n) for n in ('root', 'issuing', 'seal')])"
    )
    held = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert held.stdout.strip() == "[True, True, True]", held.stderr
    again = subprocess.run(eport, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1
