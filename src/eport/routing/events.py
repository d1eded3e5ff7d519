"""Events of the routing context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class TaskDecided(Event):
    name: ClassVar[str] = "task.decided"


@dataclass(frozen=True, kw_only=True)
class CatalogueRuleChanged(Event):
    name: ClassVar[str] = "catalogue.rule_changed"


@dataclass(frozen=True, kw_only=True)
class AgencyChanged(Event):
    name: ClassVar[str] = "agency.changed"


@dataclass(frozen=True, kw_only=True)
class ECertificateIssued(Event):
    name: ClassVar[str] = "ecertificate.issued"
