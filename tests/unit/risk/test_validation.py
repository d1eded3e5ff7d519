"""A proposed rule set is checked before it can be stored; each problem has a pointer and code."""

from __future__ import annotations

import copy
import dataclasses
from datetime import UTC, date, datetime
from typing import Any

import pytest

from eport.adapters.risk_engine import ZenRuleEvaluator
from eport.kernel.messagebus import MessageBus
from eport.kernel.messages import Event
from eport.risk import RuleSet, RuleSetInvalid, RuleSetNotInForce, in_force, validate_rule_set
from eport.risk.commands import PutRuleSet
from eport.risk.errors import RuleSetVersionConflict
from eport.risk.events import RuleSetPut
from eport.risk.handlers import put_rule_set

GENERAL = 5  # index of the "general" table node in the demo document
ROW = "/document/nodes/5/content/rules/0"


def problems(rule_set: RuleSet, evaluator: ZenRuleEvaluator) -> list[tuple[str, str]]:
    with pytest.raises(RuleSetInvalid) as caught:
        validate_rule_set(rule_set, evaluator)
    assert caught.value.code == "risk.rule_set_invalid"
    return [(e.pointer, e.code) for e in caught.value.errors]


def edited(rule_set: RuleSet, **changes: Any) -> RuleSet:
    return dataclasses.replace(rule_set, document=copy.deepcopy(rule_set.document), **changes)


def general(rule_set: RuleSet) -> dict[str, Any]:
    node: dict[str, Any] = rule_set.document["nodes"][GENERAL]
    assert node["id"] == "general"
    return node["content"]


def test_the_demo_rule_set_is_valid(rule_set: RuleSet, evaluator: ZenRuleEvaluator) -> None:
    validate_rule_set(rule_set, evaluator)


def test_a_table_must_collect(rule_set: RuleSet, evaluator: ZenRuleEvaluator) -> None:
    bad = edited(rule_set)
    general(bad)["hitPolicy"] = "first"
    assert problems(bad, evaluator) == [("/document/nodes/5/content/hitPolicy", "risk.hit_policy")]


def test_a_table_must_output_rule_lane_and_reason(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    bad = edited(rule_set)
    general(bad)["outputs"] = [c for c in general(bad)["outputs"] if c["field"] != "lane"]
    assert problems(bad, evaluator) == [
        ("/document/nodes/5/content/outputs", "risk.output_missing")
    ]


def test_rows_need_a_literal_rule_a_valid_lane_and_a_reason(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    bad = edited(rule_set)
    rows = general(bad)["rules"]
    rows[0]["general-out-lane"] = '"purple"'
    rows[1]["general-out-rule"] = ""
    rows[2]["general-out-reason"] = " "
    rows[3]["general-out-rule"] = '"party.low_credit"'
    rows[4]["general-out-rule"] = '"random.red"'
    assert problems(bad, evaluator) == [
        (f"{ROW}/general-out-lane", "risk.lane_invalid"),
        ("/document/nodes/5/content/rules/1/general-out-rule", "risk.rule_missing"),
        ("/document/nodes/5/content/rules/2/general-out-reason", "risk.reason_missing"),
        ("/document/nodes/5/content/rules/3/general-out-rule", "risk.rule_duplicate"),
        ("/document/nodes/5/content/rules/4/general-out-rule", "risk.rule_reserved"),
    ]


def test_an_expression_zen_cannot_compile_is_reported_where_it_is(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    bad = edited(rule_set)
    general(bad)["rules"][3]["general-in-3"] = ">> 200000"
    bad.document["nodes"][1]["content"]["expressions"][0]["value"] = "party.level =="
    assert problems(bad, evaluator) == [
        ("/document/nodes/1/content/expressions/0/value", "risk.expression_invalid"),
        ("/document/nodes/5/content/rules/3/general-in-3", "risk.expression_invalid"),
    ]


def test_a_graph_zen_cannot_load_is_refused(rule_set: RuleSet, evaluator: ZenRuleEvaluator) -> None:
    bad = edited(rule_set)
    bad.document["nodes"] = [n for n in bad.document["nodes"] if n["type"] != "inputNode"]
    assert ("/document", "risk.graph_invalid") in problems(bad, evaluator)


def test_a_rule_set_without_tables_and_with_bad_metadata_is_refused(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    bad = dataclasses.replace(
        rule_set,
        code="Bad Code",
        version=0,
        valid_to=rule_set.valid_from,
        author=" ",
        document={"nodes": [], "edges": []},
    )
    assert problems(bad, evaluator) == [
        ("/author", "risk.author_missing"),
        ("/code", "risk.code_format"),
        ("/document", "risk.graph_invalid"),
        ("/document/nodes", "risk.no_table"),
        ("/validTo", "risk.valid_to"),
        ("/version", "risk.version"),
    ]


def test_the_highest_version_in_force_on_the_date_is_chosen(rule_set: RuleSet) -> None:
    v1 = dataclasses.replace(rule_set, version=1, valid_from=date(2026, 1, 1))
    v2 = dataclasses.replace(
        rule_set, version=2, valid_from=date(2026, 4, 1), valid_to=date(2026, 7, 1)
    )
    assert in_force([v1, v2], date(2026, 3, 31)) is v1
    assert in_force([v1, v2], date(2026, 4, 1)) is v2
    assert in_force([v1, v2], date(2026, 7, 1)) is v1
    with pytest.raises(RuleSetNotInForce):
        in_force([v1, v2], date(2025, 12, 31))


class InMemoryRuleSets:
    def __init__(self) -> None:
        self.stored: list[RuleSet] = []

    def versions(self, code: str) -> list[RuleSet]:
        return [r for r in self.stored if r.code == code]

    def add(self, rule_set: RuleSet) -> None:
        self.stored.append(rule_set)


class FakeRiskUnitOfWork:
    def __init__(self) -> None:
        self.rule_sets = InMemoryRuleSets()
        self.events: list[Event] = []
        self._new: list[Event] = []

    def now(self) -> datetime:
        return datetime(2026, 3, 1, tzinfo=UTC)

    def record(self, event: Event) -> None:
        self.events.append(event)
        self._new.append(event)

    def take_new_events(self) -> list[Event]:
        out, self._new = self._new, []
        return out


def test_put_rule_set_validates_then_stores_the_next_version(
    rule_set: RuleSet, evaluator: ZenRuleEvaluator
) -> None:
    bus = MessageBus()
    bus.register_command(PutRuleSet, lambda c, u: put_rule_set(c, u, evaluator=evaluator))
    uow = FakeRiskUnitOfWork()
    cmd = PutRuleSet(
        actor="analyst-1",
        code="selectivity",
        version=1,
        valid_from=date(2026, 1, 1),
        valid_to=None,
        document=rule_set.document,
        note="first",
    )
    assert bus.handle(cmd, uow) == {"code": "selectivity", "version": 1}
    assert [type(e) for e in uow.events] == [RuleSetPut]
    assert uow.rule_sets.stored[0].author == "analyst-1"
    with pytest.raises(RuleSetVersionConflict):
        bus.handle(cmd, uow)
    broken = dataclasses.replace(cmd, version=2, document={"nodes": [], "edges": []})
    with pytest.raises(RuleSetInvalid):
        bus.handle(broken, uow)
    assert len(uow.rule_sets.stored) == 1
