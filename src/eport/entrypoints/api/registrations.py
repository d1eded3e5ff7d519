"""Enterprise registration: an enterprise applies; an administrator or the registration agency
approves (creating the enterprise, its first operator and a one-time activation token) or
rejects it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import Parameter
from pydantic import Field

from eport.adapters.db import tables as t
from eport.datamodel.declaration import Model
from eport.identity import commands as ic
from eport.identity import policy
from eport.identity.model import Principal, Registration, RegistrationStatus, Role
from eport.kernel.clock import isoformat
from eport.kernel.errors import FieldError, NotFound, ValidationFailed

from .common import eport_of, execute, json_body, read
from .openapi import request_body

# Applying needs no account, so it is throttled per client address.
APPLY_LIMIT = RateLimitConfig(rate_limit=("minute", 10), store="registration_rate_limit")


class Contact(Model):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    phone: str | None = Field(default=None, max_length=40)


class ApplicationBody(Model):
    scheme: str = Field(default="USCC", min_length=1, max_length=16)
    identifier: str = Field(min_length=1, max_length=70)
    name: str = Field(min_length=1, max_length=200, description="Legal name")
    address: str = Field(min_length=1, max_length=500, description="Registered address")
    contact: Contact
    role: Literal["trader", "broker", "carrier"] = "trader"


class DecisionBody(Model):
    reason: str | None = Field(default=None, max_length=2000)


def registration_json(r: Registration | dict[str, Any]) -> dict[str, Any]:
    """An application as the API shows it (``r``: the model, or a ``registrations`` row)."""
    v = r if isinstance(r, dict) else {f: getattr(r, f) for f in Registration.__dataclass_fields__}
    return {
        "id": v["id"],
        "scheme": v["scheme"],
        "identifier": v["identifier"],
        "name": v["name"],
        "address": v["address"],
        "contact": {
            "name": v["contact_name"],
            "email": v["contact_email"],
            "phone": v["contact_phone"],
        },
        "role": str(v["role"]),
        "status": str(v["status"]),
        "submittedAt": isoformat(v["submitted_at"]),
        "decidedAt": isoformat(v["decided_at"]) if v["decided_at"] else None,
        "decidedBy": v["decided_by"],
        "reason": v["reason"],
        "enterprise": v["enterprise_id"],
    }


class ApplicationController(Controller):
    path = "/api/v1/registrations"
    tags = ["registration"]
    middleware = [APPLY_LIMIT.middleware]

    @post(
        "/",
        status_code=202,
        summary="Apply to register an enterprise (no account needed)",
        operation_class=request_body(ApplicationBody),
    )
    async def apply(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """The identifier is checked (USCC check digit); an enterprise already registered or
        already applied for is 409. Answers 202 with the application, status `pending`: an
        administrator or the registration agency decides, and the contact then gets an account.
        At most 10 applications a minute from one address (429)."""
        body, _ = await json_body(request, ApplicationBody)
        registration: Registration = await execute(
            eport_of(request),
            ic.ApplyForRegistration(
                actor="anonymous",
                scheme=body.scheme,
                identifier=body.identifier,
                name=body.name,
                address=body.address,
                contact_name=body.contact.name,
                contact_email=body.contact.email,
                contact_phone=body.contact.phone,
                role=Role(body.role),
            ),
        )
        return registration_json(registration)


class RegistrationReviewController(Controller):
    path = "/api/v1/admin/registrations"
    tags = ["registration"]

    @get("/", summary="Applications to review")
    async def list(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        status: str = "pending",
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    ) -> dict[str, Any]:
        """Oldest first; `status` is pending (default), approved, rejected or all."""
        eport = eport_of(request)
        policy.require_registrar(principal, eport.settings.registration_agency)
        if status != "all" and status not in {s.value for s in RegistrationStatus}:
            raise ValidationFailed(
                [
                    FieldError(
                        "/status", "code.unknown", "status is pending, approved, rejected or all"
                    )
                ]
            )

        def query(conn: sa.Connection) -> list[dict[str, Any]]:
            r = t.registrations
            q = sa.select(r).order_by(r.c.submitted_at, r.c.id).limit(limit)
            if status != "all":
                q = q.where(r.c.status == status)
            return [registration_json(dict(row)) for row in conn.execute(q).mappings()]

        return {"items": await read(eport, query)}

    @get("/{registration_id:str}", summary="One application")
    async def detail(
        self, request: Request[Any, Any, Any], principal: Principal, registration_id: str
    ) -> dict[str, Any]:
        eport = eport_of(request)
        policy.require_registrar(principal, eport.settings.registration_agency)

        def query(conn: sa.Connection) -> Any:
            r = t.registrations
            return conn.execute(sa.select(r).where(r.c.id == registration_id)).mappings().first()

        row = await read(eport, query)
        if row is None:
            raise NotFound("No such application.", id=registration_id)
        return registration_json(dict(row))

    @post(
        "/{registration_id:str}/approve",
        status_code=200,
        summary="Approve: the enterprise, its first operator and an activation token",
        operation_class=request_body(DecisionBody),
    )
    async def approve(
        self, request: Request[Any, Any, Any], principal: Principal, registration_id: str
    ) -> dict[str, Any]:
        """Creates the enterprise and an account for the contact with the role applied for,
        and answers a one-time activation token (valid 7 days, shown once) to hand to the
        contact, who uses it to set a password, enrol TOTP and request a certificate."""
        eport = eport_of(request)
        policy.require_registrar(principal, eport.settings.registration_agency)
        body, _ = await json_body(request, DecisionBody, allow_empty=True)
        result: dict[str, Any] = await execute(
            eport,
            ic.DecideRegistration(
                actor=principal.user_id,
                registration_id=registration_id,
                approve=True,
                reason=body.reason,
            ),
        )
        return result

    @post(
        "/{registration_id:str}/reject",
        status_code=200,
        summary="Reject, with a reason",
        operation_class=request_body(DecisionBody),
    )
    async def reject(
        self, request: Request[Any, Any, Any], principal: Principal, registration_id: str
    ) -> dict[str, Any]:
        eport = eport_of(request)
        policy.require_registrar(principal, eport.settings.registration_agency)
        body, _ = await json_body(request, DecisionBody, allow_empty=True)
        result: dict[str, Any] = await execute(
            eport,
            ic.DecideRegistration(
                actor=principal.user_id,
                registration_id=registration_id,
                approve=False,
                reason=body.reason,
            ),
        )
        return result
