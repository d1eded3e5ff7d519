"""A declaration's sealed documents in the portal: the receipt and the release notice as the
sealed CMS file the API gives (``.p7m``) or as a PDF with a QR code, e-certificates as sealed
files; and the public page the QR code opens, which checks that exact sealed file."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, Response, get
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import Parameter
from litestar.response import Template

from eport.adapters.db import views
from eport.identity.model import Principal
from eport.kernel.errors import Conflict, NotFound

from ..api.common import eport_of, read
from ..api.declarations import visible_declaration
from ..api.sealing import PKCS7
from . import notice_pdf, sealed
from .declaration import Id
from .pages import optional_principal, page
from .public import check_sealed

VERIFY_LIMIT = RateLimitConfig(rate_limit=("minute", 20), store="web_verify_rate_limit")
Revision = Annotated[int | None, Parameter(ge=1, le=1_000_000)]


def _download(content: bytes, media_type: str, filename: str, url: str | None) -> Response[bytes]:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if url is not None:
        headers["X-EPort-Verify-URL"] = url
    return Response(content, media_type=media_type, headers=headers)


class DocumentDownloads(Controller):
    path = "/portal/declarations"
    include_in_schema = False

    async def _document(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: str,
        kind: str,
        revision: int | None,
    ) -> tuple[dict[str, Any], str]:
        """What the API's ``receipt`` / ``release_notice`` would seal, and a file name."""
        header = await visible_declaration(request, principal, declaration_id)
        eport = eport_of(request)
        if kind == "receipt":
            wanted = revision or header["revision"]
            body = await read(eport, lambda c: views.revision_receipt(c, declaration_id, wanted))
            if body is None:
                raise NotFound("No such revision.", id=declaration_id)
            return body, f"{declaration_id}-r{wanted}"
        body = await read(eport, lambda c: views.release_notice(c, header))
        if body is None:
            raise Conflict(
                "The declaration is not released.", id=declaration_id, status=header["status"]
            )
        return body, f"{declaration_id}-release"

    async def _sealed(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: str,
        kind: str,
        revision: int | None,
        pdf: bool,
    ) -> Response[bytes]:
        body, name = await self._document(request, principal, declaration_id, kind, revision)
        eport = eport_of(request)
        done = await anyio.to_thread.run_sync(
            sealed.seal_and_keep, eport, declaration_id, kind, body
        )
        url = sealed.verification_url(eport, declaration_id, kind, done.sha256)
        if not pdf:
            return _download(done.cms, f"{PKCS7}; smime-type=signed-data", f"{name}.p7m", url)
        content = await anyio.to_thread.run_sync(notice_pdf.render, kind, done, url, f"{name}.p7m")
        return _download(content, "application/pdf", f"{name}.pdf", url)

    @get("/{declaration_id:str}/receipt.p7m", name="receipt-p7m")
    async def receipt_p7m(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: Id,
        revision: Revision = None,
    ) -> Response[bytes]:
        """The sealed receipt, as ``GET /api/v1/declarations/{id}/receipt`` gives it."""
        return await self._sealed(request, principal, declaration_id, "receipt", revision, False)

    @get("/{declaration_id:str}/receipt.pdf", name="receipt-pdf")
    async def receipt_pdf(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: Id,
        revision: Revision = None,
    ) -> Response[bytes]:
        return await self._sealed(request, principal, declaration_id, "receipt", revision, True)

    @get("/{declaration_id:str}/release-notice.p7m", name="release-notice-p7m")
    async def notice_p7m(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: Id
    ) -> Response[bytes]:
        return await self._sealed(request, principal, declaration_id, "release-notice", None, False)

    @get("/{declaration_id:str}/release-notice.pdf", name="release-notice-pdf")
    async def notice_pdf(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: Id
    ) -> Response[bytes]:
        return await self._sealed(request, principal, declaration_id, "release-notice", None, True)

    @get("/{declaration_id:str}/e-certificates/{certificate_id:str}", name="ecertificate-p7m")
    async def ecertificate(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: Id,
        certificate_id: Annotated[str, Parameter(max_length=64)],
    ) -> Response[bytes]:
        """An e-certificate sealed, as ``GET …/e-certificates/{certificate}`` gives it."""
        header = await visible_declaration(request, principal, declaration_id)
        eport = eport_of(request)
        body = await read(eport, lambda c: views.ecertificate_document(c, header, certificate_id))
        if body is None:
            raise NotFound("No such e-certificate.", id=certificate_id)
        done = await anyio.to_thread.run_sync(sealed.seal, eport, body)
        return _download(
            done.cms, f"{PKCS7}; smime-type=signed-data", f"{certificate_id}.p7m", None
        )


def check_link(eport: Any, declaration_id: str, kind: str, sha256: str) -> dict[str, Any] | None:
    """The few facts a QR link may confirm, or None: never the goods or the parties."""
    blob = sealed.kept(eport, declaration_id, kind, sha256)
    if blob is None:
        return None
    result = check_sealed(eport, blob)
    document = result.get("document") if result["ok"] else None
    if (
        not isinstance(document, dict)
        or document.get("type") != sealed.KINDS[kind]
        or document.get("declarationId") != declaration_id
    ):
        return None
    return {
        "kind": kind,
        "declarationId": declaration_id,
        "status": "released" if kind == "release-notice" else "lodged",
        "sealedAt": document.get("sealedAt"),
    }


class SealedLinkPages(Controller):
    """``/verify/d/{declaration}/{kind}?sha256=…``: anyone, rate-limited like the login."""

    path = "/verify/d"
    include_in_schema = False
    middleware = [VERIFY_LIMIT.middleware]

    @get("/{declaration_id:str}/{kind:str}", name="verify-link")
    async def check(
        self,
        request: Request[Any, Any, Any],
        declaration_id: Annotated[str, Parameter(max_length=100)],
        kind: Annotated[str, Parameter(max_length=40)],
        sha256: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> Template:
        """ "Verified" with the document's kind, declaration, status and seal time, or "Not
        verified" — the same page for a wrong digest, kind or declaration."""
        facts = await anyio.to_thread.run_sync(
            check_link, eport_of(request), declaration_id, kind, (sha256 or "").lower()
        )
        return page(
            request,
            "declaration/verified.html",
            await optional_principal(request),
            facts=facts,
            declaration_id=declaration_id,
        )
