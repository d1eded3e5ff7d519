"""The requirements catalogue and the agencies, administered through the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, delete, get, post, put
from pydantic import Field

from eport.adapters.db import views
from eport.adapters.db.catalogue_cache import in_force_on
from eport.adapters.db.repositories import rule_from_row, rule_to_row
from eport.datamodel.declaration import Model
from eport.identity import policy
from eport.identity.model import Principal, Role
from eport.kernel.errors import NotFound
from eport.routing import commands as rc
from eport.routing.model import CatalogueRule, Conditions, RequiredDocument

from .common import eport_of, execute, json_body, read
from .openapi import request_body

ADMIN = {Role.ADMIN}


class ConditionsBody(Model):
    hs_prefixes: list[str] = Field(default=[], max_length=500)
    declaration_types: list[str] = []
    procedure_codes: list[str] = []
    origin_countries: list[str] = []
    destination_countries: list[str] = []
    dispatch_countries: list[str] = []
    transport_modes: list[str] = []


class DocumentBody(Model):
    type: str = Field(min_length=1, max_length=8)
    description: str = ""


class RuleBody(Model):
    code: str | None = Field(default=None, pattern=r"^[A-Z0-9][A-Z0-9\-_]{1,39}$")
    description: str = Field(min_length=1, max_length=2000)
    conditions: ConditionsBody = ConditionsBody()
    agencies: list[str] = []
    documents: list[DocumentBody] = []
    effective_from: date
    effective_to: date | None = None
    expected_version: int | None = None


class RetireBody(Model):
    reason: str = Field(min_length=1, max_length=2000)


class AgencyBody(Model):
    name: str = Field(min_length=1, max_length=200)
    interests: list[str] = ["/"]
    active: bool = True


def rule_json(rule: CatalogueRule) -> dict[str, Any]:
    row = rule_to_row(rule)
    c = row["conditions"]
    return {
        "code": rule.code,
        "version": rule.version,
        "description": rule.description,
        "conditions": {
            "hsPrefixes": c["hs_prefixes"],
            "declarationTypes": c["declaration_types"],
            "procedureCodes": c["procedure_codes"],
            "originCountries": c["origin_countries"],
            "destinationCountries": c["destination_countries"],
            "dispatchCountries": c["dispatch_countries"],
            "transportModes": c["transport_modes"],
        },
        "agencies": row["agencies"],
        "documents": row["documents"],
        "effectiveFrom": rule.effective_from.isoformat(),
        "effectiveTo": rule.effective_to.isoformat() if rule.effective_to else None,
        "retired": rule.retired,
    }


def _command(principal: Principal, code: str, body: RuleBody) -> rc.PutCatalogueRule:
    return rc.PutCatalogueRule(
        actor=principal.user_id,
        code=code,
        description=body.description,
        conditions=Conditions(**{k: tuple(v) for k, v in body.conditions.model_dump().items()}),
        agencies=tuple(body.agencies),
        documents=tuple(RequiredDocument(d.type, d.description) for d in body.documents),
        effective_from=body.effective_from,
        effective_to=body.effective_to,
        expected_version=body.expected_version,
    )


class CatalogueController(Controller):
    path = "/api/v1/catalogue/rules"
    tags = ["catalogue"]

    @get("/", summary="The newest version of every rule")
    async def list(
        self, request: Request[Any, Any, Any], principal: Principal, at: date | None = None
    ) -> dict[str, Any]:
        """With `at=YYYY-MM-DD`: the version of each rule that routes on that day."""
        policy.permit_any_user(principal, policy.Action.READ_CATALOGUE, "reference data")
        rows = await read(eport_of(request), views.catalogue_rules)
        versions = [rule_from_row(row) for row in rows]  # ordered by (code, version)
        if at is not None:
            return {"rules": [rule_json(r) for r in in_force_on(versions, at)]}
        latest: dict[str, CatalogueRule] = {r.code: r for r in versions}
        return {"rules": [rule_json(r) for r in latest.values()]}

    @get("/{code:str}/versions", summary="Every version of a rule")
    async def versions(
        self, request: Request[Any, Any, Any], principal: Principal, code: str
    ) -> dict[str, Any]:
        policy.permit_any_user(principal, policy.Action.READ_CATALOGUE, "reference data")
        rows = await read(eport_of(request), views.catalogue_rules)
        found = [rule_json(rule_from_row(r)) for r in rows if r["code"] == code]
        if not found:
            raise NotFound("No such rule.", code=code)
        return {"code": code, "versions": found}

    @post(
        "/",
        status_code=201,
        summary="Create a rule (administrators)",
        operation_class=request_body(RuleBody),
    )
    async def create(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        policy.require_role(principal, policy.Action.MANAGE_CATALOGUE, ADMIN)
        body, _ = await json_body(request, RuleBody)
        if body.code is None:
            from eport.kernel.errors import FieldError, ValidationFailed

            raise ValidationFailed([FieldError("/code", "required", "A new rule has a code.")])
        rule = await execute(
            eport_of(request),
            _command(principal, body.code, body.model_copy(update={"expected_version": None})),
        )
        return rule_json(rule)

    @put(
        "/{code:str}",
        summary="Write a new version of a rule (administrators)",
        operation_class=request_body(RuleBody),
    )
    async def update(
        self, request: Request[Any, Any, Any], principal: Principal, code: str
    ) -> dict[str, Any]:
        """Send `expectedVersion` (the version you edited); a stale one is a 409."""
        policy.require_role(principal, policy.Action.MANAGE_CATALOGUE, ADMIN)
        body, _ = await json_body(request, RuleBody)
        if body.expected_version is None:
            from eport.kernel.errors import FieldError, ValidationFailed

            raise ValidationFailed(
                [FieldError("/expectedVersion", "required", "Say which version you edited.")]
            )
        rule = await execute(eport_of(request), _command(principal, code, body))
        return rule_json(rule)

    @delete(
        "/{code:str}",
        status_code=200,
        summary="Retire a rule (administrators)",
        operation_class=request_body(RetireBody),
    )
    async def retire(
        self, request: Request[Any, Any, Any], principal: Principal, code: str
    ) -> dict[str, Any]:
        policy.require_role(principal, policy.Action.MANAGE_CATALOGUE, ADMIN)
        body, _ = await json_body(request, RetireBody)
        rule = await execute(
            eport_of(request),
            rc.RetireCatalogueRule(actor=principal.user_id, code=code, reason=body.reason),
        )
        return rule_json(rule)


class AgencyController(Controller):
    path = "/api/v1/agencies"
    tags = ["catalogue"]

    @get("/", summary="The border agencies E-Port routes to")
    async def list(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        policy.permit_any_user(principal, policy.Action.READ_CATALOGUE, "reference data")
        return {"agencies": await read(eport_of(request), views.agencies)}

    @put(
        "/{code:str}",
        summary="Create or change an agency (administrators)",
        operation_class=request_body(AgencyBody),
    )
    async def put_agency(
        self, request: Request[Any, Any, Any], principal: Principal, code: str
    ) -> dict[str, Any]:
        policy.require_role(principal, policy.Action.MANAGE_CATALOGUE, ADMIN)
        body, _ = await json_body(request, AgencyBody)
        agency = await execute(
            eport_of(request),
            rc.PutAgency(
                actor=principal.user_id,
                code=code,
                name=body.name,
                interests=tuple(body.interests),
                active=body.active,
            ),
        )
        return {
            "code": agency.code,
            "name": agency.name,
            "interests": list(agency.interests),
            "active": agency.active,
        }
