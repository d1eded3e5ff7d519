"""The demo rule set and reference data shipped with E-Port (``risk/data/``)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

from eport.risk.inputs import ReferencePrice, RiskReference
from eport.risk.model import RuleSet

DEMO_RULE_SET = "demo-selectivity.json"


def demo_document() -> dict[str, Any]:
    """The demo JDM graph (parsed)."""
    text = resources.files("eport.risk").joinpath("data", DEMO_RULE_SET).read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def demo_rule_set() -> RuleSet:
    return RuleSet(
        code="selectivity",
        version=1,
        valid_from=date(2026, 1, 1),
        document=demo_document(),
        author="demo",
        note="Demo selectivity profile shipped with E-Port.",
    )


def demo_reference() -> RiskReference:
    """Reference data the demo rules expect: high-risk meat origins, a beef reference price."""
    return RiskReference(
        high_risk_origins={"02": frozenset({"BR", "IN"}), "03": frozenset({"VN"})},
        reference_prices={
            "020230": ReferencePrice("USD", "KGM", Decimal("3.50")),
            "847130": ReferencePrice("USD", "H87", Decimal("150")),
        },
    )
