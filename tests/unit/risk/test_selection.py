"""Combining fired rows into one lane, and random selection reproducible from its seed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eport.adapters.risk_engine import ZenRuleEvaluator
from eport.risk import (
    SEVERITY,
    ComplianceLevel,
    ComplianceProfile,
    EvaluationFailed,
    Lane,
    RandomSelection,
    RuleSet,
    demo_rule_set,
    draw,
    most_severe,
    select_lane,
    select_randomly,
)
from eport.risk.selection import fired_rule
from tests.factories import import_declaration, item
from tests.unit.risk.conftest import facts

SEED = RandomSelection(seed_id="2026-Q1", seed_key=b"k" * 32, yellow_rate=0.03, red_rate=0.01)


def test_severity_is_red_then_yellow_then_blue_then_green() -> None:
    assert sorted(Lane, key=SEVERITY.__getitem__) == [Lane.GREEN, Lane.BLUE, Lane.YELLOW, Lane.RED]
    assert most_severe([Lane.BLUE, Lane.GREEN]) is Lane.BLUE
    assert most_severe([Lane.BLUE, Lane.YELLOW]) is Lane.YELLOW
    assert most_severe([Lane.YELLOW, Lane.RED, Lane.BLUE]) is Lane.RED
    assert most_severe([]) is Lane.GREEN


@given(st.lists(st.sampled_from(list(Lane))))
def test_the_lane_is_the_most_severe_of_those_given(lanes: list[Lane]) -> None:
    lane = most_severe(lanes)
    assert lane in lanes or (not lanes and lane is Lane.GREEN)
    assert all(SEVERITY[lane] >= SEVERITY[other] for other in lanes)


def test_several_rows_combine_to_the_most_severe(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    profile = ComplianceProfile(
        level=ComplianceLevel.LOW_CREDIT, past_findings=4, past_declarations=9
    )
    cheap = import_declaration(goodsItems=[item(value="5000.00")], invoiceAmount="5000.00")
    selection = select_lane(rule_set, facts(cheap, profile), evaluator, declaration_id="D")
    assert set(selection.rules) == {
        "party.low_credit",
        "party.repeat_findings",
        "valuation.undervalued",
    }
    assert selection.lane is Lane.RED
    assert selection.reasons() == (
        "Three or more past inspections found discrepancies: physical inspection.",
    )


@settings(max_examples=40, deadline=None)
@given(
    level=st.sampled_from(list(ComplianceLevel)),
    findings=st.integers(0, 5),
    declarations=st.integers(0, 3),
    value=st.integers(100, 900_000),
    declaration_id=st.text(min_size=1, max_size=20),
)
def test_through_the_engine_the_lane_is_the_most_severe_fired_lane(
    level: ComplianceLevel, findings: int, declarations: int, value: int, declaration_id: str
) -> None:
    evaluator = ZenRuleEvaluator()
    profile = ComplianceProfile(level, findings, None, declarations)
    document = import_declaration(goodsItems=[item(value=f"{value}.00")], invoiceAmount=f"{value}")
    selection = select_lane(
        demo_rule_set(),
        facts(document, profile),
        evaluator,
        declaration_id=declaration_id,
        random=SEED,
    )
    assert selection.lane is most_severe(f.lane for f in selection.fired)
    assert all(SEVERITY[selection.lane] >= SEVERITY[f.lane] for f in selection.fired)


def test_the_same_seed_and_id_give_the_same_draw_and_different_seeds_differ() -> None:
    assert draw(b"seed-a", "01J0000000000000000000000A") == draw(
        b"seed-a", "01J0000000000000000000000A"
    )
    assert draw(b"seed-a", "01J0000000000000000000000A") != draw(
        b"seed-b", "01J0000000000000000000000A"
    )
    assert draw(b"seed-a", "01J0000000000000000000000A") != draw(
        b"seed-a", "01J0000000000000000000000B"
    )
    assert 0 <= draw(b"seed-a", "x") < 1


def test_the_empirical_rates_are_near_the_configured_rates() -> None:
    lanes = [select_randomly(SEED, f"DECL-{n:06d}").lane for n in range(20_000)]
    red, yellow = lanes.count(Lane.RED), lanes.count(Lane.YELLOW)
    # Binomial: red ~ 200 (sd 14), yellow ~ 600 (sd 24); five standard deviations either side.
    assert 130 <= red <= 270
    assert 480 <= yellow <= 720


def test_random_selection_is_reported_as_a_fired_rule_and_reproduces(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    picked = next(
        f"DECL-{n}" for n in range(10_000) if select_randomly(SEED, f"DECL-{n}").lane is Lane.YELLOW
    )
    runs = [
        select_lane(
            rule_set, facts(import_declaration()), evaluator, declaration_id=picked, random=SEED
        )
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    selection = runs[0]
    assert selection.rules == ("random.yellow",)
    assert selection.lane is Lane.YELLOW
    assert selection.random is not None
    assert selection.random.seed_id == "2026-Q1"
    assert selection.random.draw == draw(SEED.seed_key, picked)
    assert (
        selection.random.red_threshold <= selection.random.draw < selection.random.yellow_threshold
    )
    assert selection.as_dict()["random"]["seedId"] == "2026-Q1"


def test_a_declaration_not_drawn_records_the_draw_but_fires_nothing(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    quiet = next(f"D{n}" for n in range(1000) if select_randomly(SEED, f"D{n}").lane is None)
    selection = select_lane(
        rule_set, facts(import_declaration()), evaluator, declaration_id=quiet, random=SEED
    )
    assert selection.fired == ()
    assert selection.lane is Lane.GREEN
    assert selection.random is not None and selection.random.draw >= 0.04


@pytest.mark.parametrize(("red", "yellow"), [(-0.1, 0.0), (0.6, 0.5)])
def test_rates_must_be_fractions(red: float, yellow: float) -> None:
    with pytest.raises(ValueError, match="rates"):
        RandomSelection("s", b"k", yellow_rate=yellow, red_rate=red)


def test_a_fired_row_that_breaks_the_contract_fails_loudly() -> None:
    with pytest.raises(EvaluationFailed):
        fired_rule({"rule": "x", "lane": "purple", "reason": "r"})
    assert fired_rule({"rule": "x", "lane": "red", "reason": None}).reason == "Rule x fired."
