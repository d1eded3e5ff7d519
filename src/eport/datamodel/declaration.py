"""The goods declaration (import and export), aligned with the WCO Data Model.

JSON names are camelCase after WCO DM classes and attributes; ``docs/data-model.md`` maps each
to its WCO DM name and element ID. Every code-list check raises a stable error code, so a client
can act on ``hs_code.unknown`` without parsing English.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from eport.datamodel import codelists, identifiers


def _check(ok: bool, code: str, template: str, **context: object) -> None:
    """Raise our stable error ``code``; the message is formatted only when it is raised."""
    if not ok:
        raise PydanticCustomError(code, template, context or None)


def _hs(value: str) -> str:
    _check(
        value.isdigit() and len(value) in (6, 8, 10),
        "hs_code.format",
        "An HS code has 6, 8 or 10 digits.",
    )
    _check(
        codelists.is_hs_code(value),
        "hs_code.unknown",
        "{subheading} is not an HS 2022 subheading.",
        subheading=value[:6],
    )
    return value


def _country(value: str) -> str:
    _check(
        codelists.is_country(value),
        "country.unknown",
        "'{value}' is not an ISO 3166-1 alpha-2 country code.",
        value=value,
    )
    return value


def _currency(value: str) -> str:
    _check(
        codelists.is_currency(value),
        "currency.unknown",
        "'{value}' is not an ISO 4217 currency code.",
        value=value,
    )
    return value


def _unit(value: str) -> str:
    _check(
        value in codelists.UNITS,
        "unit.unknown",
        "'{value}' is not a UN/ECE Rec 20 unit E-Port accepts.",
        value=value,
    )
    return value


def _transport_mode(value: str) -> str:
    _check(
        value in codelists.TRANSPORT_MODES,
        "transport_mode.unknown",
        "'{value}' is not a UN/ECE Rec 19 transport mode (0-9).",
        value=value,
    )
    return value


def _incoterm(value: str) -> str:
    _check(
        value in codelists.INCOTERMS_2020,
        "incoterm.unknown",
        "'{value}' is not an Incoterms 2020 rule.",
        value=value,
    )
    return value


def _locode(value: str) -> str:
    _check(
        codelists.is_locode(value),
        "locode.invalid",
        "'{value}' is not a UN/LOCODE (country + 3 characters).",
        value=value,
    )
    return value


def _container(value: str) -> str:
    _check(
        codelists.is_container_number(value),
        "container.check_digit",
        "'{value}' is not an ISO 6346 container number (owner, serial, check digit).",
        value=value,
    )
    return value


def _document_type(value: str) -> str:
    _check(
        value in codelists.DOCUMENT_TYPES,
        "document_type.unknown",
        "'{value}' is not a UN/EDIFACT 1001 document type E-Port accepts.",
        value=value,
    )
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=70)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True)]
HsCode = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_hs)]
Country = Annotated[Code, AfterValidator(_country)]
Currency = Annotated[Code, AfterValidator(_currency)]
Unit = Annotated[Code, AfterValidator(_unit)]
TransportMode = Annotated[str, AfterValidator(_transport_mode)]
Incoterm = Annotated[Code, AfterValidator(_incoterm)]
Locode = Annotated[Code, AfterValidator(_locode)]
ContainerNumber = Annotated[Code, AfterValidator(_container)]
DocumentType = Annotated[str, AfterValidator(_document_type)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4, allow_inf_nan=False)]
Quantity = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=6, allow_inf_nan=False)]
Mass = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6, allow_inf_nan=False)]
OfficeCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{4,8}$")]


class Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        str_max_length=512,
    )


class Identifier(Model):
    """An enterprise identifier under a scheme (WCO DM: Party/Identification)."""

    scheme: ShortText
    value: ShortText

    @field_validator("scheme")
    @classmethod
    def _scheme(cls, scheme: str) -> str:
        if not identifiers.is_known_scheme(scheme):
            _check(
                False,
                "identifier.scheme_unknown",
                "'{scheme}' is not a known identifier scheme ({schemes}).",
                scheme=scheme,
                schemes=", ".join(identifiers.schemes()),
            )
        return scheme

    @field_validator("value")
    @classmethod
    def _value(cls, value: str, info: ValidationInfo) -> str:
        scheme = info.data.get("scheme")
        if scheme is not None:
            _check(
                identifiers.is_valid_identifier(scheme, value),
                "identifier.invalid",
                "'{value}' is not a valid {scheme} identifier (check digit or format).",
                value=value,
                scheme=scheme,
            )
        return value


class Party(Model):
    """Declarant, importer, exporter or representative (WCO DM: Party classes)."""

    name: ShortText
    identifier: Identifier
    address: Text | None = None
    country: Country | None = None


class DocumentReference(Model):
    """A supporting document (WCO DM: AdditionalDocument)."""

    type: DocumentType
    reference: ShortText
    issued_on: date | None = None
    issuer: ShortText | None = None


class TransportMeans(Model):
    """Border transport means (WCO DM: BorderTransportMeans)."""

    mode: TransportMode
    identifier: ShortText | None = None
    name: ShortText | None = None
    nationality: Country | None = None


class TransportDocument(Model):
    """The bill of lading or waybill the goods travel under (WCO DM: TransportContractDocument)."""

    type: Literal["705", "740", "720", "730"] = "705"
    reference: ShortText


class GoodsItem(Model):
    """One goods item (WCO DM: GovernmentAgencyGoodsItem)."""

    sequence: int = Field(ge=1, le=999, strict=True)
    hs_code: HsCode
    description: Text
    origin_country: Country
    quantity: Quantity
    unit: Unit
    net_mass: Mass
    gross_mass: Mass
    value: Amount
    procedure_code: str = Field(pattern=r"^[0-9]{4}$")
    preference_code: str | None = Field(default=None, pattern=r"^[0-9]{3}$")
    manufacturer: ShortText | None = Field(default=None, alias="manufacturer")
    documents: tuple[DocumentReference, ...] = Field(default=(), max_length=50)


class Declaration(Model):
    """A goods declaration for import (IM) or export (EX) (WCO DM: Declaration)."""

    declaration_type: Literal["IM", "EX"]
    trader_reference: ShortText
    declarant: Party
    importer: Party | None = None
    exporter: Party | None = None
    representative: Party | None = None
    customs_office: OfficeCode
    transport: TransportMeans
    place_of_loading: Locode
    place_of_unloading: Locode
    country_of_dispatch: Country
    country_of_destination: Country
    currency: Currency
    incoterm: Incoterm
    invoice_amount: Amount
    freight: Amount = Decimal(0)
    insurance: Amount = Decimal(0)
    transport_document: TransportDocument | None = None
    containers: tuple[ContainerNumber, ...] = Field(default=(), max_length=200)
    total_packages: int | None = Field(default=None, ge=1, le=9_999_999, strict=True)
    goods_items: tuple[GoodsItem, ...] = Field(min_length=1, max_length=999)
    documents: tuple[DocumentReference, ...] = Field(default=(), max_length=100)

    def all_document_types(self) -> set[str]:
        types = {d.type for d in self.documents}
        for item in self.goods_items:
            types.update(d.type for d in item.documents)
        return types
