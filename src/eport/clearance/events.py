"""Events of the clearance context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class InspectionOrdered(Event):
    name: ClassVar[str] = "inspection.ordered"


@dataclass(frozen=True, kw_only=True)
class FindingsRecorded(Event):
    name: ClassVar[str] = "inspection.findings"


@dataclass(frozen=True, kw_only=True)
class IprRecorded(Event):
    name: ClassVar[str] = "ipr.recorded"


@dataclass(frozen=True, kw_only=True)
class GoodsHeld(Event):
    name: ClassVar[str] = "ipr.held"


@dataclass(frozen=True, kw_only=True)
class HoldDecided(Event):
    name: ClassVar[str] = "ipr.hold_decided"
