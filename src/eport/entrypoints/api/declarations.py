"""Declarations: lodge, list, read, history, amend, cancel, release."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.params import Parameter
from pydantic import Field

from eport.adapters.db import views
from eport.adapters.db.repositories import delegations_between
from eport.datamodel.declaration import Declaration, Model
from eport.datamodel.validation import parse_declaration
from eport.declarations import commands as dc
from eport.declarations.handlers import Outcome
from eport.identity import policy
from eport.identity.model import Principal, Role
from eport.kernel.errors import Conflict, FieldError, NotFound, ValidationFailed
from eport.pki.signatures import DocumentKind

from .common import eport_of, execute, is_json, json_body, parse_time, read
from .errors import problem
from .openapi import request_body
from .sealing import sealed_response
from .signatures import verified_signature

MAX_KEY = 255


def _idempotency_key(request: Request[Any, Any, Any]) -> str:
    key = request.headers.get("idempotency-key", "").strip()
    if not key or len(key) > MAX_KEY:
        raise ValidationFailed(
            [
                FieldError(
                    "",
                    "idempotency_key.required",
                    f"Send an Idempotency-Key header (1-{MAX_KEY} characters) with every create.",
                )
            ]
        )
    return key


ON_BEHALF_OF = "x-eport-on-behalf-of"


async def _acting(
    request: Request[Any, Any, Any],
    principal: Principal,
    action: policy.Action,
    kind: str,
    office: str | None,
) -> tuple[str, str | None]:
    """(owner, representative): own enterprise, or the grantor of a covering delegation."""
    on_behalf_of = request.headers.get(ON_BEHALF_OF)
    own = policy.require_lodger(principal, action)
    found: list[Any] = []
    if on_behalf_of and on_behalf_of != own:
        found = await read(eport_of(request), lambda c: delegations_between(c, on_behalf_of, own))
    return policy.acting_for(
        principal, action, on_behalf_of, found, kind, office, eport_of(request).clock()
    )


def _created(outcome: Outcome) -> Response[Any]:
    headers = {"Location": f"/api/v1/declarations/{outcome.body['id']}"}
    if outcome.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(outcome.body, status_code=outcome.status_code, headers=headers)


class AmendmentBody(Model):
    reason: str = Field(min_length=1, max_length=2000)
    declaration: dict[str, Any]


class AmendmentDoc(Model):
    """The amendment as documented: a reason and the whole amended declaration."""

    reason: str = Field(min_length=1, max_length=2000)
    declaration: Declaration


class ReasonBody(Model):
    reason: str = Field(min_length=1, max_length=2000)


class OptionalReasonBody(Model):
    reason: str | None = Field(default=None, max_length=2000)


async def visible_declaration(
    request: Request[Any, Any, Any], principal: Principal, declaration_id: str
) -> Any:
    """The declaration's header row if the principal may read it; 404 (logged) otherwise."""

    def query(conn: Any) -> tuple[Any, list[str]]:
        header = views.declaration_header(conn, declaration_id)
        return header, views.task_agencies(conn, declaration_id) if header else []

    header, agencies = await read(eport_of(request), query)
    policy.can_read_declaration(
        principal,
        header["owner_id"] if header else "",
        agencies,
        declaration_id,
        header["representative_id"] if header else None,
    )
    return header


class DeclarationController(Controller):
    path = "/api/v1/declarations"
    tags = ["declarations"]

    @post(
        "/",
        status_code=201,
        summary="Lodge a declaration",
        operation_class=request_body(Declaration),
    )
    async def lodge(self, request: Request[Any, Any, Any], principal: Principal) -> Response[Any]:
        """Lodge a goods declaration (JSON, see docs/data-model.md) once, for every agency.

        Needs `Idempotency-Key`. Answers 201 with the id, status and a receipt (UTC time and
        the SHA-256 of the exact bytes received), or 422 problem+json listing every bad field.
        """
        policy.require_lodger(principal, policy.Action.LODGE)
        if not is_json(request):
            raise HTTPException(status_code=415, detail="Send Content-Type: application/json.")
        key = _idempotency_key(request)
        raw = await request.body()
        eport = eport_of(request)
        received_at = eport.clock()
        document = parse_declaration(raw)
        enterprise, representative = await _acting(
            request, principal, policy.Action.LODGE, "declaration", document.customs_office
        )
        signed = await verified_signature(
            request, raw, {enterprise, representative}, DocumentKind.DECLARATION
        )
        outcome: Outcome = await execute(
            eport,
            dc.LodgeDeclaration(
                actor=principal.user_id,
                enterprise=enterprise,
                representative=representative,
                idempotency_key=key,
                document=document,
                raw=raw,
                content_type="application/json",
                received_at=received_at,
                signature=signed[0] if signed else None,
                signer_serial=signed[1] if signed else None,
            ),
        )
        return _created(outcome)

    @get("/", summary="List your declarations")
    async def list(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        status: str | None = None,
        lodged_from: Annotated[str | None, Parameter(query="from")] = None,
        lodged_to: Annotated[str | None, Parameter(query="to")] = None,
        cursor: str | None = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        """Newest first. Traders see their enterprise's; officers those routed to their agency."""
        after = views.decode_cursor(cursor) if cursor else None
        if cursor and after is None:
            raise ValidationFailed([FieldError("/cursor", "cursor.invalid", "Bad cursor.")])
        start, end = parse_time(lodged_from, "/from"), parse_time(lodged_to, "/to")
        owner = principal.enterprise
        agency = principal.agency if principal.has(Role.OFFICER) else None
        policy.permit_any_user(
            principal, policy.Action.LIST_DECLARATIONS, "own enterprise's, or routed to own agency"
        )
        if owner is None and agency is None:
            return {"items": [], "nextCursor": None}
        return await read(
            eport_of(request),
            lambda c: views.list_declarations(
                c,
                owner=owner,
                agency=None if owner else agency,
                status=status,
                lodged_from=start,
                lodged_to=end,
                after=after,
                limit=limit,
            ),
        )

    async def _visible(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> Any:
        return await visible_declaration(request, principal, declaration_id)

    @get("/{declaration_id:str}", summary="One declaration with every agency's task")
    async def detail(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        header = await self._visible(request, principal, declaration_id)
        return await read(eport_of(request), lambda c: views.declaration_detail(c, header))

    @get("/{declaration_id:str}/history", summary="Every event, oldest first")
    async def history(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        await self._visible(request, principal, declaration_id)
        events = await read(eport_of(request), lambda c: views.history(c, declaration_id))
        return {"id": declaration_id, "events": events}

    @get("/{declaration_id:str}/revisions", summary="Revisions with their field-level diffs")
    async def revisions(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        await self._visible(request, principal, declaration_id)
        revs = await read(eport_of(request), lambda c: views.revisions(c, declaration_id))
        return {"id": declaration_id, "revisions": revs}

    @get(
        "/{declaration_id:str}/revisions/{revision:int}/original",
        summary="The exact bytes received for a revision",
        media_type="application/json",
    )
    async def original(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: str,
        revision: Annotated[int, Parameter(ge=1, le=1_000_000)],
    ) -> Response[bytes]:
        await self._visible(request, principal, declaration_id)
        found = await read(
            eport_of(request), lambda c: views.raw_document(c, declaration_id, revision)
        )
        if found is None:
            raise HTTPException(status_code=404, detail="No such revision.")
        return Response(found[0], media_type=found[1])

    @get(
        "/{declaration_id:str}/receipt",
        summary="The receipt, sealed by E-Port (CMS, verifiable with openssl)",
    )
    async def receipt(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: str,
        revision: Annotated[int | None, Parameter(ge=1, le=1_000_000)] = None,
    ) -> Response[Any]:
        """The receipt of a revision (default: the latest) as canonical JSON, sealed in a CMS
        SignedData with E-Port's seal certificate and the issuing CA.

        With `Accept: application/pkcs7-mime` the answer is the DER CMS itself:
        `openssl cms -verify -inform DER -in receipt.p7m -CAfile root.crt` prints the receipt.
        Otherwise JSON: the receipt, the CMS in base64 and the chain (issuing, root).
        """
        header = await self._visible(request, principal, declaration_id)
        wanted = revision or header["revision"]
        body = await read(
            eport_of(request), lambda c: views.revision_receipt(c, declaration_id, wanted)
        )
        if body is None:
            raise HTTPException(status_code=404, detail="No such revision.")
        return sealed_response(request, body, "receipt", f"{declaration_id}-r{wanted}.p7m")

    @get(
        "/{declaration_id:str}/release-notice",
        summary="The release notice, sealed by E-Port (CMS, verifiable with openssl)",
    )
    async def release_notice(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> Response[Any]:
        """Once customs has released the goods: the notice that they may leave (who released
        them, when, the goods and every agency's decision), sealed like the receipt. 409 before
        release. `Accept: application/pkcs7-mime` gives the DER CMS."""
        header = await self._visible(request, principal, declaration_id)
        body = await read(eport_of(request), lambda c: views.release_notice(c, header))
        if body is None:
            raise Conflict(
                "The declaration is not released.", id=declaration_id, status=header["status"]
            )
        return sealed_response(request, body, "notice", f"{declaration_id}-release.p7m")

    @get(
        "/{declaration_id:str}/decisions/{agency:str}",
        summary="An agency's decision, sealed by E-Port (CMS, verifiable with openssl)",
    )
    async def decision_notice(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: str,
        agency: str,
    ) -> Response[Any]:
        """The latest decision of `agency` on this declaration (accept, reject or query, the
        reason, the officer, and the officer's own CMS signature if there was one), sealed.
        404 if that agency has not decided."""
        header = await self._visible(request, principal, declaration_id)
        body = await read(eport_of(request), lambda c: views.decision_notice(c, header, agency))
        if body is None:
            raise NotFound("That agency has not decided on this declaration.", id=declaration_id)
        return sealed_response(request, body, "notice", f"{declaration_id}-{agency}.p7m")

    @get("/{declaration_id:str}/e-certificates", summary="The agencies' e-certificates")
    async def ecertificates(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        await self._visible(request, principal, declaration_id)
        items = await read(eport_of(request), lambda c: views.ecertificates(c, declaration_id))
        return {"items": items}

    @get(
        "/{declaration_id:str}/e-certificates/{certificate_id:str}",
        summary="One e-certificate, sealed by E-Port (CMS, verifiable with openssl)",
    )
    async def ecertificate(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: str,
        certificate_id: str,
    ) -> Response[Any]:
        """The certificate (`eport.e-certificate/1`: type, issuing agency and officer, goods,
        remarks, the officer's own signature if any), sealed like the receipt.
        `Accept: application/pkcs7-mime` gives the DER CMS."""
        header = await self._visible(request, principal, declaration_id)
        body = await read(
            eport_of(request), lambda c: views.ecertificate_document(c, header, certificate_id)
        )
        if body is None:
            raise NotFound("No such e-certificate.", id=certificate_id)
        return sealed_response(request, body, "certificate", f"{certificate_id}.p7m")

    @post(
        "/{declaration_id:str}/amendments",
        status_code=201,
        summary="Amend a declaration",
        operation_class=request_body(AmendmentDoc),
    )
    async def amend(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> Response[Any]:
        """Body: `{"reason": "...", "declaration": {the whole amended declaration}}`.

        Makes a new revision with a field-level diff, re-routing only the agencies concerned.
        """
        policy.require_lodger(principal, policy.Action.AMEND)
        key = _idempotency_key(request)
        eport = eport_of(request)
        received_at = eport.clock()
        body, raw = await json_body(request, AmendmentBody)
        office = body.declaration.get("customsOffice")
        enterprise, representative = await _acting(
            request,
            principal,
            policy.Action.AMEND,
            "amendment",
            office if isinstance(office, str) else None,
        )
        signed = await verified_signature(
            request, raw, {enterprise, representative}, DocumentKind.AMENDMENT
        )
        outcome: Outcome = await execute(
            eport,
            dc.AmendDeclaration(
                actor=principal.user_id,
                enterprise=enterprise,
                declaration_id=declaration_id,
                idempotency_key=key,
                changes=body.declaration,
                reason=body.reason,
                raw=raw,
                content_type="application/json",
                received_at=received_at,
                signature=signed[0] if signed else None,
                signer_serial=signed[1] if signed else None,
            ),
        )
        return _created(outcome)

    @post(
        "/{declaration_id:str}/cancel",
        status_code=200,
        summary="Cancel before release",
        operation_class=request_body(ReasonBody),
    )
    async def cancel(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        enterprise, _representative = await _acting(
            request, principal, policy.Action.CANCEL, "cancel", None
        )
        body, _ = await json_body(request, ReasonBody)
        result: dict[str, Any] = await execute(
            eport_of(request),
            dc.CancelDeclaration(
                actor=principal.user_id,
                enterprise=enterprise,
                declaration_id=declaration_id,
                reason=body.reason,
            ),
        )
        return result

    @post(
        "/{declaration_id:str}/release",
        status_code=200,
        summary="Release (customs)",
        operation_class=request_body(OptionalReasonBody),
    )
    async def release(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> Response[Any]:
        """Release a cleared declaration whose duties are paid or guaranteed. Tariff quotas are
        consumed now, first come first served: if one ran out, the declaration is reassessed
        at the out-of-quota rate, and the answer is 409 `release.quota_exhausted` with the new
        duties (booked; pay or guarantee them, then release again)."""
        agency = policy.require_officer(principal, policy.Action.RELEASE)
        body, _ = await json_body(request, OptionalReasonBody, allow_empty=True)
        result: dict[str, Any] = await execute(
            eport_of(request),
            dc.ReleaseDeclaration(
                actor=principal.user_id,
                agency=agency,
                declaration_id=declaration_id,
                reason=body.reason,
            ),
        )
        if result.get("released", True):
            return Response(result)
        return problem(
            409,
            "Not released",
            result["reason"],
            "release.quota_exhausted",
            str(request.url.path),
            {k: v for k, v in result.items() if k != "reason"},
        )
