"""Row schemas of the tariff data files (validated with pydantic; see docs/tariff.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from eport.datamodel import codelists


def _blank(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _hs_prefix(value: str) -> str:
    """ "" (all codes), or 2-10 digits whose chapter/heading/subheading exists in HS 2022."""
    if value == "":
        return value
    if not value.isdigit() or len(value) not in (2, 4, 6, 8, 10):
        raise ValueError("an HS prefix has 2, 4, 6, 8 or 10 digits")
    known = codelists.hs_descriptions()
    if len(value) >= 6 and value[:6] not in codelists.hs_subheadings():
        raise ValueError(f"{value[:6]} is not an HS 2022 subheading")
    if len(value) < 6 and value not in known:
        raise ValueError(f"{value} is not an HS 2022 chapter or heading")
    return value


def _unit(value: str) -> str:
    if value not in codelists.UNITS:
        raise ValueError(f"'{value}' is not a Rec 20 unit E-Port accepts")
    return value


def _countries(value: Any) -> frozenset[str]:
    codes = frozenset(str(value or "").upper().split())
    unknown = sorted(c for c in codes if not codelists.is_country(c))
    if unknown:
        raise ValueError(f"not ISO 3166-1 alpha-2: {', '.join(unknown)}")
    return codes


Opt = Annotated[Any, BeforeValidator(_blank)]
NonNeg = Annotated[
    Annotated[Decimal, Field(ge=0, allow_inf_nan=False)] | None, BeforeValidator(_blank)
]
Percent = Annotated[
    Annotated[Decimal, Field(ge=0, le=1000, allow_inf_nan=False)] | None, BeforeValidator(_blank)
]
HsPrefix = Annotated[str, AfterValidator(_hs_prefix)]
Unit = Annotated[str | None, BeforeValidator(_blank), AfterValidator(lambda u: u and _unit(u))]
Countries = Annotated[frozenset[str], BeforeValidator(_countries)]
Id = Annotated[str, Field(min_length=1, max_length=70, pattern=r"^\S+$")]
Flag = Annotated[
    bool, BeforeValidator(lambda v: str(v).strip().lower() in {"1", "y", "yes", "true"})
]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    valid_from: date
    valid_to: Annotated[date | None, BeforeValidator(_blank)] = None

    @model_validator(mode="after")
    def _period(self) -> Row:
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise ValueError("valid_to (exclusive) must be after valid_from")
        return self


class RateRow(Row):
    ad_valorem: Percent = None
    specific: NonNeg = None
    minimum: NonNeg = None
    maximum: NonNeg = None
    unit: Unit = None

    @model_validator(mode="after")
    def _unit_given(self) -> RateRow:
        needs_unit = any(v is not None for v in (self.specific, self.minimum, self.maximum))
        if needs_unit and self.unit is None:
            raise ValueError("a specific, minimum or maximum amount needs a unit")
        if self.ad_valorem is None and self.specific is None:
            raise ValueError("give ad_valorem, specific or both")
        return self


class LineRow(Row):
    code: Annotated[str, Field(pattern=r"^[0-9]{8}([0-9]{2})?$")]
    description: Annotated[str, Field(min_length=1, max_length=512)]
    unit: Unit = None


class MfnRow(RateRow):
    measure_id: Id
    hs_code: HsPrefix


class AgreementRow(Row):
    agreement: Id
    name: Annotated[str, Field(min_length=1)]
    members: Countries


class PreferenceRow(RateRow):
    measure_id: Id
    agreement: Id
    hs_code: HsPrefix
    origins: Countries = frozenset()


class RemedyRow(RateRow):
    measure_id: Id
    case: Id
    kind: Literal["anti_dumping", "countervailing"]
    hs_code: HsPrefix
    origin: Annotated[str, AfterValidator(lambda c: min(_countries(c) or {""}))]
    producer: Opt = None


class QuotaRow(Row):
    quota_id: Id
    hs_code: HsPrefix
    origins: Countries = frozenset()
    unit: Annotated[str, AfterValidator(_unit)]
    in_ad_valorem: Percent = None
    in_specific: NonNeg = None
    out_ad_valorem: Percent = None
    out_specific: NonNeg = None


class ExemptionRow(Row):
    measure_id: Id
    procedure_code: Annotated[str, Field(pattern=r"^[0-9]{4}$")]
    duty: Flag
    taxes: Flag


class PublishedRateRow(Row):
    currency: Annotated[str, AfterValidator(lambda c: c if codelists.is_currency(c) else _bad(c))]
    rate: Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
    source: Annotated[str, Field(min_length=1)]


def _bad(value: str) -> str:
    raise ValueError(f"'{value}' is not an ISO 4217 currency code")


class TaxRateItem(RateRow):
    measure_id: Id
    hs_code: HsPrefix


class TaxBaseItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    customs_value: Decimal = Decimal(1)
    duty: Decimal = Decimal(0)
    excise: Decimal = Decimal(0)
    inclusive: bool = False


class TaxPart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    base: TaxBaseItem
    rates: list[TaxRateItem]


class TaxProfileItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    currency: str
    vat: TaxPart
    excise: TaxPart


class ScheduleMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    country: str
    currency: str
    name: str
    certificate_types: list[str] = ["861", "865"]
