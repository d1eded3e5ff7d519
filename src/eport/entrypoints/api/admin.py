"""Administration of enterprises, users and tokens; the audit trail; who am I."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.params import Parameter
from pydantic import AwareDatetime, Field

from eport.adapters import audit_store
from eport.adapters.db import tables as t
from eport.datamodel.declaration import Model
from eport.identity import commands as ic
from eport.identity import policy
from eport.identity.model import Principal, Role

from .common import eport_of, execute, json_body, read
from .openapi import request_body

ADMIN = {Role.ADMIN}


class EnterpriseBody(Model):
    scheme: str = Field(min_length=1, max_length=16)
    identifier: str = Field(min_length=1, max_length=70)
    name: str = Field(min_length=1, max_length=200)


class UserBody(Model):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=200)
    roles: list[Role] = Field(min_length=1)
    enterprise: str | None = None
    agency: str | None = None


class TokenBody(Model):
    label: str = Field(default="api", min_length=1, max_length=100)
    expires_at: AwareDatetime | None = None


class AdminController(Controller):
    path = "/api/v1/admin"
    tags = ["administration"]

    @post(
        "/enterprises",
        status_code=201,
        summary="Register an enterprise",
        operation_class=request_body(EnterpriseBody),
    )
    async def enterprise(
        self, request: Request[Any, Any, Any], principal: Principal
    ) -> dict[str, Any]:
        policy.require_role(principal, policy.Action.MANAGE_IDENTITY, ADMIN)
        body, _ = await json_body(request, EnterpriseBody)
        e = await execute(
            eport_of(request),
            ic.RegisterEnterprise(
                actor=principal.user_id,
                scheme=body.scheme,
                identifier=body.identifier,
                name=body.name,
            ),
        )
        return {"id": e.id, "scheme": e.scheme, "identifier": e.identifier, "name": e.name}

    @post(
        "/users", status_code=201, summary="Create a user", operation_class=request_body(UserBody)
    )
    async def user(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        policy.require_role(principal, policy.Action.MANAGE_IDENTITY, ADMIN)
        body, _ = await json_body(request, UserBody)
        u = await execute(
            eport_of(request),
            ic.CreateUser(
                actor=principal.user_id,
                email=body.email,
                name=body.name,
                roles=frozenset(body.roles),
                enterprise=body.enterprise,
                agency=body.agency,
            ),
        )
        return {
            "id": u.id,
            "email": u.email,
            "roles": sorted(u.roles),
            "enterprise": u.enterprise,
            "agency": u.agency,
        }

    @post(
        "/users/{user_id:str}/tokens",
        status_code=201,
        summary="Issue an API token",
        operation_class=request_body(TokenBody),
    )
    async def token(
        self, request: Request[Any, Any, Any], principal: Principal, user_id: str
    ) -> dict[str, Any]:
        """The token is shown once; E-Port keeps only its hash."""
        policy.require_role(principal, policy.Action.MANAGE_IDENTITY, ADMIN)
        body, _ = await json_body(request, TokenBody, allow_empty=True)
        result: dict[str, Any] = await execute(
            eport_of(request),
            ic.IssueToken(
                actor=principal.user_id,
                user_id=user_id,
                label=body.label,
                expires_at=body.expires_at,
            ),
        )
        return result

    @delete("/tokens/{token_id:str}", status_code=204, summary="Revoke an API token")
    async def revoke(
        self, request: Request[Any, Any, Any], principal: Principal, token_id: str
    ) -> None:
        policy.require_role(principal, policy.Action.MANAGE_IDENTITY, ADMIN)
        await execute(eport_of(request), ic.RevokeToken(actor=principal.user_id, token_id=token_id))
        request.app.state.authenticator.forget(token_id)

    @get("/audit", summary="The audit trail (hash-chained)")
    async def audit(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        after: Annotated[int, Parameter(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        policy.require_role(principal, policy.Action.READ_AUDIT, ADMIN)

        def query(conn: Any) -> list[dict[str, Any]]:
            out = []
            for entry in audit_store.iter_entries(conn, batch=limit):
                if entry.seq <= after:
                    continue
                out.append(audit_store.entry_json(entry))
                if len(out) >= limit:
                    break
            return out

        return {"entries": await read(eport_of(request), query)}

    @get("/audit/verify", summary="Check the audit chain end to end")
    async def verify(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        policy.require_role(principal, policy.Action.READ_AUDIT, ADMIN)
        report = await read(eport_of(request), audit_store.verify)
        return {
            "ok": report.ok,
            "checked": report.checked,
            "firstBadSeq": report.first_bad_seq,
            "problem": report.problem,
        }


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["administration"]

    @get("/", summary="Who this token acts as")
    async def me(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        policy.permit_any_user(principal, policy.Action.READ_SELF, "own identity")

        def query(conn: Any) -> Any:
            import sqlalchemy as sa

            if principal.enterprise is None:
                return None
            return conn.execute(
                sa.select(t.enterprises.c.name).where(t.enterprises.c.id == principal.enterprise)
            ).scalar()

        name = await read(eport_of(request), query)
        return {
            "userId": principal.user_id,
            "email": principal.email,
            "roles": sorted(principal.roles),
            "enterprise": principal.enterprise,
            "enterpriseName": name,
            "agency": principal.agency,
        }
