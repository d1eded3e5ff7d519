"""Lanes, rule sets, compliance profiles and the selection result.

A rule set is a zen-engine JDM decision graph, versioned and effective-dated. Evaluating it on a
declaration's facts gives the rows that fired; the most severe lane among them is the lane.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Lane(StrEnum):
    """green: automatic acceptance; yellow: document check; red: physical inspection;
    blue: post-clearance audit (released now, audited later)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    BLUE = "blue"


# Higher is more severe. red > yellow > blue > green: a document check or an inspection holds
# the goods, an audit does not, so blue only wins over green.
SEVERITY: Mapping[Lane, int] = {Lane.GREEN: 0, Lane.BLUE: 1, Lane.YELLOW: 2, Lane.RED: 3}


def most_severe(lanes: Iterable[Lane]) -> Lane:
    """The most severe lane; green when there is none."""
    return max(lanes, key=SEVERITY.__getitem__, default=Lane.GREEN)


class ComplianceLevel(StrEnum):
    AEO = "aeo"  # Authorised Economic Operator
    GENERAL = "general"
    LOW_CREDIT = "low_credit"


@dataclass(frozen=True, slots=True)
class ComplianceProfile:
    """What customs knows of a party's record, as of the day of the assessment."""

    level: ComplianceLevel = ComplianceLevel.GENERAL
    past_findings: int = 0  # inspections or audits that found a discrepancy
    last_finding_on: date | None = None
    past_declarations: int = 0  # 0 means a first-time trader


@dataclass(frozen=True, slots=True)
class RuleSet:
    """One version of a rule set: a JDM decision graph in force on [valid_from, valid_to)."""

    code: str
    version: int
    valid_from: date
    document: Mapping[str, Any]  # the JDM graph, as parsed JSON
    author: str
    note: str = ""
    valid_to: date | None = None

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


@dataclass(frozen=True, slots=True)
class FiredRule:
    """One decision-table row that matched (or the random selection, ``random.<lane>``)."""

    rule: str
    lane: Lane
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "lane": self.lane.value, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class RandomDraw:
    """The random-selection draw for one declaration: reproducible from the seed and the id."""

    seed_id: str
    draw: float  # in [0, 1)
    red_threshold: float  # draw < red_threshold selects red
    yellow_threshold: float  # else draw < yellow_threshold selects yellow
    lane: Lane | None  # None: not selected

    def as_dict(self) -> dict[str, Any]:
        return {
            "seedId": self.seed_id,
            "draw": self.draw,
            "redThreshold": self.red_threshold,
            "yellowThreshold": self.yellow_threshold,
            "lane": None if self.lane is None else self.lane.value,
        }


@dataclass(frozen=True, slots=True)
class Selection:
    """The outcome stored with a declaration: the lane, what fired, and what it was run on."""

    declaration_id: str
    rule_set_code: str
    rule_set_version: int
    lane: Lane
    fired: tuple[FiredRule, ...]
    random: RandomDraw | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(f.rule for f in self.fired)

    def reasons(self) -> tuple[str, ...]:
        """The reasons of the rows that decided the lane (for the officer and the trader)."""
        return tuple(f.reason for f in self.fired if f.lane is self.lane)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, without the facts (store those with ``inputs.dump_facts``)."""
        return {
            "declarationId": self.declaration_id,
            "ruleSet": {"code": self.rule_set_code, "version": self.rule_set_version},
            "lane": self.lane.value,
            "fired": [f.as_dict() for f in self.fired],
            "random": None if self.random is None else self.random.as_dict(),
        }
