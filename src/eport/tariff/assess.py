"""The assessment: a pure function of (declaration, schedule, rates, tax profile, date, ports).

Per goods item, in ``sequence`` order (so the result does not depend on item order):
customs value -> customs duty (tariff quota, else MFN or a granted preference) -> anti-dumping
and countervailing duties -> excise -> VAT. Every line amount is computed exactly and rounded
HALF_UP to the currency's minor units; tax bases use the rounded duty and excise lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from eport.datamodel.declaration import Declaration, GoodsItem
from eport.tariff.measures import draw, evaluate, quantities_for, quantity_in
from eport.tariff.model import (
    CUSTOMS_DUTIES,
    Assessment,
    AssessmentLine,
    Exemption,
    MeasureKind,
    PreferenceDecision,
    QuotaDraw,
    Rate,
)
from eport.tariff.money import ZERO, Money, round_minor
from eport.tariff.ports import CertificateOfOriginRegistry, ExchangeRates, QuotaBalances
from eport.tariff.preference import choose_duty
from eport.tariff.schedule import Schedule
from eport.tariff.taxes import TaxProfile, excise, vat
from eport.tariff.valuation import customs_values


@dataclass(frozen=True, slots=True)
class Ports:
    certificates: CertificateOfOriginRegistry
    quotas: QuotaBalances


def assess(
    declaration: Declaration,
    schedule: Schedule,
    rates: ExchangeRates,
    profile: TaxProfile,
    on: date,
    ports: Ports,
) -> Assessment:
    """Assess duties and taxes on ``declaration`` under the rules in force ``on``."""
    currency = rates.national_currency
    if {schedule.currency, profile.currency} != {currency}:
        raise ValueError(
            f"schedule ({schedule.currency}), tax profile ({profile.currency}) and rates "
            f"({currency}) must share one national currency"
        )
    values = {v.item: v for v in customs_values(declaration, rates, on)}
    drawn: dict[str, Decimal] = {}
    run = _Run(schedule, profile, on, ports, currency, drawn)
    for item in sorted(declaration.goods_items, key=lambda i: i.sequence):
        run.item(item, values[item.sequence].customs_value.amount)
    return Assessment.build(
        on,
        currency,
        tuple(values[s] for s in sorted(values)),
        tuple(run.lines),
        tuple(run.preferences),
        tuple(run.draws),
    )


@dataclass
class _Run:
    schedule: Schedule
    profile: TaxProfile
    on: date
    ports: Ports
    currency: str
    drawn: dict[str, Decimal]

    def __post_init__(self) -> None:
        self.lines: list[AssessmentLine] = []
        self.preferences: list[PreferenceDecision] = []
        self.draws: list[QuotaDraw] = []

    def item(self, item: GoodsItem, cv: Decimal) -> None:
        exemption = self.schedule.exemption_for(item.procedure_code, self.on)
        duty_relief = exemption if exemption and exemption.duty else None
        tax_relief = exemption if exemption and exemption.taxes else None
        start = len(self.lines)
        self._duty(item, cv, duty_relief)
        for r in self.schedule.remedies_for(
            item.hs_code, item.origin_country, item.manufacturer, self.on
        ):
            self._line(item, r.kind, r.measure_id, cv, r.rate, duty_relief, note=r.case)
        duty = sum((x.amount.amount for x in self.lines[start:] if x.kind in CUSTOMS_DUTIES), ZERO)
        excise_amount = ZERO
        excise_rate = self.profile.excise_rate(item.hs_code, self.on)
        if excise_rate is not None:
            base, exact = excise(self.profile.excise_base, excise_rate.rate, item, cv, duty)
            line = self._add(
                item,
                MeasureKind.EXCISE,
                excise_rate.measure_id,
                base,
                excise_rate.rate,
                exact,
                tax_relief,
            )
            excise_amount = line.amount.amount
        vat_rate = self.profile.vat_rate(item.hs_code, self.on)
        if vat_rate is not None:
            base, exact = vat(self.profile.vat_base, vat_rate.rate, item, cv, duty, excise_amount)
            self._add(
                item, MeasureKind.VAT, vat_rate.measure_id, base, vat_rate.rate, exact, tax_relief
            )

    def _duty(self, item: GoodsItem, cv: Decimal, relief: Exemption | None) -> None:
        quota = self.schedule.quota_for(item.hs_code, item.origin_country, self.on)
        if quota is None:
            mfn = self.schedule.mfn_measure(item.hs_code, self.on, item.sequence)
            measure_id, rate, note, decisions = choose_duty(
                self.schedule, self.ports.certificates, item, cv, mfn, self.on
            )
            self.preferences.extend(decisions)
            self._line(item, MeasureKind.DUTY, measure_id, cv, rate, relief, note=note)
            return
        requested = quantity_in(item, quota.unit)
        balance = self.ports.quotas.balance(quota.quota_id, self.on)
        balance -= self.drawn.get(quota.quota_id, ZERO)
        in_quota, out_of_quota = draw(balance, requested)
        self.drawn[quota.quota_id] = self.drawn.get(quota.quota_id, ZERO) + in_quota
        self.draws.append(
            QuotaDraw(item.sequence, quota.quota_id, quota.unit, requested, in_quota, out_of_quota)
        )
        share = in_quota / requested if requested else Decimal(1)
        in_base = round_minor(cv * share, self.currency)
        parts = (
            (in_base, share, quota.in_quota, "in_quota"),
            (cv - in_base, 1 - share, quota.out_of_quota, "out_of_quota"),
        )
        for base, fraction, rate, note in parts:
            if fraction or note == "in_quota":
                self._line(
                    item, MeasureKind.DUTY, quota.quota_id, base, rate, relief, note, fraction
                )

    def _line(
        self,
        item: GoodsItem,
        kind: MeasureKind,
        ref: str,
        base: Decimal,
        rate: Rate,
        relief: Exemption | None,
        note: str | None = None,
        fraction: Decimal = Decimal(1),
    ) -> AssessmentLine:
        quantities = {u: q * fraction for u, q in quantities_for(item, rate).items()}
        exact = evaluate(rate, base, quantities)
        quantity = next(iter(quantities.values()), None)
        return self._add(item, kind, ref, base, rate, exact, relief, note, quantity)

    def _add(
        self,
        item: GoodsItem,
        kind: MeasureKind,
        ref: str,
        base: Decimal,
        rate: Rate,
        exact: Decimal,
        relief: Exemption | None,
        note: str | None = None,
        quantity: Decimal | None = None,
    ) -> AssessmentLine:
        amount = Money(round_minor(exact, self.currency), self.currency)
        line = AssessmentLine(
            item=item.sequence,
            kind=kind,
            legal_reference=ref,
            base=Money(round_minor(base, self.currency), self.currency),
            rate=rate,
            quantity=quantity,
            amount=Money.zero(self.currency) if relief else amount,
            note=note,
            exemption=relief.measure_id if relief else None,
            relieved=amount if relief else None,
        )
        self.lines.append(line)
        return line
