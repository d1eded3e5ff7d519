"""Choosing between the MFN duty and a preferential rate.

A preference is granted only when the goods item carries a certificate of origin (document
types 861/865 on the item) that :class:`CertificateOfOriginRegistry` accepts for that agreement
and origin on the date, and only when it lowers the duty. Among several agreements the lowest
duty wins (ties: agreement code order). Every agreement considered gets a decision.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from eport.datamodel.declaration import GoodsItem
from eport.tariff.measures import evaluate, quantities_for
from eport.tariff.model import DutyMeasure, Preference, PreferenceDecision, Rate, RefusalReason
from eport.tariff.ports import CertificateOfOriginRegistry
from eport.tariff.schedule import Schedule

Choice = tuple[str, Rate, str, list[PreferenceDecision]]


def choose_duty(
    schedule: Schedule,
    registry: CertificateOfOriginRegistry,
    item: GoodsItem,
    customs_value: Decimal,
    mfn: DutyMeasure,
    on: date,
) -> Choice:
    """(legal reference, rate, note, decisions) of the duty that applies to ``item``."""
    origin = item.origin_country
    offered = schedule.preferences_for(item.hs_code, origin, on)
    if not offered:
        return mfn.measure_id, mfn.rate, "mfn", []
    certificates = sorted(
        d.reference for d in item.documents if d.type in schedule.certificate_types
    )

    def refused(p: Preference, reason: RefusalReason, cert: str | None) -> PreferenceDecision:
        return PreferenceDecision(item.sequence, p.agreement, origin, False, reason, cert)

    decisions: list[PreferenceDecision] = []
    candidates: list[tuple[Decimal, str, Preference, str]] = []
    for p in offered:
        if not certificates:
            decisions.append(refused(p, RefusalReason.NO_CERTIFICATE, None))
            continue
        valid = [c for c in certificates if registry.is_valid(c, p.agreement, origin, on)]
        if not valid:
            decisions.append(refused(p, RefusalReason.CERTIFICATE_INVALID, certificates[0]))
            continue
        amount = evaluate(p.rate, customs_value, quantities_for(item, p.rate))
        candidates.append((amount, p.agreement, p, valid[0]))
    mfn_amount = evaluate(mfn.rate, customs_value, quantities_for(item, mfn.rate))
    candidates.sort(key=lambda c: (c[0], c[1]))
    chosen = candidates[0] if candidates and candidates[0][0] < mfn_amount else None
    for _amount, _, p, cert in candidates:
        if chosen is not None and p is chosen[2]:
            decisions.append(
                PreferenceDecision(item.sequence, p.agreement, origin, True, None, cert)
            )
        else:
            decisions.append(refused(p, RefusalReason.NOT_BENEFICIAL, cert))
    decisions.sort(key=lambda d: d.agreement)
    if chosen is None:
        return mfn.measure_id, mfn.rate, "mfn", decisions
    p = chosen[2]
    return p.measure_id, p.rate, f"preference {p.agreement}", decisions
