"""The facts builder: pure, documented fields, Decimal kept for money."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from eport.adapters.risk_engine import engine_json
from eport.datamodel.declaration import Declaration
from eport.risk import (
    ComplianceLevel,
    ComplianceProfile,
    build_facts,
    demo_reference,
    dump_facts,
    load_facts,
    responsible_party,
)
from tests.factories import export_declaration, item, meat_import
from tests.unit.risk.conftest import ON, facts


def test_the_facts_of_a_meat_import() -> None:
    profile = ComplianceProfile(
        level=ComplianceLevel.LOW_CREDIT,
        past_findings=2,
        last_finding_on=date(2026, 1, 30),
        past_declarations=7,
    )
    beef = item(1, "020230", originCountry="BR", unit="KGM", quantity="1000", value="1000.00")
    f = facts(meat_import(goodsItems=[beef, item(2)]), profile)
    assert f["hsChapters"] == ["02", "84"]
    assert f["originCountries"] == ["BR", "VN"]
    assert f["highRiskChapters"] == ["02"]
    assert f["totalValue"] == Decimal("46000.00")
    assert f["minValueRatio"] == Decimal("0.2857")  # 1.00 per kg against 3.50
    assert f["itemsCount"] == 2 and f["documents"] == ["271", "380"]
    assert f["party"] == {
        "level": "low_credit",
        "pastFindings": 2,
        "lastFindingOn": "2026-01-30",
        "daysSinceLastFinding": 30,
        "pastDeclarations": 7,
        "firstTime": False,
    }
    assert f["items"][0]["unitValue"] == Decimal("1.000000")
    assert f["items"][0]["highRiskOrigin"] is True
    assert f["assessedOn"] == ON.isoformat()


def test_the_exporter_is_the_responsible_party_of_an_export() -> None:
    declaration = Declaration.model_validate(export_declaration())
    assert responsible_party(declaration) == declaration.exporter


def test_money_crosses_the_engine_boundary_as_json_numbers() -> None:
    text = engine_json({"totalValue": Decimal("143000.10"), "on": date(2026, 1, 2)})
    assert text == '{"totalValue":143000.1,"on":"2026-01-02"}'


@given(st.decimals(min_value=1, max_value=10**9, places=2), st.integers(1, 10_000))
def test_stored_facts_load_back_exactly(value: Decimal, quantity: int) -> None:
    declaration = Declaration.model_validate(
        meat_import(goodsItems=[item(value=str(value), quantity=str(quantity))])
    )
    built = build_facts(declaration, ComplianceProfile(), demo_reference(), ON)
    assert load_facts(dump_facts(built)) == built
