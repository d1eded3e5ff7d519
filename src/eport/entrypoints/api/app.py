"""The Litestar application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from litestar import Litestar, Request, Response, get, post
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import SecurityScheme
from litestar.static_files import create_static_files_router

from eport import __version__
from eport.adapters.db import tables as t
from eport.bootstrap import EPort
from eport.entrypoints.web import router as web

from .admin import AdminController, MeController
from .auth import TokenAuthenticator
from .catalogue import AgencyController, CatalogueController
from .clearance import DeclarationChecksController, InspectionController, IprController
from .declarations import DeclarationController
from .delegations import DelegationController
from .errors import HANDLERS
from .handbooks import HandbookController
from .ledger import LedgerController, PublicLedgerController
from .licences import LicenceController
from .login import CredentialsController, LoginController, TokenController
from .manifests import GateController, ManifestController
from .openapi import COMPONENTS
from .payments import DutiesController, GuaranteeController, PaymentOrderController
from .pki import CertificateController, OcspController, PublicPkiController
from .registrations import ApplicationController, RegistrationReviewController
from .risk import DeclarationRiskController, RiskController
from .tariff import AssessmentController, TariffController
from .tasks import TaskController
from .verification import ForexController, RefundController
from .webhooks import WebhookController


@get("/healthz", include_in_schema=False, sync_to_thread=False)
def healthz() -> dict[str, str]:
    """Liveness for probes: no authentication, no database."""
    return {"status": "ok", "version": __version__}


@post("/bench/baseline", include_in_schema=False, status_code=201)
async def bench_baseline(request: Request[Any, Any, Any]) -> Response[Any]:
    """The bare baseline `eport bench` compares against: parse the body, insert it, commit."""
    raw = await request.body()
    orjson.loads(raw)
    eport: EPort = request.app.state.eport

    def insert(uow: Any) -> int:
        result = uow.conn.execute(
            t.bench_baseline.insert(), {"body": raw, "received_at": datetime.now(UTC)}
        )
        return int(result.inserted_primary_key[0])

    import asyncio

    row_id = await asyncio.wrap_future(eport.writer.submit(insert))
    return Response({"id": row_id}, status_code=201)


def create_app(eport: EPort, *, manage_lifecycle: bool = True) -> Litestar:
    """Build the API for a bootstrapped E-Port. The app starts and stops its writer."""
    authenticator = TokenAuthenticator(eport)

    @asynccontextmanager
    async def lifespan(_app: Litestar) -> AsyncIterator[None]:
        if manage_lifecycle:
            eport.start()
        try:
            yield
        finally:
            if manage_lifecycle:
                eport.stop()

    from pathlib import Path

    import swagger_ui  # Swagger UI 5 shipped in a PyPI package (swagger-ui-py): no CDN

    assets = "/api/docs/assets"
    COMPONENTS.security_schemes = {
        "bearer": SecurityScheme(
            type="http", scheme="bearer", description="API token from `eport token USER`"
        )
    }
    handlers: list[Any] = [
        create_static_files_router(
            path=assets,
            directories=[Path(swagger_ui.__file__).parent / "static"],
            include_in_schema=False,
            opt={"public": True},
        ),
        healthz,
        DeclarationController,
        TaskController,
        CatalogueController,
        AgencyController,
        AdminController,
        MeController,
        WebhookController,
        DelegationController,
        ApplicationController,
        ManifestController,
        GateController,
        PublicLedgerController,
        LedgerController,
        LicenceController,
        HandbookController,
        ForexController,
        RefundController,
        DutiesController,
        TariffController,
        RiskController,
        InspectionController,
        DeclarationChecksController,
        IprController,
        DeclarationRiskController,
        AssessmentController,
        PaymentOrderController,
        GuaranteeController,
        RegistrationReviewController,
        LoginController,
        TokenController,
        CredentialsController,
        PublicPkiController,
        OcspController,
        CertificateController,
    ]
    if eport.settings.benchmark_endpoints:
        handlers.append(bench_baseline)
    handlers += [*web.static_routers(), web.web_router()]
    app = Litestar(
        route_handlers=handlers,
        dependencies={"principal": Provide(authenticator.__call__)},
        exception_handlers=HANDLERS,
        request_max_body_size=eport.settings.max_body_bytes,
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(
            title="E-Port API",
            version=__version__,
            path="/api/docs",
            description="Lodge once, for every border agency. Errors are RFC 9457 "
            "problem+json with a JSON pointer per bad field.",
            render_plugins=[
                SwaggerRenderPlugin(
                    js_url=f"{assets}/swagger-ui-bundle.js",
                    css_url=f"{assets}/swagger-ui.css",
                    standalone_preset_js_url=f"{assets}/swagger-ui-standalone-preset.js",
                    path="/",
                    favicon="",  # Litestar's default points at a CDN
                )
            ],
            components=COMPONENTS,
            security=[{"bearer": []}],
        ),
        debug=False,
        logging_config=None,
        template_config=web.template_config(),
        csrf_config=web.csrf_config(eport),
    )
    app.state.eport = eport
    app.state.authenticator = authenticator
    return app
