"""Code lists and identifier schemes."""

from __future__ import annotations

from eport.datamodel import codelists, identifiers


def test_hs_codes() -> None:
    assert codelists.is_hs_code("020230")
    assert codelists.is_hs_code("0202300010")
    assert not codelists.is_hs_code("851712")  # split in HS 2022
    assert not codelists.is_hs_code("999999")
    assert not codelists.is_hs_code("0202")
    assert len(codelists.hs_subheadings()) > 5000


def test_countries_currencies_locodes_containers() -> None:
    assert codelists.is_country("CN") and not codelists.is_country("XX")
    assert codelists.currency_exponents()["JPY"] == 0
    assert codelists.currency_exponents()["KWD"] == 3
    assert codelists.is_locode("CNSHA") and not codelists.is_locode("XXSHA")
    assert codelists.is_container_number("CSQU3054383")
    assert not codelists.is_container_number("CSQU3054384")


def test_identifier_schemes_are_pluggable() -> None:
    uscc = identifiers.make_uscc("91310000MA1FL0001")
    assert identifiers.is_valid_identifier("USCC", uscc)
    assert not identifiers.is_valid_identifier("USCC", uscc[:-1] + "0")
    assert not identifiers.is_valid_identifier("NOPE", "1")
    identifiers.register_scheme("KRBRN", lambda v: v.isdigit() and len(v) == 10)
    assert identifiers.is_valid_identifier("KRBRN", "1234567890")
