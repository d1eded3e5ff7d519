"""Verifying CMS signatures (E-Port's seal, later clients' signatures) with pyHanko.

``cryptography`` signs CMS but does not verify it (ARCHITECTURE §7), so verification uses
pyHanko's generic CMS validation and pyhanko-certvalidator for the path: the signature over
the signed attributes, the message digest against the content, the chain up to a trust
anchor, validity at the validation time, key usage, and revocation from the CRLs given.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms, pem
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.validation.generic_cms import (
    async_validate_cms_signature,
    async_validate_detached_cms,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    intact: bool  # the signature matches the content
    trusted: bool  # the signer chains to a trust anchor, valid and (as far as known) unrevoked
    signer: str | None
    content: bytes | None
    problem: str | None = None


def _certificates(data: bytes) -> list[asn1_x509.Certificate]:
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


def verify(
    signed: bytes,
    trust_roots_pem: bytes,
    *,
    detached_content: bytes | None = None,
    crls: list[bytes] | None = None,
    moment: datetime | None = None,
    revocation_mode: str = "soft-fail",
) -> Verification:
    """Verify a DER (or PEM) CMS SignedData against the given root certificate(s)."""
    if pem.detect(signed):
        _, _, signed = pem.unarmor(signed)
    try:
        content_info = cms.ContentInfo.load(signed)
        signed_data = content_info["content"]
        if content_info["content_type"].native != "signed_data":
            raise ValueError("not a CMS SignedData")
        encapsulated = signed_data["encap_content_info"]["content"].native
    except (ValueError, TypeError, KeyError) as exc:
        return Verification(False, False, False, None, None, f"not a CMS SignedData: {exc}")
    context = ValidationContext(
        trust_roots=_certificates(trust_roots_pem),
        crls=crls or [],
        moment=moment,
        allow_fetching=False,
        revocation_mode=revocation_mode,
    )
    usage = KeyUsageConstraints(
        key_usage={"non_repudiation"}, explicit_extd_key_usage_required=False
    )

    async def run() -> object:
        if detached_content is not None:
            return await async_validate_detached_cms(
                detached_content,
                signed_data,
                signer_validation_context=context,
                key_usage_settings=usage,
            )
        return await async_validate_cms_signature(
            signed_data, validation_context=context, key_usage_settings=usage
        )

    try:
        status = asyncio.run(run())
    except Exception as exc:  # noqa: BLE001 - any failure to validate is a failed verification
        return Verification(False, False, False, None, None, f"{type(exc).__name__}: {exc}")
    intact = bool(getattr(status, "intact", False))
    valid = bool(getattr(status, "valid", False))
    trusted = bool(getattr(status, "trusted", False))
    cert = getattr(status, "signing_cert", None)
    signer = cert.subject.human_friendly if cert is not None else None
    content = detached_content if detached_content is not None else encapsulated
    ok = intact and valid and trusted
    problem = (
        None
        if ok
        else (
            "the content does not match the signature"
            if not (intact and valid)
            else "the signer does not chain to the given root, or is expired or revoked"
        )
    )
    return Verification(ok, intact and valid, trusted, signer, content, problem)


@dataclass(frozen=True, slots=True)
class DetachedSignature:
    """A client's detached CMS signature, checked against the bytes it claims to sign."""

    intact: bool
    trusted: bool  # chains to the root and was valid at the signing time
    serial: str
    not_before: datetime
    not_after: datetime
    signing_time: datetime | None


def _signer_certificate(signed_data: cms.SignedData) -> asn1_x509.Certificate:
    signer_info = signed_data["signer_infos"][0]
    sid = signer_info["sid"]
    for candidate in signed_data["certificates"] or []:
        cert = candidate.chosen
        if sid.name == "issuer_and_serial_number":
            if (
                cert.serial_number == sid.chosen["serial_number"].native
                and cert.issuer == sid.chosen["issuer"]
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    raise ValueError("the signer's certificate is not in the signature")


def _signing_time(signed_data: cms.SignedData) -> datetime | None:
    attrs = signed_data["signer_infos"][0]["signed_attrs"]
    for attr in attrs or []:
        if attr["type"].native == "signing_time":
            value: datetime = attr["values"][0].native
            return value
    return None


def check_detached(
    signature: bytes, content: bytes, trust_roots_pem: bytes, now: datetime
) -> DetachedSignature:
    """Parse and check a detached CMS signature over ``content``.

    Raises ValueError if it is not a usable CMS SignedData with one signer and its
    certificate. Path validation runs at the signing time the signer reported (or ``now``).
    """
    if pem.detect(signature):
        _, _, signature = pem.unarmor(signature)
    content_info = cms.ContentInfo.load(signature)
    if content_info["content_type"].native != "signed_data":
        raise ValueError("not a CMS SignedData")
    signed_data = content_info["content"]
    if len(signed_data["signer_infos"]) != 1:
        raise ValueError("exactly one signer is expected")
    cert = _signer_certificate(signed_data)
    signing_time = _signing_time(signed_data)
    moment = signing_time or now
    validity = cert["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    context = ValidationContext(
        trust_roots=_certificates(trust_roots_pem),
        moment=moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    usage = KeyUsageConstraints(
        key_usage={"non_repudiation"}, explicit_extd_key_usage_required=False
    )
    try:
        status = asyncio.run(
            async_validate_detached_cms(
                content, signed_data, signer_validation_context=context, key_usage_settings=usage
            )
        )
        intact = bool(status.intact and status.valid)
        trusted = bool(status.trusted)
    except Exception:  # noqa: BLE001 - pyHanko raises for signatures it cannot even check
        intact, trusted = False, False
    return DetachedSignature(
        intact, trusted, format(cert.serial_number, "x"), not_before, not_after, signing_time
    )
