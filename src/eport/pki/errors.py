"""Errors of the pki context."""

from __future__ import annotations

from eport.kernel.errors import Conflict, NotFound, Unavailable


class CertificateNotFound(NotFound):
    code = "certificate.not_found"


class AlreadyRevoked(Conflict):
    code = "certificate.already_revoked"


class CaNotInitialised(Unavailable):
    code = "ca.not_initialised"
