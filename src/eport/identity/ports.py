"""What the identity context needs from the outside world."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from eport.identity.model import (
    ApiToken,
    Credentials,
    Delegation,
    Enterprise,
    Principal,
    User,
)
from eport.kernel.unit_of_work import UnitOfWork


class IdentityRepository(Protocol):
    def add_enterprise(self, enterprise: Enterprise) -> None: ...

    def enterprise_by_identifier(self, scheme: str, identifier: str) -> Enterprise | None: ...

    def get_enterprise(self, enterprise_id: str) -> Enterprise | None: ...

    def agency_exists(self, code: str) -> bool: ...

    def add_user(self, user: User) -> None: ...

    def get_user(self, user_id: str) -> User | None: ...

    def user_by_email(self, email: str) -> User | None: ...

    def add_token(self, token: ApiToken, token_hash: str) -> None: ...

    def get_token(self, token_id: str) -> ApiToken | None: ...

    def revoke_token(self, token_id: str) -> None: ...

    def principal_for_token(self, token_hash: str) -> Principal | None: ...

    def add_delegation(self, delegation: Delegation) -> None: ...

    def get_delegation(self, delegation_id: str) -> Delegation | None: ...

    def revoke_delegation(self, delegation_id: str) -> None: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, hashed: str, password: str) -> bool: ...


class SecondFactor(Protocol):
    def new_secret(self) -> str: ...

    def uri(self, secret: str, account: str, issuer: str) -> str: ...

    def verify(self, secret: str, code: str) -> bool: ...


class CredentialStore(Protocol):
    def credentials(self, email: str) -> Credentials | None: ...

    def set_password(self, user_id: str, hashed: str) -> None: ...

    def set_totp(self, user_id: str, secret: str | None) -> None: ...

    def record_login(self, user_id: str, ok: bool, locked_until: datetime | None) -> None: ...


class IdentityUnitOfWork(UnitOfWork, Protocol):
    identity: IdentityRepository
    credentials: CredentialStore
    passwords: PasswordHasher
    second_factor: SecondFactor
