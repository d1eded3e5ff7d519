"""The declaration page (status, every agency's timeline, lane, duties, e-certificates), and
amending or cancelling it, through the same commands, reads and policy checks as the API
(``api/declarations.py``): whoever may not read a declaration there gets 404 here too."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import orjson
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from eport.adapters.db import views
from eport.adapters.db.repositories import delegations_between
from eport.declarations import commands as dc
from eport.declarations.model import AMENDABLE, CANCELLABLE
from eport.identity import policy
from eport.identity.model import LODGING_ROLES, Principal, Role
from eport.kernel.errors import FieldError, ValidationFailed
from eport.pki.signatures import DocumentKind
from eport.routing.model import Decision, TaskState

from ..api.common import eport_of, execute, read
from ..api.declarations import visible_declaration
from . import declaration_form as form
from .declaration_facts import page_facts
from .pages import page, unsigned_allowed

NOTICES = ("amended", "cancelled", "released")
# What each event and measure is called on the page (the English text is the msgid).
EVENT_LABELS = {
    "declaration.lodged": "Declaration lodged",
    "declaration.amended": "Declaration amended",
    "declaration.status_changed": "Status changed",
    "declaration.cancelled": "Declaration cancelled",
    "declaration.released": "Goods released",
    "declaration.assessed": "Duties and taxes assessed",
    "duties.assessed": "Duty account updated",
    "payment.ordered": "Payment ordered",
    "payment.confirmed": "Payment confirmed",
    "duties.guaranteed": "Duties guaranteed",
    "duties.refunded": "Duties refunded",
    "task.decided": "Decision taken",
    "ecertificate.issued": "E-certificate issued",
    "risk.lane_assigned": "Lane assigned",
    "inspection.ordered": "Inspection ordered",
    "inspection.findings": "Inspection findings",
    "ipr.held": "Goods held for intellectual property",
    "ipr.hold_decided": "Intellectual property hold decided",
}
MEASURE_LABELS = {
    "duty": "Customs duty",
    "anti_dumping": "Anti-dumping duty",
    "countervailing": "Countervailing duty",
    "excise": "Consumption tax",
    "vat": "VAT",
}
REFUSALS = {
    "preference.no_certificate": "no certificate of origin",
    "preference.certificate_invalid": "the certificate of origin is not valid",
    "preference.not_beneficial": "the preferential rate is not lower",
}
# Shown with `_(value)`: the catalogue test checks each has a translation.
TRANSLATED = (
    *EVENT_LABELS.values(),
    *MEASURE_LABELS.values(),
    *REFUSALS.values(),
    *(s.value for s in TaskState),
    *(d.value for d in Decision),
    "green",
    "yellow",
    "red",
    "blue",
    "issued",
    "confirmed",
    "amended",
    *form.LABELS,
)
LABELS = {**EVENT_LABELS, **MEASURE_LABELS, **REFUSALS}
Id = Annotated[str, Parameter(pattern=r"^[A-Za-z0-9-]{1,64}$")]
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def may_release(principal: Principal, status: str) -> bool:
    """Customs officers release cleared declarations (the command checks the rest)."""
    return principal.has(Role.OFFICER) and principal.agency == "customs" and status == "cleared"


def may_write(principal: Principal, header: Any) -> bool:
    """Whether to offer amending and cancelling: a lodger of the owning or representing
    enterprise (the command decides; this only hides buttons that would be refused)."""
    return any(principal.has(r) for r in LODGING_ROLES) and principal.enterprise in (
        header["owner_id"],
        header["representative_id"],
    )


async def _acting(
    request: Request[Any, Any, Any],
    principal: Principal,
    header: Any,
    action: policy.Action,
    kind: str,
    office: str | None,
) -> str:
    """The owner the command acts for, as the API's ``_acting`` decides it: one's own
    enterprise, or, for a representative, the owner if a delegation covers this."""
    own = policy.require_lodger(principal, action)
    on_behalf_of = header["owner_id"] if header["owner_id"] != own else None
    found: list[Any] = []
    if on_behalf_of is not None:
        grantor = on_behalf_of
        found = await read(eport_of(request), lambda c: delegations_between(c, grantor, own))
    eport = eport_of(request)
    enterprise, _ = policy.acting_for(
        principal, action, on_behalf_of, found, kind, office, eport.clock()
    )
    return enterprise


def _key(value: str | None) -> str:
    key = (value or "").strip()
    return key if 0 < len(key) <= 255 else uuid.uuid4().hex


class DeclarationPages(Controller):
    path = "/portal/declarations"
    include_in_schema = False

    @get("/{declaration_id:str}", name="declaration")
    async def show(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: Id,
        done: Annotated[str | None, Parameter(max_length=20)] = None,
    ) -> Template:
        header = await visible_declaration(request, principal, declaration_id)
        facts = await read(eport_of(request), lambda c: page_facts(c, header, principal))
        writer = may_write(principal, header)
        status = header["status"]
        return page(
            request,
            "declaration/page.html",
            principal,
            done=done if done in NOTICES else None,
            may_amend=writer and status in AMENDABLE,
            may_cancel=writer and status in CANCELLABLE,
            may_release=may_release(principal, status),
            labels=LABELS,
            **facts,
        )

    @post("/{declaration_id:str}/release", name="declaration-release")
    async def release(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: Id,
        data: Form,
    ) -> Template | Redirect:
        """Customs releases a cleared declaration, as `POST …/release` in the API does."""
        agency = policy.require_officer(principal, policy.Action.RELEASE)
        await visible_declaration(request, principal, declaration_id)
        result: dict[str, Any] = await execute(
            eport_of(request),
            dc.ReleaseDeclaration(
                actor=principal.user_id, agency=agency, declaration_id=declaration_id,
                reason=(data.get("reason") or "")[: form.MAX_FIELD] or None,
            ),
        )  # fmt: skip
        if result.get("released", True):
            return Redirect(f"/portal/declarations/{declaration_id}?done=released", status_code=303)
        header = await visible_declaration(request, principal, declaration_id)
        facts = await read(eport_of(request), lambda c: page_facts(c, header, principal))
        return page(
            request, "declaration/page.html", principal, status_code=409, done=None,
            may_amend=False, may_cancel=False, may_release=False, labels=LABELS,
            release_error=str(result.get("reason")), **facts,
        )  # fmt: skip

    async def _form(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: str,
        action: policy.Action,
    ) -> Any:
        header = await visible_declaration(request, principal, declaration_id)
        policy.require_lodger(principal, action)
        return header

    def _amend_page(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        header: Any,
        document: dict[str, Any],
        *,
        reason: str = "",
        key: str,
        errors: list[FieldError] | None = None,
    ) -> Template:
        shown = form.pointers(document)
        by_field, summary = form.problems(errors or [], shown)
        return page(
            request,
            "declaration/amend.html",
            principal,
            status_code=422 if errors else 200,
            header=header,
            document=document,
            form=form,
            reason=reason,
            key=key,
            field_errors=by_field,
            summary=summary,
        )

    @get("/{declaration_id:str}/amend", name="declaration-amend")
    async def amend_form(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: Id
    ) -> Template:
        """The current revision as an editable form."""
        header = await self._form(request, principal, declaration_id, policy.Action.AMEND)
        detail = await read(eport_of(request), lambda c: views.declaration_detail(c, header))
        return self._amend_page(
            request, principal, header, detail["declaration"], key=uuid.uuid4().hex
        )

    @post("/{declaration_id:str}/amend", name="declaration-amend-submit")
    async def amend(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: Id,
        data: Form,
    ) -> Template | Redirect:
        """The whole amended document and the reason, as ``POST …/amendments`` sends them to
        ``AmendDeclaration``; the idempotency key was issued with the form, so sending it twice
        makes one revision."""
        header = await self._form(request, principal, declaration_id, policy.Action.AMEND)
        eport = eport_of(request)
        detail = await read(eport, lambda c: views.declaration_detail(c, header))
        document = form.amended(detail["declaration"], data)
        reason = (data.get("reason") or "")[: form.MAX_FIELD + 1]
        key = _key(data.get("idempotency_key"))
        if (
            len(reason) > form.MAX_FIELD
        ):  # as the API's AmendmentBody; an empty one the command reports
            too_long = FieldError("/reason", "too_long", "At most 2000 characters.")
            return self._amend_page(
                request, principal, header, document, reason=reason, key=key, errors=[too_long]
            )
        unsigned_allowed(request, DocumentKind.AMENDMENT)
        raw = orjson.dumps({"reason": reason, "declaration": document})
        office = document.get("customsOffice")
        enterprise = await _acting(
            request, principal, header, policy.Action.AMEND, "amendment",
            office if isinstance(office, str) else None,
        )  # fmt: skip
        try:
            await execute(
                eport,
                dc.AmendDeclaration(
                    actor=principal.user_id,
                    enterprise=enterprise,
                    declaration_id=declaration_id,
                    idempotency_key=key,
                    changes=document,
                    reason=reason,
                    raw=raw,
                    content_type="application/json",
                    received_at=eport.clock(),
                ),
            )
        except ValidationFailed as exc:
            return self._amend_page(
                request, principal, header, document, reason=reason, key=key, errors=exc.errors
            )
        return Redirect(f"/portal/declarations/{declaration_id}?done=amended", status_code=303)

    @get("/{declaration_id:str}/cancel", name="declaration-cancel")
    async def cancel_form(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: Id
    ) -> Template:
        """The confirmation step: what cancelling means, and the reason."""
        header = await self._form(request, principal, declaration_id, policy.Action.CANCEL)
        return page(request, "declaration/cancel.html", principal, header=header, reason="",
                    error=None)  # fmt: skip

    @post("/{declaration_id:str}/cancel", name="declaration-cancel-submit")
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration_id: Id,
        data: Form,
    ) -> Template | Redirect:
        header = await self._form(request, principal, declaration_id, policy.Action.CANCEL)
        reason = (data.get("reason") or "")[: form.MAX_FIELD + 1]
        enterprise = await _acting(request, principal, header, policy.Action.CANCEL, "cancel", None)
        try:
            if len(reason) > form.MAX_FIELD:  # as ReasonBody; an empty one the command reports
                raise ValidationFailed(
                    [FieldError("/reason", "too_long", "At most 2000 characters.")]
                )
            await execute(
                eport_of(request),
                dc.CancelDeclaration(
                    actor=principal.user_id,
                    enterprise=enterprise,
                    declaration_id=declaration_id,
                    reason=reason,
                ),
            )
        except ValidationFailed as exc:
            return page(
                request, "declaration/cancel.html", principal, status_code=422, header=header,
                reason=reason, error="; ".join(e.message for e in exc.errors),
            )  # fmt: skip
        return Redirect(f"/portal/declarations/{declaration_id}?done=cancelled", status_code=303)
