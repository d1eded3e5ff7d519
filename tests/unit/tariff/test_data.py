"""The shipped demo schedule loads, is big enough, and bad files fail with file, line, column."""

from __future__ import annotations

from datetime import date
from importlib.resources.abc import Traversable

import pytest

from eport.datamodel.codelists import hs_subheadings
from eport.tariff import (
    MeasureKind,
    TariffData,
    TariffDataInvalid,
    default_directory,
    load_tariff,
)
from tests.unit.tariff.conftest import ON


def test_demo_schedule_is_complete(data: TariffData) -> None:
    lines = data.schedule.nomenclature.national_lines()
    assert len(lines) >= 300
    chapters = {line.code[:2] for line in lines}
    assert len(chapters) >= 30
    # food, meat, cereals, sugar, beverages, tobacco, chemicals, plastics, textiles, footwear,
    # steel, machinery, electronics, vehicles
    assert {"02", "10", "17", "22", "24", "29", "39", "52", "62", "64", "72", "84", "85", "87"} <= (
        chapters
    )
    subheadings = hs_subheadings()
    assert all(line.code[:6] in subheadings and len(line.code) in (8, 10) for line in lines)
    counts = data.schedule.measure_counts()
    assert counts["mfn"] >= len(lines) and counts["quotas"] >= 2
    assert len(data.schedule.agreements) >= 3


def test_demo_trade_remedies_and_excise(data: TariffData) -> None:
    s = data.schedule
    steel_kr = s.remedies_for("72191100", "KR", "POSCO", ON)
    assert [r.producer for r in steel_kr] == ["POSCO"]
    assert s.remedies_for("29071100", "US", None, ON)[0].kind is MeasureKind.ANTI_DUMPING
    assert s.remedies_for("29051200", "US", None, ON)[0].kind is MeasureKind.COUNTERVAILING
    cn = data.tax_profiles["CN"]
    for code in ("22030000", "22042110", "22083000", "24022000", "87032310"):
        assert cn.excise_rate(code, ON) is not None, code
    assert cn.excise_rate("84151000", ON) is None


def test_mfn_is_effective_dated(data: TariffData) -> None:
    rate = data.schedule.mfn_measure("87032310", date(2018, 3, 1)).rate.ad_valorem
    assert rate == 25
    assert data.schedule.mfn_measure("87032310", ON).rate.ad_valorem == 15


class _Dir:
    """An in-memory data directory: the shipped files with some replaced."""

    def __init__(self, **replace: str) -> None:
        self.base: Traversable = default_directory()
        self.replace = replace

    def __truediv__(self, name: str) -> _File:
        return _File(self.replace.get(name) or (self.base / name).read_text("utf-8"))


class _File:
    def __init__(self, text: str) -> None:
        self.text = text

    def read_text(self, encoding: str) -> str:
        return self.text


def _shipped(name: str) -> str:
    return (default_directory() / name).read_text("utf-8")


def test_a_national_line_that_extends_no_subheading_is_refused() -> None:
    text = _shipped("nomenclature.csv") + "99999900,Not a real line,KGM,2018-01-01,\n"
    with pytest.raises(TariffDataInvalid) as caught:
        load_tariff(_Dir(**{"nomenclature.csv": text}))  # type: ignore[arg-type]
    problems = [(p.file, p.column) for p in caught.value.problems]
    assert ("nomenclature.csv", "code") in problems
    line = text.count("\n")
    assert any(p.line == line for p in caught.value.problems)


def test_bad_values_name_file_line_and_column() -> None:
    mfn = _shipped("mfn.csv").splitlines()
    mfn[3] = "MFN-X,01022900,ten,,,,,2024-01-01,"
    mfn[4] = "MFN-Y,01023100,5,1.5,,,,2024-01-01,"
    bad = "\n".join(mfn) + "\n"
    with pytest.raises(TariffDataInvalid) as caught:
        load_tariff(_Dir(**{"mfn.csv": bad}))  # type: ignore[arg-type]
    found = {(p.file, p.line, p.column) for p in caught.value.problems}
    assert ("mfn.csv", 4, "ad_valorem") in found
    assert ("mfn.csv", 5, None) in found  # a specific amount without a unit: a row-level error
    assert "mfn.csv, line 4, column ad_valorem" in caught.value.message


def test_broken_json_reports_line_and_column() -> None:
    with pytest.raises(TariffDataInvalid) as caught:
        load_tariff(_Dir(**{"tax_profiles.json": '{\n  "CN": {,\n}'}))  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("tax_profiles.json", 2)
