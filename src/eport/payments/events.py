"""Events of the payments context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class DutiesAssessed(Event):
    name: ClassVar[str] = "duties.assessed"


@dataclass(frozen=True, kw_only=True)
class PaymentOrderIssued(Event):
    name: ClassVar[str] = "payment.ordered"


@dataclass(frozen=True, kw_only=True)
class PaymentConfirmed(Event):
    name: ClassVar[str] = "payment.confirmed"


@dataclass(frozen=True, kw_only=True)
class DutiesGuaranteed(Event):
    name: ClassVar[str] = "duties.guaranteed"


@dataclass(frozen=True, kw_only=True)
class DutiesRefunded(Event):
    name: ClassVar[str] = "duties.refunded"


@dataclass(frozen=True, kw_only=True)
class GuaranteeFacilitySet(Event):
    name: ClassVar[str] = "guarantee.facility_set"
