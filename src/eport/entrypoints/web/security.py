"""The signed-in user's own security: change the password, enrol an authenticator app (TOTP)
as the second factor of every later login."""

from __future__ import annotations

from typing import Annotated, Any

import segno
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from eport.adapters.db.repositories import SqlCredentialStore
from eport.identity import commands as ic
from eport.identity import policy
from eport.identity.model import Principal
from eport.kernel.clock import utcnow
from eport.kernel.errors import ValidationFailed

from ..api.common import eport_of, execute, read
from . import i18n
from .pages import locale_of, page


def _has_totp(conn: Any, email: str) -> bool:
    creds = SqlCredentialStore(conn, utcnow()).credentials(email.lower())
    return bool(creds is not None and creds.totp_secret)


class SecurityPages(Controller):
    path = "/portal/security"
    include_in_schema = False

    async def _page(
        self, request: Request[Any, Any, Any], principal: Principal, **context: Any
    ) -> Template:
        enrolled = await read(eport_of(request), lambda c: _has_totp(c, principal.email))
        return page(
            request,
            "security.html",
            principal,
            enrolled=enrolled,
            **{"errors": {}, "notice": None, "totp": None, **context},
        )

    @get("/", name="security")
    async def show(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        policy.permit_any_user(principal, policy.Action.READ_SELF, "own credentials")
        return await self._page(request, principal)

    @post("/totp", name="security-totp")
    async def totp(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        """A new secret, shown once as a QR code and as text; from now on logins need the code."""
        policy.permit_any_user(principal, policy.Action.READ_SELF, "own credentials")
        result: dict[str, str] = await execute(
            eport_of(request), ic.EnableTotp(actor=principal.user_id, email=principal.email)
        )
        qr = segno.make(result["otpauthUri"], error="m").svg_inline(scale=5, title="QR")
        return await self._page(request, principal, totp={"secret": result["secret"], "qr": qr})

    @post("/password", name="security-password")
    async def password(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template:
        policy.permit_any_user(principal, policy.Action.READ_SELF, "own credentials")
        _ = i18n.gettext_for(locale_of(request))
        if data.get("new", "") != data.get("repeat", ""):
            errors = {"/repeat": _("The two new passwords differ.")}
            return await self._page(request, principal, errors=errors)
        try:
            await execute(
                eport_of(request),
                ic.SetPassword(
                    actor=principal.user_id, current=data.get("current") or None,
                    new=data.get("new", ""),
                ),
            )  # fmt: skip
        except ValidationFailed as exc:
            messages = {
                "password.wrong": _("The current password is not right."),
                "password.too_short": _("A password has at least 12 characters."),
            }
            errors = {e.pointer: messages.get(e.code, e.message) for e in exc.errors}
            response = await self._page(request, principal, errors=errors)
            response.status_code = 422
            return response
        return await self._page(request, principal, notice=_("Your password was changed."))
