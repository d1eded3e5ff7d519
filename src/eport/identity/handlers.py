"""Handlers of the identity context."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from typing import Any

from eport.datamodel import identifiers
from eport.identity import commands, errors, events
from eport.identity.model import (
    REGISTRABLE_ROLES,
    ApiToken,
    Delegation,
    Enterprise,
    Registration,
    RegistrationStatus,
    User,
)
from eport.identity.ports import IdentityUnitOfWork
from eport.kernel.clock import isoformat
from eport.kernel.errors import ErrorList, FieldError, ValidationFailed
from eport.kernel.ids import new_id

TOKEN_PREFIX = "ept_"  # noqa: S105 - a public prefix that makes leaked tokens greppable


def hash_token(token: str) -> str:
    """Tokens carry 256 bits of randomness, so a plain SHA-256 is the right hash at rest."""
    return hashlib.sha256(token.encode()).hexdigest()


def _check_identifier(problems: ErrorList, scheme: str, identifier: str) -> None:
    if not identifiers.is_known_scheme(scheme):
        problems.add("/scheme", "identifier.scheme_unknown", f"Unknown scheme {scheme!r}.")
    elif not identifiers.is_valid_identifier(scheme, identifier):
        problems.add(
            "/identifier",
            "identifier.invalid",
            f"{identifier!r} is not a valid {scheme} identifier.",
        )


def apply_for_registration(
    cmd: commands.ApplyForRegistration, uow: IdentityUnitOfWork
) -> Registration:
    """Record an enterprise's application. Its identifier must be valid (the USCC check digit)
    and neither registered nor already applied for."""
    problems = ErrorList()
    _check_identifier(problems, cmd.scheme, cmd.identifier)
    for pointer, value, what in (
        ("/name", cmd.name, "the legal name"),
        ("/address", cmd.address, "the registered address"),
        ("/contact/name", cmd.contact_name, "the contact's name"),
    ):
        if not value.strip():
            problems.add(pointer, "required", f"Give {what}.")
    local, _, domain = cmd.contact_email.partition("@")
    if not local or "." not in domain:
        problems.add("/contact/email", "email.invalid", "Not an e-mail address.")
    if cmd.role not in REGISTRABLE_ROLES:
        problems.add(
            "/role",
            "registration.role",
            f"An enterprise registers as one of {sorted(r.value for r in REGISTRABLE_ROLES)}.",
        )
    problems.raise_if_any()
    if uow.identity.enterprise_by_identifier(cmd.scheme, cmd.identifier) is not None:
        raise errors.AlreadyExists(
            "This enterprise is already registered.", identifier=cmd.identifier
        )
    if uow.identity.pending_registration(cmd.scheme, cmd.identifier) is not None:
        raise errors.AlreadyExists(
            "An application for this enterprise is already pending.", identifier=cmd.identifier
        )
    registration = Registration(
        id=new_id("REG"),
        scheme=cmd.scheme,
        identifier=cmd.identifier,
        name=cmd.name.strip(),
        address=cmd.address.strip(),
        contact_name=cmd.contact_name.strip(),
        contact_email=cmd.contact_email.strip().lower(),
        contact_phone=cmd.contact_phone,
        role=cmd.role,
        status=RegistrationStatus.PENDING,
        submitted_at=uow.now(),
    )
    uow.identity.add_registration(registration)
    uow.record(
        events.RegistrationSubmitted(
            actor=cmd.actor,
            occurred_at=uow.now(),
            data={
                "registration": registration.id,
                "scheme": cmd.scheme,
                "identifier": cmd.identifier,
                "role": cmd.role.value,
            },
        )
    )
    return registration


def decide_registration(
    cmd: commands.DecideRegistration, uow: IdentityUnitOfWork
) -> dict[str, Any]:
    """Approve (the enterprise, its first operator and a one-time activation token, all in one
    transaction) or reject (with a reason) a pending application."""
    registration = uow.identity.get_registration(cmd.registration_id)
    if registration is None:
        raise errors.RegistrationNotFound("No such application.", id=cmd.registration_id)
    if registration.status is not RegistrationStatus.PENDING:
        raise errors.RegistrationDecided(
            "This application is already decided.", status=registration.status.value
        )
    if not cmd.approve and not (cmd.reason or "").strip():
        raise ValidationFailed(
            [FieldError("/reason", "required", "Say why the application is rejected.")]
        )
    result: dict[str, Any] = {"id": registration.id}
    if cmd.approve:
        enterprise = register_enterprise(
            commands.RegisterEnterprise(
                actor=cmd.actor,
                scheme=registration.scheme,
                identifier=registration.identifier,
                name=registration.name,
            ),
            uow,
        )
        operator = create_user(
            commands.CreateUser(
                actor=cmd.actor,
                email=registration.contact_email,
                name=registration.contact_name,
                roles=frozenset({registration.role}),
                enterprise=enterprise.id,
                agency=None,
            ),
            uow,
        )
        activation = issue_token(
            commands.IssueToken(
                actor=cmd.actor,
                user_id=operator.id,
                label="activation",
                expires_at=uow.now() + timedelta(days=cmd.activation_days),
            ),
            uow,
        )
        registration.status = RegistrationStatus.APPROVED
        registration.enterprise_id, registration.user_id = enterprise.id, operator.id
        result |= {
            "enterprise": enterprise.id,
            "operator": {"id": operator.id, "email": operator.email},
            "activationToken": activation["token"],
            "activationExpiresAt": isoformat(uow.now() + timedelta(days=cmd.activation_days)),
        }
    else:
        registration.status = RegistrationStatus.REJECTED
    registration.decided_at, registration.decided_by = uow.now(), cmd.actor
    registration.reason = cmd.reason
    uow.identity.save_registration(registration)
    uow.record(
        events.RegistrationDecided(
            actor=cmd.actor,
            occurred_at=uow.now(),
            reason=cmd.reason,
            data={
                "registration": registration.id,
                "status": registration.status.value,
                "enterprise": registration.enterprise_id,
                "user": registration.user_id,
            },
        )
    )
    return result | {"status": registration.status.value}


def register_enterprise(cmd: commands.RegisterEnterprise, uow: IdentityUnitOfWork) -> Enterprise:
    problems = ErrorList()
    _check_identifier(problems, cmd.scheme, cmd.identifier)
    if not cmd.name.strip():
        problems.add("/name", "required", "An enterprise has a legal name.")
    problems.raise_if_any()
    if uow.identity.enterprise_by_identifier(cmd.scheme, cmd.identifier) is not None:
        raise errors.AlreadyExists(
            "This enterprise is already registered.", identifier=cmd.identifier
        )
    enterprise = Enterprise(new_id("ENT"), cmd.scheme, cmd.identifier, cmd.name.strip())
    uow.identity.add_enterprise(enterprise)
    uow.record(
        events.EnterpriseRegistered(
            actor=cmd.actor,
            occurred_at=uow.now(),
            data={"id": enterprise.id, "scheme": cmd.scheme, "identifier": cmd.identifier},
        )
    )
    return enterprise


def create_user(cmd: commands.CreateUser, uow: IdentityUnitOfWork) -> User:
    problems = ErrorList()
    if (cmd.enterprise is None) == (cmd.agency is None):
        problems.add(
            "/enterprise",
            "user.affiliation",
            "A user belongs to exactly one enterprise or one agency.",
        )
    if cmd.enterprise is not None and uow.identity.get_enterprise(cmd.enterprise) is None:
        problems.add("/enterprise", "enterprise.unknown", f"No enterprise {cmd.enterprise!r}.")
    if cmd.agency is not None and not uow.identity.agency_exists(cmd.agency):
        problems.add("/agency", "agency.unknown", f"No agency {cmd.agency!r}.")
    if "@" not in cmd.email:
        problems.add("/email", "email.invalid", "Not an e-mail address.")
    if not cmd.roles:
        problems.add("/roles", "required", "A user has at least one role.")
    problems.raise_if_any()
    if uow.identity.user_by_email(cmd.email.lower()) is not None:
        raise errors.AlreadyExists("A user with this e-mail exists.", email=cmd.email)
    user = User(new_id("USR"), cmd.email.lower(), cmd.name, cmd.roles, cmd.enterprise, cmd.agency)
    uow.identity.add_user(user)
    uow.record(
        events.UserCreated(
            actor=cmd.actor,
            occurred_at=uow.now(),
            agency=cmd.agency,
            data={
                "id": user.id,
                "email": user.email,
                "roles": sorted(user.roles),
                "enterprise": cmd.enterprise,
            },
        )
    )
    return user


def issue_token(cmd: commands.IssueToken, uow: IdentityUnitOfWork) -> dict[str, Any]:
    """Issue an API token. The secret is returned once and only its hash is stored."""
    user = uow.identity.get_user(cmd.user_id)
    if user is None:
        raise errors.UserNotFound("No such user.", id=cmd.user_id)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(new_id("TOK"), user.id, cmd.label, uow.now(), cmd.expires_at)
    uow.identity.add_token(token, hash_token(secret))
    uow.record(
        events.TokenIssued(
            actor=cmd.actor,
            occurred_at=uow.now(),
            data={"token": token.id, "user": user.id, "label": cmd.label},
        )
    )
    return {"id": token.id, "token": secret, "userId": user.id, "label": cmd.label}


def revoke_token(cmd: commands.RevokeToken, uow: IdentityUnitOfWork) -> None:
    if uow.identity.get_token(cmd.token_id) is None:
        raise errors.TokenNotFound("No such token.", id=cmd.token_id)
    uow.identity.revoke_token(cmd.token_id)
    uow.record(
        events.TokenRevoked(actor=cmd.actor, occurred_at=uow.now(), data={"token": cmd.token_id})
    )


DELEGABLE = frozenset({"declaration", "amendment", "cancel"})


def grant_delegation(cmd: commands.GrantDelegation, uow: IdentityUnitOfWork) -> Delegation:
    """The grantor enterprise lets the grantee act in its name, for what and where it says."""
    problems = ErrorList()
    if cmd.grantee == cmd.grantor:
        problems.add("/grantee", "delegation.self", "An enterprise cannot delegate to itself.")
    elif uow.identity.get_enterprise(cmd.grantee) is None:
        problems.add("/grantee", "enterprise.unknown", f"No enterprise {cmd.grantee!r}.")
    unknown = cmd.document_types - DELEGABLE
    if not cmd.document_types or unknown:
        problems.add(
            "/documentTypes", "delegation.scope", f"Delegate one or more of {sorted(DELEGABLE)}."
        )
    if cmd.valid_to <= cmd.valid_from:
        problems.add("/validTo", "date.order", "validTo must be after validFrom.")
    problems.raise_if_any()
    delegation = Delegation(
        new_id("DLG"),
        cmd.grantor,
        cmd.grantee,
        cmd.document_types,
        cmd.customs_offices,
        cmd.valid_from,
        cmd.valid_to,
    )
    uow.identity.add_delegation(delegation)
    uow.record(
        events.DelegationGranted(
            actor=cmd.actor,
            occurred_at=uow.now(),
            data={
                "id": delegation.id,
                "grantor": cmd.grantor,
                "grantee": cmd.grantee,
                "documentTypes": sorted(cmd.document_types),
                "customsOffices": sorted(cmd.customs_offices),
                **(
                    {
                        "signer": cmd.signer_serial,
                        "signature": base64.b64encode(cmd.signature).decode(),
                    }
                    if cmd.signature is not None
                    else {}
                ),
            },
        )
    )
    return delegation


def revoke_delegation(cmd: commands.RevokeDelegation, uow: IdentityUnitOfWork) -> Delegation:
    delegation = uow.identity.get_delegation(cmd.delegation_id)
    if delegation is None or delegation.grantor != cmd.grantor:
        raise errors.DelegationNotFound("No such delegation.", id=cmd.delegation_id)
    uow.identity.revoke_delegation(delegation.id)
    uow.record(
        events.DelegationRevoked(actor=cmd.actor, occurred_at=uow.now(), data={"id": delegation.id})
    )
    revoked = uow.identity.get_delegation(delegation.id)
    assert revoked is not None
    return revoked


MIN_PASSWORD = 12
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


def set_password(cmd: commands.SetPassword, uow: IdentityUnitOfWork) -> None:
    user = uow.identity.get_user(cmd.actor)
    creds = uow.credentials.credentials(user.email) if user else None
    if user is None or creds is None:
        raise errors.UserNotFound("No such user.", id=cmd.actor)
    problems = ErrorList()
    if creds.password_hash and not (
        cmd.current and uow.passwords.verify(creds.password_hash, cmd.current)
    ):
        problems.add("/current", "password.wrong", "The current password is not right.")
    if len(cmd.new) < MIN_PASSWORD:
        problems.add(
            "/new", "password.too_short", f"A password has at least {MIN_PASSWORD} characters."
        )
    problems.raise_if_any()
    uow.credentials.set_password(user.id, uow.passwords.hash(cmd.new))
    uow.record(
        events.CredentialsChanged(
            actor=cmd.actor, occurred_at=uow.now(), data={"user": user.id, "what": "password"}
        )
    )


def enable_totp(cmd: commands.EnableTotp, uow: IdentityUnitOfWork) -> dict[str, str]:
    """A new TOTP secret; from now on a login needs its code. Shown once."""
    secret = uow.second_factor.new_secret()
    uow.credentials.set_totp(cmd.actor, secret)
    uow.record(
        events.CredentialsChanged(
            actor=cmd.actor, occurred_at=uow.now(), data={"user": cmd.actor, "what": "totp"}
        )
    )
    return {"secret": secret, "otpauthUri": uow.second_factor.uri(secret, cmd.email, "E-Port")}


def log_in(cmd: commands.LogIn, uow: IdentityUnitOfWork) -> dict[str, Any]:
    """Password (argon2) and, if enrolled, a TOTP code; five failures lock for 15 minutes.

    A refusal never says which part was wrong. Successes and failures are events, so they are
    on the audit chain; the failure count is committed even though the request is refused
    (the caller turns the returned refusal into a 401).
    """
    now = uow.now()
    creds = uow.credentials.credentials(cmd.email.lower())
    if creds is None or not creds.active or creds.password_hash is None:
        uow.passwords.verify(
            "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$" + "A" * 43, cmd.password
        )  # same work as a real check
        uow.record(
            events.LoginFailed(
                actor="anonymous",
                occurred_at=now,
                data={"email": cmd.email.lower(), "why": "unknown"},
            )
        )
        return {"ok": False, "locked": False}
    if creds.locked_until is not None and creds.locked_until > now:
        uow.record(
            events.LoginFailed(
                actor=creds.user_id,
                occurred_at=now,
                data={"email": cmd.email.lower(), "why": "locked"},
            )
        )
        return {"ok": False, "locked": True}
    ok = uow.passwords.verify(creds.password_hash, cmd.password) and (
        creds.totp_secret is None
        or (cmd.code is not None and uow.second_factor.verify(creds.totp_secret, cmd.code))
    )
    if not ok:
        failures = creds.failed_logins + 1
        locked = now + LOCKOUT if failures >= MAX_FAILURES else None
        uow.credentials.record_login(creds.user_id, False, locked)
        uow.record(
            events.LoginFailed(
                actor=creds.user_id,
                occurred_at=now,
                data={
                    "email": cmd.email.lower(),
                    "failures": failures,
                    "lockedUntil": locked.isoformat() if locked else None,
                },
            )
        )
        return {"ok": False, "locked": locked is not None}
    uow.credentials.record_login(creds.user_id, True, None)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = now + timedelta(hours=cmd.session_hours)
    token = ApiToken(new_id("TOK"), creds.user_id, "session", now, expires)
    uow.identity.add_token(token, hash_token(secret))
    uow.record(
        events.LoggedIn(
            actor=creds.user_id,
            occurred_at=now,
            data={"token": token.id, "secondFactor": creds.totp_secret is not None},
        )
    )
    return {"ok": True, "token": secret, "tokenId": token.id, "expiresAt": expires.isoformat()}


def issue_bound_token(cmd: commands.IssueBoundToken, uow: IdentityUnitOfWork) -> dict[str, Any]:
    """The token dies with the certificate: revoking the certificate revokes the token."""
    user = uow.identity.get_user(cmd.actor)
    if user is None or not user.active:
        raise errors.UserNotFound("No such user.", id=cmd.actor)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = uow.now() + timedelta(hours=cmd.hours)
    token = ApiToken(
        new_id("TOK"), user.id, cmd.label, uow.now(), expires, certificate=cmd.certificate
    )
    uow.identity.add_token(token, hash_token(secret))
    uow.record(
        events.TokenIssued(
            actor=cmd.actor,
            occurred_at=uow.now(),
            data={
                "token": token.id,
                "user": user.id,
                "label": cmd.label,
                "certificate": cmd.certificate,
            },
        )
    )
    return {
        "access_token": secret,
        "token_type": "Bearer",
        "expires_in": int(cmd.hours * 3600),
        "tokenId": token.id,
    }
