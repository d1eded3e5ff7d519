"""Errors of the permits context."""

from __future__ import annotations

from eport.kernel.errors import Conflict, NotFound


class LicenceNotFound(NotFound):
    code = "licence.not_found"


class LicenceExists(Conflict):
    code = "licence.exists"


class LicenceExhausted(Conflict):
    """At release, the licence no longer covers the goods (another release used it up)."""

    code = "licence.exhausted"


class HandbookNotFound(NotFound):
    code = "handbook.not_found"


class HandbookExists(Conflict):
    code = "handbook.exists"


class HandbookExhausted(Conflict):
    """At release, the handbook no longer allows the movement (another release consumed the
    materials, or the handbook was revoked or no longer fits)."""

    code = "handbook.exhausted"
