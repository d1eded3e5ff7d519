"""The tariff's vocabulary: validity periods, rates, measures and the assessment they produce.

Every measure, rate and tax is effective-dated by a :class:`Validity`: ``valid_from`` is
inclusive, ``valid_to`` is exclusive (``None``: open-ended), so consecutive periods meet without
a gap or an overlap. Rates are kept *as given* (a percentage and/or a specific amount per unit);
amounts are :class:`~eport.tariff.money.Money`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from eport.tariff.money import Money


@dataclass(frozen=True, slots=True)
class Validity:
    """``valid_from`` inclusive, ``valid_to`` exclusive; ``None`` means no end."""

    valid_from: date
    valid_to: date | None = None

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)

    def overlaps(self, other: Validity) -> bool:
        starts_before_other_ends = other.valid_to is None or self.valid_from < other.valid_to
        ends_after_other_starts = self.valid_to is None or other.valid_from < self.valid_to
        return starts_before_other_ends and ends_after_other_starts


class MeasureKind(StrEnum):
    """What an assessment line charges. One home for these codes."""

    DUTY = "duty"  # customs duty: MFN, preferential or tariff-quota rate
    ANTI_DUMPING = "anti_dumping"
    COUNTERVAILING = "countervailing"
    EXCISE = "excise"  # consumption tax
    VAT = "vat"


CUSTOMS_DUTIES = frozenset({MeasureKind.DUTY, MeasureKind.ANTI_DUMPING, MeasureKind.COUNTERVAILING})
"""Kinds that make up "duty" in a tax base."""


class RefusalReason(StrEnum):
    """Why a preference was not granted."""

    NO_CERTIFICATE = "preference.no_certificate"
    CERTIFICATE_INVALID = "preference.certificate_invalid"
    NOT_BENEFICIAL = "preference.not_beneficial"


@dataclass(frozen=True, slots=True)
class Specific:
    """A specific amount per unit. ``unit`` is a Rec 20 code; ``KGM`` means kg of net mass."""

    amount: Decimal
    unit: str
    currency: str

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}/{self.unit}"


@dataclass(frozen=True, slots=True)
class Rate:
    """A rate as given: ad valorem percent and/or specific, optional minimum and maximum.

    Amount = ad_valorem% x base + specific x quantity, then raised to ``minimum`` x quantity and
    capped at ``maximum`` x quantity.
    """

    ad_valorem: Decimal | None = None  # percent, e.g. Decimal("12.5")
    specific: Specific | None = None
    minimum: Specific | None = None
    maximum: Specific | None = None

    def units(self) -> tuple[str, ...]:
        return tuple({s.unit for s in (self.specific, self.minimum, self.maximum) if s})

    def __str__(self) -> str:
        parts = [f"{self.ad_valorem}%"] if self.ad_valorem is not None else []
        if self.specific:
            parts.append(str(self.specific))
        text = " + ".join(parts) or "0%"
        if self.minimum:
            text += f" min {self.minimum}"
        if self.maximum:
            text += f" max {self.maximum}"
        return text


@dataclass(frozen=True, slots=True)
class DutyMeasure:
    """An MFN (or other general) duty on an HS prefix."""

    measure_id: str
    hs_prefix: str
    rate: Rate
    validity: Validity


@dataclass(frozen=True, slots=True)
class Agreement:
    code: str
    name: str
    members: frozenset[str]
    validity: Validity


@dataclass(frozen=True, slots=True)
class Preference:
    """A preferential rate of a trade agreement for goods of the given origins."""

    measure_id: str
    agreement: str
    hs_prefix: str
    origins: frozenset[str]
    rate: Rate
    validity: Validity


@dataclass(frozen=True, slots=True)
class TradeRemedy:
    """An anti-dumping or countervailing duty; ``producer`` None is the all-others rate."""

    measure_id: str
    case: str
    kind: MeasureKind
    hs_prefix: str
    origin: str
    producer: str | None
    rate: Rate
    validity: Validity


@dataclass(frozen=True, slots=True)
class TariffQuota:
    """A tariff-rate quota counted in ``unit``; empty ``origins`` means erga omnes."""

    quota_id: str
    hs_prefix: str
    origins: frozenset[str]
    unit: str
    in_quota: Rate
    out_of_quota: Rate
    validity: Validity


@dataclass(frozen=True, slots=True)
class Exemption:
    """Relief by procedure code (e.g. temporary admission 5300)."""

    measure_id: str
    procedure_code: str
    duty: bool
    taxes: bool
    validity: Validity


@dataclass(frozen=True, slots=True)
class AssessmentLine:
    """One charge on one goods item. ``amount`` is rounded; ``relieved`` is what an
    exemption waived (then ``amount`` is zero)."""

    item: int
    kind: MeasureKind
    legal_reference: str
    base: Money
    rate: Rate
    amount: Money
    quantity: Decimal | None = None
    note: str | None = None  # e.g. "mfn", "preference ACFTA", "in_quota", "out_of_quota"
    exemption: str | None = None  # the exemption measure that relieved this line
    relieved: Money | None = None


@dataclass(frozen=True, slots=True)
class PreferenceDecision:
    item: int
    agreement: str
    origin: str
    granted: bool
    reason: RefusalReason | None = None
    certificate: str | None = None


@dataclass(frozen=True, slots=True)
class QuotaDraw:
    """What an item would draw from a quota; the caller consumes it atomically later."""

    item: int
    quota_id: str
    unit: str
    requested: Decimal
    in_quota: Decimal
    out_of_quota: Decimal


@dataclass(frozen=True, slots=True)
class ItemValue:
    item: int
    customs_value: Money  # national currency, rounded to minor units
    exchange_rate: Decimal  # national currency per unit of the declaration currency


@dataclass(frozen=True, slots=True)
class Assessment:
    """The result of :func:`eport.tariff.assess.assess`; totals are sums of rounded lines."""

    on: date
    currency: str
    values: tuple[ItemValue, ...]
    lines: tuple[AssessmentLine, ...]
    preferences: tuple[PreferenceDecision, ...] = ()
    quota_draws: tuple[QuotaDraw, ...] = ()
    totals: Mapping[MeasureKind, Money] = field(default_factory=dict)
    total: Money | None = None

    @classmethod
    def build(
        cls,
        on: date,
        currency: str,
        values: tuple[ItemValue, ...],
        lines: tuple[AssessmentLine, ...],
        preferences: tuple[PreferenceDecision, ...],
        quota_draws: tuple[QuotaDraw, ...],
    ) -> Assessment:
        totals: dict[MeasureKind, Money] = {}
        for line in lines:
            totals[line.kind] = totals.get(line.kind, Money.zero(currency)) + line.amount
        total = sum((m for m in totals.values()), Money.zero(currency))
        return cls(on, currency, values, lines, preferences, quota_draws, totals, total)
