"""Where the CA's private keys live: encrypted PKCS#8 files, or a PKCS#11 token (an HSM).

A vault hands out key objects that ``cryptography``'s certificate, CRL, OCSP and CMS builders
sign with; the key material of an HSM never leaves the token. Keys are named ``root``,
``issuing`` and ``seal``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from eport.pki.errors import CaNotInitialised
from eport.pki.model import KeyAlgorithm

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


def new_key(algorithm: KeyAlgorithm) -> PrivateKey:
    if algorithm is KeyAlgorithm.RSA_3072:
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    if algorithm is KeyAlgorithm.ED25519:
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key(ec.SECP256R1())


class KeyVault(Protocol):
    """Creates and loads the CA's named private keys."""

    description: str

    def create(self, name: str, algorithm: KeyAlgorithm) -> PrivateKey: ...

    def load(self, name: str) -> PrivateKey: ...

    def exists(self, name: str) -> bool: ...


class FileVault:
    """``<directory>/<name>.key``: PKCS#8 PEM encrypted with the passphrase, mode 0600."""

    def __init__(self, directory: Path, passphrase: bytes) -> None:
        self.directory = directory
        self._passphrase = passphrase
        self.description = f"encrypted key files in {directory}"

    def _path(self, name: str) -> Path:
        return self.directory / f"{name}.key"

    def create(self, name: str, algorithm: KeyAlgorithm) -> PrivateKey:
        key = new_key(algorithm)
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(name)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(self._passphrase),
            )
        )
        path.chmod(0o600)
        return key

    def load(self, name: str) -> PrivateKey:
        path = self._path(name)
        if not path.exists():
            raise CaNotInitialised(f"No {name} key in {self.directory}: run `eport ca init`.")
        key = serialization.load_pem_private_key(path.read_bytes(), password=self._passphrase)
        if not isinstance(
            key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
        ):
            raise CaNotInitialised(f"The {name} key is of an unsupported type.")
        return key

    def exists(self, name: str) -> bool:
        return self._path(name).exists()
