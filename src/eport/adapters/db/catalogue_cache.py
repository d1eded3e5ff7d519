"""The requirements catalogue compiled in memory, so routing costs microseconds, not queries.

A write through this process invalidates it at once; other processes reload it after ``ttl``
seconds. Every version is kept, so a rule edited with a future ``effectiveFrom`` keeps routing
under its current version until that day.
"""

from __future__ import annotations

import threading
import time
from datetime import date

import sqlalchemy as sa

from eport.routing.model import Agency, Catalogue, CatalogueRule

from . import tables as t


def in_force_on(rules: list[CatalogueRule], on: date) -> list[CatalogueRule]:
    """For each rule code, the newest version that had taken effect on ``on``, if in force."""
    chosen: dict[str, CatalogueRule] = {}
    for rule in rules:  # ordered by (code, version)
        if rule.effective_from <= on:
            chosen[rule.code] = rule
    return [r for r in chosen.values() if r.in_force(on)]


class CatalogueCache:
    def __init__(self, ttl: float = 5.0) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._rules: list[CatalogueRule] | None = None
        self._agencies: dict[str, Agency] | None = None
        self._by_day: dict[date, Catalogue] = {}
        self._loaded_at = 0.0

    def invalidate(self) -> None:
        with self._lock:
            self._rules, self._agencies, self._by_day = None, None, {}

    def _fresh(self, conn: sa.Connection) -> None:
        if self._rules is not None and time.monotonic() - self._loaded_at < self.ttl:
            return
        from .repositories import rule_from_row

        c = t.catalogue_rules
        rows = conn.execute(sa.select(c).order_by(c.c.code, c.c.version)).mappings()
        rules = [rule_from_row(r) for r in rows]
        agencies = {
            r["code"]: Agency(r["code"], r["name"], tuple(r["interests"]), r["active"])
            for r in conn.execute(sa.select(t.agencies)).mappings()
        }
        with self._lock:
            self._rules, self._agencies, self._by_day = rules, agencies, {}
            self._loaded_at = time.monotonic()

    def catalogue(self, conn: sa.Connection, on: date) -> Catalogue:
        self._fresh(conn)
        cached = self._by_day.get(on)
        if cached is None:
            assert self._rules is not None
            cached = Catalogue(in_force_on(self._rules, on))
            self._by_day[on] = cached
        return cached

    def agencies(self, conn: sa.Connection) -> dict[str, Agency]:
        self._fresh(conn)
        assert self._agencies is not None
        return self._agencies
