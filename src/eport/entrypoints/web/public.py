"""Pages anyone may open: the home page, login and logout, the language switch, verifying a
sealed document (by upload or through a receipt's QR link) and the service status."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import Body
from litestar.response import Redirect, Template

from eport import __version__
from eport.identity import commands as ic
from eport.identity.model import Principal
from eport.identity.policy import log as access_log

from ..api.common import eport_of, execute
from ..api.login import SESSION_HOURS
from . import i18n
from .pages import SESSION_COOKIE, home_of, optional_principal, page, safe_next

LOGIN_LIMIT = RateLimitConfig(rate_limit=("minute", 20), store="web_login_rate_limit")
MAX_SEALED_BYTES = 1_000_000


def _secure(request: Request[Any, Any, Any]) -> bool:
    return request.url.scheme == "https" or eport_of(request).settings.environment == "production"


class PublicPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/", name="home")
    async def home(self, request: Request[Any, Any, Any]) -> Redirect | Template:
        principal = await optional_principal(request)
        if principal is not None:
            return Redirect(home_of(principal), status_code=303)
        return page(request, "home.html")

    @get("/status", name="status")
    async def status(self, request: Request[Any, Any, Any]) -> Template:
        eport = eport_of(request)

        def probe() -> bool:
            try:
                with eport.read_engine.connect() as conn:
                    conn.exec_driver_sql("select 1")
                return True
            except Exception:  # noqa: BLE001 — any failure means "down", shown as such
                return False

        database = await anyio.to_thread.run_sync(probe)
        return page(
            request,
            "status.html",
            await optional_principal(request),
            status_code=200 if database else 503,
            version=__version__,
            database=database,
            writer=eport.writer.running,
        )


class LoginPages(Controller):
    path = "/"
    include_in_schema = False
    middleware = [LOGIN_LIMIT.middleware]

    @get("/login", name="login")
    async def form(self, request: Request[Any, Any, Any], next: str | None = None) -> Template:
        return page(request, "login.html", next=safe_next(next, ""), error=None, email="")

    @post("/login", name="login-submit")
    async def submit(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect | Template:
        """Password and, when enrolled, the TOTP code; the session token goes in an HttpOnly,
        SameSite=Lax cookie (Secure over HTTPS and in production)."""
        email = (data.get("email") or "").strip()[:254]
        result: dict[str, Any] = await execute(
            eport_of(request),
            ic.LogIn(
                actor="anonymous",
                email=email,
                password=(data.get("password") or "")[:1024],
                code=(data.get("code") or "").strip()[:10] or None,
                session_hours=SESSION_HOURS,
            ),
        )
        access_log.info(
            "access %s",
            "allow" if result["ok"] else "deny",
            extra={"who": None, "action": "web.login", "target": email.lower(),
                   "rule": "password and second factor", "allowed": result["ok"]},
        )  # fmt: skip
        if not result["ok"]:
            _ = i18n.gettext_for(i18n.choose(request.cookies.get(i18n.COOKIE), None))
            message = (
                _("Too many failed logins: try again later.")
                if result.get("locked")
                else _("Wrong e-mail, password or code.")
            )
            return page(
                request,
                "login.html",
                status_code=401,
                next=safe_next(data.get("next"), ""),
                error=message,
                email=email,
            )
        principal: Principal = await request.app.state.authenticator.resolve(
            result["token"], "/login"
        )
        response = Redirect(safe_next(data.get("next"), home_of(principal)), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            result["token"],
            max_age=int(SESSION_HOURS * 3600),
            httponly=True,
            secure=_secure(request),
            samesite="lax",
            path="/",
        )
        return response

    @post("/logout", name="logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        principal = await optional_principal(request)
        if principal is not None and principal.token_id:
            await execute(
                eport_of(request),
                ic.RevokeToken(actor=principal.user_id, token_id=principal.token_id),
            )
            request.app.state.authenticator.forget(principal.token_id)
        response = Redirect("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response


class LanguagePages(Controller):
    path = "/lang"
    include_in_schema = False

    @post("/", name="language")
    async def switch(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        """Remember the language for a year; back to the page it was chosen on."""
        locale = data.get("lang") if data.get("lang") in i18n.LOCALES else i18n.DEFAULT
        response = Redirect(safe_next(data.get("next"), "/"), status_code=303)
        response.set_cookie(
            i18n.COOKIE, str(locale), max_age=365 * 86400, samesite="lax", path="/",
            secure=_secure(request),
        )  # fmt: skip
        return response


def check_sealed(eport: Any, blob: bytes) -> dict[str, Any]:
    """Verify a document E-Port sealed against E-Port's own root: who sealed it, and what."""
    from eport.adapters.crypto.cms import verify

    ca = eport.writer.ca
    if ca is None:
        return {"ok": False, "problem": "E-Port's certificate authority is not set up."}
    text = blob.strip()
    if text.startswith(b"-----BEGIN"):
        der = blob
    else:
        try:
            der = base64.b64decode(text, validate=True) if text[:1] != b"\x30" else blob
        except (binascii.Error, ValueError):
            der = blob
    result = verify(der, ca.root_pem())
    if not result.ok:
        return {"ok": False, "problem": result.problem}
    content = result.content or b""
    try:
        document: Any = json.loads(content)
    except ValueError:
        document = None
    return {
        "ok": True,
        "signer": result.signer,
        "document": document,
        "text": None if document is not None else content.decode("utf-8", errors="replace"),
    }


class VerifyPages(Controller):
    path = "/verify"
    include_in_schema = False

    @get("/", name="verify")
    async def form(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "verify.html", await optional_principal(request), result=None)

    @post("/", name="verify-upload")
    async def upload(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template:
        """Upload a sealed receipt, release notice or certificate (CMS, DER, PEM or base64):
        E-Port checks the seal against its root and shows what was sealed."""
        upload: Any = data.get("document")
        blob = await upload.read() if hasattr(upload, "read") else str(upload or "").encode()
        blob = blob[:MAX_SEALED_BYTES]
        if not blob.strip():
            result: dict[str, Any] = {"ok": False, "problem": "No file was sent."}
        else:
            result = await anyio.to_thread.run_sync(check_sealed, eport_of(request), blob)
        return page(request, "verify.html", await optional_principal(request), result=result)
