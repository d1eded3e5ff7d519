"""Answering with a document sealed by E-Port (CMS SignedData, verifiable with openssl)."""

from __future__ import annotations

import base64
from typing import Any

import orjson
from litestar import Request, Response

from eport.kernel.clock import isoformat
from eport.pki.errors import CaNotInitialised

from .common import eport_of

PKCS7 = "application/pkcs7-mime"


def sealed_response(
    request: Request[Any, Any, Any], body: dict[str, Any], name: str, filename: str
) -> Response[Any]:
    """``body`` with ``sealedAt`` added, as canonical JSON sealed in a CMS with E-Port's seal.

    With ``Accept: application/pkcs7-mime`` the answer is the DER CMS itself; otherwise JSON:
    ``{name: body, "cms": base64, "chain": [issuing, root]}``.
    """
    eport = eport_of(request)
    ca = eport.writer.ca
    if ca is None:
        raise CaNotInitialised("The CA is not initialised: run `eport ca init`.")
    body["sealedAt"] = isoformat(eport.clock())
    cms = ca.seal(orjson.dumps(body, option=orjson.OPT_SORT_KEYS))
    if PKCS7 in request.headers.get("accept", ""):
        return Response(
            cms,
            media_type=f"{PKCS7}; smime-type=signed-data",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return Response(
        {
            name: body,
            "cms": base64.b64encode(cms).decode(),
            "chain": [ca.issuing_pem().decode(), ca.root_pem().decode()],
        }
    )
