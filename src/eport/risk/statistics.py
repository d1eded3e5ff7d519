"""Hit statistics: how often each rule fires, and how often a control it caused found something.

The hit rate of a rule is findings / checked hits, where a checked hit is a declaration the rule
fired on whose control outcome is known (the inspection or check found a discrepancy or not).
Hits whose outcome is not known yet count in ``hits`` but not in the rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from eport.risk.model import Selection


@dataclass(frozen=True, slots=True)
class HitRecord:
    """The rules that fired on one declaration, and the control's finding (None: not known)."""

    rules: tuple[str, ...]
    finding: bool | None = None

    @classmethod
    def of(cls, selection: Selection, finding: bool | None = None) -> HitRecord:
        return cls(selection.rules, finding)


@dataclass(frozen=True, slots=True)
class RuleStatistics:
    rule: str
    hits: int
    checked: int
    findings: int

    @property
    def hit_rate(self) -> float | None:
        """findings / checked, or None when no hit has a known outcome."""
        return self.findings / self.checked if self.checked else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "hits": self.hits,
            "checked": self.checked,
            "findings": self.findings,
            "hitRate": self.hit_rate,
        }


def hit_statistics(records: Iterable[HitRecord]) -> dict[str, RuleStatistics]:
    """Per rule id: hits, checked hits, findings (a rule counts once per declaration)."""
    hits: dict[str, list[int]] = {}
    for record in records:
        for rule in set(record.rules):
            counts = hits.setdefault(rule, [0, 0, 0])
            counts[0] += 1
            if record.finding is not None:
                counts[1] += 1
                counts[2] += int(record.finding)
    return {rule: RuleStatistics(rule, *counts) for rule, counts in sorted(hits.items())}
