"""Signed submissions: the ``X-EPort-Signature`` header, a detached CMS over the exact bytes.

The CMS is checked by the crypto adapter (digest, signature, chain to E-Port's root at the
signing time); ``pki.signatures`` then applies E-Port's own rules (issued by E-Port, not
revoked, valid then, holder acts for the declaring enterprise). Whether a signature is
required is a policy per document kind (``EPORT_SIGNATURES_REQUIRED``).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import anyio.to_thread
import sqlalchemy as sa
from litestar import Request

from eport.adapters.crypto.cms import check_detached
from eport.adapters.crypto.jws import check_jws
from eport.adapters.db import tables as t
from eport.pki.errors import CaNotInitialised
from eport.pki.model import CertificateStatus
from eport.pki.signatures import (
    DocumentKind,
    Requirement,
    SignerFacts,
    check_signer,
    reject,
    requirement,
)

from .common import eport_of, read

HEADER = "x-eport-signature"  # base64 DER detached CMS
JWS_HEADER = "x-eport-jws"  # detached compact JWS with an x5c chain


def _holder(conn: sa.Connection, serial: str) -> Any | None:
    """(status, revoked_at, holder's enterprise, holder's agency) of a certificate E-Port issued."""
    c, u = t.certificates, t.users
    return conn.execute(
        sa.select(c.c.status, c.c.revoked_at, u.c.enterprise_id, u.c.agency_code)
        .join(u, u.c.id == c.c.user_id)
        .where(c.c.serial == serial)
    ).first()


async def verified_signature(
    request: Request[Any, Any, Any],
    raw: bytes,
    enterprises: set[str | None],
    kind: DocumentKind,
    *,
    agency: str | None = None,
) -> tuple[bytes, str] | None:
    """The signature and the signer's certificate serial, or None if unsigned and allowed."""
    eport = eport_of(request)
    header = request.headers.get(HEADER)
    jws_value = request.headers.get(JWS_HEADER)
    if header is None and jws_value is not None:
        return await _verify(request, raw, enterprises, agency, jws_value=jws_value.strip())
    if header is None:
        if requirement(kind, eport.settings.required_signatures) is Requirement.REQUIRED:
            raise reject(
                "signature.required",
                f"A {kind.value} must be signed: send {HEADER} with a detached CMS.",
            )
        return None
    try:
        signature = base64.b64decode(header.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise reject("signature.malformed", f"{HEADER} is not base64.") from None
    return await _verify(request, raw, enterprises, agency, cms_der=signature)


async def _verify(
    request: Request[Any, Any, Any],
    raw: bytes,
    enterprises: set[str | None],
    agency: str | None,
    *,
    cms_der: bytes | None = None,
    jws_value: str | None = None,
) -> tuple[bytes, str]:
    eport = eport_of(request)
    ca = eport.writer.ca
    if ca is None:
        raise CaNotInitialised("The CA is not initialised: run `eport ca init`.")
    now = eport.clock()
    try:
        if jws_value is not None:
            checked = await anyio.to_thread.run_sync(check_jws, jws_value, raw, ca.root_pem(), now)
        else:
            assert cms_der is not None
            checked = await anyio.to_thread.run_sync(
                check_detached, cms_der, raw, ca.root_pem(), now
            )
    except (ValueError, TypeError, KeyError) as exc:
        raise reject("signature.malformed", f"Not a usable detached signature: {exc}.") from None
    if not checked.intact:
        raise reject(
            "signature.digest_mismatch", "The signature does not match the bytes received."
        )
    found = await read(eport, lambda c: _holder(c, checked.serial))
    moment = checked.signing_time or now
    if not checked.trusted:
        if not checked.not_before <= moment <= checked.not_after:
            raise reject(
                "signature.expired",
                f"The certificate was not valid at the signing time ({moment}).",
            )
        raise reject(
            "signature.unknown_issuer", "The signing certificate does not chain to E-Port's root."
        )
    row = found
    check_signer(
        SignerFacts(
            serial=checked.serial,
            not_before=checked.not_before,
            not_after=checked.not_after,
            signing_time=checked.signing_time,
            status=CertificateStatus(row[0]) if row else None,
            revoked_at=row[1] if row else None,
            holder_enterprise=row[2] if row else None,
            holder_agency=row[3] if row else None,
        ),
        enterprises,
        now,
        agency=agency,
    )
    kept = cms_der if cms_der is not None else (jws_value or "").encode()
    return kept, checked.serial


def submission(raw: bytes, signed: tuple[bytes, str] | None, jws: bool) -> dict[str, Any] | None:
    """The signed request as it goes on the log: anyone can check it with the signer's
    certificate (``openssl cms -verify -binary -content body``)."""
    if signed is None:
        return None
    signature, serial = signed
    return {
        "format": "jws" if jws else "cms",
        "signature": signature.decode() if jws else base64.b64encode(signature).decode(),
        "signer": serial,
        "body": base64.b64encode(raw).decode(),
    }
