"""The enterprise's account pages: delegations (powers of attorney) given and received, and
webhook subscriptions with their deliveries. The same policies and commands as
``api/delegations.py`` and ``api/webhooks.py``; another enterprise's delegation or
subscription is *not found*."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from eport.adapters.db import admin_views, views
from eport.adapters.db import tables as t
from eport.adapters.db.repositories import delegations_of
from eport.identity import commands as ic
from eport.identity import policy
from eport.identity.model import Principal
from eport.kernel.errors import FieldError, ValidationFailed
from eport.notifications import commands as nc
from eport.notifications.model import DeliveryState
from eport.pki.signatures import DocumentKind, Requirement, requirement

from ..api.common import eport_of, execute, read
from ..api.delegations import GRANTING_ROLES, DelegationBody, _grantor, delegation_json
from ..api.webhooks import SubscribeBody, _enterprise
from .admin import gettext
from .form_errors import field_errors, many, one, split_list, validate
from .pages import page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

DOCUMENT_TYPES = ("declaration", "amendment", "cancel")
DELEGATION_FIELDS = {
    "/grantee": "grantee",
    "/documentTypes": "document_types",
    "/customsOffices": "customs_offices",
    "/validFrom": "valid_from",
    "/validTo": "valid_to",
}
WEBHOOK_FIELDS = {"/url": "url", "/eventTypes": "event_types"}
# Shown through _(…) from data: listed for the catalogue test.
DYNAMIC_MESSAGES = (
    *DOCUMENT_TYPES, "revoked", "expired", "not yet valid", "in force",
    *(s.value for s in DeliveryState),
)  # fmt: skip


def _start_of(day: str) -> str | None:
    """A date from a date field as the start of that day in UTC (the API takes times)."""
    try:
        return datetime.combine(datetime.fromisoformat(day).date(), time(), UTC).isoformat()
    except ValueError:
        return day or None


class DelegationPages(Controller):
    path = "/portal/delegations"
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        *,
        form: dict[str, Any],
        errors: dict[str, str],
        status_code: int = 200,
        notice: str | None = None,
    ) -> Template:
        policy.permit_any_user(principal, policy.Action.MANAGE_DELEGATIONS, "own enterprise's")
        enterprise = principal.enterprise
        given: list[dict[str, Any]] = []
        received: list[dict[str, Any]] = []
        if enterprise is not None:
            eport = eport_of(request)
            items = await read(eport, lambda c: delegations_of(c, enterprise))
            names = {e["id"]: e for e in await read(eport, admin_views.enterprises)}
            now = eport.clock()
            for d in items:
                row = delegation_json(d)
                row["state"] = (
                    "revoked" if d.revoked_at else
                    "expired" if d.valid_to <= now else
                    "not yet valid" if d.valid_from > now else "in force"
                )  # fmt: skip
                row["grantorName"] = names.get(d.grantor, {}).get("name", d.grantor)
                row["granteeName"] = names.get(d.grantee, {}).get("name", d.grantee)
                (given if d.grantor == enterprise else received).append(row)
        return page(
            request,
            "account/delegations.html",
            principal,
            status_code=status_code,
            given=given,
            received=received,
            form=form,
            errors=errors,
            document_types=DOCUMENT_TYPES,
            can_grant=_may_grant(principal),
            notice=notice,
        )

    @get("/", name="delegations")
    async def index(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        """Delegations the enterprise granted and received."""
        return await self._page(
            request, principal, errors={},
            form={"grantee_scheme": "USCC", "document_types": ["declaration"]},
        )  # fmt: skip

    @post("/", name="delegation-grant")
    async def grant(
        self, request: Request[Any, Any, Any], principal: Principal, data: Form
    ) -> Template | Redirect:
        """``GrantDelegation`` for the broker with this identifier, as the API. A delegation
        that must be signed (``EPORT_SIGNATURES_REQUIRED``) is granted through the API."""
        grantor = _grantor(principal)
        _ = gettext(request)
        eport = eport_of(request)
        form: dict[str, Any] = {
            "grantee_scheme": one(data, "grantee_scheme", 16) or "USCC",
            "grantee": one(data, "grantee", 70),
            "document_types": many(data, "document_types"),
            "customs_offices": one(data, "customs_offices", 1000),
            "valid_from": one(data, "valid_from", 40),
            "valid_to": one(data, "valid_to", 40),
        }
        try:
            if requirement(DocumentKind.DELEGATION, eport.settings.required_signatures) is (
                Requirement.REQUIRED
            ):
                message = _("Sign this delegation: grant it through the API with your certificate.")
                raise ValidationFailed([FieldError("", "signature.required", message)])
            body = validate(
                DelegationBody,
                {
                    "grantee": {"scheme": form["grantee_scheme"], "value": form["grantee"]},
                    "documentTypes": form["document_types"],
                    "customsOffices": split_list(form["customs_offices"]),
                    "validFrom": _start_of(form["valid_from"]),
                    "validTo": _start_of(form["valid_to"]),
                },
            )

            def grantee_id(conn: sa.Connection) -> str | None:
                e = t.enterprises
                return conn.execute(
                    sa.select(e.c.id).where(
                        e.c.scheme == body.grantee.scheme, e.c.identifier == body.grantee.value
                    )
                ).scalar()

            grantee = await read(eport, grantee_id)
            if grantee is None:
                raise ValidationFailed([FieldError(
                    "/grantee", "enterprise.unknown",
                    _("No registered enterprise has this identifier."),
                )])  # fmt: skip
            await execute(
                eport,
                ic.GrantDelegation(
                    actor=principal.user_id,
                    grantor=grantor,
                    grantee=grantee,
                    document_types=frozenset(body.document_types),
                    customs_offices=frozenset(body.customs_offices),
                    valid_from=body.valid_from,
                    valid_to=body.valid_to,
                ),
            )
        except ValidationFailed as exc:
            return await self._page(
                request, principal, form=form, status_code=422,
                errors=field_errors(exc, DELEGATION_FIELDS, _),
            )  # fmt: skip
        return Redirect("/portal/delegations?granted=1", status_code=303)

    @post("/{delegation_id:str}/revoke", name="delegation-revoke")
    async def revoke(
        self, request: Request[Any, Any, Any], principal: Principal, delegation_id: str
    ) -> Redirect:
        """The grantor revokes; anyone else's delegation is not found (404)."""
        grantor = _grantor(principal)
        await execute(
            eport_of(request),
            ic.RevokeDelegation(
                actor=principal.user_id, grantor=grantor, delegation_id=delegation_id
            ),
        )
        return Redirect("/portal/delegations?revoked=1", status_code=303)


def _may_grant(principal: Principal) -> bool:
    return principal.enterprise is not None and any(principal.has(r) for r in GRANTING_ROLES)


class WebhookPages(Controller):
    path = "/portal/webhooks"
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        *,
        form: dict[str, str],
        errors: dict[str, str],
        created: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Template:
        enterprise = _enterprise(principal)

        def query(conn: sa.Connection) -> list[dict[str, Any]]:
            subscriptions = views.subscriptions(conn, enterprise)
            for s in subscriptions:
                deliveries = views.deliveries(conn, enterprise, s["id"], None)
                counts: dict[str, int] = {}
                for d in deliveries:
                    counts[d["state"]] = counts.get(d["state"], 0) + 1
                s["counts"] = counts
                s["recent"] = deliveries[-5:][::-1]
            return subscriptions

        return page(
            request,
            "account/webhooks.html",
            principal,
            status_code=status_code,
            subscriptions=await read(eport_of(request), query),
            form=form,
            errors=errors,
            created=created,
        )

    @get("/", name="webhooks")
    async def index(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        """The enterprise's subscriptions and how their deliveries went."""
        return await self._page(request, principal, form={}, errors={})

    @post("/", name="webhook-subscribe")
    async def subscribe(
        self, request: Request[Any, Any, Any], principal: Principal, data: Form
    ) -> Template:
        """``Subscribe``, as the API; the signing secret is shown once, on this answer."""
        enterprise = _enterprise(principal)
        _ = gettext(request)
        form = {"url": one(data, "url", 2000), "event_types": one(data, "event_types", 2000)}
        try:
            body = validate(
                SubscribeBody,
                {"url": form["url"], "eventTypes": split_list(form["event_types"])},
            )
            created: dict[str, Any] = await execute(
                eport_of(request),
                nc.Subscribe(
                    actor=principal.user_id,
                    enterprise=enterprise,
                    url=body.url,
                    event_types=tuple(body.event_types),
                ),
            )
        except ValidationFailed as exc:
            return await self._page(
                request, principal, form=form, status_code=422,
                errors=field_errors(exc, WEBHOOK_FIELDS, _),
            )  # fmt: skip
        return await self._page(request, principal, form={}, errors={}, created=created)

    @post("/{subscription_id:str}/remove", name="webhook-remove")
    async def remove(
        self, request: Request[Any, Any, Any], principal: Principal, subscription_id: str
    ) -> Redirect:
        enterprise = _enterprise(principal)
        await execute(
            eport_of(request),
            nc.Unsubscribe(
                actor=principal.user_id, enterprise=enterprise, subscription_id=subscription_id
            ),
        )
        return Redirect("/portal/webhooks?removed=1", status_code=303)
