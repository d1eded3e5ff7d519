"""What the identity context needs from the outside world."""

from __future__ import annotations

from typing import Protocol

from eport.identity.model import ApiToken, Enterprise, Principal, User
from eport.kernel.unit_of_work import UnitOfWork


class IdentityRepository(Protocol):
    def add_enterprise(self, enterprise: Enterprise) -> None: ...

    def enterprise_by_identifier(self, scheme: str, identifier: str) -> Enterprise | None: ...

    def get_enterprise(self, enterprise_id: str) -> Enterprise | None: ...

    def add_user(self, user: User) -> None: ...

    def get_user(self, user_id: str) -> User | None: ...

    def user_by_email(self, email: str) -> User | None: ...

    def add_token(self, token: ApiToken, token_hash: str) -> None: ...

    def get_token(self, token_id: str) -> ApiToken | None: ...

    def revoke_token(self, token_id: str) -> None: ...

    def principal_for_token(self, token_hash: str) -> Principal | None: ...


class IdentityUnitOfWork(UnitOfWork, Protocol):
    identity: IdentityRepository
