"""Where the CA's key passphrase comes from, and creating or loading the CA."""

from __future__ import annotations

import logging
import secrets

from eport.config import Settings
from eport.kernel.clock import utcnow
from eport.pki.model import KeyAlgorithm

from .ca import FileCertificateAuthority, init_ca

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


def ca_exists(settings: Settings) -> bool:
    return (settings.pki_dir / "issuing.key").exists()


def create_ca(settings: Settings) -> None:
    init_ca(
        settings.pki_dir,
        ca_passphrase(settings),
        algorithm=KeyAlgorithm(settings.ca_algorithm),
        organization=settings.ca_organization,
        now=utcnow(),
    )


def load_ca(settings: Settings) -> FileCertificateAuthority | None:
    if not ca_exists(settings):
        return None
    return FileCertificateAuthority(settings.pki_dir, ca_passphrase(settings), settings.public_url)
