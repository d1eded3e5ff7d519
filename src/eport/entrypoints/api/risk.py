"""Risk selectivity for customs: rule-set versions, replay of a proposed set over past
declarations, hit statistics; and a declaration's lane."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from litestar import Controller, Request, get, post, put
from litestar.params import Parameter
from pydantic import Field

from eport.adapters.db import tables as t
from eport.adapters.db.risk import SqlRuleSetRepository
from eport.datamodel.declaration import Model
from eport.identity import policy
from eport.identity.model import Principal, Role
from eport.kernel.clock import isoformat
from eport.kernel.errors import NotFound
from eport.risk import commands as rkc
from eport.risk.inputs import load_facts
from eport.risk.model import RuleSet
from eport.risk.replay import replay
from eport.risk.statistics import HitRecord, hit_statistics

from .common import eport_of, execute, json_body, read
from .declarations import visible_declaration
from .openapi import request_body


def latest_version(conn: sa.Connection, code: str) -> int:
    """The newest stored version of a rule set (0: none yet)."""
    r = t.risk_rule_sets
    query = sa.select(sa.func.coalesce(sa.func.max(r.c.version), 0)).where(r.c.code == code)
    return int(conn.execute(query).scalar_one())


def past_selections(conn: sa.Connection, limit: int) -> list[tuple[str, dict[str, Any], str]]:
    """(declaration, facts, lane) of the newest ``limit`` selections, for a replay."""
    s = t.risk_selections
    rows = conn.execute(
        sa.select(s.c.declaration_id, s.c.facts, s.c.lane)
        .order_by(s.c.selected_at.desc())
        .limit(limit)
    ).all()
    return [(r[0], load_facts(r[1]), r[2]) for r in rows]


class RuleSetBody(Model):
    valid_from: date
    valid_to: date | None = None
    document: dict[str, Any] = Field(description="A JDM decision graph (see docs/risk.md)")
    note: str = Field(default="", max_length=2000)


class ProfileBody(Model):
    level: Literal["aeo", "general", "low_credit"]


class ReplayBody(Model):
    document: dict[str, Any]
    limit: int = Field(default=10_000, ge=1, le=100_000)


def _customs(principal: Principal) -> None:
    policy.require_agency_or_admin(principal, policy.Action.MANAGE_RISK, "customs")


def _rule_set_json(r: RuleSet) -> dict[str, Any]:
    return {
        "code": r.code,
        "version": r.version,
        "validFrom": r.valid_from.isoformat(),
        "validTo": r.valid_to.isoformat() if r.valid_to else None,
        "author": r.author,
        "note": r.note,
        "document": r.document,
    }


class RiskController(Controller):
    path = "/api/v1/risk"
    tags = ["risk"]

    @get("/rule-sets/{code:str}", summary="Every version of a rule set (customs)")
    async def versions(
        self, request: Request[Any, Any, Any], principal: Principal, code: str
    ) -> dict[str, Any]:
        _customs(principal)

        def query(conn: sa.Connection) -> list[RuleSet]:
            return SqlRuleSetRepository(conn, eport_of(request).clock()).versions(code)

        return {"items": [_rule_set_json(r) for r in await read(eport_of(request), query)]}

    @post(
        "/rule-sets/{code:str}",
        status_code=201,
        summary="Add the next version of a rule set (customs)",
        operation_class=request_body(RuleSetBody),
    )
    async def add_version(
        self, request: Request[Any, Any, Any], principal: Principal, code: str
    ) -> dict[str, Any]:
        """Validated first (it loads in zen-engine; every row has rule, lane and reason): 422
        with a pointer per problem. It is in force from `validFrom`; the lodge path uses the
        newest version in force that day."""
        _customs(principal)
        body, _ = await json_body(request, RuleSetBody)

        version = await read(eport_of(request), lambda c: latest_version(c, code)) + 1
        result: dict[str, Any] = await execute(
            eport_of(request),
            rkc.PutRuleSet(
                actor=principal.user_id,
                code=code,
                version=version,
                valid_from=body.valid_from,
                valid_to=body.valid_to,
                document=body.document,
                note=body.note,
            ),
        )
        return result

    @post(
        "/rule-sets/{code:str}/replay",
        status_code=200,
        summary="How a proposed rule set would change past lanes (customs)",
        operation_class=request_body(ReplayBody),
    )
    async def replay(
        self, request: Request[Any, Any, Any], principal: Principal, code: str
    ) -> dict[str, Any]:
        """Runs the proposed document over the stored facts of the latest `limit` selections
        and reports, per lane pair, how many declarations (and which) would move, and how often
        each rule would fire. Nothing is stored."""
        _customs(principal)
        body, _ = await json_body(request, ReplayBody)
        eport = eport_of(request)
        engine = eport.writer.risk
        assert engine is not None
        proposed = RuleSet(code, 1, eport.clock().date(), body.document, principal.user_id)
        from eport.risk.rulesets import validate_rule_set

        validate_rule_set(proposed, engine.evaluator)

        history = await read(eport, lambda c: past_selections(c, body.limit))
        report = replay(proposed, history, engine.evaluator, random=engine.random)
        return report.as_dict()

    @get("/statistics", summary="Hits and hit rates per rule (customs)")
    async def statistics(
        self, request: Request[Any, Any, Any], principal: Principal
    ) -> dict[str, Any]:
        """Per rule: how many declarations it fired on, how many of those were checked, and
        how many checks found a discrepancy (the hit rate measures the rule's effectiveness)."""
        _customs(principal)

        def query(conn: sa.Connection) -> list[HitRecord]:
            s = t.risk_selections
            out = []
            for fired, finding in conn.execute(sa.select(s.c.fired, s.c.finding)):
                known = None if finding is None else finding == "discrepancy"
                out.append(HitRecord(tuple(f["rule"] for f in fired), known))
            return out

        stats = hit_statistics(await read(eport_of(request), query))
        return {
            "rules": [
                {
                    "rule": s.rule,
                    "hits": s.hits,
                    "checked": s.checked,
                    "findings": s.findings,
                    "hitRate": s.hit_rate,
                }
                for s in stats.values()
            ]
        }

    @put(
        "/profiles/{scheme:str}/{identifier:str}",
        summary="Set a party's compliance level (customs)",
        operation_class=request_body(ProfileBody),
    )
    async def put_profile(
        self, request: Request[Any, Any, Any], principal: Principal, scheme: str, identifier: str
    ) -> dict[str, Any]:
        """`{"level": "aeo" | "general" | "low_credit"}` for the party with this identifier
        (as declarations name it). Findings are counted by inspections; this sets the level,
        e.g. after an AEO accreditation."""
        _customs(principal)
        body, _ = await json_body(request, ProfileBody)
        result: dict[str, Any] = await execute(
            eport_of(request),
            rkc.SetComplianceLevel(
                actor=principal.user_id, scheme=scheme, identifier=identifier, level=body.level
            ),
        )
        return result

    @get("/profiles/{scheme:str}/{identifier:str}", summary="A party's compliance profile")
    async def profile(
        self, request: Request[Any, Any, Any], principal: Principal, scheme: str, identifier: str
    ) -> dict[str, Any]:
        _customs(principal)
        eport = eport_of(request)

        def query(conn: sa.Connection) -> Any:
            from eport.adapters.db.risk import SqlSelectivity

            return SqlSelectivity(conn, eport.clock(), None).profile(
                scheme, identifier, eport.clock().date()
            )

        p = await read(eport, query)
        return {
            "scheme": scheme,
            "identifier": identifier,
            "level": p.level.value,
            "pastFindings": p.past_findings,
            "lastFindingOn": p.last_finding_on.isoformat() if p.last_finding_on else None,
            "pastDeclarations": p.past_declarations,
        }

    @get("/selections", summary="Declarations by lane (customs), e.g. blue for audit")
    async def selections(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        lane: str | None = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    ) -> dict[str, Any]:
        _customs(principal)

        def query(conn: sa.Connection) -> list[dict[str, Any]]:
            s = t.risk_selections
            q = sa.select(s).order_by(s.c.selected_at.desc()).limit(limit)
            if lane:
                q = q.where(s.c.lane == lane)
            return [_selection_json(r, True) for r in conn.execute(q).mappings()]

        return {"items": await read(eport_of(request), query)}


def _selection_json(row: Any, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "declarationId": row["declaration_id"],
        "revision": row["revision"],
        "lane": row["lane"],
        "selectedAt": isoformat(row["selected_at"]),
        "finding": row["finding"],
    }
    if full:
        out |= {
            "ruleSet": {"code": row["rule_set_code"], "version": row["rule_set_version"]},
            "fired": row["fired"],
            "random": row["random"],
        }
    return out


class DeclarationRiskController(Controller):
    path = "/api/v1/declarations"
    tags = ["risk"]

    @get("/{declaration_id:str}/risk", summary="The lane (and, for customs, why)")
    async def risk(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        """Every party sees the lane; customs officers and administrators also see the rules
        that fired, with their reasons, and the random draw."""
        await visible_declaration(request, principal, declaration_id)
        full = principal.has(Role.ADMIN) or (
            principal.has(Role.OFFICER) and principal.agency == "customs"
        )

        def query(conn: sa.Connection) -> list[dict[str, Any]]:
            s = t.risk_selections
            rows = conn.execute(
                sa.select(s).where(s.c.declaration_id == declaration_id).order_by(s.c.revision)
            ).mappings()
            return [_selection_json(r, full) for r in rows]

        history = await read(eport_of(request), query)
        if not history:
            raise NotFound("No lane was assigned to this declaration.", id=declaration_id)
        return {"declarationId": declaration_id, "latest": history[-1], "history": history}
