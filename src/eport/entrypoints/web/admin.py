"""Administration pages: the overview, enterprises and users, enterprise registrations to
review, and the audit trail. Each action asks the same policy and runs the same command as the
API (``api/admin.py``, ``api/registrations.py``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from eport.adapters.db import admin_views, views
from eport.identity import commands as ic
from eport.identity import errors as ie
from eport.identity import policy
from eport.identity.model import Principal, RegistrationStatus, Role
from eport.kernel.errors import ValidationFailed

from ..api.admin import ADMIN, UserBody
from ..api.common import eport_of, execute, read
from ..api.registrations import registration_json
from . import i18n
from .form_errors import field_errors, many, one, or_none, validate
from .pages import locale_of, page

ROLES = tuple(r.value for r in Role)
REGISTRATION_STATUSES = ("pending", "approved", "rejected", "all")
USER_FIELDS = {
    "/email": "email",
    "/name": "name",
    "/roles": "roles",
    "/enterprise": "enterprise",
    "/agency": "agency",
}
# Shown through _(…) from data: listed for the catalogue test.
DYNAMIC_MESSAGES = (
    *ROLES,
    "pending",
    "approved",
    "rejected",
    "all",
    "active",
    "inactive",
)

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def gettext(request: Request[Any, Any, Any]) -> Any:
    return i18n.gettext_for(locale_of(request))


def require_admin(principal: Principal) -> None:
    policy.require_role(principal, policy.Action.MANAGE_IDENTITY, ADMIN)


class AdminPages(Controller):
    path = "/portal/admin"
    include_in_schema = False

    @get("/", name="admin")
    async def overview(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        require_admin(principal)
        pending = await read(
            eport_of(request),
            lambda c: admin_views.registrations(c, RegistrationStatus.PENDING.value, 500),
        )
        return page(request, "admin/overview.html", principal, pending=len(pending))

    # Enterprises and users -------------------------------------------------------------

    async def _users_page(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        *,
        form: dict[str, Any],
        errors: dict[str, str],
        created: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Template:
        eport = eport_of(request)
        enterprises = await read(eport, admin_views.enterprises)
        users = await read(eport, admin_views.users)
        agencies = await read(eport, views.agencies)
        return page(
            request,
            "admin/users.html",
            principal,
            status_code=status_code,
            enterprises=enterprises,
            users=users,
            agencies=agencies,
            roles=ROLES,
            form=form,
            errors=errors,
            created=created,
        )

    @get("/users", name="admin-users")
    async def users(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        require_admin(principal)
        return await self._users_page(request, principal, form={"roles": []}, errors={})

    @post("/users", name="admin-user-create")
    async def create_user(
        self, request: Request[Any, Any, Any], principal: Principal, data: Form
    ) -> Template:
        """A user of an enterprise or of an agency, with roles (``CreateUser``, as the API)."""
        require_admin(principal)
        form: dict[str, Any] = {
            "email": one(data, "email", 254),
            "name": one(data, "name", 200),
            "roles": many(data, "roles"),
            "enterprise": one(data, "enterprise", 40),
            "agency": one(data, "agency", 32),
        }
        _ = gettext(request)
        try:
            body = validate(
                UserBody,
                {
                    "email": form["email"],
                    "name": form["name"],
                    "roles": form["roles"],
                    "enterprise": or_none(form["enterprise"]),
                    "agency": or_none(form["agency"]),
                },
            )
            user = await execute(
                eport_of(request),
                ic.CreateUser(
                    actor=principal.user_id,
                    email=body.email,
                    name=body.name,
                    roles=frozenset(body.roles),
                    enterprise=body.enterprise,
                    agency=body.agency,
                ),
            )
        except ValidationFailed as exc:
            return await self._users_page(
                request, principal, form=form, status_code=422,
                errors=field_errors(exc, USER_FIELDS, _),
            )  # fmt: skip
        except ie.AlreadyExists:
            return await self._users_page(
                request, principal, form=form, status_code=409,
                errors={"email": _("A user with this e-mail exists.")},
            )  # fmt: skip
        return await self._users_page(
            request, principal, form={"roles": []}, errors={},
            created={"id": user.id, "email": user.email},
        )  # fmt: skip

    # Registrations ---------------------------------------------------------------------

    @get("/registrations", name="admin-registrations")
    async def registrations(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        status: Annotated[str, Parameter(pattern="^[a-z]{1,10}$")] = "pending",
    ) -> Template:
        eport = eport_of(request)
        policy.require_registrar(principal, eport.settings.registration_agency)
        status = status if status in REGISTRATION_STATUSES else "pending"
        rows = await read(
            eport, lambda c: admin_views.registrations(c, None if status == "all" else status)
        )
        return page(
            request,
            "admin/registrations.html",
            principal,
            items=[registration_json(r) for r in rows],
            status=status,
            statuses=REGISTRATION_STATUSES,
            decided=None,
            errors={},
        )

    @post("/registrations/{registration_id:str}/approve", name="admin-registration-approve")
    async def approve(
        self, request: Request[Any, Any, Any], principal: Principal, registration_id: str
    ) -> Template:
        """The enterprise, its first operator and a one-time activation token, shown once."""
        eport = eport_of(request)
        policy.require_registrar(principal, eport.settings.registration_agency)
        result: dict[str, Any] = await execute(
            eport,
            ic.DecideRegistration(
                actor=principal.user_id, registration_id=registration_id, approve=True
            ),
        )
        return page(request, "admin/decided.html", principal, result=result, approved=True)

    @post("/registrations/{registration_id:str}/reject", name="admin-registration-reject")
    async def reject(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        registration_id: str,
        data: Form,
    ) -> Template | Redirect:
        eport = eport_of(request)
        policy.require_registrar(principal, eport.settings.registration_agency)
        reason = one(data, "reason")
        try:
            await execute(
                eport,
                ic.DecideRegistration(
                    actor=principal.user_id,
                    registration_id=registration_id,
                    approve=False,
                    reason=reason or None,
                ),
            )
        except ValidationFailed:
            _ = gettext(request)
            rows = await read(eport, lambda c: admin_views.registrations(c, "pending"))
            return page(
                request,
                "admin/registrations.html",
                principal,
                status_code=422,
                items=[registration_json(r) for r in rows],
                status="pending",
                statuses=REGISTRATION_STATUSES,
                decided=None,
                errors={f"reason-{registration_id}": _("Say why the application is rejected.")},
            )
        return page(
            request, "admin/decided.html", principal, result={"id": registration_id},
            approved=False,
        )  # fmt: skip

    # Audit trail -----------------------------------------------------------------------

    @get("/audit", name="admin-audit")
    async def audit(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        declaration: Annotated[str | None, Parameter(max_length=40)] = None,
        actor: Annotated[str | None, Parameter(max_length=254)] = None,
        event: Annotated[str | None, Parameter(max_length=64)] = None,
        since: Annotated[str | None, Parameter(query="from", max_length=40)] = None,
        until: Annotated[str | None, Parameter(query="to", max_length=40)] = None,
        before: Annotated[int | None, Parameter(ge=1, le=2**62)] = None,
    ) -> Template:
        """Audit entries by declaration (subject), actor (id or e-mail), event name (a prefix
        with a trailing ``*``) and time range, newest first, 50 a page."""
        policy.require_role(principal, policy.Action.READ_AUDIT, ADMIN)
        _ = gettext(request)
        form = {
            "declaration": (declaration or "").strip(),
            "actor": (actor or "").strip(),
            "event": (event or "").strip(),
            "from": (since or "").strip(),
            "to": (until or "").strip(),
        }
        errors: dict[str, str] = {}
        moments: dict[str, datetime | None] = {}
        for key in ("from", "to"):
            moments[key] = None
            if form[key]:
                try:
                    moment = datetime.fromisoformat(form[key].replace("Z", "+00:00"))
                except ValueError:
                    errors[key] = _("Use a date like 2026-01-31.")
                    continue
                aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
                # A bare date as the end of the range includes that whole day.
                if key == "to" and len(form[key]) == 10:
                    aware += timedelta(days=1)
                moments[key] = aware
        result: dict[str, Any] = {"items": [], "next": None}
        if not errors:
            result = await read(
                eport_of(request),
                lambda c: admin_views.audit_search(
                    c, subject=form["declaration"] or None, actor=form["actor"] or None,
                    action=form["event"] or None, since=moments["from"], until=moments["to"],
                    before=before,
                ),
            )  # fmt: skip
        return page(
            request,
            "admin/audit.html",
            principal,
            status_code=422 if errors else 200,
            form=form,
            errors=errors,
            items=result["items"],
            next=result["next"],
        )
