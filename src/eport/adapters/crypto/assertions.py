"""JWT client assertions (RFC 7523) for systems: a JWT signed with the key of a certificate
E-Port issued, carrying the chain in ``x5c``; exchanged for a short-lived bearer token."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import extract_compact

from .jws import ALGORITHMS, REGISTRY, chain_is_trusted, public_jwk

MAX_LIFETIME = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Assertion:
    serial: str  # the signing certificate's
    subject: str  # the JWT's sub
    issued_at: datetime
    expires_at: datetime


def check_assertion(token: str, audience: str, trust_roots_pem: bytes, now: datetime) -> Assertion:
    """Raise ValueError with the reason unless ``token`` is a valid, fresh client assertion
    for ``audience`` signed by a certificate that chains to the root."""
    try:
        header = extract_compact(token.encode(), registry=REGISTRY).headers()
    except (JoseError, ValueError) as exc:
        raise ValueError(f"not a compact JWT: {exc}") from None
    chain = header.get("x5c")
    if not isinstance(chain, list) or not chain:
        raise ValueError("no x5c certificate chain in the header")
    ders = [base64.b64decode(c) for c in chain]
    leaf = x509.load_der_x509_certificate(ders[0])
    key = public_jwk(leaf)
    try:
        decoded = jwt.decode(token, key, algorithms=ALGORITHMS, registry=REGISTRY)
    except JoseError as exc:
        raise ValueError(f"bad signature: {exc}") from None
    claims = decoded.claims
    aud = claims.get("aud")
    if aud != audience and not (isinstance(aud, list) and audience in aud):
        raise ValueError("wrong audience")
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int) or not isinstance(exp, int):
        raise ValueError("iat and exp are required")
    issued, expires = datetime.fromtimestamp(iat, UTC), datetime.fromtimestamp(exp, UTC)
    if expires <= now or issued > now + timedelta(minutes=1) or expires - issued > MAX_LIFETIME:
        raise ValueError("expired, not yet valid, or living longer than 5 minutes")
    if not chain_is_trusted(ders, trust_roots_pem, now, "digital_signature"):
        raise ValueError("the certificate does not chain to E-Port's root")
    return Assertion(format(leaf.serial_number, "x"), str(claims.get("sub", "")), issued, expires)


def check_client_certificate(
    pem: bytes, issuing_pem: bytes, trust_roots_pem: bytes, now: datetime
) -> str:
    """The serial of a TLS client certificate E-Port issued for client authentication, valid
    now; ValueError with the reason otherwise. (The TLS handshake proved the key.)"""
    try:
        leaf = x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise ValueError("not a PEM certificate") from None
    try:
        usages = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        usages = None
    if usages is None or ExtendedKeyUsageOID.CLIENT_AUTH not in usages:
        raise ValueError("the certificate is not for client authentication")
    issuing = x509.load_pem_x509_certificate(issuing_pem)
    ders = [leaf.public_bytes(Encoding.DER), issuing.public_bytes(Encoding.DER)]
    if not chain_is_trusted(ders, trust_roots_pem, now, "digital_signature"):
        raise ValueError("the certificate does not chain to E-Port's root, or is expired")
    return format(leaf.serial_number, "x")
