"""Detached JWS (RFC 7515 appendix F) for JSON clients, checked like a detached CMS.

The client sends ``<protected>..<signature>`` with its certificate chain in the protected
``x5c`` header (leaf first, then the issuing CA) and, optionally, the signing time as ``iat``.
joserfc verifies the signature over the exact bytes received; pyhanko-certvalidator builds and
checks the path to E-Port's root at the signing time.
"""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime
from typing import Literal

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jwk, jws
from joserfc.errors import JoseError
from pyhanko_certvalidator import CertificateValidator, ValidationContext

from .cms import DetachedSignature, _certificates

ALGORITHMS = ["ES256", "ES384", "RS256", "PS256", "EdDSA"]  # PS256 must be named (joserfc)


class _Registry(jws.JWSRegistry):
    """joserfc's registry with room for an x5c chain in the protected header (its default
    limit, 512 bytes, is smaller than two certificates), and a bound payload size."""

    max_header_length = 16 * 1024
    max_payload_length = 4 * 1024 * 1024


REGISTRY = _Registry(algorithms=ALGORITHMS)


def public_jwk(leaf: x509.Certificate) -> jwk.Key:
    """The certificate's public key as a JWK of the explicit type (joserfc warns otherwise)."""
    public = leaf.public_key()
    key_type: Literal["EC", "RSA", "OKP"] = (
        "EC"
        if isinstance(public, ec.EllipticCurvePublicKey)
        else "RSA"
        if isinstance(public, rsa.RSAPublicKey)
        else "OKP"
    )
    spki = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return jwk.import_key(spki, key_type)


def chain_is_trusted(
    ders: list[bytes], trust_roots_pem: bytes, moment: datetime, usage: str
) -> bool:
    """Does the leaf (first) chain, through the others, to a root, valid at ``moment`` and
    with ``usage`` in its key usage?"""
    context = ValidationContext(
        trust_roots=_certificates(trust_roots_pem),
        moment=moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(
        asn1_x509.Certificate.load(ders[0]),
        intermediate_certs=[asn1_x509.Certificate.load(d) for d in ders[1:]],
        validation_context=context,
    )
    try:
        asyncio.run(validator.async_validate_usage({usage}))  # type: ignore[no-untyped-call]
    except Exception:  # noqa: BLE001 - any path or usage failure means "not trusted"
        return False
    return True


def check_jws(
    value: str, content: bytes, trust_roots_pem: bytes, now: datetime
) -> DetachedSignature:
    """Raise ValueError if ``value`` is not a usable detached JWS with an x5c chain."""
    try:
        protected = jws.extract_compact(
            value.encode(), payload=content, registry=REGISTRY
        ).headers()
    except (JoseError, ValueError) as exc:
        raise ValueError(f"not a compact JWS: {exc}") from None
    chain = protected.get("x5c")
    if not isinstance(chain, list) or not chain:
        raise ValueError("the protected header has no x5c certificate chain")
    ders = [base64.b64decode(c) for c in chain]
    leaf = x509.load_der_x509_certificate(ders[0])
    iat = protected.get("iat")
    signing_time = datetime.fromtimestamp(iat, UTC) if isinstance(iat, int) else None
    key = public_jwk(leaf)
    try:
        jws.deserialize_compact(
            value, key, algorithms=ALGORITHMS, registry=REGISTRY, payload=content
        )
        intact = True
    except JoseError:
        intact = False
    trusted = chain_is_trusted(ders, trust_roots_pem, signing_time or now, "non_repudiation")
    return DetachedSignature(
        intact,
        trusted,
        format(leaf.serial_number, "x"),
        leaf.not_valid_before_utc,
        leaf.not_valid_after_utc,
        signing_time,
    )
