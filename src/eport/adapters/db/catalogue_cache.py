"""The requirements catalogue compiled in memory, so routing costs microseconds, not queries.

A write through this process invalidates it at once; other processes notice a change within
``ttl`` seconds (the newest rule version is checked, which is one indexed query).
"""

from __future__ import annotations

import threading
import time
from datetime import date

import sqlalchemy as sa

from eport.routing.model import Agency, Catalogue, CatalogueRule

from . import tables as t


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
        latest = (
            sa.select(c.c.code, sa.func.max(c.c.version).label("version"))
            .group_by(c.c.code).subquery()
        )
        rows = conn.execute(
            sa.select(c).join(latest, sa.and_(c.c.code == latest.c.code,
                                              c.c.version == latest.c.version))
        ).mappings()
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
            cached = Catalogue(r for r in self._rules if r.in_force(on))
            self._by_day[on] = cached
        return cached

    def agencies(self, conn: sa.Connection) -> dict[str, Agency]:
        self._fresh(conn)
        assert self._agencies is not None
        return self._agencies
