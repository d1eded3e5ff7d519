"""Risk rules for customs officers and administrators (as ``api/risk.py``): the rule sets and
their versions, and the replay of a proposed version over past selections (nothing stored)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from eport.adapters.db import admin_views
from eport.adapters.db import tables as t
from eport.identity import policy
from eport.identity.model import Principal
from eport.kernel.errors import ValidationFailed
from eport.risk import commands as rkc
from eport.risk.model import RuleSet
from eport.risk.replay import replay
from eport.risk.rulesets import validate_rule_set

from ..api.common import eport_of, execute, read
from ..api.risk import ReplayBody, RuleSetBody, past_selections
from .admin import gettext
from .form_errors import field_errors, one, validate
from .pages import page

Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
MAX_RULE_SET_BYTES = 2_000_000


class RiskPages(Controller):
    path = "/portal/admin/risk"
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        *,
        form: dict[str, str],
        errors: dict[str, str],
        report: dict[str, Any] | None = None,
        status_code: int = 200,
        notice: str | None = None,
    ) -> Template:
        rule_sets: dict[str, list[dict[str, Any]]] = {}
        for v in await read(eport_of(request), admin_views.rule_sets):
            rule_sets.setdefault(v["code"], []).append(v)
        return page(
            request,
            "admin/risk.html",
            principal,
            status_code=status_code,
            rule_sets=rule_sets,
            form=form,
            errors=errors,
            report=report,
            notice=notice,
        )

    @get("/", name="admin-risk")
    async def index(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        """Rule sets and their versions (customs officers and administrators, as the API)."""
        policy.require_agency_or_admin(principal, policy.Action.MANAGE_RISK, "customs")
        return await self._page(
            request, principal, form={"code": "selectivity", "document": ""}, errors={}
        )

    @post("/replay", name="admin-risk-replay")
    async def replay(
        self, request: Request[Any, Any, Any], principal: Principal, data: Upload
    ) -> Template:
        """How a proposed version would move past lanes, and each rule's hits (the API's
        replay: the newest ``limit`` selections; nothing is stored). The JDM JSON is uploaded
        as a file or pasted."""
        policy.require_agency_or_admin(principal, policy.Action.MANAGE_RISK, "customs")
        _ = gettext(request)
        upload: Any = data.get("file")
        blob = await upload.read(MAX_RULE_SET_BYTES + 1) if hasattr(upload, "read") else b""
        code = one(data, "code", 40) or "selectivity"
        pasted = one(data, "document", MAX_RULE_SET_BYTES)
        form = {"code": code, "document": pasted, "limit": one(data, "limit", 6) or "10000"}
        text = blob.decode("utf-8", errors="replace") if blob.strip() else pasted
        if not text.strip():
            return await self._page(
                request, principal, form=form, status_code=422,
                errors={"document": _("Upload the rule set's JSON or paste it.")},
            )  # fmt: skip
        if len(text) > MAX_RULE_SET_BYTES:
            return await self._page(
                request, principal, form=form, status_code=422,
                errors={"document": _("This is too long.")},
            )  # fmt: skip
        try:
            document = json.loads(text)
        except ValueError:
            return await self._page(
                request, principal, form=form, status_code=422,
                errors={"document": _("This is not valid JSON.")},
            )  # fmt: skip
        eport = eport_of(request)
        engine = eport.writer.risk
        assert engine is not None
        try:
            limit = int(form["limit"]) if form["limit"].isdigit() else -1
            body = validate(ReplayBody, {"document": document, "limit": limit})
            proposed = RuleSet(code, 1, eport.clock().date(), body.document, principal.user_id)
            validate_rule_set(proposed, engine.evaluator)
        except ValidationFailed as exc:
            fields = {"/limit": "limit", "/document": "document", "": "document"}
            errors = field_errors(exc, fields, _)
            if errors.get("document") and not errors["document"].startswith("/"):
                errors["document"] = (
                    "; ".join(
                        f"{e.pointer or '/'}: {e.message}"
                        for e in exc.errors
                        if e.pointer != "/limit"
                    )
                    or errors["document"]
                )
            return await self._page(request, principal, form=form, status_code=422, errors=errors)

        history = await read(eport, lambda c: past_selections(c, body.limit))
        report = replay(proposed, history, engine.evaluator, random=engine.random)
        stored = json.dumps(body.document, ensure_ascii=False)
        return await self._page(
            request, principal, form={**form, "proposed": stored}, errors={},
            report=report.as_dict(),
        )  # fmt: skip

    @post("/versions", name="admin-risk-store")
    async def store(
        self, request: Request[Any, Any, Any], principal: Principal, data: Upload
    ) -> Template:
        """Store the replayed document as the rule set's next version, in force from
        ``validFrom`` (the API's ``POST /api/v1/risk/rule-sets/{code}``: validated again)."""
        policy.require_agency_or_admin(principal, policy.Action.MANAGE_RISK, "customs")
        _ = gettext(request)
        code = one(data, "code", 40) or "selectivity"
        text = one(data, "proposed", MAX_RULE_SET_BYTES)
        form = {
            "code": code, "document": text, "proposed": text,
            "validFrom": one(data, "validFrom", 10), "note": one(data, "note", 500),
        }  # fmt: skip
        try:
            body = validate(
                RuleSetBody,
                {"document": json.loads(text or "null"), "validFrom": form["validFrom"],
                 "note": form["note"]},
            )  # fmt: skip
            code_ok = sa.select(sa.func.coalesce(sa.func.max(t.risk_rule_sets.c.version), 0))
            latest = await read(
                eport_of(request),
                lambda c: int(
                    c.execute(code_ok.where(t.risk_rule_sets.c.code == code)).scalar_one()
                ),
            )
            result: dict[str, Any] = await execute(
                eport_of(request),
                rkc.PutRuleSet(
                    actor=principal.user_id, code=code, version=latest + 1,
                    valid_from=body.valid_from, valid_to=body.valid_to,
                    document=body.document, note=body.note,
                ),
            )  # fmt: skip
        except (ValidationFailed, ValueError) as exc:
            errors = (
                field_errors(exc, {"/validFrom": "validFrom", "/note": "note"}, _)
                if isinstance(exc, ValidationFailed)
                else {"document": _("This is not valid JSON.")}
            )
            if not errors:
                errors = {"validFrom": "; ".join(e.message for e in exc.errors)}  # type: ignore[union-attr]
            return await self._page(request, principal, form=form, status_code=422, errors=errors)
        notice = _("Version %(version)s of %(code)s is stored.", version=result.get("version"),
                   code=code)  # fmt: skip
        return await self._page(
            request, principal, form={"code": code, "document": ""}, errors={}, notice=notice
        )
