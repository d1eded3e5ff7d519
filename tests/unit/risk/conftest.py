"""Risk tests run the real zen-engine adapter on the shipped demo rule set."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from eport.adapters.risk_engine import ZenRuleEvaluator
from eport.datamodel.declaration import Declaration
from eport.risk import ComplianceProfile, RuleSet, build_facts, demo_reference, demo_rule_set

ON = date(2026, 3, 1)
REGULAR = ComplianceProfile(past_declarations=12)


@pytest.fixture(scope="session")
def evaluator() -> ZenRuleEvaluator:
    return ZenRuleEvaluator()


@pytest.fixture
def rule_set() -> RuleSet:
    return demo_rule_set()


def facts(document: dict[str, Any], profile: ComplianceProfile = REGULAR) -> dict[str, Any]:
    declaration = Declaration.model_validate(document)
    return build_facts(declaration, profile, demo_reference(), ON)
