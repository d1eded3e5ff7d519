"""Checking a signed tree head's signature (and, given the root, its certificate chain)."""

from __future__ import annotations

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from eport.kernel.clock import utcnow
from eport.ledger.heads import SignedTreeHead

from .jws import chain_is_trusted


def check_head(
    head: SignedTreeHead, root_pem: bytes | None = None, issuing_pem: bytes | None = None
) -> list[str]:
    """Problems with the head's signature; with ``root_pem`` also its certificate's chain."""
    certificate = x509.load_pem_x509_certificate(head.certificate_pem.encode())
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return ["the head's certificate does not hold an EC key"]
    try:
        key.verify(head.signature, head.message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return ["the tree head's signature does not verify"]
    if root_pem is not None:
        chain = [certificate.public_bytes(Encoding.DER)]
        if issuing_pem is not None:
            chain.append(x509.load_pem_x509_certificate(issuing_pem).public_bytes(Encoding.DER))
        if not chain_is_trusted(chain, root_pem, utcnow(), "digital_signature"):
            return ["the head's certificate does not chain to the given root"]
    return []
