"""Sealing a receipt or release notice as the API does (``api/sealing.py``), and keeping every
sealed file the portal hands out, so that the QR link on its PDF can be checked later.

A seal is not reproducible (the CMS signing time and the ECDSA signature differ each time),
so the public check of ``/verify/d/{id}/{kind}?sha256=…`` needs the very bytes that were
handed out. They are kept, content-addressed, under ``<data_dir>/sealed/<declaration>/``.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from eport.bootstrap import EPort
from eport.kernel.clock import isoformat
from eport.pki.errors import CaNotInitialised

KINDS = {"receipt": "eport.receipt/1", "release-notice": "eport.release-notice/1"}
DECLARATION_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class Sealed:
    """A document as sealed: the JSON that was signed, the CMS (DER) and its SHA-256."""

    document: dict[str, Any]
    cms: bytes
    sha256: str


def _directory(eport: EPort, declaration_id: str) -> Path:
    if not DECLARATION_ID.match(declaration_id):
        raise ValueError("not a declaration id")
    return eport.settings.data_dir / "sealed" / declaration_id


def seal(eport: EPort, body: dict[str, Any]) -> Sealed:
    """``body`` with ``sealedAt``, as canonical JSON in E-Port's CMS seal: byte for byte what
    ``GET /api/v1/declarations/{id}/receipt`` answers to ``Accept: application/pkcs7-mime``."""
    ca = eport.writer.ca
    if ca is None:
        raise CaNotInitialised("The CA is not initialised: run `eport ca init`.")
    document = {**body, "sealedAt": isoformat(eport.clock())}
    cms = ca.seal(orjson.dumps(document, option=orjson.OPT_SORT_KEYS))
    return Sealed(document, cms, hashlib.sha256(cms).hexdigest())


def keep(eport: EPort, declaration_id: str, kind: str, sealed: Sealed) -> None:
    """Store the sealed bytes (written to a temporary file, then renamed into place)."""
    directory = _directory(eport, declaration_id)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{kind}-{sealed.sha256}.p7m"
    if target.exists():
        return
    fd, name = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(sealed.cms)
        f.flush()
        os.fsync(f.fileno())  # on disk before anyone holds a QR code pointing at it
    os.replace(name, target)


def kept(eport: EPort, declaration_id: str, kind: str, sha256: str) -> bytes | None:
    """The sealed bytes handed out under this digest, if any (re-hashed: a file changed on
    disk is not found)."""
    if kind not in KINDS or not SHA256.match(sha256) or not DECLARATION_ID.match(declaration_id):
        return None
    path = _directory(eport, declaration_id) / f"{kind}-{sha256}.p7m"
    if not path.is_file():
        return None
    blob = path.read_bytes()
    return blob if hashlib.sha256(blob).hexdigest() == sha256 else None


def seal_and_keep(eport: EPort, declaration_id: str, kind: str, body: dict[str, Any]) -> Sealed:
    sealed = seal(eport, body)
    keep(eport, declaration_id, kind, sealed)
    return sealed


def verification_url(eport: EPort, declaration_id: str, kind: str, sha256: str) -> str:
    base = eport.settings.public_url.rstrip("/")
    return f"{base}/verify/d/{declaration_id}/{kind}?sha256={sha256}"
