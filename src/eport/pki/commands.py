"""Commands of the pki context."""

from __future__ import annotations

from dataclasses import dataclass

from eport.kernel.messages import Command
from eport.pki.model import Purpose, RevocationReason, SubjectInfo


@dataclass(frozen=True, kw_only=True)
class IssueCertificate(Command):
    """Certify the public key in ``csr_pem`` for ``user_id``; the private key stays with them."""

    user_id: str
    csr_pem: bytes
    purpose: Purpose
    subject: SubjectInfo


@dataclass(frozen=True, kw_only=True)
class RevokeCertificate(Command):
    serial: str
    reason: RevocationReason
    holder: str | None = None  # set when the holder revokes their own certificate
