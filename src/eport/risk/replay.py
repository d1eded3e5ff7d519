"""Replay a proposed rule set over past declarations before it is put in force."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eport.risk.model import Lane, RuleSet
from eport.risk.ports import RuleEvaluator
from eport.risk.randomness import RandomSelection
from eport.risk.rulesets import declared_rules
from eport.risk.selection import select_lane


@dataclass(slots=True)
class LaneChange:
    count: int = 0
    declaration_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ReplayReport:
    """What would change: per (from, to) lane pair, and how often each rule would fire."""

    rule_set_code: str
    rule_set_version: int
    total: int = 0
    unchanged: int = 0
    changes: dict[tuple[Lane, Lane], LaneChange] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)  # every declared rule, 0 if it never fired

    @property
    def changed(self) -> int:
        return sum(c.count for c in self.changes.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "ruleSet": {"code": self.rule_set_code, "version": self.rule_set_version},
            "total": self.total,
            "unchanged": self.unchanged,
            "changed": self.changed,
            "changes": [
                {
                    "from": a.value,
                    "to": b.value,
                    "count": c.count,
                    "declarationIds": c.declaration_ids,
                }
                for (a, b), c in sorted(self.changes.items())
            ],
            "hits": dict(sorted(self.hits.items())),
        }


def replay(
    proposed: RuleSet,
    past: Iterable[tuple[str, Mapping[str, Any], Lane | str]],
    evaluator: RuleEvaluator,
    *,
    random: RandomSelection | None = None,
) -> ReplayReport:
    """Run ``proposed`` on each (declaration id, stored facts, stored lane).

    Stored facts are the ``build_facts`` dict (or ``load_facts`` of its stored form). Pass the
    ``random`` selection that was in force to compare like with like; without it, lanes that
    came only from random selection show as changes.
    """
    report = ReplayReport(proposed.code, proposed.version)
    hits: Counter[str] = Counter(dict.fromkeys(declared_rules(proposed.document), 0))
    for declaration_id, facts, stored in past:
        selection = select_lane(
            proposed, facts, evaluator, declaration_id=declaration_id, random=random
        )
        hits.update(selection.rules)
        report.total += 1
        before = Lane(stored)
        if selection.lane is before:
            report.unchanged += 1
            continue
        change = report.changes.setdefault((before, selection.lane), LaneChange())
        change.count += 1
        change.declaration_ids.append(declaration_id)
    report.hits = dict(hits)
    return report
