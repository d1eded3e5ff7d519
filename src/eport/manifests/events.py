"""Events of the manifests context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class ManifestLodged(Event):
    name: ClassVar[str] = "manifest.lodged"


@dataclass(frozen=True, kw_only=True)
class ConveyanceArrived(Event):
    name: ClassVar[str] = "manifest.arrived"


@dataclass(frozen=True, kw_only=True)
class ConveyanceDeparted(Event):
    name: ClassVar[str] = "manifest.departed"


@dataclass(frozen=True, kw_only=True)
class ContainerGatedOut(Event):
    name: ClassVar[str] = "gate.out"


@dataclass(frozen=True, kw_only=True)
class GateOutRefused(Event):
    name: ClassVar[str] = "gate.refused"
