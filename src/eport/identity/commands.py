"""Commands of the identity context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eport.identity.model import Role
from eport.kernel.messages import Command


@dataclass(frozen=True, kw_only=True)
class RegisterEnterprise(Command):
    scheme: str
    identifier: str
    name: str


@dataclass(frozen=True, kw_only=True)
class ApplyForRegistration(Command):
    """An enterprise applies (``actor`` is "anonymous"): nothing is granted until approval."""

    scheme: str
    identifier: str
    name: str
    address: str
    contact_name: str
    contact_email: str
    contact_phone: str | None
    role: Role


@dataclass(frozen=True, kw_only=True)
class DecideRegistration(Command):
    registration_id: str
    approve: bool
    reason: str | None = None
    activation_days: int = 7


@dataclass(frozen=True, kw_only=True)
class CreateUser(Command):
    email: str
    name: str
    roles: frozenset[Role]
    enterprise: str | None
    agency: str | None


@dataclass(frozen=True, kw_only=True)
class IssueToken(Command):
    user_id: str
    label: str
    expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class RevokeToken(Command):
    token_id: str


@dataclass(frozen=True, kw_only=True)
class GrantDelegation(Command):
    grantor: str
    grantee: str
    document_types: frozenset[str]
    customs_offices: frozenset[str]
    valid_from: datetime
    valid_to: datetime
    signature: bytes | None = None  # the grantor's detached CMS over the request, verified
    signer_serial: str | None = None


@dataclass(frozen=True, kw_only=True)
class RevokeDelegation(Command):
    grantor: str
    delegation_id: str


@dataclass(frozen=True, kw_only=True)
class SetPassword(Command):
    current: str | None
    new: str


@dataclass(frozen=True, kw_only=True)
class EnableTotp(Command):
    email: str


@dataclass(frozen=True, kw_only=True)
class LogIn(Command):
    """``actor`` is "anonymous" until the login succeeds."""

    email: str
    password: str
    code: str | None
    session_hours: float


@dataclass(frozen=True, kw_only=True)
class IssueBoundToken(Command):
    """A short-lived token for a system that proved it holds ``certificate``'s key."""

    certificate: str
    hours: float = 1.0
    label: str = "client-assertion"
