"""Certificates E-Port issues, their purposes, key algorithms and revocation reasons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class KeyAlgorithm(StrEnum):
    ECDSA_P256 = "ecdsa-p256"  # the default
    RSA_3072 = "rsa-3072"
    ED25519 = "ed25519"


class Purpose(StrEnum):
    """What a certificate is for; it decides the profile (key usage, extended key usage)."""

    OPERATOR = "operator"  # an enterprise's person: signs declarations (the IC card)
    OFFICER = "officer"  # an agency's officer: signs decisions
    BANK = "bank"  # a bank's operator: signs payment confirmations


class RevocationReason(StrEnum):
    """RFC 5280 CRLReason values E-Port accepts."""

    UNSPECIFIED = "unspecified"
    KEY_COMPROMISE = "key_compromise"
    AFFILIATION_CHANGED = "affiliation_changed"
    SUPERSEDED = "superseded"
    CESSATION_OF_OPERATION = "cessation_of_operation"
    PRIVILEGE_WITHDRAWN = "privilege_withdrawn"


class CertificateStatus(StrEnum):
    GOOD = "good"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class SubjectInfo:
    """Who the certificate names: the person and the organisation they act for."""

    common_name: str
    email: str
    organization: str
    organization_identifier: str | None  # e.g. the enterprise's USCC
    country: str = "CN"


@dataclass(frozen=True, slots=True)
class IssuedCertificate:
    serial: str  # lower-case hex
    user_id: str
    purpose: Purpose
    subject: str  # RFC 4514
    not_before: datetime
    not_after: datetime
    sha256: str  # fingerprint of the DER
    pem: str
    status: CertificateStatus = CertificateStatus.GOOD
    revoked_at: datetime | None = None
    reason: RevocationReason | None = None


@dataclass(frozen=True, slots=True)
class Revocation:
    serial: str
    revoked_at: datetime
    reason: RevocationReason


@dataclass(frozen=True, slots=True)
class CertificateState:
    """What the OCSP responder needs to know about one serial."""

    revoked_at: datetime | None
    reason: RevocationReason | None
