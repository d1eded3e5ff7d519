"""Events of the pki context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class CertificateIssued(Event):
    name: ClassVar[str] = "certificate.issued"


@dataclass(frozen=True, kw_only=True)
class CertificateRevoked(Event):
    name: ClassVar[str] = "certificate.revoked"
