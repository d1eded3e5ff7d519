"""Handlers of the tariff context: administering what assessments read."""

from __future__ import annotations

from typing import Any

from eport.kernel.errors import FieldError, NotFound, ValidationFailed
from eport.tariff import commands, events
from eport.tariff.ports import TariffUnitOfWork


def publish_exchange_rate(
    cmd: commands.PublishExchangeRate, uow: TariffUnitOfWork
) -> dict[str, Any]:
    if cmd.rate <= 0:
        raise ValidationFailed([FieldError("/rate", "rate.not_positive", "A rate is positive.")])
    if cmd.valid_to is not None and cmd.valid_to <= cmd.valid_from:
        raise ValidationFailed(
            [FieldError("/validTo", "period.empty", "validTo comes after validFrom.")]
        )
    uow.tariff.put_rate(cmd.currency, cmd.rate, cmd.valid_from, cmd.valid_to, cmd.actor)
    data = {
        "currency": cmd.currency,
        "rate": str(cmd.rate),
        "validFrom": cmd.valid_from.isoformat(),
        "validTo": cmd.valid_to.isoformat() if cmd.valid_to else None,
    }
    uow.record(events.ExchangeRatePublished(actor=cmd.actor, occurred_at=uow.now(), data=data))
    return data


def record_origin_certificate(
    cmd: commands.RecordOriginCertificate, uow: TariffUnitOfWork
) -> dict[str, Any]:
    uow.tariff.put_certificate(
        cmd.reference,
        cmd.agreement,
        cmd.origin,
        cmd.issuer,
        cmd.valid_from,
        cmd.valid_to,
        cmd.actor,
    )
    data = {
        "reference": cmd.reference,
        "agreement": cmd.agreement,
        "origin": cmd.origin,
        "issuer": cmd.issuer,
        "validFrom": cmd.valid_from.isoformat(),
        "validTo": cmd.valid_to.isoformat() if cmd.valid_to else None,
        "revoked": False,
    }
    uow.record(events.OriginCertificateRecorded(actor=cmd.actor, occurred_at=uow.now(), data=data))
    return data


def revoke_origin_certificate(
    cmd: commands.RevokeOriginCertificate, uow: TariffUnitOfWork
) -> dict[str, Any]:
    if not uow.tariff.revoke_certificate(cmd.reference):
        raise NotFound("No such certificate of origin.", reference=cmd.reference)
    uow.record(
        events.OriginCertificateRevoked(
            actor=cmd.actor, occurred_at=uow.now(), data={"reference": cmd.reference}
        )
    )
    return {"reference": cmd.reference, "revoked": True}


def set_quota_balance(cmd: commands.SetQuotaBalance, uow: TariffUnitOfWork) -> dict[str, Any]:
    if not uow.tariff.quota_exists(cmd.quota_id):
        raise NotFound("No such tariff quota.", quota=cmd.quota_id)
    if cmd.balance < 0:
        raise ValidationFailed(
            [FieldError("/balance", "number.too_small", "A balance is not negative.")]
        )
    uow.tariff.set_quota_balance(cmd.quota_id, cmd.balance)
    data = {"quotaId": cmd.quota_id, "balance": str(cmd.balance)}
    uow.record(events.QuotaBalanceSet(actor=cmd.actor, occurred_at=uow.now(), data=data))
    return data
