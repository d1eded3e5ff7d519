"""Lookup and search over HS 2022 and the national lines."""

from __future__ import annotations

from eport.tariff import TariffData


def test_lookup_national_then_hs(data: TariffData) -> None:
    n = data.schedule.nomenclature
    line = n.lookup("22042110")
    assert line is not None and line.level == "national" and line.unit == "LTR"
    sub = n.lookup("220421")
    assert sub is not None and sub.level == "subheading"
    assert n.lookup("22") is not None and n.lookup("2204") is not None
    assert n.lookup("22049999") is None


def test_search_by_words_and_by_code(data: TariffData) -> None:
    n = data.schedule.nomenclature
    wine = n.search("wine")
    assert wine and all("wine" in e.description.lower() for e in wine)
    assert not any(e.code.startswith("0203") for e in wine)  # "swine" is not "wine"
    assert [e.code for e in n.search("8703.23", limit=3)] == ["87032310", "87032390", "870323"]
    assert [e.code for e in n.search("gallus frozen cuts")][:1] == ["02071400"]
    assert n.search("   ") == []
