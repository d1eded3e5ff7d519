"""Events of the tariff context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class DeclarationAssessed(Event):
    """``data``: the assessment as :func:`eport.tariff.serialize.assessment_dict` gives it."""

    name: ClassVar[str] = "declaration.assessed"


@dataclass(frozen=True, kw_only=True)
class ExchangeRatePublished(Event):
    name: ClassVar[str] = "exchange_rate.published"


@dataclass(frozen=True, kw_only=True)
class OriginCertificateRecorded(Event):
    name: ClassVar[str] = "origin_certificate.recorded"


@dataclass(frozen=True, kw_only=True)
class OriginCertificateRevoked(Event):
    name: ClassVar[str] = "origin_certificate.revoked"


@dataclass(frozen=True, kw_only=True)
class QuotaBalanceSet(Event):
    name: ClassVar[str] = "quota.balance_set"
