"""Errors of the identity context."""

from __future__ import annotations

from eport.kernel.errors import Conflict, NotFound, Unauthenticated


class UserNotFound(NotFound):
    code = "user.not_found"


class TokenNotFound(NotFound):
    code = "token.not_found"


class EnterpriseNotFound(NotFound):
    code = "enterprise.not_found"


class AlreadyExists(Conflict):
    code = "identity.already_exists"


class DelegationNotFound(NotFound):
    code = "delegation.not_found"


class LoginRefused(Unauthenticated):
    code = "login.refused"


class LockedOut(Unauthenticated):
    code = "login.locked"


class RegistrationNotFound(NotFound):
    code = "registration.not_found"


class RegistrationDecided(Conflict):
    code = "registration.already_decided"
