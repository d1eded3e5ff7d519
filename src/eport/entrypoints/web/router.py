"""The portal's routes, templates, static files and CSRF protection, for ``create_app``."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from eport.bootstrap import EPort
from eport.kernel.errors import EPortError, Forbidden, NotFound, ValidationFailed

from . import i18n
from .account import DelegationPages, WebhookPages
from .admin import AdminPages
from .admin_reference import CataloguePages, TariffPages
from .admin_risk import RiskPages
from .declaration import DeclarationPages
from .documents import DocumentDownloads, SealedLinkPages
from .lodging import LodgingPages
from .pages import LoginRequired, login_redirect, page, web_principal
from .public import LanguagePages, LoginPages, PublicPages, VerifyPages
from .security import SecurityPages
from .trader import TraderPages
from .workbench import WorkbenchPages

HERE = Path(__file__).parent
VENDOR = HERE / "assets" / "node_modules"
log = logging.getLogger("eport.web")

# Paths the portal does not own: the API authenticates with bearer tokens, not cookies, so
# cross-site request forgery does not apply there.
CSRF_EXEMPT = [r"^/api/", r"^/ledger/", r"^/pki/", r"^/healthz", r"^/bench/"]


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine)


def csrf_config(eport: EPort) -> CSRFConfig:
    return CSRFConfig(
        secret=web_secret(eport),
        cookie_name="eport_csrf",
        cookie_secure=eport.settings.environment == "production",
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=CSRF_EXEMPT,
    )


def web_secret(eport: EPort) -> str:
    """EPORT_WEB_SECRET, else a random one kept in <data_dir>/web-secret (mode 0600)."""
    configured = eport.settings.web_secret
    if configured is not None:
        return configured.get_secret_value()
    path = eport.settings.data_dir / "web-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32))
    return path.read_text().strip()


def _title(request: Request[Any, Any, Any], status: int) -> str:
    _ = i18n.gettext_for(i18n.choose(request.cookies.get(i18n.COOKIE), None))
    return {
        400: _("The request was not understood"),
        403: _("You may not do this"),
        404: _("Not found"),
        409: _("This clashes with the current state"),
        422: _("Some fields need correcting"),
        429: _("Too many requests: wait a minute"),
    }.get(status, _("Something went wrong on our side"))


def _error_page(request: Request[Any, Any, Any], status: int, detail: str) -> Response[Any]:
    return page(
        request,
        "error.html",
        getattr(request.state, "principal", None),
        status_code=status,
        title=_title(request, status),
        detail=detail,
    )


def web_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Errors as pages in the reader's language; never a stack trace."""
    if isinstance(exc, LoginRequired):
        return login_redirect(request)
    if isinstance(exc, NotFound):
        return _error_page(request, 404, exc.message)
    if isinstance(exc, Forbidden):
        return _error_page(request, 403, exc.message)
    if isinstance(exc, ValidationFailed):
        return _error_page(request, 422, "; ".join(e.message for e in exc.errors))
    if isinstance(exc, EPortError):
        return _error_page(request, 409, exc.message)
    if isinstance(exc, HTTPException):
        return _error_page(request, exc.status_code, str(exc.detail))
    log.exception("portal error on %s", request.url.path)
    return _error_page(request, 500, "")


def web_router() -> Router:
    return Router(
        path="/",
        route_handlers=[
            PublicPages,
            LoginPages,
            LanguagePages,
            VerifyPages,
            TraderPages,
            SecurityPages,
            LodgingPages,
            AdminPages,
            CataloguePages,
            TariffPages,
            RiskPages,
            DelegationPages,
            WebhookPages,
            WorkbenchPages,
            DeclarationPages,
            DocumentDownloads,
            SealedLinkPages,
        ],
        dependencies={"principal": Provide(web_principal)},
        # The app's problem+json handlers are keyed by EPortError and HTTPException, which a
        # lookup by the exception's class finds before Exception: key the pages by them too.
        exception_handlers={Exception: web_error, EPortError: web_error, HTTPException: web_error},
        include_in_schema=False,
    )


def static_routers() -> list[Any]:
    routers = [
        create_static_files_router(
            path="/static", directories=[HERE / "static"], include_in_schema=False,
            name="static",
        )
    ]  # fmt: skip
    htmx = VENDOR / "htmx.org" / "dist"
    if htmx.is_dir():  # `npm ci` in web/assets installs it (scripts/assets.sh)
        routers.insert(
            0,
            create_static_files_router(
                path="/static/vendor", directories=[htmx], include_in_schema=False,
                name="vendor",
            ),
        )  # fmt: skip
    return routers
