"""What an operator's own client does with openssl: make a key and a CSR. The key stays here."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.conftest import Api


def openssl(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["openssl", *args], capture_output=True, text=True, check=check, timeout=60
    )


def make_key_and_csr(key: Path, csr: Path, subject: str = "/CN=me") -> str:
    """An ECDSA P-256 key in ``key`` and its CSR in ``csr``; returns the CSR (PEM)."""
    openssl(
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        str(key),
        "-out",
        str(csr),
        "-subj",
        subject,
    )
    return csr.read_text()


class Operator:
    """An operator's own client: its key never leaves it."""

    def __init__(self, api: Api, user: str, tmp: Path) -> None:
        self.api, self.user, self.dir = api, user, tmp / user.replace("@", "_")
        self.dir.mkdir()
        self.key = self.dir / "op.key"
        make_key_and_csr(self.key, self.dir / "op.csr")
        r = api.post(user, "/api/v1/pki/certificates", {"csr": (self.dir / "op.csr").read_text()})
        assert r.status_code == 201, r.text
        self.serial = r.json()["serial"]
        self.cert = self.dir / "op.pem"
        self.cert.write_text(r.json()["certificate"])
        (self.dir / "issuing.pem").write_text(r.json()["chain"][0])

    def sign(self, body: bytes, cert: Path | None = None, key: Path | None = None) -> str:
        (self.dir / "body").write_bytes(body)
        openssl(
            "cms",
            "-sign",
            "-binary",
            "-in",
            str(self.dir / "body"),
            "-signer",
            str(cert or self.cert),
            "-inkey",
            str(key or self.key),
            "-certfile",
            str(self.dir / "issuing.pem"),
            "-md",
            "sha256",
            "-outform",
            "DER",
            "-out",
            str(self.dir / "sig.der"),
        )
        return base64.b64encode((self.dir / "sig.der").read_bytes()).decode()
