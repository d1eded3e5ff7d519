"""Duty assessment on the lodge path: the tariff data and customs exchange rates held for the
process, certificates of origin and quota balances from the database, assessments stored; and
quotas consumed atomically at release, first come first served."""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from eport.datamodel.declaration import Declaration
from eport.declarations.model import AssessmentSummary, QuotaUse
from eport.kernel.errors import FieldError, ValidationFailed
from eport.kernel.money import to_minor
from eport.tariff import assess, assessment_dict, load_tariff
from eport.tariff.assess import Ports
from eport.tariff.ecb import ecb_monthly_rates
from eport.tariff.errors import ExchangeRateMissing
from eport.tariff.exchange import ExchangeRate, RateBook
from eport.tariff.loader import TariffData
from eport.tariff.money import minor_units
from eport.tariff.taxes import TaxProfile

from . import tables as t


def _open_ended(rates: list[ExchangeRate]) -> list[ExchangeRate]:
    """The newest rate of each currency stays in force until the next is fixed."""
    last: dict[str, int] = {}
    for index, rate in enumerate(rates):
        if rate.currency not in last or rate.valid_from > rates[last[rate.currency]].valid_from:
            last[rate.currency] = index
    out = list(rates)
    for index in last.values():
        out[index] = dataclasses.replace(out[index], valid_to=None)
    return out


@dataclass
class TariffEngine:
    """The tariff for the process: schedule, tax profile, seeded rates; published rates from
    the database, reloaded at most every ``ttl`` seconds."""

    data: TariffData
    profile: TaxProfile
    seed: RateBook
    ttl: float
    enabled: bool = True

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._book: RateBook | None = None
        self._loaded = 0.0

    @classmethod
    def load(
        cls, directory: Path | None, country: str, ttl: float, enabled: bool, today: date
    ) -> TariffEngine:
        data = load_tariff(directory)
        profile = data.tax_profiles[country]
        seeded = _open_ended(ecb_monthly_rates(profile.currency, date(2024, 1, 1), today))
        book = RateBook(profile.currency, seeded, data.published_rates)
        return cls(data, profile, book, ttl, enabled)

    def quota_ids(self) -> frozenset[str]:
        return frozenset(q.quota_id for q in self.data.schedule.quotas())

    def invalidate(self) -> None:
        with self._lock:
            self._book = None

    def rates(self, conn: sa.Connection) -> RateBook:
        with self._lock:
            if self._book is not None and time.monotonic() - self._loaded < self.ttl:
                return self._book
        r = t.exchange_rates
        published = [
            ExchangeRate(row[0], Decimal(row[1]), row[2], row[3], f"published by {row[4]}")
            for row in conn.execute(
                sa.select(
                    r.c.currency, r.c.rate, r.c.valid_from, r.c.valid_to, r.c.published_by
                ).order_by(r.c.published_at)
            )
        ]
        book = self.seed.publish(published)
        with self._lock:
            self._book, self._loaded = book, time.monotonic()
        return book


class SqlCertificates:
    """Certificates of origin customs has on record (from partner single windows)."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def is_valid(self, reference: str, agreement: str, origin: str, on: date) -> bool:
        c = t.origin_certificates
        row = self.conn.execute(
            sa.select(c.c.valid_from, c.c.valid_to).where(
                c.c.reference == reference,
                c.c.agreement == agreement,
                c.c.origin == origin,
                c.c.revoked.is_(False),
            )
        ).first()
        return row is not None and row[0] <= on and (row[1] is None or on < row[1])


class SqlQuotaView:
    """Quota balances as lodging sees them; ``granted`` overrides them at release."""

    def __init__(self, conn: sa.Connection, granted: dict[str, Decimal] | None = None) -> None:
        self.conn, self.granted = conn, granted

    def balance(self, quota_id: str, on: date) -> Decimal:
        if self.granted is not None:
            return self.granted.get(quota_id, Decimal(0))
        value = self.conn.execute(
            sa.select(t.quota_balances.c.balance).where(t.quota_balances.c.quota_id == quota_id)
        ).scalar()
        return Decimal(value) if value is not None else Decimal(0)


class SqlAssessor:
    """The declarations context's ``Assessor`` port for one unit of work."""

    def __init__(self, conn: sa.Connection, now: datetime, engine: TariffEngine | None) -> None:
        self.conn, self.now, self.engine = conn, now, engine

    def assess(
        self,
        document: Declaration,
        on: date,
        granted: dict[str, Decimal] | None = None,
    ) -> AssessmentSummary | None:
        """Assess (not stored: see ``record``); None when off or not an import."""
        engine = self.engine
        if engine is None or not engine.enabled or document.declaration_type != "IM":
            return None
        try:
            result = assess(
                document,
                engine.data.schedule,
                engine.rates(self.conn),
                engine.profile,
                on,
                Ports(SqlCertificates(self.conn), SqlQuotaView(self.conn, granted)),
            )
        except ExchangeRateMissing as exc:  # the trader's currency, not a missing resource
            raise ValidationFailed(
                [FieldError("/currency", "currency.no_customs_rate", exc.message)]
            ) from None
        assert result.total is not None
        currency = result.currency
        total = to_minor(result.total.amount, minor_units(currency))
        stored = assessment_dict(result)
        draws = tuple(
            QuotaUse(d.quota_id, d.item, d.requested, d.in_quota) for d in result.quota_draws
        )
        return AssessmentSummary(total, currency, draws, stored)

    def record(
        self,
        declaration_id: str,
        revision: int,
        assessment: AssessmentSummary,
        reason: str | None = None,
    ) -> None:
        """Store an assessment (each revision may be reassessed: ``seq`` counts them)."""
        a = t.assessments
        seq = self.conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(a.c.seq), 0)).where(
                a.c.declaration_id == declaration_id, a.c.revision == revision
            )
        ).scalar_one()
        self.conn.execute(
            a.insert(),
            {
                "declaration_id": declaration_id,
                "revision": revision,
                "seq": seq + 1,
                "total": assessment.total,
                "currency": assessment.currency,
                "document": assessment.document,
                "reason": reason,
                "assessed_at": self.now,
            },
        )

    def consume_quotas(
        self, declaration_id: str, draws: tuple[QuotaUse, ...]
    ) -> dict[str, Decimal]:
        """Take each draw from its quota's balance, locked, first come first served; what was
        granted per quota. A declaration consumes once: a retry reads what it was granted."""
        q, used = t.quota_balances, t.quota_consumptions
        granted: dict[str, Decimal] = {}
        for draw in draws:
            done = self.conn.execute(
                sa.select(used.c.granted).where(
                    used.c.declaration_id == declaration_id,
                    used.c.quota_id == draw.quota_id,
                    used.c.item == draw.item,
                )
            ).scalar()
            if done is None:
                balance = self.conn.execute(
                    sa.select(q.c.balance).where(q.c.quota_id == draw.quota_id).with_for_update()
                ).scalar()
                available = Decimal(balance) if balance is not None else Decimal(0)
                take = max(Decimal(0), min(available, draw.requested))
                if balance is not None:
                    self.conn.execute(
                        q.update()
                        .where(q.c.quota_id == draw.quota_id)
                        .values(balance=str(available - take), updated_at=self.now)
                    )
                self.conn.execute(
                    used.insert(),
                    {
                        "declaration_id": declaration_id,
                        "quota_id": draw.quota_id,
                        "item": draw.item,
                        "requested": str(draw.requested),
                        "granted": str(take),
                        "at": self.now,
                    },
                )
                done = str(take)
            granted[draw.quota_id] = granted.get(draw.quota_id, Decimal(0)) + Decimal(done)
        return granted

    def latest(self, declaration_id: str) -> AssessmentSummary | None:
        a = t.assessments
        row = self.conn.execute(
            sa.select(a.c.total, a.c.currency, a.c.document)
            .where(a.c.declaration_id == declaration_id)
            .order_by(a.c.revision.desc(), a.c.seq.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        document: dict[str, Any] = dict(row[2])
        draws = tuple(
            QuotaUse(d["quotaId"], int(d["item"]), Decimal(d["requested"]), Decimal(d["inQuota"]))
            for d in document.get("quotaDraws", [])
        )
        return AssessmentSummary(row[0], row[1], draws, document)


class SqlTariffAdministration:
    """The tariff context's ``TariffAdministration`` port."""

    def __init__(self, conn: sa.Connection, now: datetime, engine: TariffEngine | None) -> None:
        self.conn, self.now, self.engine = conn, now, engine

    def put_rate(
        self, currency: str, rate: Decimal, valid_from: date, valid_to: date | None, actor: str
    ) -> None:
        r = t.exchange_rates
        self.conn.execute(r.delete().where(r.c.currency == currency, r.c.valid_from == valid_from))
        self.conn.execute(
            r.insert(),
            {
                "currency": currency,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "rate": str(rate),
                "published_by": actor,
                "published_at": self.now,
            },
        )
        if self.engine is not None:
            self.engine.invalidate()

    def put_certificate(
        self,
        reference: str,
        agreement: str,
        origin: str,
        issuer: str,
        valid_from: date,
        valid_to: date | None,
        actor: str,
    ) -> None:
        c = t.origin_certificates
        self.conn.execute(c.delete().where(c.c.reference == reference))
        self.conn.execute(
            c.insert(),
            {
                "reference": reference,
                "agreement": agreement,
                "origin": origin,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "revoked": False,
                "issuer": issuer,
                "recorded_by": actor,
                "recorded_at": self.now,
            },
        )

    def revoke_certificate(self, reference: str) -> bool:
        c = t.origin_certificates
        done = self.conn.execute(c.update().where(c.c.reference == reference).values(revoked=True))
        return bool(done.rowcount)

    def quota_exists(self, quota_id: str) -> bool:
        if self.engine is None:
            return False
        return quota_id in self.engine.quota_ids()

    def set_quota_balance(self, quota_id: str, balance: Decimal) -> None:
        q = t.quota_balances
        done = self.conn.execute(
            q.update()
            .where(q.c.quota_id == quota_id)
            .values(balance=str(balance), updated_at=self.now)
        )
        if not done.rowcount:
            self.conn.execute(
                q.insert(),
                {"quota_id": quota_id, "balance": str(balance), "updated_at": self.now},
            )
