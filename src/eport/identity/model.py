"""Enterprises, users and roles; the Principal a request acts as."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    TRADER = "trader"  # lodges its enterprise's own declarations
    BROKER = "broker"  # customs broker (acts for traders under delegation: see identity.policy)
    CARRIER = "carrier"
    BANK = "bank"
    OFFICER = "officer"  # an agency's officer: works that agency's tasks
    TERMINAL = "terminal"
    ADMIN = "admin"  # manages the catalogue, agencies, enterprises and users


LODGING_ROLES = frozenset({Role.TRADER, Role.BROKER})


@dataclass(frozen=True, slots=True)
class Enterprise:
    id: str
    scheme: str
    identifier: str
    name: str


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    name: str
    roles: frozenset[Role]
    enterprise: str | None = None
    agency: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: the authenticated user, their enterprise or agency, and roles."""

    user_id: str
    email: str
    roles: frozenset[Role]
    enterprise: str | None
    agency: str | None
    token_id: str | None = None

    def has(self, role: Role) -> bool:
        return role in self.roles


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: str
    user_id: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None = None
    certificate: str | None = None  # bound to this certificate (serial), if any


@dataclass(frozen=True, slots=True)
class Delegation:
    """A power of attorney: ``grantor`` lets ``grantee`` lodge in its name, within a scope."""

    id: str
    grantor: str  # enterprise id
    grantee: str  # enterprise id (a customs broker, usually)
    document_types: frozenset[str]  # e.g. {"declaration", "amendment", "cancel"}
    customs_offices: frozenset[str]  # empty: every office
    valid_from: datetime
    valid_to: datetime
    revoked_at: datetime | None = None

    def covers(self, kind: str, office: str | None, at: datetime) -> bool:
        return (
            self.revoked_at is None
            and self.valid_from <= at < self.valid_to
            and kind in self.document_types
            and (not self.customs_offices or office is None or office in self.customs_offices)
        )


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a login is checked against."""

    user_id: str
    active: bool
    password_hash: str | None
    totp_secret: str | None
    failed_logins: int
    locked_until: datetime | None


class RegistrationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


REGISTRABLE_ROLES = frozenset({Role.TRADER, Role.BROKER, Role.CARRIER})


@dataclass(slots=True)
class Registration:
    """An enterprise's application to use E-Port, until an administrator (or the registration
    agency) approves it: then the enterprise and its first operator's account exist."""

    id: str
    scheme: str
    identifier: str
    name: str
    address: str
    contact_name: str
    contact_email: str
    contact_phone: str | None
    role: Role
    status: RegistrationStatus
    submitted_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    enterprise_id: str | None = None
    user_id: str | None = None
