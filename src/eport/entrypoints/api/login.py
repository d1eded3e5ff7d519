"""People log in with a password and a TOTP code, and get a short-lived session token."""

from __future__ import annotations

import urllib.parse
from typing import Any

import anyio.to_thread
import sqlalchemy as sa
from litestar import Controller, Request, post
from pydantic import Field

from eport.adapters.crypto.assertions import check_assertion, check_client_certificate
from eport.adapters.db import tables as t
from eport.datamodel.declaration import Model
from eport.identity import commands as ic
from eport.identity import policy
from eport.identity.errors import LockedOut, LoginRefused
from eport.identity.model import Principal
from eport.pki.errors import CaNotInitialised

from .common import eport_of, execute, json_body, read
from .openapi import request_body

SESSION_HOURS = 8.0


class LoginBody(Model):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    code: str | None = Field(default=None, max_length=10, description="TOTP code, if enrolled")


ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class AssertionBody(Model):
    client_assertion_type: str = Field(alias="client_assertion_type")
    client_assertion: str = Field(alias="client_assertion", min_length=10, max_length=20_000)


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

    @post("/certificate", status_code=200, summary="Log in with a TLS client certificate")
    async def certificate(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """The client certificate of the TLS connection (`eport serve --tls-cert ...`), or the
        one a trusted reverse proxy passes on, must be one E-Port issued, for client
        authentication, valid and not revoked. The session token (8 hours) is bound to it:
        revoking the certificate ends the session. No body."""
        eport = eport_of(request)
        ca = eport.writer.ca
        if ca is None:
            raise CaNotInitialised("The CA is not initialised: run `eport ca init`.")
        pem = presented_certificate(request)

        def refuse(reason: str) -> LoginRefused:
            policy.log.info(
                "access deny",
                extra={
                    "who": None,
                    "action": "login.certificate",
                    "target": None,
                    "rule": reason[:200],
                    "allowed": False,
                },
            )
            return LoginRefused(f"The client certificate is not accepted: {reason}.")

        if pem is None:
            raise refuse("no client certificate was presented")
        try:
            serial = await anyio.to_thread.run_sync(
                check_client_certificate, pem, ca.issuing_pem(), ca.root_pem(), eport.clock()
            )
        except ValueError as exc:
            raise refuse(str(exc)) from None
        holder = await read(eport, lambda c: _holder(c, serial))
        if holder is None or holder[0] != "good":
            raise refuse("the certificate is unknown to E-Port or revoked")
        policy.log.info(
            "access allow",
            extra={
                "who": holder[1],
                "action": "login.certificate",
                "target": serial,
                "rule": "valid client certificate",
                "allowed": True,
            },
        )
        result: dict[str, Any] = await execute(
            eport,
            ic.IssueBoundToken(
                actor=holder[1],
                certificate=serial,
                hours=SESSION_HOURS,
                label="client-certificate",
            ),
        )
        return result


def presented_certificate(request: Request[Any, Any, Any]) -> bytes | None:
    """The PEM client certificate: from the ASGI TLS extension of E-Port's own listener, or
    from ``EPORT_TLS_CLIENT_CERT_HEADER`` when the request comes from a trusted proxy."""
    extensions: dict[str, Any] = request.scope.get("extensions") or {}
    tls: dict[str, Any] = extensions.get("tls") or {}
    chain = tls.get("client_cert_chain") or []
    if chain:
        return str(chain[0]).encode()
    settings = eport_of(request).settings
    if settings.tls_client_cert_header:
        proxies = {p.strip() for p in settings.tls_trusted_proxies.split(",") if p.strip()}
        client = request.client.host if request.client else None
        value = request.headers.get(settings.tls_client_cert_header)
        if value and client in proxies:
            return urllib.parse.unquote(value).encode()
    return None


class TokenController(Controller):
    path = "/api/v1/auth/token"
    tags = ["authentication"]

    @post(
        "/",
        status_code=200,
        summary="Exchange a JWT client assertion for a token (systems)",
        operation_class=request_body(AssertionBody),
    )
    async def token(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """RFC 7523: a JWT (`aud` = `<EPORT_PUBLIC_URL>/api/v1/auth/token`, `iat`/`exp` at most
        5 minutes apart) signed with the key of a certificate E-Port issued, chain in `x5c`.
        The token (1 hour) is bound to that certificate: revoking it ends the token."""
        body, _ = await json_body(request, AssertionBody)
        eport = eport_of(request)
        ca = eport.writer.ca
        if ca is None:
            raise CaNotInitialised("The CA is not initialised: run `eport ca init`.")
        if body.client_assertion_type != ASSERTION_TYPE:
            raise LoginRefused(f"client_assertion_type must be {ASSERTION_TYPE}.")
        audience = f"{eport.settings.public_url.rstrip('/')}/api/v1/auth/token"
        try:
            checked = await anyio.to_thread.run_sync(
                check_assertion, body.client_assertion, audience, ca.root_pem(), eport.clock()
            )
        except ValueError as exc:
            policy.log.info(
                "access deny",
                extra={
                    "who": None,
                    "action": "client_assertion",
                    "target": None,
                    "rule": str(exc)[:200],
                    "allowed": False,
                },
            )
            raise LoginRefused(f"The client assertion is not accepted: {exc}") from None
        holder = await read(eport, lambda c: _holder(c, checked.serial))
        if holder is None or holder[0] != "good":
            raise LoginRefused("The signing certificate is unknown to E-Port or revoked.")
        policy.log.info(
            "access allow",
            extra={
                "who": holder[1],
                "action": "client_assertion",
                "target": checked.serial,
                "rule": "valid assertion",
                "allowed": True,
            },
        )
        result: dict[str, Any] = await execute(
            eport, ic.IssueBoundToken(actor=holder[1], certificate=checked.serial)
        )
        return result


def _holder(conn: Any, serial: str) -> Any:
    c = t.certificates
    return conn.execute(sa.select(c.c.status, c.c.user_id).where(c.c.serial == serial)).first()


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
