"""What the pki context needs: a certificate authority (crypto lives behind it) and a store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from eport.kernel.unit_of_work import UnitOfWork
from eport.pki.model import (
    CertificateState,
    IssuedCertificate,
    Purpose,
    Revocation,
    SubjectInfo,
)


class CertificateAuthority(Protocol):
    def issue(
        self, csr_pem: bytes, user_id: str, purpose: Purpose, subject: SubjectInfo, now: datetime
    ) -> IssuedCertificate:
        """Check the CSR's self-signature and certify its key; raise ValidationFailed if bad."""
        ...

    def crl_der(self, revoked: list[Revocation], now: datetime) -> bytes: ...

    def sign_message(self, message: bytes) -> bytes:
        """E-Port's own signature (the seal key) over ``message``."""
        ...

    def seal_pem(self) -> bytes: ...

    def ocsp_response(
        self,
        request_der: bytes,
        status_of: Callable[[str], CertificateState | None],
        now: datetime,
    ) -> bytes:
        """An RFC 6960 OCSP response (DER) for the request (DER)."""
        ...

    def seal(self, content: bytes) -> bytes:
        """Seal ``content`` with E-Port's own certificate: an attached CMS SignedData (DER)."""
        ...

    def root_pem(self) -> bytes: ...

    def issuing_pem(self) -> bytes: ...


class CertificateRepository(Protocol):
    def add(self, certificate: IssuedCertificate) -> None: ...

    def get(self, serial: str) -> IssuedCertificate | None: ...

    def revoke(self, serial: str, at: datetime, reason: str) -> None: ...

    def revocations(self) -> list[Revocation]: ...


class PkiUnitOfWork(UnitOfWork, Protocol):
    certificates: CertificateRepository
    ca: CertificateAuthority | None
