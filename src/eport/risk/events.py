"""Events of the risk context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class RuleSetPut(Event):
    name: ClassVar[str] = "risk.rule_set_put"


@dataclass(frozen=True, kw_only=True)
class LaneAssigned(Event):
    """Recorded by the lodge path with ``data=selection.as_dict()``."""

    name: ClassVar[str] = "risk.lane_assigned"


@dataclass(frozen=True, kw_only=True)
class ComplianceLevelSet(Event):
    name: ClassVar[str] = "risk.compliance_level_set"
