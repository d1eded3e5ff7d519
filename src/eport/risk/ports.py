"""What the risk context needs from the outside world."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from eport.kernel.errors import FieldError
from eport.kernel.unit_of_work import UnitOfWork
from eport.risk.model import ComplianceLevel, ComplianceProfile, RuleSet


class RuleEvaluator(Protocol):
    """Runs JDM decision graphs. Implemented on zen-engine by ``adapters.risk_engine``."""

    def check(self, document: Mapping[str, Any]) -> list[FieldError]:
        """Problems that stop the document loading or compiling, each with a JSON pointer."""
        ...

    def evaluate(
        self, document: Mapping[str, Any], facts: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """The output rows of every decision table that ran, in graph order.

        ``facts`` may hold ``Decimal`` values; the evaluator converts them at its boundary.
        Raises ``EvaluationFailed`` if the engine fails.
        """
        ...


class ComplianceProfiles(Protocol):
    """The compliance record of a party, identified as on the declaration (scheme, value)."""

    def profile(self, scheme: str, value: str, on: date) -> ComplianceProfile: ...


class RuleSetRepository(Protocol):
    def versions(self, code: str) -> list[RuleSet]:
        """Every stored version of the rule set, oldest first."""
        ...

    def add(self, rule_set: RuleSet) -> None: ...


class ComplianceLevels(Protocol):
    def set_level(self, scheme: str, identifier: str, level: ComplianceLevel) -> None: ...


class RiskUnitOfWork(UnitOfWork, Protocol):
    rule_sets: RuleSetRepository
    compliance: ComplianceLevels
