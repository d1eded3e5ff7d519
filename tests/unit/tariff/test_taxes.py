"""VAT and excise on the two configured bases (China, South Africa)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from eport.tariff import (
    ExchangeRate,
    InMemoryQuotaBalances,
    Nomenclature,
    Ports,
    Rate,
    RateBook,
    Schedule,
    TariffLine,
    Validity,
    assess,
)
from eport.tariff.model import DutyMeasure
from tests.unit.tariff.conftest import (
    ON,
    amounts,
    certificates,
    declaration,
    goods,
    run,
    tariff_data,
)


def test_china_car_excise_inclusive_and_vat_on_cv_duty_excise() -> None:
    # Car 87032310 from Germany, USD 10,000 CIF -> CV 70,000.00 CNY.
    # Duty (MFN 15 %):            70,000.00 x 0.15                 = 10,500.00
    # Excise base (inclusive):   (70,000.00 + 10,500.00) / (1 - 5 %) = 84,736.842105...
    # Excise (5 %):               84,736.842105 x 0.05              =  4,236.842105 -> 4,236.84
    # VAT base:                   70,000.00 + 10,500.00 + 4,236.84  = 84,736.84
    # VAT (13 %):                 84,736.84 x 0.13                  = 11,015.7892 -> 11,015.79
    result = run(declaration(goods(1, "87032310", origin="DE", qty="1", unit="H87", value="10000")))
    assert amounts(result, "duty") == [Decimal("10500.00")]
    assert amounts(result, "excise") == [Decimal("4236.84")]
    vat = next(x for x in result.lines if x.kind == "vat")
    assert vat.base.amount == Decimal("84736.84")
    assert vat.amount.amount == Decimal("11015.79")
    assert result.total is not None and result.total.amount == Decimal("25752.63")


def test_china_compound_excise_on_spirits() -> None:
    # Whisky 22083000 from the UK: 100 l worth USD 1,000 -> CV 7,000.00; MFN 10 % = 700.00.
    # Excise 20 % + 1 CNY/l: specific 100.00; base (7,000 + 700 + 100) / 0.8 = 9,750.00;
    # excise 9,750.00 x 20 % + 100.00 = 2,050.00. VAT 13 % x (7,000 + 700 + 2,050) = 1,267.50.
    result = run(
        declaration(goods(1, "22083000", origin="GB", qty="100", unit="LTR", value="1000"))
    )
    assert amounts(result, "excise") == [Decimal("2050.00")]
    assert amounts(result, "vat") == [Decimal("1267.50")]


def test_china_reduced_vat_for_listed_food_chapters() -> None:
    # Oranges 08051000 from Egypt: CV 7,000.00, MFN 11 % = 770.00, VAT 9 % x 7,770.00 = 699.30.
    result = run(
        declaration(goods(1, "08051000", origin="EG", qty="5000", unit="KGM", value="1000"))
    )
    assert amounts(result, "vat") == [Decimal("699.30")]


def test_china_vat_rate_is_effective_dated() -> None:
    profile = tariff_data().tax_profiles["CN"]
    before, after = (
        profile.vat_rate("84151000", date(2019, 3, 31)),
        profile.vat_rate("84151000", date(2019, 4, 1)),
    )
    assert before is not None and before.rate.ad_valorem == Decimal(16)
    assert after is not None and after.rate.ad_valorem == Decimal(13)


def test_south_africa_vat_base_uplifts_customs_value_by_ten_percent() -> None:
    # A ZAR schedule: spirits 22083000 at 20 %; USD 1 = ZAR 18.
    # 100 l worth USD 1,000 -> CV 18,000.00 ZAR. Duty 20 % = 3,600.00.
    # Excise 116.83 ZAR/l x 100 l = 11,683.00.
    # VAT base = 18,000.00 x 1.10 + 3,600.00 + 11,683.00 = 35,083.00; VAT 15 % = 5,262.45.
    line = TariffLine("22083000", "Whiskies", "LTR", Validity(date(2020, 1, 1)))
    mfn = DutyMeasure("ZA-MFN-22083000", "22083000", Rate(Decimal(20)), Validity(date(2020, 1, 1)))
    schedule = Schedule("ZA", "ZAR", Nomenclature([line]), mfn=[mfn])
    rates = RateBook("ZAR", [ExchangeRate("USD", Decimal(18), date(2025, 1, 1))])
    decl = declaration(goods(1, "22083000", origin="GB", qty="100", unit="LTR", value="1000"))
    result = assess(
        decl,
        schedule,
        rates,
        tariff_data().tax_profiles["ZA"],
        ON,
        Ports(certificates(), InMemoryQuotaBalances()),
    )
    assert amounts(result, "duty") == [Decimal("3600.00")]
    assert amounts(result, "excise") == [Decimal("11683.00")]
    vat = next(x for x in result.lines if x.kind == "vat")
    assert (vat.base.amount, vat.amount.amount) == (Decimal("35083.00"), Decimal("5262.45"))
    assert result.currency == "ZAR"
