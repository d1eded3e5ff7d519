"""Selectivity: run a rule set on a declaration's facts and combine what fired into one lane."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from eport.datamodel.declaration import Declaration
from eport.risk.errors import EvaluationFailed
from eport.risk.inputs import RiskReference, build_facts, responsible_party
from eport.risk.model import FiredRule, Lane, RuleSet, Selection, most_severe
from eport.risk.ports import ComplianceProfiles, RuleEvaluator
from eport.risk.randomness import RandomSelection, as_fired, select_randomly


def fired_rule(row: Mapping[str, Any]) -> FiredRule:
    """A fired row as a FiredRule; ``EvaluationFailed`` if it breaks the output contract."""
    rule, lane, reason = row.get("rule"), row.get("lane"), row.get("reason")
    if not isinstance(rule, str) or not rule or lane not in set(Lane):
        raise EvaluationFailed("A fired row has no rule id or no valid lane.", row=dict(row))
    # A reason expression that evaluated to nothing still leaves an explanation.
    text = reason if isinstance(reason, str) and reason.strip() else f"Rule {rule} fired."
    return FiredRule(rule, Lane(lane), text)


def select_lane(
    rule_set: RuleSet,
    facts: Mapping[str, Any],
    evaluator: RuleEvaluator,
    *,
    declaration_id: str,
    random: RandomSelection | None = None,
) -> Selection:
    """Evaluate ``rule_set`` on ``facts``; the lane is the most severe fired lane.

    Severity is red > yellow > blue > green; nothing fired means green. With ``random``, the
    declaration's draw may add ``random.yellow`` or ``random.red`` as one more fired rule.
    """
    fired = [fired_rule(row) for row in evaluator.evaluate(rule_set.document, facts)]
    drawn = None
    if random is not None:
        drawn = select_randomly(random, declaration_id)
        extra = as_fired(drawn)
        if extra is not None:
            fired.append(extra)
    return Selection(
        declaration_id=declaration_id,
        rule_set_code=rule_set.code,
        rule_set_version=rule_set.version,
        lane=most_severe(f.lane for f in fired),
        fired=tuple(fired),
        random=drawn,
        facts=facts,
    )


def assess(
    declaration: Declaration,
    *,
    declaration_id: str,
    on: date,
    rule_set: RuleSet,
    evaluator: RuleEvaluator,
    profiles: ComplianceProfiles,
    reference: RiskReference,
    random: RandomSelection | None = None,
) -> Selection:
    """The lodge-path entry point: look up the party's profile, build the facts, select."""
    party = responsible_party(declaration)
    profile = profiles.profile(party.identifier.scheme, party.identifier.value, on)
    facts = build_facts(declaration, profile, reference, on)
    return select_lane(rule_set, facts, evaluator, declaration_id=declaration_id, random=random)
