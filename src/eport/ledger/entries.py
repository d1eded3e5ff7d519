"""What goes on the log: canonical JSON (RFC 8785), so the same facts always hash the same."""

from __future__ import annotations

from typing import Any

import rfc8785


def canonical(document: dict[str, Any]) -> bytes:
    return rfc8785.dumps(document)


def release_entry(
    declaration_id: str,
    declaration_type: str,
    revision: int,
    enterprise: str,
    released_at: str,
    released_by: str,
    document: dict[str, Any],
) -> dict[str, Any]:
    """A released declaration: the goods as released (what exports, forex and refund
    verification will match against)."""
    return {
        "type": "customs.release",
        "declarationId": declaration_id,
        "declarationType": declaration_type,
        "revision": revision,
        "enterprise": enterprise,
        "releasedAt": released_at,
        "releasedBy": released_by,
        "currency": document.get("currency"),
        "invoiceAmount": str(document.get("invoiceAmount")),
        "goods": [
            {
                "sequence": g.get("sequence"),
                "hsCode": g.get("hsCode"),
                "quantity": str(g.get("quantity")),
                "unit": g.get("unit"),
                "value": str(g.get("value")),
                "originCountry": g.get("originCountry"),
            }
            for g in document.get("goodsItems", [])
        ],
    }
