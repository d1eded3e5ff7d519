"""The CA over HTTP: public CA certificates and CRL; operators' certificates from their CSRs."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote

import anyio.to_thread
import sqlalchemy as sa
from litestar import Controller, Request, Response, get, post
from pydantic import Field

from eport.adapters.db import tables as t
from eport.adapters.db.repositories import certificate_state, certificates_of, revocations
from eport.datamodel.declaration import Model
from eport.identity import policy
from eport.identity.model import Principal, Role
from eport.kernel.clock import isoformat
from eport.kernel.errors import NotFound
from eport.pki import commands as pc
from eport.pki.errors import CaNotInitialised
from eport.pki.model import IssuedCertificate, Purpose, RevocationReason, SubjectInfo

from .common import eport_of, execute, json_body, read
from .openapi import request_body

PEM = "application/x-pem-file"


class CsrBody(Model):
    csr: str = Field(min_length=64, max_length=20_000, description="PEM PKCS#10 request")


class RevokeBody(Model):
    reason: RevocationReason = RevocationReason.UNSPECIFIED


def certificate_json(c: IssuedCertificate) -> dict[str, Any]:
    return {
        "serial": c.serial,
        "purpose": c.purpose.value,
        "subject": c.subject,
        "notBefore": isoformat(c.not_before),
        "notAfter": isoformat(c.not_after),
        "sha256": c.sha256,
        "status": c.status.value,
        "revokedAt": isoformat(c.revoked_at) if c.revoked_at else None,
        "reason": c.reason.value if c.reason else None,
        "certificate": c.pem,
    }


def _ca(request: Request[Any, Any, Any]) -> Any:
    ca = eport_of(request).writer.ca
    if ca is None:
        raise CaNotInitialised("The CA is not initialised: run `eport ca init`.")
    return ca


class PublicPkiController(Controller):
    """What relying parties fetch without an account: the trust anchors and the CRL."""

    path = "/pki"
    tags = ["pki"]

    @get("/root.crt", summary="The root CA certificate (PEM)", media_type=PEM)
    async def root(self, request: Request[Any, Any, Any]) -> bytes:
        return bytes(_ca(request).root_pem())

    @get("/issuing.crt", summary="The issuing CA certificate (PEM)", media_type=PEM)
    async def issuing(self, request: Request[Any, Any, Any]) -> bytes:
        return bytes(_ca(request).issuing_pem())

    @get("/crl", summary="The certificate revocation list (DER)", media_type="application/pkix-crl")
    async def crl(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        ca = _ca(request)
        eport = eport_of(request)
        revoked = await read(eport, revocations)
        return Response(
            ca.crl_der(revoked, eport.clock()),
            media_type="application/pkix-crl",
            headers={"Cache-Control": "max-age=60"},
        )


OCSP_RESPONSE = "application/ocsp-response"


async def _ocsp(request: Request[Any, Any, Any], request_der: bytes) -> Response[bytes]:
    ca = _ca(request)
    eport = eport_of(request)

    def answer() -> bytes:
        with eport.read_engine.connect() as conn:
            return bytes(
                ca.ocsp_response(request_der, lambda s: certificate_state(conn, s), eport.clock())
            )

    body = await anyio.to_thread.run_sync(answer)
    return Response(body, media_type=OCSP_RESPONSE, headers={"Cache-Control": "max-age=60"})


class OcspController(Controller):
    """RFC 6960 OCSP over HTTP: POST the DER request, or GET it base64-encoded in the path."""

    path = "/pki/ocsp"
    tags = ["pki"]

    @post("/", status_code=200, summary="OCSP (RFC 6960), POST")
    async def post_request(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        return await _ocsp(request, await request.body())

    @get("/{encoded:path}", summary="OCSP (RFC 6960), GET")
    async def get_request(self, request: Request[Any, Any, Any], encoded: str) -> Response[bytes]:
        try:
            der = base64.b64decode(unquote(encoded.lstrip("/")), validate=False)
        except (binascii.Error, ValueError):
            der = b""
        return await _ocsp(request, der)


def _subject(conn: sa.Connection, principal: Principal) -> SubjectInfo:
    u, e, a = t.users, t.enterprises, t.agencies
    user = conn.execute(sa.select(u.c.name, u.c.email).where(u.c.id == principal.user_id)).one()
    if principal.enterprise is not None:
        org = conn.execute(
            sa.select(e.c.name, e.c.scheme, e.c.identifier).where(e.c.id == principal.enterprise)
        ).one()
        return SubjectInfo(user[0], user[1], org[0], f"{org[1]}:{org[2]}")
    agency = conn.execute(sa.select(a.c.name).where(a.c.code == principal.agency)).scalar()
    return SubjectInfo(user[0], user[1], agency or str(principal.agency), None)


def _purpose(principal: Principal) -> Purpose:
    if principal.has(Role.OFFICER):
        return Purpose.OFFICER
    if principal.has(Role.BANK):
        return Purpose.BANK
    return Purpose.OPERATOR


class CertificateController(Controller):
    path = "/api/v1/pki/certificates"
    tags = ["pki"]

    @post(
        "/",
        status_code=201,
        summary="Certify your key (send a CSR)",
        operation_class=request_body(CsrBody),
    )
    async def request_certificate(
        self, request: Request[Any, Any, Any], principal: Principal
    ) -> dict[str, Any]:
        """Your client makes the key pair and the CSR; the private key never reaches E-Port.

        The certificate names you and the enterprise or agency you act for, whatever the CSR's
        subject says.
        """
        policy.permit_any_user(principal, policy.Action.REQUEST_CERTIFICATE, "own key")
        body, _ = await json_body(request, CsrBody)
        eport = eport_of(request)
        subject = await read(eport, lambda c: _subject(c, principal))
        certificate: IssuedCertificate = await execute(
            eport,
            pc.IssueCertificate(
                actor=principal.user_id,
                user_id=principal.user_id,
                csr_pem=body.csr.encode(),
                purpose=_purpose(principal),
                subject=subject,
            ),
        )
        ca = _ca(request)
        return {
            **certificate_json(certificate),
            "chain": [ca.issuing_pem().decode(), ca.root_pem().decode()],
        }

    @get("/", summary="Your certificates")
    async def mine(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        policy.permit_any_user(principal, policy.Action.REQUEST_CERTIFICATE, "own certificates")
        items = await read(eport_of(request), lambda c: certificates_of(c, principal.user_id))
        return {"items": [certificate_json(c) for c in items]}

    @post(
        "/{serial:str}/revoke",
        status_code=200,
        summary="Revoke (holder or administrator)",
        operation_class=request_body(RevokeBody),
    )
    async def revoke(
        self, request: Request[Any, Any, Any], principal: Principal, serial: str
    ) -> dict[str, Any]:
        body, _ = await json_body(request, RevokeBody, allow_empty=True)
        admin = principal.has(Role.ADMIN)
        policy.permit_any_user(
            principal, policy.Action.REVOKE_CERTIFICATE, "administrator" if admin else "holder only"
        )
        try:
            revoked: IssuedCertificate = await execute(
                eport_of(request),
                pc.RevokeCertificate(
                    actor=principal.user_id,
                    serial=serial.lower(),
                    reason=body.reason,
                    holder=None if admin else principal.user_id,
                ),
            )
        except NotFound:
            raise NotFound("No such certificate.", serial=serial) from None
        request.app.state.authenticator.forget_all()  # tokens bound to it end now
        return certificate_json(revoked)
