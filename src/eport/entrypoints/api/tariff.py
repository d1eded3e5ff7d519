"""The tariff: nomenclature search, a declaration's assessment, and what customs and the forex
agency administer (quota balances, certificates of origin, exchange rates)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post, put
from litestar.params import Parameter
from pydantic import Field

from eport.adapters.db import tables as t
from eport.datamodel.declaration import Country, Currency, Model
from eport.identity import policy
from eport.identity.model import Principal
from eport.kernel.clock import isoformat
from eport.kernel.errors import FieldError, NotFound, ValidationFailed
from eport.tariff import commands as tc
from eport.tariff.errors import ExchangeRateMissing

from .common import eport_of, execute, json_body, read
from .declarations import visible_declaration
from .openapi import request_body

Positive = Annotated[str, Field(pattern=r"^[0-9]{1,12}(\.[0-9]{1,6})?$")]


class RateBody(Model):
    currency: Currency
    rate: Positive
    valid_from: date
    valid_to: date | None = None


class CertificateBody(Model):
    reference: str = Field(min_length=1, max_length=70)
    agreement: str = Field(min_length=2, max_length=16)
    origin: Country
    issuer: str = Field(min_length=1, max_length=200)
    valid_from: date
    valid_to: date | None = None


class BalanceBody(Model):
    balance: Positive


def _engine(request: Request[Any, Any, Any]) -> Any:
    engine = eport_of(request).writer.tariff
    if engine is None:
        raise NotFound("No tariff is loaded.")
    return engine


class TariffController(Controller):
    path = "/api/v1/tariff"
    tags = ["tariff"]

    @get("/lines", summary="Search the nomenclature (HS 2022 and national lines)")
    async def search(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        q: Annotated[str, Parameter(min_length=1, max_length=200)],
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> dict[str, Any]:
        """Words of a description (every word must start a word of it), or the first digits
        of a code."""
        policy.permit_any_user(principal, policy.Action.READ_TARIFF, "reference data")
        entries = _engine(request).data.schedule.nomenclature.search(
            q, limit=limit, on=eport_of(request).clock().date()
        )
        return {
            "items": [
                {"code": e.code, "description": e.description, "level": e.level, "unit": e.unit}
                for e in entries
            ]
        }

    @get("/quotas", summary="Tariff-rate quotas and their balances")
    async def quotas(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        policy.permit_any_user(principal, policy.Action.READ_TARIFF, "reference data")
        engine = _engine(request)

        def balances(conn: sa.Connection) -> dict[str, str]:
            q = t.quota_balances
            return {row[0]: row[1] for row in conn.execute(sa.select(q.c.quota_id, q.c.balance))}

        known = await read(eport_of(request), balances)
        return {
            "items": [
                {
                    "quotaId": q.quota_id,
                    "hsPrefix": q.hs_prefix,
                    "origins": sorted(q.origins),
                    "unit": q.unit,
                    "balance": known.get(q.quota_id, "0"),
                }
                for q in sorted(engine.data.schedule.quotas(), key=lambda q: q.quota_id)
            ]
        }

    @put(
        "/quotas/{quota_id:str}",
        summary="Open or correct a quota's balance (customs)",
        operation_class=request_body(BalanceBody),
    )
    async def set_balance(
        self, request: Request[Any, Any, Any], principal: Principal, quota_id: str
    ) -> dict[str, Any]:
        from decimal import Decimal

        policy.require_agency_or_admin(principal, policy.Action.MANAGE_TARIFF, "customs")
        body, _ = await json_body(request, BalanceBody)
        result: dict[str, Any] = await execute(
            eport_of(request),
            tc.SetQuotaBalance(
                actor=principal.user_id, quota_id=quota_id, balance=Decimal(body.balance)
            ),
        )
        return result

    @get("/exchange-rates/{currency:str}", summary="The customs exchange rate on a date")
    async def rate(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        currency: str,
        on: date | None = None,
    ) -> dict[str, Any]:
        policy.permit_any_user(principal, policy.Action.READ_TARIFF, "reference data")
        engine = _engine(request)
        day = on or eport_of(request).clock().date()
        book = await read(eport_of(request), engine.rates)
        try:
            rate = book.rate(currency.upper(), day)
        except ExchangeRateMissing as exc:
            raise NotFound(exc.message, currency=currency) from None
        return {
            "currency": currency.upper(),
            "national": book.national_currency,
            "rate": str(rate),
            "on": day.isoformat(),
        }

    @post(
        "/exchange-rates",
        status_code=201,
        summary="Publish a customs exchange rate (forex agency)",
        operation_class=request_body(RateBody),
    )
    async def publish(
        self, request: Request[Any, Any, Any], principal: Principal
    ) -> dict[str, Any]:
        """It overrides the ECB-seeded rate for [validFrom, validTo)."""
        from decimal import Decimal

        policy.require_agency_or_admin(principal, policy.Action.PUBLISH_RATES, "forex")
        body, _ = await json_body(request, RateBody)
        result: dict[str, Any] = await execute(
            eport_of(request),
            tc.PublishExchangeRate(
                actor=principal.user_id,
                currency=body.currency,
                rate=Decimal(body.rate),
                valid_from=body.valid_from,
                valid_to=body.valid_to,
            ),
        )
        return result

    @post(
        "/origin-certificates",
        status_code=201,
        summary="Record a certificate of origin (customs)",
        operation_class=request_body(CertificateBody),
    )
    async def record_certificate(
        self, request: Request[Any, Any, Any], principal: Principal
    ) -> dict[str, Any]:
        """A certificate received from the exporting country's single window; a goods item
        that cites its reference (document 861/865) may then get the agreement's rate."""
        policy.require_agency_or_admin(principal, policy.Action.MANAGE_TARIFF, "customs")
        body, _ = await json_body(request, CertificateBody)
        if body.agreement not in _engine(request).data.schedule.agreements:
            raise ValidationFailed(
                [FieldError("/agreement", "agreement.unknown", "No such trade agreement.")]
            )
        result: dict[str, Any] = await execute(
            eport_of(request),
            tc.RecordOriginCertificate(
                actor=principal.user_id,
                reference=body.reference,
                agreement=body.agreement,
                origin=body.origin,
                issuer=body.issuer,
                valid_from=body.valid_from,
                valid_to=body.valid_to,
            ),
        )
        return result

    @post(
        "/origin-certificates/{reference:str}/revoke",
        status_code=200,
        summary="Revoke a certificate of origin (customs)",
    )
    async def revoke_certificate(
        self, request: Request[Any, Any, Any], principal: Principal, reference: str
    ) -> dict[str, Any]:
        policy.require_agency_or_admin(principal, policy.Action.MANAGE_TARIFF, "customs")
        result: dict[str, Any] = await execute(
            eport_of(request),
            tc.RevokeOriginCertificate(actor=principal.user_id, reference=reference),
        )
        return result


class AssessmentController(Controller):
    path = "/api/v1/declarations"
    tags = ["tariff"]

    @get("/{declaration_id:str}/assessment", summary="Duties and taxes, every line explained")
    async def assessment(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        """The latest assessment: per goods item the customs value and exchange rate, each
        measure with its legal reference, base, rate and amount, the totals, preferences
        granted or refused (with the reason) and quota draws. Every assessment is kept."""
        await visible_declaration(request, principal, declaration_id)

        def query(conn: sa.Connection) -> list[dict[str, Any]]:
            a = t.assessments
            rows = conn.execute(
                sa.select(a.c.revision, a.c.seq, a.c.reason, a.c.assessed_at, a.c.document)
                .where(a.c.declaration_id == declaration_id)
                .order_by(a.c.revision, a.c.seq)
            ).all()
            return [
                {
                    "revision": r[0],
                    "seq": r[1],
                    "reason": r[2],
                    "assessedAt": isoformat(r[3]),
                    "assessment": r[4],
                }
                for r in rows
            ]

        history = await read(eport_of(request), query)
        if not history:
            raise NotFound("This declaration has no assessment.", id=declaration_id)
        return {"declarationId": declaration_id, "latest": history[-1], "history": history}
