"""Properties of every assessment, on random declarations over the demo schedule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from eport.tariff import InMemoryQuotaBalances, assessment_dict, round_minor
from tests.unit.tariff.conftest import amounts, certificates, declaration, goods, run

# (national line, unit, origins): ad valorem, specific, compound, quota, AD, excise, preference
POOL = [
    ("84151000", "H87", ["JP", "VN", "DE"]),
    ("02071400", "KGM", ["BR", "US"]),
    ("04022100", "KGM", ["NZ", "AU", "US"]),
    ("22042110", "LTR", ["AU", "FR"]),
    ("22083000", "LTR", ["GB"]),
    ("10019910", "KGM", ["CA", "AU"]),
    ("72191100", "KGM", ["KR", "JP", "DE"]),
    ("87032310", "H87", ["DE", "JP"]),
    ("85258900", "H87", ["JP", "KR"]),
    ("24022000", "H87", ["ID", "US"]),
]
MONEY = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
QTY = st.decimals(min_value=Decimal("0.001"), max_value=10**6, places=3)


@st.composite
def items(draw: Any, seq: int) -> dict[str, Any]:
    code, unit, origins = draw(st.sampled_from(POOL))
    over: dict[str, Any] = {}
    if draw(st.booleans()):
        over["documents"] = [{"type": "865", "reference": draw(st.sampled_from(["C1", "C2"]))}]
    if draw(st.booleans()):
        over["manufacturer"] = draw(st.sampled_from(["POSCO", "Other"]))
    return goods(
        seq,
        code,
        origin=draw(st.sampled_from(origins)),
        qty=str(draw(QTY)),
        unit=unit,
        value=str(draw(MONEY)),
        procedureCode=draw(st.sampled_from(["4000", "5300", "6100"])),
        **over,
    )


@st.composite
def declarations(draw: Any) -> list[dict[str, Any]]:
    n = draw(st.integers(min_value=1, max_value=5))
    return [draw(items(seq)) for seq in range(1, n + 1)]


REGISTRY = certificates(("C1", "CHAFTA", "AU"), ("C2", "RCEP", "JP"))


def _run(goods_items: list[dict[str, Any]], balance: Decimal = Decimal(5000)) -> Any:
    return run(
        declaration(*goods_items, incoterm="FOB", freight="100.00", insurance="10.00"),
        registry=REGISTRY,
        quotas=InMemoryQuotaBalances({"TRQ-WHEAT": balance}),
    )


@settings(max_examples=60, deadline=None)
@given(declarations())
def test_amounts_are_rounded_non_negative_and_totals_add_up(goods_items: list[Any]) -> None:
    result = _run(goods_items)
    for line in result.lines:
        assert line.amount.amount >= 0
        assert line.amount.amount == round_minor(line.amount.amount, "CNY")
        assert line.amount.amount.as_tuple().exponent == -2
    for kind, total in result.totals.items():
        assert total.amount == sum(x.amount.amount for x in result.lines if x.kind == kind)
    assert result.total is not None
    assert result.total.amount == sum(x.amount.amount for x in result.lines)
    for d in result.quota_draws:
        assert d.in_quota + d.out_of_quota == d.requested and d.in_quota >= 0


@settings(max_examples=40, deadline=None)
@given(declarations(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_item_order(goods_items: list[Any], rnd: Any) -> None:
    shuffled = list(goods_items)
    rnd.shuffle(shuffled)
    assert assessment_dict(_run(shuffled)) == assessment_dict(_run(goods_items))


@settings(max_examples=60, deadline=None)
@given(MONEY, MONEY)
def test_ad_valorem_duty_is_monotone_in_value(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))

    def duty(value: Decimal) -> Decimal:
        item = goods(1, "84151000", origin="DE", qty="1", unit="H87", value=str(value))
        return amounts(_run([item]), "duty")[0]

    assert duty(low) <= duty(high)
