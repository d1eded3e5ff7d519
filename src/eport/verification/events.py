"""Events of the verification context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class ForexReceiptRecorded(Event):
    name: ClassVar[str] = "forex.receipt_recorded"


@dataclass(frozen=True, kw_only=True)
class ForexVerified(Event):
    name: ClassVar[str] = "forex.verified"


@dataclass(frozen=True, kw_only=True)
class RefundClaimed(Event):
    name: ClassVar[str] = "refund.claimed"


@dataclass(frozen=True, kw_only=True)
class RefundGranted(Event):
    name: ClassVar[str] = "refund.granted"


@dataclass(frozen=True, kw_only=True)
class RefundRefused(Event):
    name: ClassVar[str] = "refund.refused"
