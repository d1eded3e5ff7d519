"""Serving HTTPS that asks for client certificates, and passing them to the application.

The application reads a client certificate from the ASGI TLS extension
(``scope["extensions"]["tls"]["client_cert_chain"]``, PEM strings, leaf first). Uvicorn 0.54
does not fill it in yet, so ``eport serve --tls-cert ... --tls-key ...`` runs uvicorn's h11
protocol with this small subclass that does, from the connection's ``ssl_object``. Behind a
reverse proxy that terminates TLS, set ``EPORT_TLS_CLIENT_CERT_HEADER`` instead.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


class ClientCertificateH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, plus the ASGI TLS extension for each request on a connection."""

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is None:
            return
        der = ssl_object.getpeercert(binary_form=True)
        cipher = ssl_object.cipher()
        extension = {
            "server_cert": None,
            "client_cert_chain": [ssl.DER_cert_to_PEM_cert(der)] if der else [],
            "client_cert_name": None,
            "client_cert_error": None,
            "tls_version": None,
            "cipher_suite": None,
            "eport_tls_version": ssl_object.version(),
            "eport_cipher": cipher[0] if cipher else None,
        }
        app = self.app

        async def with_tls(scope: Any, receive: Any, send: Any) -> None:
            scope["extensions"] = {**(scope.get("extensions") or {}), "tls": extension}
            await app(scope, receive, send)

        self.app = with_tls


def client_ca_bundle(pki_dir: Path) -> Path:
    """E-Port's root and issuing certificates in one file: the CAs whose client
    certificates the TLS listener accepts."""
    bundle = pki_dir / "client-ca.pem"
    bundle.write_bytes((pki_dir / "issuing.crt").read_bytes() + (pki_dir / "root.crt").read_bytes())
    return bundle


def uvicorn_tls_options(cert: Path, key: Path, pki_dir: Path) -> dict[str, Any]:
    """uvicorn.run keywords for HTTPS with optional client certificates from E-Port's CA."""
    return {
        "ssl_certfile": str(cert),
        "ssl_keyfile": str(key),
        "ssl_cert_reqs": ssl.CERT_OPTIONAL,
        "ssl_ca_certs": str(client_ca_bundle(pki_dir)),
        "http": ClientCertificateH11Protocol,
    }
