"""Handlers of the risk context. Bind the evaluator when registering, e.g.
``bus.register_command(PutRuleSet, functools.partial(put_rule_set, evaluator=engine))``."""

from __future__ import annotations

from typing import Any

from eport.risk import commands, errors, events
from eport.risk.model import ComplianceLevel, RuleSet
from eport.risk.ports import RiskUnitOfWork, RuleEvaluator
from eport.risk.rulesets import validate_rule_set


def put_rule_set(
    cmd: commands.PutRuleSet, uow: RiskUnitOfWork, *, evaluator: RuleEvaluator
) -> dict[str, Any]:
    rule_set = RuleSet(
        code=cmd.code,
        version=cmd.version,
        valid_from=cmd.valid_from,
        valid_to=cmd.valid_to,
        document=cmd.document,
        author=cmd.actor,
        note=cmd.note,
    )
    validate_rule_set(rule_set, evaluator)
    current = max((v.version for v in uow.rule_sets.versions(cmd.code)), default=0)
    if cmd.version != current + 1:
        raise errors.RuleSetVersionConflict(
            f"Rule set {cmd.code} is at version {current}; the next is {current + 1}.",
            version=current,
        )
    uow.rule_sets.add(rule_set)
    uow.record(
        events.RuleSetPut(
            actor=cmd.actor,
            agency="customs",
            reason=cmd.note or None,
            occurred_at=uow.now(),
            data={
                "code": cmd.code,
                "version": cmd.version,
                "validFrom": cmd.valid_from.isoformat(),
                "validTo": None if cmd.valid_to is None else cmd.valid_to.isoformat(),
            },
        )
    )
    return {"code": cmd.code, "version": cmd.version}


def set_compliance_level(cmd: commands.SetComplianceLevel, uow: RiskUnitOfWork) -> dict[str, Any]:
    level = ComplianceLevel(cmd.level)
    uow.compliance.set_level(cmd.scheme, cmd.identifier, level)
    data = {"scheme": cmd.scheme, "identifier": cmd.identifier, "level": level.value}
    uow.record(
        events.ComplianceLevelSet(
            actor=cmd.actor, agency="customs", occurred_at=uow.now(), data=data
        )
    )
    return data
