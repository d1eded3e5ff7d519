"""Risk on the lodge path: rule sets from the database (cached in memory), compliance
profiles, the zen-engine evaluator and the random-selection seed, behind the declarations
context's ``Selectivity`` port; and the SQL rule-set repository of the risk context."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from eport.datamodel.declaration import Declaration
from eport.risk.errors import RuleSetNotInForce
from eport.risk.inputs import RiskReference, dump_facts
from eport.risk.model import ComplianceLevel, ComplianceProfile, RuleSet, Selection
from eport.risk.ports import RuleEvaluator
from eport.risk.randomness import RandomSelection
from eport.risk.rulesets import in_force
from eport.risk.selection import assess

from . import tables as t

RULE_SET = "selectivity"  # the rule set the lodge path runs
PAST_CAP = 1000  # past declarations counted for a profile (enough for any rule)


def _rule_set(row: Any) -> RuleSet:
    return RuleSet(
        code=row["code"],
        version=row["version"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        document=row["document"],
        author=row["author"],
        note=row["note"],
    )


class SqlRuleSetRepository:
    def __init__(self, conn: sa.Connection, now: datetime, cache: RuleSetCache | None = None):
        self.conn, self.now, self.cache = conn, now, cache

    def versions(self, code: str) -> list[RuleSet]:
        r = t.risk_rule_sets
        rows = self.conn.execute(
            sa.select(r).where(r.c.code == code).order_by(r.c.version)
        ).mappings()
        return [_rule_set(row) for row in rows]

    def add(self, rule_set: RuleSet) -> None:
        self.conn.execute(
            t.risk_rule_sets.insert(),
            {
                "code": rule_set.code,
                "version": rule_set.version,
                "valid_from": rule_set.valid_from,
                "valid_to": rule_set.valid_to,
                "document": dict(rule_set.document),
                "author": rule_set.author,
                "note": rule_set.note,
                "created_at": self.now,
            },
        )
        if self.cache is not None:
            self.cache.invalidate()


class RuleSetCache:
    """The lodge path's rule-set versions, reloaded at most every ``ttl`` seconds (and at
    once after a change made in this process)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._versions: list[RuleSet] | None = None
        self._loaded = 0.0

    def invalidate(self) -> None:
        with self._lock:
            self._versions = None

    def versions(self, conn: sa.Connection) -> list[RuleSet]:
        with self._lock:
            fresh = time.monotonic() - self._loaded < self.ttl
            if self._versions is not None and fresh:
                return self._versions
        versions = SqlRuleSetRepository(conn, datetime.now(UTC)).versions(RULE_SET)
        with self._lock:
            self._versions, self._loaded = versions, time.monotonic()
        return versions


@dataclass
class RiskEngine:
    """Everything selectivity needs that lives for the process."""

    evaluator: RuleEvaluator
    cache: RuleSetCache
    reference: RiskReference
    random: RandomSelection | None
    enabled: bool = True


# Built once: the lodge path runs them for every declaration.
_c, _e, _d = t.compliance_profiles, t.enterprises, t.declarations
PROFILE = sa.select(_c.c.level, _c.c.past_findings, _c.c.last_finding_on).where(
    _c.c.scheme == sa.bindparam("scheme"), _c.c.identifier == sa.bindparam("identifier")
)
OWNER = sa.select(_e.c.id).where(
    _e.c.scheme == sa.bindparam("scheme"), _e.c.identifier == sa.bindparam("identifier")
)
# Rules ask "first-time trader?" or "how many": count at most PAST_CAP, on the owner index.
PAST = sa.select(sa.func.count()).select_from(
    sa.select(_d.c.id).where(_d.c.owner_id == sa.bindparam("owner")).limit(PAST_CAP).subquery()
)


class SqlSelectivity:
    """The declarations context's ``Selectivity`` port for one unit of work."""

    def __init__(self, conn: sa.Connection, now: datetime, engine: RiskEngine | None) -> None:
        self.conn, self.now, self.engine = conn, now, engine

    def profile(self, scheme: str, value: str, on: date) -> ComplianceProfile:
        params = {"scheme": scheme, "identifier": value}
        row = self.conn.execute(PROFILE, params).first()
        owner = self.conn.execute(OWNER, params).scalar()
        past = self.conn.execute(PAST, {"owner": owner}).scalar_one() if owner else 0
        if row is None:
            return ComplianceProfile(past_declarations=past)
        return ComplianceProfile(ComplianceLevel(row[0]), row[1], row[2], past)

    def select(self, document: Declaration, declaration_id: str, on: date) -> Selection | None:
        engine = self.engine
        if engine is None or not engine.enabled:
            return None
        try:
            rule_set = in_force(engine.cache.versions(self.conn), on)
        except RuleSetNotInForce:
            return None
        return assess(
            document,
            declaration_id=declaration_id,
            on=on,
            rule_set=rule_set,
            evaluator=engine.evaluator,
            profiles=self,
            reference=engine.reference,
            random=engine.random,
        )

    def record(self, selection: Selection, revision: int) -> None:
        stored = selection.as_dict()
        self.conn.execute(
            t.risk_selections.insert(),
            {
                "declaration_id": selection.declaration_id,
                "revision": revision,
                "lane": selection.lane.value,
                "rule_set_code": selection.rule_set_code,
                "rule_set_version": selection.rule_set_version,
                "fired": stored["fired"],
                "random": stored["random"],
                "facts": dump_facts(selection.facts),
                "selected_at": self.now,
            },
        )


class SqlComplianceLevels:
    def __init__(self, conn: sa.Connection, now: datetime) -> None:
        self.conn, self.now = conn, now

    def set_level(self, scheme: str, identifier: str, level: ComplianceLevel) -> None:
        c = t.compliance_profiles
        done = self.conn.execute(
            c.update()
            .where(c.c.scheme == scheme, c.c.identifier == identifier)
            .values(level=level.value, updated_at=self.now)
        )
        if not done.rowcount:
            self.conn.execute(
                c.insert(),
                {
                    "scheme": scheme,
                    "identifier": identifier,
                    "level": level.value,
                    "past_findings": 0,
                    "last_finding_on": None,
                    "updated_at": self.now,
                },
            )
