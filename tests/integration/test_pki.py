"""The CA: certificates from operators' CSRs, checked by the real `openssl`; revocation on the CRL.

The operator's key and CSR are made with `openssl req`, as an operator's own client would:
the private key never reaches E-Port.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

from eport.adapters.crypto.ca import DOCUMENT_SIGNING
from tests.conftest import Api
from tests.pki_client import make_key_and_csr, openssl


def operator_csr(tmp_path: Path, name: str = "op") -> str:
    return make_key_and_csr(
        tmp_path / f"{name}.key", tmp_path / f"{name}.csr", "/CN=whatever the client says"
    )


@pytest.fixture
def ca_api(api: Api) -> Api:
    api.eport.ensure_ca()
    return api


def request_certificate(api: Api, user: str, csr: str) -> dict:
    r = api.post(user, "/api/v1/pki/certificates", {"csr": csr})
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_openssl_verifies_an_operator_certificate_against_the_root(
    ca_api: Api, tmp_path: Path
) -> None:
    api = ca_api
    issued = request_certificate(api, "trader@demo", operator_csr(tmp_path))
    (tmp_path / "cert.pem").write_text(issued["certificate"])
    (tmp_path / "root.pem").write_bytes(api.client.get("/pki/root.crt").content)
    (tmp_path / "issuing.pem").write_bytes(api.client.get("/pki/issuing.crt").content)
    result = openssl(
        "verify",
        "-CAfile",
        str(tmp_path / "root.pem"),
        "-untrusted",
        str(tmp_path / "issuing.pem"),
        str(tmp_path / "cert.pem"),
    )
    assert result.stdout.strip().endswith(": OK")
    # Also good for signing documents (S/MIME-style purpose that `openssl cms -verify` uses).
    result = openssl(
        "verify",
        "-purpose",
        "smimesign",
        "-CAfile",
        str(tmp_path / "root.pem"),
        "-untrusted",
        str(tmp_path / "issuing.pem"),
        str(tmp_path / "cert.pem"),
    )
    assert result.stdout.strip().endswith(": OK")

    cert = x509.load_pem_x509_certificate(issued["certificate"].encode())
    usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    eku = cert.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE).value
    assert {DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION} <= set(eku)
    # The subject is E-Port's word about who this is, not the CSR's.
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Li Wei (trader)"
    org = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert org == "Shanghai Eastern Trading Co., Ltd."
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)[0].value.startswith(
        "USCC:913100"
    )
    crl_dp = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    assert crl_dp[0].full_name[0].value.endswith("/pki/crl")
    aia = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_INFORMATION_ACCESS).value
    assert any(d.access_location.value.endswith("/pki/ocsp") for d in aia)
    mine = api.get("trader@demo", "/api/v1/pki/certificates").json()["items"]
    assert [c["serial"] for c in mine] == [issued["serial"]]
    assert api.get("other@demo", "/api/v1/pki/certificates").json()["items"] == []


def test_a_revoked_certificate_is_on_the_crl_and_openssl_refuses_it(
    ca_api: Api, tmp_path: Path
) -> None:
    api = ca_api
    issued = request_certificate(api, "customs@demo", operator_csr(tmp_path))
    serial = issued["serial"]
    # Someone else cannot revoke it; the holder can.
    assert (
        api.post(
            "trader@demo", f"/api/v1/pki/certificates/{serial}/revoke", {"reason": "key_compromise"}
        ).status_code
        == 404
    )
    r = api.post(
        "customs@demo", f"/api/v1/pki/certificates/{serial}/revoke", {"reason": "key_compromise"}
    )
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    assert (
        api.post(
            "customs@demo",
            f"/api/v1/pki/certificates/{serial}/revoke",
            {"reason": "key_compromise"},
        ).status_code
        == 409
    )
    crl = api.client.get("/pki/crl")
    assert crl.headers["content-type"].startswith("application/pkix-crl")
    (tmp_path / "crl.der").write_bytes(crl.content)
    (tmp_path / "cert.pem").write_text(issued["certificate"])
    (tmp_path / "root.pem").write_bytes(api.client.get("/pki/root.crt").content)
    (tmp_path / "issuing.pem").write_bytes(api.client.get("/pki/issuing.crt").content)
    openssl(
        "crl", "-inform", "DER", "-in", str(tmp_path / "crl.der"), "-out", str(tmp_path / "crl.pem")
    )
    text = openssl("crl", "-in", str(tmp_path / "crl.pem"), "-noout", "-text").stdout
    assert serial.upper().lstrip("0") in text.replace(":", "").upper()
    assert "Key Compromise" in text
    # The CRL is signed by the issuing CA, which chains to the root.
    openssl(
        "crl", "-in", str(tmp_path / "crl.pem"), "-noout", "-CAfile", str(tmp_path / "issuing.pem")
    )
    result = openssl(
        "verify",
        "-crl_check",
        "-CAfile",
        str(tmp_path / "root.pem"),
        "-untrusted",
        str(tmp_path / "issuing.pem"),
        "-CRLfile",
        str(tmp_path / "crl.pem"),
        str(tmp_path / "cert.pem"),
        check=False,
    )
    assert result.returncode != 0
    assert "certificate revoked" in (result.stdout + result.stderr)


def test_bad_csrs_are_refused_with_a_pointer(ca_api: Api, tmp_path: Path) -> None:
    api = ca_api
    r = api.post("trader@demo", "/api/v1/pki/certificates", {"csr": "-----BEGIN nonsense" * 5})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "csr.invalid"
    key = tmp_path / "weak.key"
    csr = tmp_path / "weak.csr"
    openssl(
        "req",
        "-new",
        "-newkey",
        "rsa:1024",
        "-nodes",
        "-keyout",
        str(key),
        "-out",
        str(csr),
        "-subj",
        "/CN=x",
        check=False,
    )
    if csr.exists():
        r = api.post("trader@demo", "/api/v1/pki/certificates", {"csr": csr.read_text()})
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] in ("csr.key_unsupported", "csr.invalid")


@pytest.mark.parametrize("algorithm", ["rsa-3072", "ed25519"])
def test_other_ca_algorithms_issue_certificates_openssl_accepts(
    algorithm: str, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from eport.adapters.crypto.ca import IssuingCertificateAuthority, init_ca
    from eport.adapters.crypto.vault import FileVault
    from eport.pki.model import KeyAlgorithm, Purpose, SubjectInfo

    directory = tmp_path / "pki"
    init_ca(
        directory,
        FileVault(directory, b"test passphrase"),
        algorithm=KeyAlgorithm(algorithm),
        organization="Test Port",
        now=datetime.now(UTC),
    )
    ca = IssuingCertificateAuthority(
        directory, FileVault(directory, b"test passphrase"), "https://eport.example"
    )
    issued = ca.issue(
        operator_csr(tmp_path).encode(),
        "USR-1",
        Purpose.OPERATOR,
        SubjectInfo("Officer Test", "t@example.org", "Test Port", None),
        datetime.now(UTC),
    )
    (tmp_path / "cert.pem").write_text(issued.pem)
    result = openssl(
        "verify",
        "-CAfile",
        str(directory / "root.crt"),
        "-untrusted",
        str(directory / "issuing.crt"),
        str(tmp_path / "cert.pem"),
    )
    assert result.stdout.strip().endswith(": OK")
    key_text = (directory / "issuing.key").read_text()
    assert "ENCRYPTED PRIVATE KEY" in key_text
    with pytest.raises(ValueError, match=r"password|decrypt"):
        IssuingCertificateAuthority(
            directory, FileVault(directory, b"wrong"), "https://eport.example"
        )


def test_openssl_verifies_the_sealed_receipt_and_catches_tampering(
    ca_api: Api, tmp_path: Path
) -> None:
    import base64
    import hashlib
    import json

    from tests.factories import import_declaration

    api = ca_api
    raw = json.dumps(import_declaration()).encode()
    lodged = api.client.post(
        "/api/v1/declarations",
        content=raw,
        headers=api.headers("trader@demo", "seal-1", **{"Content-Type": "application/json"}),
    ).json()
    did = lodged["id"]
    sealed = api.get("trader@demo", f"/api/v1/declarations/{did}/receipt").json()
    assert sealed["receipt"]["sha256"] == hashlib.sha256(raw).hexdigest()
    (tmp_path / "receipt.p7m").write_bytes(base64.b64decode(sealed["cms"]))
    (tmp_path / "root.pem").write_text(sealed["chain"][1])
    out = openssl(
        "cms",
        "-verify",
        "-inform",
        "DER",
        "-in",
        str(tmp_path / "receipt.p7m"),
        "-CAfile",
        str(tmp_path / "root.pem"),
        "-binary",
    )
    assert json.loads(out.stdout) == sealed["receipt"]
    assert json.loads(out.stdout)["declarationId"] == did

    # The DER form straight from the API verifies too.
    der = api.client.get(
        f"/api/v1/declarations/{did}/receipt",
        headers={**api.headers("trader@demo"), "Accept": "application/pkcs7-mime"},
    )
    assert der.headers["content-type"].startswith("application/pkcs7-mime")
    (tmp_path / "api.p7m").write_bytes(der.content)
    openssl(
        "cms",
        "-verify",
        "-inform",
        "DER",
        "-in",
        str(tmp_path / "api.p7m"),
        "-CAfile",
        str(tmp_path / "root.pem"),
        "-binary",
    )

    # One changed byte in the sealed content: openssl refuses it.
    blob = bytearray(base64.b64decode(sealed["cms"]))
    at = bytes(blob).index(did.encode())
    blob[at] ^= 0x01
    (tmp_path / "forged.p7m").write_bytes(bytes(blob))
    forged = openssl(
        "cms",
        "-verify",
        "-inform",
        "DER",
        "-in",
        str(tmp_path / "forged.p7m"),
        "-CAfile",
        str(tmp_path / "root.pem"),
        "-binary",
        check=False,
    )
    assert forged.returncode != 0
    # Another enterprise cannot fetch it.
    assert api.get("other@demo", f"/api/v1/declarations/{did}/receipt").status_code == 404


def test_eport_verify_checks_a_sealed_receipt_offline(ca_api: Api, tmp_path: Path) -> None:
    import base64
    import sys

    from tests.factories import import_declaration

    api = ca_api
    did = api.lodge("trader@demo", import_declaration()).json()["id"]
    sealed = api.get("trader@demo", f"/api/v1/declarations/{did}/receipt").json()
    (tmp_path / "receipt.p7m").write_bytes(base64.b64decode(sealed["cms"]))
    (tmp_path / "root.pem").write_text(sealed["chain"][1])

    def eport_verify(path: Path, root: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "eport", "verify", str(path), "--root", str(root)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    ok = eport_verify(tmp_path / "receipt.p7m", tmp_path / "root.pem")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "VERIFIED" in ok.stdout and did in ok.stdout

    blob = bytearray(base64.b64decode(sealed["cms"]))
    blob[bytes(blob).index(did.encode())] ^= 0x01
    (tmp_path / "forged.p7m").write_bytes(bytes(blob))
    forged = eport_verify(tmp_path / "forged.p7m", tmp_path / "root.pem")
    assert forged.returncode == 1 and "NOT VERIFIED" in forged.stdout

    # A root that is not E-Port's: the seal does not chain to it.
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        str(tmp_path / "other.key"),
        "-out",
        str(tmp_path / "other.pem"),
        "-subj",
        "/CN=Someone else",
        "-days",
        "1",
    )
    foreign = eport_verify(tmp_path / "receipt.p7m", tmp_path / "other.pem")
    assert foreign.returncode == 1 and "chain" in foreign.stdout


def test_openssl_ocsp_says_good_then_revoked(ca_api: Api, tmp_path: Path) -> None:
    api = ca_api
    issued = request_certificate(api, "trader@demo", operator_csr(tmp_path))
    (tmp_path / "cert.pem").write_text(issued["certificate"])
    (tmp_path / "root.pem").write_bytes(api.client.get("/pki/root.crt").content)
    (tmp_path / "issuing.pem").write_bytes(api.client.get("/pki/issuing.crt").content)

    def ask() -> str:
        openssl(
            "ocsp",
            "-issuer",
            str(tmp_path / "issuing.pem"),
            "-cert",
            str(tmp_path / "cert.pem"),
            "-reqout",
            str(tmp_path / "req.der"),
        )
        r = api.client.post(
            "/pki/ocsp",
            content=(tmp_path / "req.der").read_bytes(),
            headers={"Content-Type": "application/ocsp-request"},
        )
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/ocsp-response"
        (tmp_path / "resp.der").write_bytes(r.content)
        # With -cert, openssl builds a fresh request (fresh nonce) to compare with, so the
        # nonce is checked here, against the request that was really sent.
        from cryptography.x509 import ocsp as x509_ocsp

        sent = x509_ocsp.load_der_ocsp_request((tmp_path / "req.der").read_bytes())
        got = x509_ocsp.load_der_ocsp_response(r.content)
        assert [e.value for e in got.extensions] == [e.value for e in sent.extensions]
        out = openssl(
            "ocsp",
            "-respin",
            str(tmp_path / "resp.der"),
            "-no_nonce",
            "-issuer",
            str(tmp_path / "issuing.pem"),
            "-cert",
            str(tmp_path / "cert.pem"),
            "-CAfile",
            str(tmp_path / "root.pem"),
        )
        assert "Response verify OK" in out.stdout + out.stderr
        return out.stdout

    assert f"{tmp_path / 'cert.pem'}: good" in ask()
    api.post(
        "trader@demo",
        f"/api/v1/pki/certificates/{issued['serial']}/revoke",
        {"reason": "superseded"},
    )
    answer = ask()
    assert f"{tmp_path / 'cert.pem'}: revoked" in answer
    assert "Superseded" in answer or "superseded" in answer


def test_ocsp_requests_it_cannot_answer_get_a_proper_ocsp_error(
    ca_api: Api, tmp_path: Path
) -> None:
    from cryptography.x509 import ocsp as x509_ocsp

    api = ca_api
    issued = request_certificate(api, "trader@demo", operator_csr(tmp_path))
    (tmp_path / "cert.pem").write_text(issued["certificate"])
    (tmp_path / "issuing.pem").write_bytes(api.client.get("/pki/issuing.crt").content)
    openssl(
        "ocsp",
        "-issuer",
        str(tmp_path / "issuing.pem"),
        "-cert",
        str(tmp_path / "cert.pem"),
        "-cert",
        str(tmp_path / "cert.pem"),
        "-reqout",
        str(tmp_path / "two.der"),
    )
    for body in ((tmp_path / "two.der").read_bytes(), b"not der"):
        r = api.client.post(
            "/pki/ocsp", content=body, headers={"Content-Type": "application/ocsp-request"}
        )
        assert r.status_code == 200
        status = x509_ocsp.load_der_ocsp_response(r.content).response_status
        assert status is x509_ocsp.OCSPResponseStatus.MALFORMED_REQUEST


def test_release_notice_and_decisions_are_sealed_and_openssl_verifies_them(
    ca_api: Api, tmp_path: Path
) -> None:
    import json
    import sys

    from tests.factories import meat_import

    api = ca_api
    dec = api.lodge("trader@demo", meat_import()).json()
    did = dec["id"]
    officers = {"customs": "customs@demo", "quarantine": "quarantine@demo", "port": "terminal@demo"}
    url = f"/api/v1/declarations/{did}"
    # Before a decision or a release there is nothing to seal.
    assert api.get("trader@demo", f"{url}/decisions/quarantine").status_code == 404
    early = api.get("trader@demo", f"{url}/release-notice")
    assert early.status_code == 409 and early.headers["content-type"] == "application/problem+json"

    for agency, user in officers.items():
        assert api.decide(user, dec["agencies"][agency]["task"], "accept").status_code == 200
    assert api.post("customs@demo", f"{url}/release", {"reason": "ok"}).status_code == 200
    root = tmp_path / "root.pem"
    root.write_bytes(api.client.get("/pki/root.crt").content)

    def fetch_and_verify(path: str, user: str, name: str) -> dict[str, Any]:
        der = api.client.get(
            path, headers={**api.headers(user), "Accept": "application/pkcs7-mime"}
        )
        assert der.status_code == 200, der.text
        (tmp_path / name).write_bytes(der.content)
        out = openssl(
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(tmp_path / name),
            "-CAfile",
            str(root),
        )
        return dict(json.loads(out.stdout))

    notice = fetch_and_verify(f"{url}/release-notice", "trader@demo", "release.p7m")
    assert notice["type"] == "eport.release-notice/1" and notice["declarationId"] == did
    assert notice["releasedBy"] and notice["releasingAgency"] == "customs"
    assert {d["agency"]: d["decision"] for d in notice["decisions"]} == {
        "customs": "accept",
        "port": "accept",
        "quarantine": "accept",
    }
    assert notice["goods"][0]["hsCode"] == meat_import()["goodsItems"][0]["hsCode"]
    # The routed agencies may fetch it too (the terminal gates the goods out with it).
    assert api.get("terminal@demo", f"{url}/release-notice").status_code == 200

    decision = fetch_and_verify(f"{url}/decisions/quarantine", "trader@demo", "q.p7m")
    assert decision["type"] == "eport.decision-notice/1"
    assert (decision["agency"], decision["decision"]) == ("quarantine", "accept")
    assert api.get("trader@demo", f"{url}/decisions/nobody").status_code == 404

    verified = subprocess.run(
        [
            sys.executable,
            "-m",
            "eport",
            "verify",
            str(tmp_path / "release.p7m"),
            "--root",
            str(root),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verified.returncode == 0 and "VERIFIED" in verified.stdout, verified.stdout


def test_eport_ca_init_can_put_the_root_key_offline(tmp_path: Path) -> None:
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("EPORT_")}
    env |= {"EPORT_CA_PASSPHRASE": "ceremony passphrase", "EPORT_ENVIRONMENT": "production"}
    offline = tmp_path / "usb"
    done = subprocess.run(
        [sys.executable, "-m", "eport", "ca", "init", "--data-dir", str(tmp_path / "data"),
         "--root-key-dir", str(offline), "--organization", "Ceremony Port"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    pki = tmp_path / "data" / "pki"
    assert sorted(p.name for p in pki.glob("*.key")) == ["issuing.key", "seal.key"]
    assert "ENCRYPTED PRIVATE KEY" in (offline / "root.key").read_text()
    # The offline root key is the one that signed the issuing CA.
    root_pub = openssl(
        "pkey", "-in", str(offline / "root.key"), "-passin", "pass:ceremony passphrase", "-pubout"
    ).stdout
    cert_pub = openssl("x509", "-in", str(pki / "root.crt"), "-noout", "-pubkey").stdout
    assert root_pub == cert_pub
    assert (
        openssl("verify", "-CAfile", str(pki / "root.crt"), str(pki / "issuing.crt"))
        .stdout.strip()
        .endswith(": OK")
    )
