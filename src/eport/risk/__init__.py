"""Risk: selectivity. Rule sets (zen-engine JDM graphs, versioned and effective-dated) assign a
lane with reasons; random selection is reproducible from its seed; proposed rule sets can be
replayed over history, and hit statistics measure how effective each rule is.

The public surface is ``__all__``; see ``docs/risk.md``.
"""

from eport.risk.demo import demo_reference, demo_rule_set
from eport.risk.errors import (
    EvaluationFailed,
    RuleSetInvalid,
    RuleSetNotInForce,
    RuleSetVersionConflict,
)
from eport.risk.inputs import (
    ReferencePrice,
    RiskReference,
    build_facts,
    dump_facts,
    load_facts,
    responsible_party,
)
from eport.risk.model import (
    SEVERITY,
    ComplianceLevel,
    ComplianceProfile,
    FiredRule,
    Lane,
    RandomDraw,
    RuleSet,
    Selection,
    most_severe,
)
from eport.risk.ports import ComplianceProfiles, RiskUnitOfWork, RuleEvaluator, RuleSetRepository
from eport.risk.randomness import RandomSelection, draw, select_randomly
from eport.risk.replay import LaneChange, ReplayReport, replay
from eport.risk.rulesets import in_force, validate_rule_set
from eport.risk.selection import assess, select_lane
from eport.risk.statistics import HitRecord, RuleStatistics, hit_statistics

__all__ = [
    "SEVERITY",
    "ComplianceLevel",
    "ComplianceProfile",
    "ComplianceProfiles",
    "EvaluationFailed",
    "FiredRule",
    "HitRecord",
    "Lane",
    "LaneChange",
    "RandomDraw",
    "RandomSelection",
    "ReferencePrice",
    "ReplayReport",
    "RiskReference",
    "RiskUnitOfWork",
    "RuleEvaluator",
    "RuleSet",
    "RuleSetInvalid",
    "RuleSetNotInForce",
    "RuleSetRepository",
    "RuleSetVersionConflict",
    "RuleStatistics",
    "Selection",
    "assess",
    "build_facts",
    "demo_reference",
    "demo_rule_set",
    "draw",
    "dump_facts",
    "hit_statistics",
    "in_force",
    "load_facts",
    "most_severe",
    "replay",
    "responsible_party",
    "select_lane",
    "select_randomly",
    "validate_rule_set",
]
