"""Administration of reference data: agencies and the requirements catalogue, tariff measures
and exchange rates (risk rules: ``admin_risk``). The same policies and commands as
``api/catalogue.py`` and ``api/tariff.py``: reading reference data is open to every user (as in
the API), writing it is for administrators (exchange rates: also the forex agency)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from eport.adapters.db import admin_views, views
from eport.adapters.db import tables as t
from eport.adapters.db.repositories import rule_from_row
from eport.identity import policy
from eport.identity.model import Principal, Role
from eport.kernel.errors import NotFound, ValidationFailed
from eport.routing import commands as rc
from eport.routing import errors as rte
from eport.tariff import commands as tc
from eport.tariff.errors import ExchangeRateMissing, TariffLineUnknown

from ..api.catalogue import ADMIN, AgencyBody, RetireBody, RuleBody, _command, rule_json
from ..api.common import eport_of, execute, read
from ..api.tariff import RateBody
from .admin import gettext
from .form_errors import field_errors, one, or_none, split_list, validate
from .pages import page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

CONDITIONS = (
    ("hsPrefixes", "hs_prefixes"),
    ("declarationTypes", "declaration_types"),
    ("procedureCodes", "procedure_codes"),
    ("originCountries", "origin_countries"),
    ("destinationCountries", "destination_countries"),
    ("dispatchCountries", "dispatch_countries"),
    ("transportModes", "transport_modes"),
)
RULE_FIELDS = {
    "/code": "code",
    "/description": "description",
    "/agencies": "agencies",
    "/documents": "documents",
    "/effectiveFrom": "effective_from",
    "/effectiveTo": "effective_to",
    "/expectedVersion": "code",
    **{f"/conditions/{camel}": snake for camel, snake in CONDITIONS},
}
RATE_FIELDS = {
    "/currency": "currency",
    "/rate": "rate",
    "/validFrom": "valid_from",
    "/validTo": "valid_to",
}


def _rule_form(rule: dict[str, Any] | None) -> dict[str, Any]:
    """The form's fields from a rule as the API shows it (blank for a new rule)."""
    if rule is None:
        return {"code": "", "description": "", "agencies": "", "documents": "",
                "effective_from": "", "effective_to": "", "expected_version": "",
                **{snake: "" for _, snake in CONDITIONS}}  # fmt: skip
    return {
        "code": rule["code"],
        "description": rule["description"],
        "agencies": ", ".join(rule["agencies"]),
        "documents": ", ".join(d["type"] for d in rule["documents"]),
        "effective_from": rule["effectiveFrom"],
        "effective_to": rule["effectiveTo"] or "",
        "expected_version": str(rule["version"]),
        **{snake: ", ".join(rule["conditions"][camel]) for camel, snake in CONDITIONS},
    }


def _documents(text: str, previous: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Document types typed as a list; descriptions kept from the version edited."""
    known = {d["type"]: d.get("description", "") for d in previous}
    return [{"type": code, "description": known.get(code, "")} for code in split_list(text)]


async def _versions(request: Request[Any, Any, Any], code: str) -> list[dict[str, Any]]:
    rows = await read(eport_of(request), views.catalogue_rules)
    return [rule_json(rule_from_row(r)) for r in rows if r["code"] == code]


class CataloguePages(Controller):
    path = "/portal/admin/catalogue"
    include_in_schema = False

    @get("/", name="admin-catalogue")
    async def index(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        """The agencies, and the newest version of every rule."""
        policy.permit_any_user(principal, policy.Action.READ_CATALOGUE, "reference data")
        return await self._index(request, principal)

    @post("/agencies", name="admin-agency-save")
    async def save_agency(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        """Create or change an agency (administrators), as ``PUT /api/v1/agencies/{code}``."""
        policy.require_role(principal, policy.Action.MANAGE_CATALOGUE, ADMIN)
        _ = gettext(request)
        code = one(data, "code", 40)
        form: dict[str, Any] = {
            "code": code, "name": one(data, "name", 201),
            "interests": one(data, "interests", 2000), "active": bool(data.get("active")),
        }  # fmt: skip
        errors: dict[str, str] = {}
        if not code or not code.replace("_", "").isalnum():
            errors["code"] = _("Give a short code of letters and digits.")
        try:
            body = validate(
                AgencyBody,
                {"name": form["name"], "interests": split_list(str(form["interests"])) or ["/"],
                 "active": form["active"]},
            )  # fmt: skip
        except ValidationFailed as exc:
            errors |= field_errors(exc, {"/name": "name", "/interests": "interests"}, _)
        if errors:
            return await self._index(request, principal, form=form, errors=errors, status=422)
        await execute(
            eport_of(request),
            rc.PutAgency(
                actor=principal.user_id, code=code.lower(), name=body.name,
                interests=tuple(body.interests), active=body.active,
            ),
        )  # fmt: skip
        return Redirect("/portal/admin/catalogue#agencies", status_code=303)

    async def _index(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        eport = eport_of(request)
        rows = await read(eport, views.catalogue_rules)
        latest: dict[str, Any] = {}
        counts: dict[str, int] = {}
        for row in rows:  # ordered by (code, version)
            latest[row["code"]] = rule_json(rule_from_row(row))
            counts[row["code"]] = counts.get(row["code"], 0) + 1
        return page(
            request,
            "admin/catalogue.html",
            principal,
            agencies=await read(eport, views.agencies),
            rules=list(latest.values()),
            counts=counts,
            can_edit=_is_admin(principal),
            form=form or {"active": True},
            errors=errors or {},
            status_code=status,
        )

    def _edit_page(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        *,
        form: dict[str, Any],
        errors: dict[str, str],
        versions: list[dict[str, Any]],
        status_code: int = 200,
    ) -> Template:
        return page(
            request,
            "admin/rule.html",
            principal,
            status_code=status_code,
            form=form,
            errors=errors,
            versions=versions,
            conditions=CONDITIONS,
            new=not versions,
        )

    @get("/new", name="admin-rule-new")
    async def new(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        policy.require_role(principal, policy.Action.MANAGE_CATALOGUE, ADMIN)
        return self._edit_page(request, principal, form=_rule_form(None), errors={}, versions=[])

    @get("/{code:str}", name="admin-rule")
    async def rule(
        self, request: Request[Any, Any, Any], principal: Principal, code: str
    ) -> Template:
        """Every version of the rule, and (administrators) the form to write the next one."""
        policy.permit_any_user(principal, policy.Action.READ_CATALOGUE, "reference data")
        versions = await _versions(request, code)
        if not versions:
            raise NotFound("No such rule.", code=code)
        return self._edit_page(
            request, principal, form=_rule_form(versions[-1]), errors={}, versions=versions
        )

    @post("/", name="admin-rule-save")
    async def save(
        self, request: Request[Any, Any, Any], principal: Principal, data: Form
    ) -> Template | Redirect:
        """Create a rule (no expected version) or write its next version (``PutCatalogueRule``
        with the version edited: a stale one is refused, as the API's 409)."""
        policy.require_role(principal, policy.Action.MANAGE_CATALOGUE, ADMIN)
        _ = gettext(request)
        form = {key: one(data, key) for key in _rule_form(None)}
        form["code"] = form["code"].upper()
        versions = await _versions(request, form["code"]) if form["code"] else []
        expected = form["expected_version"]
        if expected and not expected.isdigit():
            return self._edit_page(
                request, principal, form=form, versions=versions, status_code=422,
                errors={"code": _("Reload the rule: the form is out of date.")},
            )  # fmt: skip
        try:
            body = validate(
                RuleBody,
                {
                    "code": form["code"] or None,
                    "description": form["description"],
                    "conditions": {camel: split_list(form[snake]) for camel, snake in CONDITIONS},
                    "agencies": split_list(form["agencies"]),
                    "documents": _documents(
                        form["documents"], versions[-1]["documents"] if versions else []
                    ),
                    "effectiveFrom": or_none(form["effective_from"]),
                    "effectiveTo": or_none(form["effective_to"]),
                    "expectedVersion": int(expected) if expected else None,
                },
            )
            if body.code is None:
                raise ValidationFailed([])  # replaced below: a new rule has a code
            rule = await execute(eport_of(request), _command(principal, body.code, body))
        except ValidationFailed as exc:
            errors = field_errors(exc, RULE_FIELDS, _)
            if not form["code"]:
                errors["code"] = _("A new rule has a code.")
            return self._edit_page(
                request, principal, form=form, errors=errors, versions=versions, status_code=422
            )
        except rte.RuleVersionConflict:
            message = (
                _("Someone changed this rule meanwhile: reload it and make your change again.")
                if expected
                else _("A rule with this code exists: edit it instead.")
            )
            return self._edit_page(
                request, principal, form=form, versions=versions, status_code=409,
                errors={"code": message},
            )  # fmt: skip
        return Redirect(
            f"/portal/admin/catalogue/{rule.code}?saved={rule.version}", status_code=303
        )

    @post("/{code:str}/retire", name="admin-rule-retire")
    async def retire(
        self, request: Request[Any, Any, Any], principal: Principal, code: str, data: Form
    ) -> Template | Redirect:
        policy.require_role(principal, policy.Action.MANAGE_CATALOGUE, ADMIN)
        _ = gettext(request)
        reason = one(data, "reason")
        try:
            body = validate(RetireBody, {"reason": reason})
            await execute(
                eport_of(request),
                rc.RetireCatalogueRule(actor=principal.user_id, code=code, reason=body.reason),
            )
        except ValidationFailed:
            versions = await _versions(request, code)
            if not versions:
                raise NotFound("No such rule.", code=code) from None
            return self._edit_page(
                request, principal, form=_rule_form(versions[-1]), versions=versions,
                status_code=422, errors={"reason": _("Say why the rule is retired.")},
            )  # fmt: skip
        return Redirect(f"/portal/admin/catalogue/{code}", status_code=303)


def _is_admin(principal: Principal) -> bool:
    return any(principal.has(r) for r in ADMIN)


def _tariff(request: Request[Any, Any, Any]) -> Any:
    engine = eport_of(request).writer.tariff
    if engine is None:
        raise NotFound("No tariff is loaded.")
    return engine


class TariffPages(Controller):
    path = "/portal/admin"
    include_in_schema = False

    @get("/tariff", name="admin-tariff")
    async def tariff(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> Template:
        """Nomenclature lines by HS prefix or words, each with its MFN duty today; the
        tariff-rate quotas under the prefix and their balances."""
        policy.permit_any_user(principal, policy.Action.READ_TARIFF, "reference data")
        engine = _tariff(request)
        today = eport_of(request).clock().date()
        query = (q or "").strip()
        lines: list[dict[str, Any]] = []
        if query:
            for e in engine.data.schedule.nomenclature.search(query, limit=100, on=today):
                try:
                    duty = str(engine.data.schedule.mfn_measure(e.code, today).rate)
                except TariffLineUnknown:
                    duty = None
                lines.append({"code": e.code, "description": e.description, "level": e.level,
                              "unit": e.unit, "duty": duty})  # fmt: skip

        def balances(conn: sa.Connection) -> dict[str, str]:
            qb = t.quota_balances
            return {r[0]: r[1] for r in conn.execute(sa.select(qb.c.quota_id, qb.c.balance))}

        known = await read(eport_of(request), balances)
        digits = query.replace(".", "")
        quotas = [
            {"quotaId": x.quota_id, "hsPrefix": x.hs_prefix, "origins": sorted(x.origins),
             "unit": x.unit, "inQuota": str(x.in_quota), "outOfQuota": str(x.out_of_quota),
             "balance": known.get(x.quota_id, "0")}
            for x in sorted(engine.data.schedule.quotas(), key=lambda x: x.quota_id)
            if not digits.isdigit() or x.hs_prefix.startswith(digits[: len(x.hs_prefix)])
        ]  # fmt: skip
        return page(
            request, "admin/tariff.html", principal, q=query, lines=lines, quotas=quotas,
            today=today.isoformat(),
        )  # fmt: skip

    async def _rates_page(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        *,
        form: dict[str, str],
        errors: dict[str, str],
        published: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Template:
        engine = _tariff(request)
        eport = eport_of(request)
        today = eport.clock().date()
        book = await read(eport, engine.rates)
        current = []
        for currency in sorted(book.currencies()):
            try:
                current.append({"currency": currency, "rate": str(book.rate(currency, today))})
            except ExchangeRateMissing:
                continue
        return page(
            request,
            "admin/rates.html",
            principal,
            status_code=status_code,
            national=book.national_currency,
            today=today.isoformat(),
            current=current,
            rates=await read(eport, admin_views.published_rates),
            form=form,
            errors=errors,
            published=published,
            can_publish=_is_admin(principal)
            or (principal.has(Role.OFFICER) and principal.agency == "forex"),
        )

    @get("/rates", name="admin-rates")
    async def rates(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        policy.permit_any_user(principal, policy.Action.READ_TARIFF, "reference data")
        return await self._rates_page(request, principal, form={}, errors={})

    @post("/rates", name="admin-rate-publish")
    async def publish(
        self, request: Request[Any, Any, Any], principal: Principal, data: Form
    ) -> Template:
        """``PublishExchangeRate`` (forex agency or administrators), as the API."""
        policy.require_agency_or_admin(principal, policy.Action.PUBLISH_RATES, "forex")
        _ = gettext(request)
        form = {k: one(data, k, 40) for k in ("currency", "rate", "valid_from", "valid_to")}
        form["currency"] = form["currency"].upper()
        try:
            body = validate(
                RateBody,
                {"currency": form["currency"], "rate": form["rate"],
                 "validFrom": or_none(form["valid_from"]), "validTo": or_none(form["valid_to"])},
            )  # fmt: skip
            result: dict[str, Any] = await execute(
                eport_of(request),
                tc.PublishExchangeRate(
                    actor=principal.user_id,
                    currency=body.currency,
                    rate=Decimal(body.rate),
                    valid_from=body.valid_from,
                    valid_to=body.valid_to,
                ),
            )
        except ValidationFailed as exc:
            return await self._rates_page(
                request, principal, form=form, status_code=422,
                errors=field_errors(exc, RATE_FIELDS, _),
            )  # fmt: skip
        return await self._rates_page(request, principal, form={}, errors={}, published=result)
