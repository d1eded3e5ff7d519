"""Reads of the task page that the API does in its controllers: a declaration's inspection
orders (``api/clearance.py``) and its risk lanes (``api/risk.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from eport.adapters.db import tables as t
from eport.adapters.db.clearance import SqlClearanceRepository
from eport.clearance.handlers import order_json


def inspections(conn: sa.Connection, now: datetime, declaration_id: str) -> list[dict[str, Any]]:
    """What ``GET /api/v1/declarations/{id}/checks`` lists (customs only)."""
    o = t.inspection_orders
    repo = SqlClearanceRepository(conn, now)
    ids = conn.execute(
        sa.select(o.c.id).where(o.c.declaration_id == declaration_id).order_by(o.c.ordered_at)
    ).scalars()
    return [order_json(order) for i in ids if (order := repo.get_order(i)) is not None]


def selections(conn: sa.Connection, declaration_id: str) -> list[dict[str, Any]]:
    """The lanes of ``GET /api/v1/declarations/{id}/risk``, oldest first."""
    s = t.risk_selections
    rows = conn.execute(
        sa.select(s).where(s.c.declaration_id == declaration_id).order_by(s.c.revision)
    ).mappings()
    return [
        {"revision": r["revision"], "lane": r["lane"], "fired": r["fired"] or [],
         "ruleSet": f"{r['rule_set_code']} v{r['rule_set_version']}", "random": r["random"],
         "finding": r["finding"]}
        for r in rows
    ]  # fmt: skip
