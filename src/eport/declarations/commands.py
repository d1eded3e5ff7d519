"""Commands of the declarations context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eport.datamodel.declaration import Declaration
from eport.kernel.messages import Command


@dataclass(frozen=True, kw_only=True)
class LodgeDeclaration(Command):
    enterprise: str  # the owner: the lodger's own enterprise, or its delegation's grantor
    representative: str | None = None  # the lodger's enterprise when acting under delegation
    idempotency_key: str
    document: Declaration
    raw: bytes
    content_type: str
    received_at: datetime
    signature: bytes | None = None
    signer_serial: str | None = None


@dataclass(frozen=True, kw_only=True)
class AmendDeclaration(Command):
    enterprise: str
    declaration_id: str
    idempotency_key: str
    changes: dict[str, Any]
    reason: str
    raw: bytes
    content_type: str
    received_at: datetime
    signature: bytes | None = None
    signer_serial: str | None = None


@dataclass(frozen=True, kw_only=True)
class CancelDeclaration(Command):
    enterprise: str
    declaration_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReleaseDeclaration(Command):
    agency: str
    declaration_id: str
    reason: str | None = None
