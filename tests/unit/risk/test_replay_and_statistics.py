"""Replaying a proposed rule set over history, and hit statistics with findings."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from eport.adapters.risk_engine import ZenRuleEvaluator
from eport.risk import (
    ComplianceProfile,
    HitRecord,
    Lane,
    RandomSelection,
    RuleSet,
    dump_facts,
    hit_statistics,
    load_facts,
    replay,
    select_lane,
)
from tests.factories import import_declaration, item, meat_import
from tests.unit.risk.conftest import facts


def history(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> list[tuple[str, dict[str, Any], Lane]]:
    documents = {
        "D-laptops": import_declaration(),  # 45,000: green
        "D-beef": meat_import(),  # 143,000: green
        "D-big": import_declaration(goodsItems=[item(value="250000.00")], invoiceAmount="250000"),
        "D-new": import_declaration(),  # first-time trader: yellow
    }
    out = []
    for declaration_id, document in documents.items():
        profile = (
            ComplianceProfile()
            if declaration_id == "D-new"
            else ComplianceProfile(past_declarations=5)
        )
        stored = dump_facts(facts(document, profile))  # as the integrator would store them
        selection = select_lane(
            rule_set, load_facts(stored), evaluator, declaration_id=declaration_id
        )
        out.append((declaration_id, load_facts(stored), selection.lane))
    return out


def lowered_threshold(rule_set: RuleSet) -> RuleSet:
    document = copy.deepcopy(dict(rule_set.document))
    rows = next(n for n in document["nodes"] if n["id"] == "general")["content"]["rules"]
    row = next(r for r in rows if r["general-out-rule"] == '"value.high"')
    row["general-in-3"] = ">= 100000"
    return dataclasses.replace(rule_set, version=2, document=document)


def test_replay_reports_lane_changes_and_hits(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    past = history(rule_set, evaluator)
    assert [lane for _, _, lane in past] == [Lane.GREEN, Lane.GREEN, Lane.YELLOW, Lane.YELLOW]

    same = replay(rule_set, past, evaluator)
    assert (same.total, same.unchanged, same.changed, same.changes) == (4, 4, 0, {})

    report = replay(lowered_threshold(rule_set), past, evaluator)
    assert report.total == 4 and report.unchanged == 3
    change = report.changes[(Lane.GREEN, Lane.YELLOW)]
    assert (change.count, change.declaration_ids) == (1, ["D-beef"])
    assert report.hits["value.high"] == 2
    assert report.hits["party.first_time"] == 1
    assert report.hits["sanitary.meat_high_risk_origin"] == 0  # declared rules are all listed
    assert report.as_dict()["changes"] == [
        {"from": "green", "to": "yellow", "count": 1, "declarationIds": ["D-beef"]}
    ]
    assert report.as_dict()["ruleSet"] == {"code": "selectivity", "version": 2}


def test_replay_with_the_random_selection_in_force_is_reproducible(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    seed = RandomSelection("s1", b"secret", yellow_rate=0.5, red_rate=0.25)
    past = [
        (d, f, select_lane(rule_set, f, evaluator, declaration_id=d, random=seed).lane)
        for d, f, _ in history(rule_set, evaluator)
    ]
    assert replay(rule_set, past, evaluator, random=seed).changed == 0


def test_hit_statistics_count_hits_and_the_rate_of_findings() -> None:
    records = [
        HitRecord(("value.high", "party.first_time"), finding=True),
        HitRecord(("value.high",), finding=False),
        HitRecord(("value.high",), finding=None),  # not controlled yet
        HitRecord(("party.first_time",), finding=False),
        HitRecord(("aeo.clean",)),
        HitRecord(("value.high", "value.high"), finding=True),  # counts once per declaration
    ]
    stats = hit_statistics(records)
    assert list(stats) == ["aeo.clean", "party.first_time", "value.high"]
    high = stats["value.high"]
    assert (high.hits, high.checked, high.findings) == (4, 3, 2)
    assert high.hit_rate == 2 / 3
    assert stats["party.first_time"].hit_rate == 0.5
    assert stats["aeo.clean"].hit_rate is None
    assert stats["value.high"].as_dict()["hitRate"] == 2 / 3


def test_hit_records_come_from_selections(rule_set: RuleSet, evaluator: ZenRuleEvaluator) -> None:
    selection = select_lane(
        rule_set, facts(import_declaration(), ComplianceProfile()), evaluator, declaration_id="X"
    )
    assert HitRecord.of(selection, True) == HitRecord(("party.first_time",), True)
