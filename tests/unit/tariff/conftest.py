"""Shared builders for the tariff tests: the shipped demo data, fixed rates, declarations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from eport.datamodel.declaration import Declaration
from eport.tariff import (
    Assessment,
    ExchangeRate,
    InMemoryCertificateRegistry,
    InMemoryQuotaBalances,
    KnownCertificate,
    Ports,
    RateBook,
    TariffData,
    Validity,
    assess,
    load_tariff,
)
from tests.factories import import_declaration, item

ON = date(2025, 6, 2)
USD = Decimal(7)  # 1 USD = 7 CNY in these tests, so the arithmetic stays readable
RATES = RateBook("CNY", [ExchangeRate("USD", USD, date(2025, 1, 1))])

_DATA: list[TariffData] = []


def tariff_data() -> TariffData:
    if not _DATA:
        _DATA.append(load_tariff())
    return _DATA[0]


@pytest.fixture
def data() -> TariffData:
    return tariff_data()


def goods(seq: int, hs: str, *, origin: str, qty: str, unit: str, value: str, **over: Any) -> Any:
    """A goods item; mass units take their quantity as net mass too."""
    net = qty if unit == "KGM" else over.pop("netMass", "1")
    return item(
        seq,
        hs,
        originCountry=origin,
        quantity=qty,
        unit=unit,
        netMass=net,
        grossMass=str(Decimal(net) + 1),
        value=value,
        **over,
    )


def declaration(*items: dict[str, Any], incoterm: str = "CIF", **header: Any) -> Declaration:
    """A USD declaration whose invoice amount is the sum of the item values."""
    total = sum(Decimal(i["value"]) for i in items)
    doc = import_declaration(
        goodsItems=list(items),
        incoterm=incoterm,
        currency="USD",
        invoiceAmount=str(total),
        freight="0",
        insurance="0",
    )
    doc.update(header)
    return Declaration.model_validate(doc)


def certificates(*refs: tuple[str, str, str]) -> InMemoryCertificateRegistry:
    return InMemoryCertificateRegistry(
        KnownCertificate(ref, agreement, origin, Validity(date(2025, 1, 1)))
        for ref, agreement, origin in refs
    )


def run(
    decl: Declaration,
    *,
    registry: InMemoryCertificateRegistry | None = None,
    quotas: InMemoryQuotaBalances | None = None,
    country: str = "CN",
    rates: RateBook = RATES,
    on: date = ON,
) -> Assessment:
    data = tariff_data()
    return assess(
        decl,
        data.schedule,
        rates,
        data.tax_profiles[country],
        on,
        Ports(registry or certificates(), quotas or InMemoryQuotaBalances()),
    )


def amounts(result: Assessment, kind: str) -> list[Decimal]:
    return [line.amount.amount for line in result.lines if line.kind == kind]
