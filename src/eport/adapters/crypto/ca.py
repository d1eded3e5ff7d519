"""A two-level CA (root → issuing) on ``cryptography``, keys encrypted at rest.

Layout under ``<data_dir>/pki``: ``root.crt``, ``issuing.crt``, ``seal.crt``. The keys live in a
``KeyVault``: encrypted PKCS#8 files beside the certificates (``EPORT_CA_PASSPHRASE``) or an HSM
through PKCS#11. ``eport ca init`` makes them once; the server loads the issuing and seal keys.
Every certificate issued carries a CRL distribution point and an OCSP URL under ``public_url``
(ARCHITECTURE §7: validators in "require" mode skip certificates without them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from asn1crypto import keys
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509 import ocsp
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    NameOID,
    ObjectIdentifier,
)

from eport.kernel.errors import FieldError, ValidationFailed
from eport.pki.errors import CaNotInitialised
from eport.pki.model import (
    CertificateState,
    IssuedCertificate,
    KeyAlgorithm,
    Purpose,
    Revocation,
    RevocationReason,
    SubjectInfo,
)

from .vault import KeyVault, PrivateKey

# RFC 9336 id-kp-documentSigning: the purpose that fits signed trade documents.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
ROOT_YEARS, ISSUING_YEARS = 20, 10
LEAF_DAYS = 730
CRL_HOURS = 24

REASONS = {
    RevocationReason.UNSPECIFIED: x509.ReasonFlags.unspecified,
    RevocationReason.KEY_COMPROMISE: x509.ReasonFlags.key_compromise,
    RevocationReason.AFFILIATION_CHANGED: x509.ReasonFlags.affiliation_changed,
    RevocationReason.SUPERSEDED: x509.ReasonFlags.superseded,
    RevocationReason.CESSATION_OF_OPERATION: x509.ReasonFlags.cessation_of_operation,
    RevocationReason.PRIVILEGE_WITHDRAWN: x509.ReasonFlags.privilege_withdrawn,
}

# End-entity signing certificates (operators, officers, the seal): sign, and mean it.
SIGNING_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


def _hash_for(key: Any) -> hashes.SHA256 | None:
    return None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()


def _name(common_name: str, organization: str, country: str = "CN") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ca_certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: Any,
    signer: PrivateKey,
    issuer_public: Any,
    now: datetime,
    years: int,
    path_length: int,
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public), critical=False
        )
        .sign(signer, _hash_for(signer))
    )


def init_ca(
    directory: Path,
    vault: KeyVault,
    *,
    algorithm: KeyAlgorithm,
    organization: str,
    now: datetime,
    root_vault: KeyVault | None = None,
) -> None:
    """Create the root and the issuing CA (keys in ``vault``, certificates in ``directory``).
    The root key goes to ``root_vault`` if given (offline media), else to ``vault``.
    Refuses to overwrite an existing CA."""
    directory.mkdir(parents=True, exist_ok=True)
    if (directory / "root.crt").exists():
        raise FileExistsError(f"a CA already exists in {directory}")
    root_key = (root_vault or vault).create("root", algorithm)
    issuing_key = vault.create("issuing", algorithm)
    root_name = _name(f"{organization} Root CA", organization)
    issuing_name = _name(f"{organization} Issuing CA", organization)
    root = _ca_certificate(
        root_name,
        root_name,
        root_key.public_key(),
        root_key,
        root_key.public_key(),
        now,
        ROOT_YEARS,
        1,
    )
    issuing = _ca_certificate(
        issuing_name,
        root_name,
        issuing_key.public_key(),
        root_key,
        root_key.public_key(),
        now,
        ISSUING_YEARS,
        0,
    )
    (directory / "root.crt").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    (directory / "issuing.crt").write_bytes(issuing.public_bytes(serialization.Encoding.PEM))
    create_seal(directory, vault, organization=organization, now=now)


def create_seal(directory: Path, vault: KeyVault, *, organization: str, now: datetime) -> None:
    """E-Port's own signing certificate, issued by the issuing CA (ECDSA P-256 always:
    CMS signing in ``cryptography`` takes RSA and EC keys)."""
    issuing_key = vault.load("issuing")
    issuing = x509.load_pem_x509_certificate((directory / "issuing.crt").read_bytes())
    seal_key = vault.create("seal", KeyAlgorithm.ECDSA_P256)
    seal = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{organization} Platform Seal", organization))
        .issuer_name(issuing.subject)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * 3))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(SIGNING_KEY_USAGE, critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(seal_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuing_key.public_key()),
            critical=False,
        )
        .sign(issuing_key, _hash_for(issuing_key))
    )
    (directory / "seal.crt").write_bytes(seal.public_bytes(serialization.Encoding.PEM))


class IssuingCertificateAuthority:
    """The issuing CA: certificates from ``directory``, keys from ``vault`` (files or an HSM).
    Implements ``pki.ports.CertificateAuthority``."""

    def __init__(self, directory: Path, vault: KeyVault, public_url: str) -> None:
        if not (directory / "issuing.crt").exists():
            raise CaNotInitialised(f"No CA in {directory}: run `eport ca init`.")
        self._key: PrivateKey = vault.load("issuing")
        self._root_pem = (directory / "root.crt").read_bytes()
        self._issuing_pem = (directory / "issuing.crt").read_bytes()
        self._issuing = x509.load_pem_x509_certificate(self._issuing_pem)
        # RFC 6960 CertID hashes the subjectPublicKey BIT STRING's value (no unused-bits byte).
        spki = self._issuing.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self._issuing_key_bits = bytes(keys.PublicKeyInfo.load(spki)["public_key"].contents[1:])
        self.public_url = public_url.rstrip("/")
        if not (directory / "seal.crt").exists():  # a CA made before the seal existed
            organization = self._issuing.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[
                0
            ].value
            create_seal(
                directory,
                vault,
                organization=str(organization),
                now=datetime.now(tz=self._issuing.not_valid_before_utc.tzinfo),
            )
        seal_key = vault.load("seal")
        if not isinstance(seal_key, ec.EllipticCurvePrivateKey):
            raise CaNotInitialised("The seal key must be an EC key.")
        self._seal_key = seal_key
        self._seal = x509.load_pem_x509_certificate((directory / "seal.crt").read_bytes())

    def root_pem(self) -> bytes:
        return self._root_pem

    def seal(self, content: bytes) -> bytes:
        """``content`` in a CMS SignedData (DER), signed with E-Port's seal, with the chain
        up to (not including) the root: ``openssl cms -verify -CAfile root.crt`` checks it."""
        return (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(content)
            .add_signer(self._seal, self._seal_key, hashes.SHA256())
            .add_certificate(self._issuing)
            .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
        )

    def sign_message(self, message: bytes) -> bytes:
        """ECDSA P-256/SHA-256 (DER) over ``message`` with the seal key (signed tree heads)."""
        return self._seal_key.sign(message, ec.ECDSA(hashes.SHA256()))

    def seal_pem(self) -> bytes:
        return self._seal.public_bytes(serialization.Encoding.PEM)

    def issuing_pem(self) -> bytes:
        return self._issuing_pem

    def issue(
        self, csr_pem: bytes, user_id: str, purpose: Purpose, subject: SubjectInfo, now: datetime
    ) -> IssuedCertificate:
        try:
            csr = x509.load_pem_x509_csr(csr_pem)
        except ValueError:
            raise ValidationFailed(
                [FieldError("/csr", "csr.invalid", "Not a PEM certificate signing request.")]
            ) from None
        try:
            valid = csr.is_signature_valid
        except InvalidSignature:
            valid = False
        if not valid:
            raise ValidationFailed(
                [
                    FieldError(
                        "/csr",
                        "csr.signature",
                        "The request is not signed by its own key (proof of possession failed).",
                    )
                ]
            )
        public_key = csr.public_key()
        if (
            not isinstance(
                public_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey | ed25519.Ed25519PublicKey
            )
            or (isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size < 2048)
            or (
                isinstance(public_key, ec.EllipticCurvePublicKey)
                and public_key.curve.name not in ("secp256r1", "secp384r1")
            )
        ):
            raise ValidationFailed(
                [
                    FieldError(
                        "/csr",
                        "csr.key_unsupported",
                        "Use an ECDSA P-256/P-384, RSA (2048 bits or more) or Ed25519 key.",
                    )
                ]
            )
        attributes = [
            x509.NameAttribute(NameOID.COUNTRY_NAME, subject.country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, subject.organization),
        ]
        if subject.organization_identifier:
            attributes.append(
                x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, subject.organization_identifier)
            )
        attributes += [
            x509.NameAttribute(NameOID.COMMON_NAME, subject.common_name),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, subject.email),
        ]
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name(attributes))
            .issuer_name(self._issuing.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=LEAF_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(SIGNING_KEY_USAGE, critical=True)
            .add_extension(
                x509.ExtendedKeyUsage(
                    [
                        DOCUMENT_SIGNING,
                        ExtendedKeyUsageOID.EMAIL_PROTECTION,
                        ExtendedKeyUsageOID.CLIENT_AUTH,
                    ]
                ),
                critical=False,
            )
            .add_extension(
                x509.SubjectAlternativeName([x509.RFC822Name(subject.email)]), critical=False
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()),
                critical=False,
            )
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            full_name=[
                                x509.UniformResourceIdentifier(f"{self.public_url}/pki/crl")
                            ],
                            relative_name=None,
                            reasons=None,
                            crl_issuer=None,
                        )
                    ]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(f"{self.public_url}/pki/ocsp"),
                        ),
                        x509.AccessDescription(
                            AuthorityInformationAccessOID.CA_ISSUERS,
                            x509.UniformResourceIdentifier(f"{self.public_url}/pki/issuing.crt"),
                        ),
                    ]
                ),
                critical=False,
            )
            .sign(self._key, _hash_for(self._key))
        )
        der = certificate.public_bytes(serialization.Encoding.DER)
        return IssuedCertificate(
            serial=format(certificate.serial_number, "x"),
            user_id=user_id,
            purpose=purpose,
            subject=certificate.subject.rfc4514_string(),
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
            sha256=hashlib.sha256(der).hexdigest(),
            pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        )

    def ocsp_response(
        self, request_der: bytes, status_of: Callable[[str], CertificateState | None], now: datetime
    ) -> bytes:
        """An RFC 6960 response for one certificate, signed by the issuing CA itself.

        ``status_of(serial_hex)`` looks the certificate up in E-Port's registry. Requests about
        another issuer are answered "unauthorized"; unknown serials "unknown".
        """
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except (ValueError, NotImplementedError):  # garbage, or several certificates at once
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST
            ).public_bytes(serialization.Encoding.DER)
        algorithm = request.hash_algorithm
        ours_name = hashes.Hash(algorithm)
        ours_name.update(self._issuing.subject.public_bytes())
        ours_key = hashes.Hash(algorithm)
        ours_key.update(self._issuing_key_bits)
        if (
            request.issuer_name_hash != ours_name.finalize()
            or request.issuer_key_hash != ours_key.finalize()
        ):
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        serial = format(request.serial_number, "x")
        state = status_of(serial)
        if state is None:
            cert_status, revoked_at, reason = ocsp.OCSPCertStatus.UNKNOWN, None, None
        elif state.revoked_at is not None:
            cert_status = ocsp.OCSPCertStatus.REVOKED
            revoked_at = state.revoked_at
            reason = REASONS[state.reason or RevocationReason.UNSPECIFIED]
        else:
            cert_status, revoked_at, reason = ocsp.OCSPCertStatus.GOOD, None, None
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response_by_hash(
                request.issuer_name_hash,
                request.issuer_key_hash,
                request.serial_number,
                algorithm,
                cert_status,
                now,
                now + timedelta(hours=CRL_HOURS),
                revoked_at,
                reason,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, self._issuing)
            .certificates([self._issuing])
        )
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, critical=False)
        return builder.sign(self._key, _hash_for(self._key)).public_bytes(
            serialization.Encoding.DER
        )

    def crl_der(self, revoked: list[Revocation], now: datetime) -> bytes:
        """A fresh CRL of every revoked certificate, signed by the issuing CA."""
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self._issuing.subject)
            .last_update(now - timedelta(minutes=1))
            .next_update(now + timedelta(hours=CRL_HOURS))
            .add_extension(x509.CRLNumber(int(now.timestamp() * 1000)), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()),
                critical=False,
            )
        )
        for entry in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(int(entry.serial, 16))
                .revocation_date(entry.revoked_at)
                .add_extension(x509.CRLReason(REASONS[entry.reason]), critical=False)
                .build()
            )
        crl = builder.sign(self._key, _hash_for(self._key))
        return crl.public_bytes(serialization.Encoding.DER)
