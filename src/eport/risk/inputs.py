"""The facts a rule set sees: one flat dict built from the declaration, the party's compliance
profile and reference data. Every field is documented in ``docs/risk.md``.

Money and ratios stay ``Decimal`` here; the evaluator turns them into JSON numbers at the
engine boundary. ``dump_facts``/``load_facts`` give the stored (JSON) form and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from eport.datamodel.declaration import Declaration, GoodsItem, Party
from eport.risk.model import ComplianceProfile

HEADER_DECIMALS = ("invoiceAmount", "freight", "insurance", "totalValue", "minValueRatio")
ITEM_DECIMALS = ("value", "quantity", "unitValue", "referenceUnitValue", "valueRatio")
_UNIT_VALUE = Decimal("0.000001")
_RATIO = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class ReferencePrice:
    """The lowest credible unit value of an HS subheading, in a currency per unit."""

    currency: str
    unit: str
    min_unit_value: Decimal


@dataclass(frozen=True, slots=True)
class RiskReference:
    """Reference data the builder joins in. Effective-dated by whoever supplies it."""

    high_risk_origins: Mapping[str, frozenset[str]] = field(default_factory=dict)  # chapter
    reference_prices: Mapping[str, ReferencePrice] = field(default_factory=dict)  # HS6


def responsible_party(declaration: Declaration) -> Party:
    """Whose compliance profile counts: the importer (IM) or exporter (EX), else the declarant."""
    party = declaration.importer if declaration.declaration_type == "IM" else declaration.exporter
    return party or declaration.declarant


def _item(item: GoodsItem, reference: RiskReference) -> dict[str, Any]:
    chapter = item.hs_code[:2]
    unit_value = (item.value / item.quantity).quantize(_UNIT_VALUE, ROUND_HALF_EVEN)
    return {
        "sequence": item.sequence,
        "hsCode": item.hs_code,
        "chapter": chapter,
        "originCountry": item.origin_country,
        "procedureCode": item.procedure_code,
        "value": item.value,
        "quantity": item.quantity,
        "unit": item.unit,
        "unitValue": unit_value,
        "highRiskOrigin": item.origin_country in reference.high_risk_origins.get(chapter, ()),
    }


def _with_ratio(row: dict[str, Any], currency: str, reference: RiskReference) -> dict[str, Any]:
    price = reference.reference_prices.get(row["hsCode"][:6])
    usable = price is not None and price.currency == currency and price.unit == row["unit"]
    if price is None or not usable or price.min_unit_value <= 0:
        return row | {"referenceUnitValue": None, "valueRatio": None}
    ratio = (row["unitValue"] / price.min_unit_value).quantize(_RATIO, ROUND_HALF_EVEN)
    return row | {"referenceUnitValue": price.min_unit_value, "valueRatio": ratio}


def _party(profile: ComplianceProfile, on: date) -> dict[str, Any]:
    last = profile.last_finding_on
    return {
        "level": profile.level.value,
        "pastFindings": profile.past_findings,
        "lastFindingOn": None if last is None else last.isoformat(),
        "daysSinceLastFinding": None if last is None else (on - last).days,
        "pastDeclarations": profile.past_declarations,
        "firstTime": profile.past_declarations == 0,
    }


def build_facts(
    declaration: Declaration,
    profile: ComplianceProfile,
    reference: RiskReference,
    on: date,
) -> dict[str, Any]:
    """The documented input of every rule set (pure: no I/O, same input gives same facts)."""
    d = declaration
    items = [_with_ratio(_item(i, reference), d.currency, reference) for i in d.goods_items]
    ratios = [i["valueRatio"] for i in items if i["valueRatio"] is not None]
    return {
        "assessedOn": on.isoformat(),
        "declarationType": d.declaration_type,
        "customsOffice": d.customs_office,
        "procedureCodes": sorted({i["procedureCode"] for i in items}),
        "hsCodes": sorted({i["hsCode"] for i in items}),
        "hsChapters": sorted({i["chapter"] for i in items}),
        "originCountries": sorted({i["originCountry"] for i in items}),
        "highRiskChapters": sorted({i["chapter"] for i in items if i["highRiskOrigin"]}),
        "dispatchCountry": d.country_of_dispatch,
        "destinationCountry": d.country_of_destination,
        "transportMode": d.transport.mode,
        "currency": d.currency,
        "incoterm": d.incoterm,
        "invoiceAmount": d.invoice_amount,
        "freight": d.freight,
        "insurance": d.insurance,
        "totalValue": sum((i["value"] for i in items), Decimal(0)),
        "minValueRatio": min(ratios, default=None),
        "itemsCount": len(items),
        "containersCount": len(d.containers),
        "documents": sorted(d.all_document_types()),
        "party": _party(profile, on),
        "items": items,
    }


def _dump(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def dump_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON-ready stored form: Decimals become exact decimal strings."""
    out = {k: _dump(v) for k, v in facts.items()}
    out["items"] = [{k: _dump(v) for k, v in i.items()} for i in facts.get("items", [])]
    return out


def _load(row: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: Decimal(v) if k in names and isinstance(v, str) else v for k, v in row.items()}


def load_facts(stored: Mapping[str, Any]) -> dict[str, Any]:
    """Inverse of ``dump_facts``."""
    out = _load(stored, HEADER_DECIMALS)
    out["items"] = [_load(i, ITEM_DECIMALS) for i in stored.get("items", [])]
    return out
