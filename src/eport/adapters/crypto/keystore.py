"""Where the CA's keys come from (files or an HSM), and creating or loading the CA."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from eport.config import Settings
from eport.kernel.clock import utcnow
from eport.pki.model import KeyAlgorithm

from .ca import IssuingCertificateAuthority, init_ca
from .vault import FileVault, KeyVault

log = logging.getLogger("eport.pki")


def ca_passphrase(settings: Settings) -> bytes:
    """``EPORT_CA_PASSPHRASE``; outside production a generated one kept beside the keys."""
    if settings.ca_passphrase is not None:
        return settings.ca_passphrase.get_secret_value().encode()
    if settings.environment == "production":
        raise RuntimeError("EPORT_CA_PASSPHRASE is required in production")
    path = settings.pki_dir / ".passphrase"
    if not path.exists():
        settings.pki_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
        log.warning("no EPORT_CA_PASSPHRASE: using a generated one in %s (development only)", path)
    return path.read_text().strip().encode()


def key_vault(settings: Settings) -> KeyVault:
    """The HSM when ``EPORT_CA_PKCS11_MODULE`` is set, else encrypted files under the pki dir."""
    if settings.ca_pkcs11_module:
        from .hsm import Pkcs11Vault  # python-pkcs11 is only loaded when an HSM is configured

        if settings.ca_pkcs11_pin is None:
            raise RuntimeError("EPORT_CA_PKCS11_PIN is required with EPORT_CA_PKCS11_MODULE")
        return Pkcs11Vault(
            settings.ca_pkcs11_module,
            settings.ca_pkcs11_token,
            settings.ca_pkcs11_pin.get_secret_value(),
        )
    return FileVault(settings.pki_dir, ca_passphrase(settings))


def ca_exists(settings: Settings) -> bool:
    return (settings.pki_dir / "issuing.crt").exists()


def create_ca(settings: Settings, root_key_dir: Path | None = None) -> KeyVault:
    """Create the CA. With ``root_key_dir`` (file keys only) the root key is written there,
    e.g. to removable media, and never into the server's pki directory."""
    vault = key_vault(settings)
    root_vault = None
    if root_key_dir is not None:
        if settings.ca_pkcs11_module:
            raise ValueError("--root-key-dir is for key files; an HSM keeps the root on its token")
        if root_key_dir.resolve() == settings.pki_dir.resolve():
            raise ValueError("--root-key-dir must not be the server's pki directory")
        root_vault = FileVault(root_key_dir, ca_passphrase(settings))
    init_ca(
        settings.pki_dir,
        vault,
        algorithm=KeyAlgorithm(settings.ca_algorithm),
        organization=settings.ca_organization,
        now=utcnow(),
        root_vault=root_vault,
    )
    return vault


def load_ca(settings: Settings) -> IssuingCertificateAuthority | None:
    if not ca_exists(settings):
        return None
    return IssuingCertificateAuthority(settings.pki_dir, key_vault(settings), settings.public_url)
