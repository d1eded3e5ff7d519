"""What an operator's own client does with openssl: make a key and a CSR. The key stays here."""

from __future__ import annotations

import subprocess
from pathlib import Path


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
