"""Commands of the tariff context (the integrator registers their handlers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from eport.kernel.messages import Command


@dataclass(frozen=True, kw_only=True)
class AssessDeclaration(Command):
    """Assess (or re-assess) duties and taxes on a declaration under the rules of ``on``."""

    declaration_id: str
    on: date


@dataclass(frozen=True, kw_only=True)
class PublishExchangeRate(Command):
    """The forex agency publishes a customs exchange rate; it overrides the seeded one for
    [valid_from, valid_to)."""

    currency: str
    rate: Decimal
    valid_from: date
    valid_to: date | None = None


@dataclass(frozen=True, kw_only=True)
class RecordOriginCertificate(Command):
    """Customs records a certificate of origin (e.g. received from a partner single window)."""

    reference: str
    agreement: str
    origin: str
    issuer: str
    valid_from: date
    valid_to: date | None = None


@dataclass(frozen=True, kw_only=True)
class RevokeOriginCertificate(Command):
    reference: str


@dataclass(frozen=True, kw_only=True)
class SetQuotaBalance(Command):
    """Open (or correct) a tariff quota's balance for its period, in the quota's unit."""

    quota_id: str
    balance: Decimal
