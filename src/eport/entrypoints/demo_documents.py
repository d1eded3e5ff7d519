"""Valid demo documents: the demo, the benchmark and the tests build on them."""

from __future__ import annotations

import copy
import random
from decimal import Decimal
from typing import Any

from eport.datamodel.identifiers import make_uscc

TRADER_USCC = make_uscc("91310000MA1FL0001")
OTHER_USCC = make_uscc("91440300MA5F00003")
SUPPLIER = {
    "name": "Acme Exports Pty Ltd",
    "identifier": {"scheme": "TIN", "value": "AU51824753556"},
    "country": "AU",
}


def party(
    name: str = "Shanghai Eastern Trading Co., Ltd.", uscc: str = TRADER_USCC
) -> dict[str, Any]:
    return {
        "name": name,
        "identifier": {"scheme": "USCC", "value": uscc},
        "address": "88 Century Avenue, Pudong, Shanghai",
        "country": "CN",
    }


def item(seq: int = 1, hs: str = "84713090", **over: Any) -> dict[str, Any]:
    base = {
        "sequence": seq,
        "hsCode": hs,
        "description": "Portable laptop computers",
        "originCountry": "VN",
        "quantity": "100",
        "unit": "H87",
        "netMass": "250.5",
        "grossMass": "300",
        "value": "45000.00",
        "procedureCode": "4000",
    }
    base.update(over)
    return base


def import_declaration(**over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "declarationType": "IM",
        "traderReference": "PO-2026-0001",
        "declarant": party(),
        "importer": party(),
        "exporter": SUPPLIER,
        "customsOffice": "CNSHA01",
        "transport": {
            "mode": "1",
            "identifier": "IMO9321483",
            "name": "EVER GIVEN",
            "nationality": "PA",
        },
        "placeOfLoading": "VNSGN",
        "placeOfUnloading": "CNSHA",
        "countryOfDispatch": "VN",
        "countryOfDestination": "CN",
        "currency": "USD",
        "incoterm": "FOB",
        "invoiceAmount": "45000.00",
        "freight": "1200.00",
        "insurance": "150.00",
        "transportDocument": {"type": "705", "reference": "MAEU123456789"},
        "containers": ["CSQU3054383"],
        "totalPackages": 100,
        "goodsItems": [item()],
        "documents": [
            {"type": "380", "reference": "INV-2026-0001"},
            {"type": "271", "reference": "PL-2026-0001"},
        ],
    }
    doc.update(over)
    return doc


def meat_import(**over: Any) -> dict[str, Any]:
    """Frozen beef (quarantine, needs a veterinary certificate) plus laptops."""
    beef = item(
        1,
        "02023000",
        description="Frozen boneless beef",
        originCountry="AU",
        quantity="20000",
        unit="KGM",
        netMass="20000",
        grossMass="21000",
        value="98000.00",
        documents=[{"type": "853", "reference": "AU-VET-2026-7781"}],
    )
    doc = import_declaration(
        goodsItems=[beef, item(2)],
        totalPackages=900,
        invoiceAmount="143000.00",
        countryOfDispatch="AU",
        placeOfLoading="AUMEL",
    )
    doc.update(over)
    return doc


def export_declaration(**over: Any) -> dict[str, Any]:
    """Rare-earth oxides (export licence) and textiles, by sea to Rotterdam."""
    doc = import_declaration(
        declarationType="EX",
        traderReference="SO-2026-0042",
        importer={
            "name": "Rotterdam Metals BV",
            "identifier": {"scheme": "EORI", "value": "NL812345678"},
            "country": "NL",
        },
        exporter=party(),
        placeOfLoading="CNSHA",
        placeOfUnloading="NLRTM",
        countryOfDispatch="CN",
        countryOfDestination="NL",
        incoterm="CIF",
        currency="EUR",
        invoiceAmount="86000.00",
        goodsItems=[
            item(
                1,
                "284690",
                description="Rare-earth oxides",
                originCountry="CN",
                quantity="2000",
                unit="KGM",
                netMass="2000",
                grossMass="2100",
                value="70000.00",
                procedureCode="1000",
                documents=[{"type": "811", "reference": "MOFCOM-EX-2026-118"}],
            ),
            item(
                2,
                "620342",
                description="Men's cotton trousers",
                originCountry="CN",
                quantity="4000",
                unit="H87",
                netMass="1600",
                grossMass="1800",
                value="16000.00",
                procedureCode="1000",
            ),
        ],
    )
    doc.update(over)
    return doc


# National tariff lines (8 digits, as customs assesses) with the unit their duty is counted in.
HS_POOL = [
    "84713090",
    "85171300",
    "87032390",
    "02023000",
    "09011100",
    "61091000",
    "94036000",
    "39012000",
    "72083900",
    "30049000",
    "84151000",
    "85423100",
    "64039900",
    "95030000",
    "22042190",
    "03061700",
]
UNITS = {
    "02": "KGM",
    "03": "KGM",
    "09": "KGM",
    "22": "LTR",
    "30": "KGM",
    "39": "KGM",
    "64": "PR",
    "72": "KGM",
    "95": "KGM",
}


def varied_declaration(rng: random.Random, items: int | None = None) -> dict[str, Any]:
    """A realistic declaration with 1-50 items, for the benchmark and load tests."""
    n = items if items is not None else rng.choice([1, 1, 2, 3, 5, 8, 12, 20, 35, 50])
    goods = []
    for seq in range(1, n + 1):
        hs = rng.choice(HS_POOL)
        docs = []
        if hs.startswith("8703"):
            docs.append({"type": "911", "reference": f"LIC-{rng.randrange(10**6)}"})
        if hs.startswith("0202"):
            docs.append({"type": "853", "reference": f"VET-{rng.randrange(10**6)}"})
        net = rng.randrange(1, 20000)
        goods.append(
            item(
                seq,
                hs,
                description=f"Goods line {seq} of kind {hs}",
                originCountry=rng.choice(["VN", "DE", "US", "JP", "AU", "BR"]),
                quantity=str(rng.randrange(1, 5000)),
                unit=UNITS.get(hs[:2], "H87"),
                netMass=str(net),
                grossMass=str(net + rng.randrange(0, 500)),
                value=f"{rng.randrange(100, 200000)}.{rng.randrange(100):02d}",
                documents=docs,
            )
        )
    return import_declaration(traderReference=f"PO-{rng.randrange(10**9)}", goodsItems=goods)


def clone(doc: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(doc)


def manifest(*bills: dict[str, Any], **over: Any) -> dict[str, Any]:
    """A carrier's manifest for the vessel of ``import_declaration``, arriving at Shanghai."""
    doc: dict[str, Any] = {
        "conveyance": {"mode": "1", "identifier": "IMO9321483", "name": "EVER GIVEN"},
        "voyage": "0421E",
        "customsOffice": "CNSHA01",
        "placeOfArrival": "CNSHA",
        "expectedArrival": "2026-12-01T06:00:00Z",
        "bills": list(bills) or [bill()],
    }
    doc.update(over)
    return doc


def meat_manifest() -> dict[str, Any]:
    """The manifest whose bill ``meat_import`` declares: 800 cartons of beef, 100 of laptops."""
    lines = (("Frozen boneless beef", 800, "21000"), ("Portable laptop computers", 100, "300"))
    return manifest(bill(lines=lines, loading="AUMEL"))


def export_manifest() -> dict[str, Any]:
    """The outbound manifest whose bill ``export_declaration`` (with transport document
    MAEU555000111) names: the goods loaded at Shanghai for Rotterdam."""
    lines = (("Rare-earth oxides", 80, "2100"), ("Men's cotton trousers", 200, "1800"))
    return manifest(
        bill("MAEU555000111", containers=("MSKU7700017",), lines=lines, loading="CNSHA"),
        voyage="0422W",
    )


def bill(
    reference: str = "MAEU123456789",
    consignee: str = TRADER_USCC,
    containers: tuple[str, ...] = ("CSQU3054383",),
    lines: tuple[tuple[str, int, str], ...] = (("Portable laptop computers", 100, "300"),),
    loading: str = "VNSGN",
) -> dict[str, Any]:
    """A bill of lading; ``lines`` are (description, packages, gross mass in kg)."""
    goods = [
        {"sequence": n, "description": d, "packages": p, "grossMass": m}
        for n, (d, p, m) in enumerate(lines, start=1)
    ]
    return {
        "reference": reference,
        "consignor": {"name": "Acme Exports Pty Ltd", "country": loading[:2]},
        "consignee": {
            "name": "Shanghai Eastern Trading Co., Ltd.",
            "identifier": {"scheme": "USCC", "value": consignee},
            "country": "CN",
        },
        "placeOfLoading": loading,
        "placeOfDischarge": "CNSHA",
        "packages": sum(p for _, p, _ in lines),
        "packageType": "CT",
        "grossMass": str(sum(Decimal(m) for _, _, m in lines)),
        "containers": list(containers),
        "goods": goods,
    }


NATIONAL_LINES = {"020230": "02023000", "847130": "84713090"}


def national(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with national tariff lines (8 digits) where the demo uses HS subheadings, as
    customs requires for assessment."""
    doc = copy.deepcopy(doc)
    for goods in doc["goodsItems"]:
        goods["hsCode"] = NATIONAL_LINES.get(goods["hsCode"], goods["hsCode"])
    return doc
