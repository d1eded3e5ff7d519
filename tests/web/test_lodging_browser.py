"""Lodging in Debian's chromium: the form with the mouse, the form with the keyboard alone, live
requirement hints (HTMX), and a bulk upload whose report points at the bad row."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from eport.adapters.db import views
from eport.bootstrap import EPort
from tests.web.conftest import browser_log_in

DECLARATION_URL = re.compile(r"/portal/declarations/(DEC-[0-9A-Z]+)$")


def _exists(eport: EPort, url: str) -> dict[str, Any]:
    found = DECLARATION_URL.search(url)
    assert found, url
    with eport.read_engine.connect() as conn:
        header = views.declaration_header(conn, found.group(1))
    assert header is not None
    return dict(header)


def test_lodge_a_declaration_through_the_form(page: Any, portal_eport: EPort) -> None:
    browser_log_in(page, "trader@demo")
    page.goto("/portal/declarations/new")
    page.get_by_label("Your reference").fill("PO-BROWSER-1")
    page.get_by_label("Customs office").fill("CNSHA01")
    exporter = page.get_by_role("group", name="Exporter")
    exporter.get_by_label("Name", exact=True).fill("Acme Exports Pty Ltd")
    exporter.get_by_label("Identifier scheme").select_option("TIN")
    exporter.get_by_label("Identifier", exact=True).fill("AU51824753556")
    page.get_by_label("Place of loading (UN/LOCODE)").fill("AUMEL")
    page.get_by_label("Place of unloading (UN/LOCODE)").fill("CNSHA")
    page.get_by_label("Country of dispatch (ISO code)").fill("AU")
    page.get_by_label("Invoice amount").fill("98000.00")
    item = page.get_by_role("group", name="Goods item 1")
    item.get_by_label("HS code").fill("02023000")
    item.get_by_label("Description of the goods").fill("Frozen boneless beef")
    item.get_by_label("Country of origin (ISO code)").fill("AU")
    # HTMX: the hint under the goods item names the veterinary certificate.
    hints = page.locator("#hints-0")
    hints.get_by_text("Veterinary certificate").wait_for()
    item.get_by_label("Quantity").fill("20000")
    item.get_by_label("Unit").select_option("KGM")
    item.get_by_label("Net mass (kg)").fill("20000")
    item.get_by_label("Gross mass (kg)").fill("21000")
    item.get_by_label(re.compile(r"^Value")).fill("98000.00")
    item.get_by_label("Procedure code").fill("4000")
    item.get_by_label("Document 1 type").select_option("853")
    item.get_by_label("Document 1 reference").fill("AU-VET-2026-7781")
    page.get_by_role("button", name="Lodge the declaration").click()
    page.wait_for_url(DECLARATION_URL)
    assert _exists(portal_eport, page.url)["trader_reference"] == "PO-BROWSER-1"


def _tab_to(page: Any, name: str, limit: int = 200) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == name:
            return
    raise AssertionError(f"Tab never reached {name}")


def test_lodge_a_declaration_with_the_keyboard_alone(page: Any, portal_eport: EPort) -> None:
    browser_log_in(page, "trader@demo")
    page.goto("/portal/declarations/new")
    typed = [
        ("/traderReference", "PO-KEYS-1"),
        ("/customsOffice", "CNSHA01"),
        ("/exporter/name", "Acme Exports Pty Ltd"),
        ("/exporter/identifier/scheme", "TIN"),
        ("/exporter/identifier/value", "AU51824753556"),
        ("/placeOfLoading", "VNSGN"),
        ("/placeOfUnloading", "CNSHA"),
        ("/countryOfDispatch", "VN"),
        ("/invoiceAmount", "45000.00"),
        ("/goodsItems/0/hsCode", "84713090"),
        ("/goodsItems/0/description", "Portable laptop computers"),
        ("/goodsItems/0/originCountry", "VN"),
        ("/goodsItems/0/quantity", "100"),
        ("/goodsItems/0/unit", "H87"),
        ("/goodsItems/0/netMass", "250.5"),
        ("/goodsItems/0/grossMass", "300"),
        ("/goodsItems/0/value", "45000.00"),
        ("/goodsItems/0/procedureCode", "4000"),
    ]
    for name, text in typed:
        _tab_to(page, name)
        page.keyboard.type(text)
        if name == "/goodsItems/0/hsCode":
            page.keyboard.press("Escape")  # close the suggestions, keep what was typed
    page.keyboard.press("Enter")
    page.wait_for_url(DECLARATION_URL)
    assert _exists(portal_eport, page.url)["trader_reference"] == "PO-KEYS-1"


def test_a_bulk_upload_with_a_bad_row_shows_the_report(
    page: Any, portal_eport: EPort, tmp_path: Path
) -> None:
    browser_log_in(page, "trader@demo")
    page.goto("/portal/declarations/bulk")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV template (UTF-8)").click()
    template = Path(download.value.path()).read_text()
    header, *rows = template.strip().splitlines()
    bad = [r.replace("EXAMPLE-0001", "BAD-0001").replace("84713090", "1234") for r in rows]
    path = tmp_path / "upload.csv"
    path.write_text("\r\n".join([header, *rows, *bad]) + "\r\n")
    page.get_by_label("Spreadsheet (CSV or XLSX, at most 1000 rows)").set_input_files(path)
    page.get_by_role("button", name="Upload and lodge").click()
    page.get_by_role("heading", name="Upload report").wait_for()
    assert page.get_by_text("1 of 2 declarations lodged.").is_visible()
    bad_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="4"))
    assert "Not lodged" in bad_row.inner_text() and "hsCode" in bad_row.inner_text()
    good_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="2"))
    assert "Lodged as" in good_row.inner_text()
