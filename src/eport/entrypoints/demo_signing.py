"""What an operator's own client does to sign, in the demo: make a key, get a certificate from
E-Port through a CSR (the key never leaves the client), sign the exact bytes (detached CMS)."""

from __future__ import annotations

import base64

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID


class Signer:
    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.certificate: x509.Certificate | None = None
        self.chain: list[x509.Certificate] = []

    def csr(self) -> str:
        request = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "demo")]))
            .sign(self.key, hashes.SHA256())
        )
        return request.public_bytes(serialization.Encoding.PEM).decode()

    def accept(self, certificate_pem: str, issuing_pem: str) -> None:
        self.certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
        self.chain = [x509.load_pem_x509_certificate(issuing_pem.encode())]

    def sign(self, content: bytes) -> str:
        """A detached CMS over ``content``, base64 (the X-EPort-Signature header)."""
        assert self.certificate is not None
        builder = (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(content)
            .add_signer(self.certificate, self.key, hashes.SHA256())
        )
        for certificate in self.chain:  # the issuing CA, so the chain can be built
            builder = builder.add_certificate(certificate)
        der = builder.sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
        return base64.b64encode(der).decode()
