"""Events of the identity context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class EnterpriseRegistered(Event):
    name: ClassVar[str] = "enterprise.registered"


@dataclass(frozen=True, kw_only=True)
class UserCreated(Event):
    name: ClassVar[str] = "user.created"


@dataclass(frozen=True, kw_only=True)
class TokenIssued(Event):
    name: ClassVar[str] = "token.issued"


@dataclass(frozen=True, kw_only=True)
class TokenRevoked(Event):
    name: ClassVar[str] = "token.revoked"


@dataclass(frozen=True, kw_only=True)
class DelegationGranted(Event):
    name: ClassVar[str] = "delegation.granted"


@dataclass(frozen=True, kw_only=True)
class DelegationRevoked(Event):
    name: ClassVar[str] = "delegation.revoked"


@dataclass(frozen=True, kw_only=True)
class LoggedIn(Event):
    name: ClassVar[str] = "login.succeeded"


@dataclass(frozen=True, kw_only=True)
class LoginFailed(Event):
    name: ClassVar[str] = "login.failed"


@dataclass(frozen=True, kw_only=True)
class CredentialsChanged(Event):
    name: ClassVar[str] = "credentials.changed"


@dataclass(frozen=True, kw_only=True)
class RegistrationSubmitted(Event):
    name: ClassVar[str] = "registration.submitted"


@dataclass(frozen=True, kw_only=True)
class RegistrationDecided(Event):
    name: ClassVar[str] = "registration.decided"
