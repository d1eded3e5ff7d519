"""People log in with a password and a TOTP code, and get a short-lived session token."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from pydantic import Field

from eport.datamodel.declaration import Model
from eport.identity import commands as ic
from eport.identity import policy
from eport.identity.errors import LockedOut, LoginRefused
from eport.identity.model import Principal

from .common import eport_of, execute, json_body
from .openapi import request_body

SESSION_HOURS = 8.0


class LoginBody(Model):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    code: str | None = Field(default=None, max_length=10, description="TOTP code, if enrolled")


class PasswordBody(Model):
    current: str | None = Field(default=None, max_length=1024)
    new: str = Field(min_length=1, max_length=1024)


class LoginController(Controller):
    path = "/api/v1/auth"
    tags = ["authentication"]

    @post(
        "/login",
        status_code=200,
        summary="Log in (password + TOTP) for a session token",
        operation_class=request_body(LoginBody),
    )
    async def login(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """Five failures in a row lock the account for 15 minutes. A refusal never says which
        part was wrong. The token expires after 8 hours."""
        body, _ = await json_body(request, LoginBody)
        result: dict[str, Any] = await execute(
            eport_of(request),
            ic.LogIn(
                actor="anonymous",
                email=body.email,
                password=body.password,
                code=body.code,
                session_hours=SESSION_HOURS,
            ),
        )
        policy.log.info(
            "access %s",
            "allow" if result["ok"] else "deny",
            extra={
                "who": None,
                "action": "login",
                "target": body.email.lower(),
                "rule": "password and second factor"
                if result["ok"]
                else ("locked out" if result["locked"] else "wrong e-mail, password or code"),
                "allowed": result["ok"],
            },
        )
        if result.get("locked"):
            raise LockedOut("Too many failed logins: try again later.")
        if not result["ok"]:
            raise LoginRefused("Wrong e-mail, password or code.")
        return {
            "token": result["token"],
            "tokenId": result["tokenId"],
            "expiresAt": result["expiresAt"],
        }


class CredentialsController(Controller):
    path = "/api/v1/me"
    tags = ["authentication"]

    @post(
        "/password",
        status_code=204,
        summary="Set or change your password",
        operation_class=request_body(PasswordBody),
    )
    async def password(self, request: Request[Any, Any, Any], principal: Principal) -> None:
        policy.permit_any_user(principal, policy.Action.READ_SELF, "own credentials")
        body, _ = await json_body(request, PasswordBody)
        await execute(
            eport_of(request),
            ic.SetPassword(actor=principal.user_id, current=body.current, new=body.new),
        )

    @post("/totp", status_code=201, summary="Enrol a TOTP second factor (shown once)")
    async def totp(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, str]:
        policy.permit_any_user(principal, policy.Action.READ_SELF, "own credentials")
        result: dict[str, str] = await execute(
            eport_of(request), ic.EnableTotp(actor=principal.user_id, email=principal.email)
        )
        return result
