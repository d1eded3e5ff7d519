"""The access policy: one place that answers "may this principal do this?".

Every decision, allow or deny, is logged on the ``eport.access`` logger with who, what and
which rule decided. Documents of other parties are reported as *not found*, never *forbidden*,
so their existence does not leak.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime
from enum import StrEnum

from eport.identity.model import LODGING_ROLES, Delegation, Principal, Role
from eport.kernel.errors import Forbidden, NotFound

log = logging.getLogger("eport.access")


class Action(StrEnum):
    LODGE = "declaration.lodge"
    READ_DECLARATION = "declaration.read"
    AMEND = "declaration.amend"
    CANCEL = "declaration.cancel"
    RELEASE = "declaration.release"
    LIST_TASKS = "task.list"
    DECIDE = "task.decide"
    MANAGE_CATALOGUE = "catalogue.manage"
    READ_CATALOGUE = "catalogue.read"
    MANAGE_IDENTITY = "identity.manage"
    MANAGE_WEBHOOKS = "webhook.manage"
    READ_AUDIT = "audit.read"
    LIST_DECLARATIONS = "declaration.list"
    READ_SELF = "identity.read_self"
    AUTHENTICATE = "authenticate"
    REQUEST_CERTIFICATE = "certificate.request"
    MANAGE_DELEGATIONS = "delegation.manage"
    REVOKE_CERTIFICATE = "certificate.revoke"
    REVIEW_REGISTRATIONS = "registration.review"
    PAY_DUTIES = "duties.pay"
    READ_TARIFF = "tariff.read"
    MANAGE_TARIFF = "tariff.manage"
    PUBLISH_RATES = "exchange_rate.publish"
    MANAGE_RISK = "risk.manage"
    INSPECT = "inspection.manage"
    READ_LEDGER = "ledger.read"
    MANAGE_LICENCES = "licence.manage"
    MANAGE_HANDBOOKS = "handbook.manage"
    MANAGE_IPR = "ipr.manage"
    CONFIRM_PAYMENT = "payment.confirm"
    MANAGE_GUARANTEES = "guarantee.manage"
    LODGE_MANIFEST = "manifest.lodge"
    READ_MANIFEST = "manifest.read"
    GATE_OUT = "gate.out"
    READ_DISCREPANCIES = "manifest.discrepancies"
    REPORT_FOREX = "forex.report"
    VERIFY_FOREX = "forex.verify"
    CLAIM_REFUND = "refund.claim"
    CHECK_REFUND = "refund.check"


def _decide(
    principal: Principal, action: Action, target: str | None, allowed: bool, rule: str
) -> bool:
    log.info(
        "access %s",
        "allow" if allowed else "deny",
        extra={
            "who": principal.user_id,
            "action": action.value,
            "target": target,
            "rule": rule,
            "allowed": allowed,
        },
    )
    return allowed


def permit_any_user(principal: Principal, action: Action, rule: str) -> None:
    """Record an allow for what every authenticated user may do (reference data, self)."""
    _decide(principal, action, None, True, rule)


def require_role(principal: Principal, action: Action, roles: Collection[Role]) -> None:
    """Allow if the principal holds one of ``roles``; otherwise 403."""
    allowed = any(principal.has(r) for r in roles)
    _decide(principal, action, None, allowed, f"role in {sorted(roles)}")
    if not allowed:
        raise Forbidden(f"{action.value} needs one of the roles {', '.join(sorted(roles))}.")


def require_lodger(principal: Principal, action: Action) -> str:
    """The enterprise a lodging principal acts for (its own, until delegation arrives)."""
    require_role(principal, action, LODGING_ROLES)
    if principal.enterprise is None:
        _decide(principal, action, None, False, "lodger belongs to an enterprise")
        raise Forbidden("Only a user of an enterprise can lodge.")
    return principal.enterprise


def acting_for(
    principal: Principal,
    action: Action,
    on_behalf_of: str | None,
    delegations: Collection[Delegation],
    kind: str,
    office: str | None,
    now: datetime,
) -> tuple[str, str | None]:
    """(owner, representative) for a write: the lodger's own enterprise, or the enterprise that
    granted it a delegation covering this kind of document at this office now."""
    own = require_lodger(principal, action)
    if on_behalf_of is None or on_behalf_of == own:
        return own, None
    if any(
        d.grantor == on_behalf_of and d.grantee == own and d.covers(kind, office, now)
        for d in delegations
    ):
        _decide(principal, action, on_behalf_of, True, f"delegation covers {kind}")
        return on_behalf_of, own
    _decide(principal, action, on_behalf_of, False, f"no delegation covers {kind}")
    raise Forbidden(
        f"No delegation from {on_behalf_of} lets you act for it ({kind}"
        + (f" at {office}" if office else "")
        + ")."
    )


def can_read_declaration(
    principal: Principal,
    owner: str,
    agencies: Collection[str],
    declaration_id: str,
    representative: str | None = None,
) -> None:
    """A trader reads its enterprise's declarations, a broker those it lodged for a trader; an
    officer those routed to its agency."""
    if principal.enterprise is not None and principal.enterprise == owner:
        _decide(principal, Action.READ_DECLARATION, declaration_id, True, "own enterprise")
        return
    if principal.enterprise is not None and principal.enterprise == representative:
        _decide(
            principal, Action.READ_DECLARATION, declaration_id, True, "lodged as representative"
        )
        return
    if principal.has(Role.OFFICER) and principal.agency in agencies:
        _decide(principal, Action.READ_DECLARATION, declaration_id, True, "routed to agency")
        return
    _decide(principal, Action.READ_DECLARATION, declaration_id, False, "not a party")
    raise NotFound("No such declaration.", id=declaration_id)


def require_officer(principal: Principal, action: Action) -> str:
    """The agency an officer acts for."""
    require_role(principal, action, {Role.OFFICER})
    if principal.agency is None:
        _decide(principal, action, None, False, "officer belongs to an agency")
        raise Forbidden("Only an agency's officer can do this.")
    return principal.agency


def require_registrar(principal: Principal, registration_agency: str | None) -> None:
    """Enterprise applications are reviewed by an administrator or by an officer of the
    registration agency (``EPORT_REGISTRATION_AGENCY``)."""
    if principal.has(Role.ADMIN):
        _decide(principal, Action.REVIEW_REGISTRATIONS, None, True, "administrator")
        return
    if (
        registration_agency
        and principal.has(Role.OFFICER)
        and principal.agency == registration_agency
    ):
        _decide(principal, Action.REVIEW_REGISTRATIONS, None, True, "registration agency")
        return
    _decide(principal, Action.REVIEW_REGISTRATIONS, None, False, "not a registrar")
    raise Forbidden("Only an administrator or the registration agency reviews applications.")


def can_read_manifest(principal: Principal, carrier: str, manifest_id: str) -> None:
    """The carrier reads its own manifests; customs officers, the terminal and administrators
    read every manifest (they work the cargo)."""
    if principal.enterprise is not None and principal.enterprise == carrier:
        _decide(principal, Action.READ_MANIFEST, manifest_id, True, "own manifest")
        return
    if (
        principal.has(Role.TERMINAL)
        or principal.has(Role.ADMIN)
        or (principal.has(Role.OFFICER) and principal.agency == "customs")
    ):
        _decide(principal, Action.READ_MANIFEST, manifest_id, True, "customs, terminal or admin")
        return
    _decide(principal, Action.READ_MANIFEST, manifest_id, False, "not a party")
    raise NotFound("No such manifest.", id=manifest_id)


def require_agency_or_admin(principal: Principal, action: Action, agency: str) -> None:
    """An officer of ``agency``, or an administrator."""
    allowed = principal.has(Role.ADMIN) or (
        principal.has(Role.OFFICER) and principal.agency == agency
    )
    _decide(principal, action, None, allowed, f"{agency} officer or administrator")
    if not allowed:
        raise Forbidden(f"{action.value} is for {agency} officers and administrators.")


def require_agency_user(principal: Principal, action: Action) -> None:
    """Any agency's officer, or an administrator (agencies cross-verify on the ledger)."""
    allowed = principal.has(Role.ADMIN) or (
        principal.has(Role.OFFICER) and principal.agency is not None
    )
    _decide(principal, action, None, allowed, "agency officer or administrator")
    if not allowed:
        raise Forbidden(f"{action.value} is for agency officers and administrators.")
