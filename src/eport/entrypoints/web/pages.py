"""What every page handler uses: the signed-in principal from the session cookie, the
language, and rendering a template with both."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.response import Redirect, Template

from eport.identity.model import Principal, Role
from eport.kernel.errors import Unauthenticated
from eport.pki.signatures import DocumentKind, Requirement, reject, requirement

from . import i18n

SESSION_COOKIE = "eport_session"


def unsigned_allowed(request: Request[Any, Any, Any], kind: DocumentKind) -> None:
    """The portal submits without a detached signature: where the operator requires one for
    this kind of document (``EPORT_SIGNATURES_REQUIRED``), refuse as the API would."""
    required = request.app.state.eport.settings.required_signatures
    if requirement(kind, required) is Requirement.REQUIRED:
        raise reject(
            "signature.required",
            f"A {kind.value} must be signed here: lodge it through the API with a signature.",
        )


class LoginRequired(Exception):
    """No valid session: the portal sends the browser to the login page."""


def locale_of(request: Request[Any, Any, Any]) -> str:
    return i18n.choose(request.cookies.get(i18n.COOKIE), request.headers.get("accept-language"))


async def optional_principal(request: Request[Any, Any, Any]) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        principal: Principal = await request.app.state.authenticator.resolve(
            token, request.url.path
        )
    except Unauthenticated:
        return None
    return principal


async def web_principal(request: Request[Any, Any, Any]) -> Principal:
    """The signed-in user, or a redirect to the login page."""
    principal = await optional_principal(request)
    if principal is None:
        raise LoginRequired
    request.state.principal = principal  # error pages show who is signed in
    return principal


def home_of(principal: Principal) -> str:
    if principal.has(Role.ADMIN):
        return "/portal/admin"
    if principal.has(Role.OFFICER):
        return "/portal/workbench"
    return "/portal"


def safe_next(value: str | None, default: str = "/portal") -> str:
    """Only a local path: never an open redirect."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def login_redirect(request: Request[Any, Any, Any]) -> Response[Any]:
    """To the login page, and back here after. An HTMX request (a polling table) is told to
    send the whole page there, rather than swap the login form into a fragment."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = f"/login?next={quote(target, safe='/')}"
    if request.headers.get("hx-request") == "true":
        return Response(b"", status_code=200, headers={"HX-Redirect": url})
    return Redirect(url, status_code=303)


def page(
    request: Request[Any, Any, Any],
    template: str,
    principal: Principal | None = None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    locale = locale_of(request)
    return Template(
        template_name=template,
        context={
            "_": i18n.gettext_for(locale),
            "locale": locale,
            "html_lang": i18n.HTML_LANG[locale],
            "locales": i18n.LOCALES,
            "me": principal,
            "path": request.url.path,
            "query": request.url.query,
            "htmx": request.headers.get("hx-request") == "true",
            **context,
        },
        status_code=status_code,
    )
