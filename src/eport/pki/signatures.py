"""When a submission's signature is acceptable: the rules, apart from the cryptography.

The adapter checks the CMS itself (digest, signature, chain to E-Port's root); these rules
then check what only E-Port knows: that E-Port issued the certificate and has not revoked it,
that it was valid when the document was signed, and that its holder acts for the declaring
enterprise. Each refusal has a stable code, so a client can say exactly why.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from eport.kernel.errors import FieldError, ValidationFailed
from eport.pki.model import CertificateStatus


class Requirement(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"


class DocumentKind(StrEnum):
    DECLARATION = "declaration"
    AMENDMENT = "amendment"
    DECISION = "decision"  # an agency officer's accept / reject / query
    DELEGATION = "delegation"  # a power of attorney, signed by the grantor
    E_CERTIFICATE = "ecertificate"  # an agency's certificate (origin, health, quarantine ...)
    BANK_CONFIRMATION = "bank_confirmation"  # always signed: a bank says it holds the money
    FOREX_RECEIPT = "forex_receipt"  # always signed: a bank says foreign currency came in
    REFUND_CLAIM = "refund_claim"  # an exporter claims the export VAT refund


ALWAYS_SIGNED = frozenset({DocumentKind.BANK_CONFIRMATION, DocumentKind.FOREX_RECEIPT})


@dataclass(frozen=True, slots=True)
class SignerFacts:
    """What the adapter and the registry say about one signature."""

    serial: str
    not_before: datetime
    not_after: datetime
    signing_time: datetime | None  # from the signed attributes, if the signer put one
    status: CertificateStatus | None  # None: E-Port never issued this certificate
    revoked_at: datetime | None
    holder_enterprise: str | None
    holder_agency: str | None = None


CLOCK_SKEW = timedelta(minutes=5)


def reject(code: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError("/signature", code, message)])


def check_signer(
    facts: SignerFacts,
    enterprises: Collection[str | None],
    now: datetime,
    *,
    agency: str | None = None,
) -> None:
    """Raise ValidationFailed (pointer ``/signature``) unless the signer acts for one of
    ``enterprises`` (the declaring enterprise, or its representative under delegation) — or,
    for a decision, is an officer of ``agency`` — and may sign at the signing time."""
    moment = facts.signing_time or now
    if moment > now + CLOCK_SKEW:
        raise reject("signature.future", "The signing time is in the future.")
    if facts.status is None:
        raise reject(
            "signature.unknown_certificate", "E-Port did not issue the signing certificate."
        )
    if not facts.not_before - CLOCK_SKEW <= moment <= facts.not_after:
        raise reject(
            "signature.expired",
            f"The certificate was not valid at the signing time ({moment.isoformat()}).",
        )
    if facts.revoked_at is not None and facts.revoked_at <= max(moment, now):
        raise reject(
            "signature.revoked", f"The certificate was revoked on {facts.revoked_at.isoformat()}."
        )
    if agency is not None:  # an agency's decision: the signer is one of its officers
        if facts.holder_agency != agency:
            raise reject(
                "signature.wrong_agency", "The signer is not an officer of the deciding agency."
            )
        return
    if facts.holder_enterprise is None or facts.holder_enterprise not in enterprises:
        raise reject(
            "signature.wrong_enterprise", "The signer does not act for the declaring enterprise."
        )


def requirement(kind: DocumentKind, required: frozenset[str]) -> Requirement:
    if kind in ALWAYS_SIGNED or kind.value in required:
        return Requirement.REQUIRED
    return Requirement.OPTIONAL
