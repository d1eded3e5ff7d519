"""Each rule of the demo rule set fires when it should, with its reason, and only then."""

from __future__ import annotations

from typing import Any

import pytest

from eport.adapters.risk_engine import ZenRuleEvaluator
from eport.risk import ComplianceLevel, ComplianceProfile, Lane, RuleSet, Selection, select_lane
from tests.factories import import_declaration, item, meat_import
from tests.unit.risk.conftest import REGULAR, facts

AEO = ComplianceProfile(level=ComplianceLevel.AEO, past_declarations=400)


def run(
    rule_set: RuleSet,
    evaluator: ZenRuleEvaluator,
    document: dict[str, Any],
    profile: ComplianceProfile = REGULAR,
) -> Selection:
    return select_lane(rule_set, facts(document, profile), evaluator, declaration_id="D1")


def expensive(value: str) -> dict[str, Any]:
    return import_declaration(goodsItems=[item(value=value)], invoiceAmount=value)


CASES = [
    (
        "sanitary.meat_high_risk_origin",
        meat_import(
            goodsItems=[
                item(1, "020230", originCountry="BR", unit="KGM", quantity="1000", value="9000")
            ]
        ),
        REGULAR,
        Lane.RED,
        "high risk for animal disease",
    ),
    ("aeo.clean", import_declaration(), AEO, Lane.GREEN, "automatic acceptance"),
    ("aeo.large_value_audit", expensive("600000.00"), AEO, Lane.BLUE, "post-clearance audit"),
    (
        "party.low_credit",
        import_declaration(),
        ComplianceProfile(level=ComplianceLevel.LOW_CREDIT, past_declarations=3),
        Lane.YELLOW,
        "low credit",
    ),
    (
        "party.first_time",
        import_declaration(),
        ComplianceProfile(),
        Lane.YELLOW,
        "First declaration",
    ),
    (
        "party.repeat_findings",
        import_declaration(),
        ComplianceProfile(past_findings=3, past_declarations=40),
        Lane.RED,
        "Three or more",
    ),
    ("value.high", expensive("250000.00"), REGULAR, Lane.YELLOW, "High-value"),
    (
        "valuation.undervalued",
        import_declaration(goodsItems=[item(value="5000.00")], invoiceAmount="5000.00"),
        REGULAR,
        Lane.YELLOW,
        "below half the reference",
    ),
]


@pytest.mark.parametrize(
    ("rule", "document", "profile", "lane", "reason"), CASES, ids=[c[0] for c in CASES]
)
def test_each_demo_rule_fires_with_its_reason_and_decides_the_lane(
    rule_set: RuleSet,
    evaluator: ZenRuleEvaluator,
    rule: str,
    document: dict[str, Any],
    profile: ComplianceProfile,
    lane: Lane,
    reason: str,
) -> None:
    selection = run(rule_set, evaluator, document, profile)
    # An AEO's green shortcut row fires alongside the AEO rules; nothing else fires.
    assert set(selection.rules) - {"aeo.clean"} == {rule} - {"aeo.clean"}
    assert selection.lane is lane
    fired = {f.rule: f for f in selection.fired}
    assert reason in fired[rule].reason
    assert selection.reasons() == (fired[rule].reason,)
    assert (selection.rule_set_code, selection.rule_set_version) == ("selectivity", 1)


def test_a_regular_trader_with_ordinary_goods_fires_nothing_and_is_green(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    selection = run(rule_set, evaluator, import_declaration())
    assert selection.fired == ()
    assert selection.lane is Lane.GREEN


def test_meat_from_a_safe_origin_does_not_fire_the_sanitary_rule(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    assert run(rule_set, evaluator, meat_import()).rules == ()


def test_an_aeo_with_past_findings_is_treated_as_any_other_trader(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    profile = ComplianceProfile(level=ComplianceLevel.AEO, past_findings=1, past_declarations=9)
    selection = run(rule_set, evaluator, expensive("250000.00"), profile)
    assert selection.rules == ("value.high",)


def test_undervaluation_needs_a_reference_in_the_declaration_currency(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    cheap = import_declaration(goodsItems=[item(value="5000.00")], invoiceAmount="5000.00")
    selection = run(rule_set, evaluator, cheap | {"currency": "EUR"})
    assert selection.rules == ()
    assert selection.facts["minValueRatio"] is None


def test_the_sanitary_rule_also_applies_to_an_aeo(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    beef = item(1, "020230", originCountry="IN", unit="KGM", quantity="1000", value="9000")
    selection = run(rule_set, evaluator, meat_import(goodsItems=[beef]), AEO)
    assert set(selection.rules) == {"sanitary.meat_high_risk_origin", "aeo.clean"}
    assert selection.lane is Lane.RED
    assert selection.reasons() == (selection.fired[0].reason,)
