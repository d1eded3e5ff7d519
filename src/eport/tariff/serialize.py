"""The assessment as plain JSON-ready data (amounts as decimal strings, never floats)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from eport.tariff.model import Assessment, AssessmentLine, Rate, Specific
from eport.tariff.money import Money


def _money(m: Money | None) -> dict[str, str] | None:
    return None if m is None else {"amount": str(m.amount), "currency": m.currency}


def _dec(d: Decimal | None) -> str | None:
    return None if d is None else str(d)


def _specific(s: Specific | None) -> dict[str, str] | None:
    return None if s is None else {"amount": str(s.amount), "unit": s.unit, "currency": s.currency}


def rate_dict(rate: Rate) -> dict[str, Any]:
    return {
        "text": str(rate),
        "adValorem": _dec(rate.ad_valorem),
        "specific": _specific(rate.specific),
        "minimum": _specific(rate.minimum),
        "maximum": _specific(rate.maximum),
    }


def line_dict(line: AssessmentLine) -> dict[str, Any]:
    return {
        "item": line.item,
        "kind": str(line.kind),
        "legalReference": line.legal_reference,
        "base": _money(line.base),
        "quantity": _dec(line.quantity),
        "rate": rate_dict(line.rate),
        "amount": _money(line.amount),
        "note": line.note,
        "exemption": line.exemption,
        "relieved": _money(line.relieved),
    }


def assessment_dict(a: Assessment) -> dict[str, Any]:
    return {
        "on": a.on.isoformat(),
        "currency": a.currency,
        "values": [
            {"item": v.item, "customsValue": _money(v.customs_value), "rate": str(v.exchange_rate)}
            for v in a.values
        ],
        "lines": [line_dict(x) for x in a.lines],
        "totals": {str(k): _money(v) for k, v in sorted(a.totals.items())},
        "total": _money(a.total),
        "preferences": [
            {
                "item": p.item,
                "agreement": p.agreement,
                "origin": p.origin,
                "granted": p.granted,
                "reason": None if p.reason is None else str(p.reason),
                "certificate": p.certificate,
            }
            for p in a.preferences
        ],
        "quotaDraws": [
            {
                "item": q.item,
                "quotaId": q.quota_id,
                "unit": q.unit,
                "requested": str(q.requested),
                "inQuota": str(q.in_quota),
                "outOfQuota": str(q.out_of_quota),
            }
            for q in a.quota_draws
        ],
    }
