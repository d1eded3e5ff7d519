"""The portal's whole story in Debian's chromium, as issue 6 tells it: a trader lodges a
declaration through the form; an officer queries it; the trader amends; the officer accepts;
customs releases; the trader downloads the release notice, and the public page that its QR code
links to verifies it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from eport.bootstrap import EPort
from tests.web.conftest import browser_log_in

DECLARATION_URL = re.compile(r"/portal/declarations/(DEC-[0-9A-Z]+)$")


def _as(page: Any, email: str) -> None:
    page.context.clear_cookies()
    browser_log_in(page, email)


def _decide(page: Any, reference: str, choice: str, reason: str | None = None) -> None:
    page.goto("/portal/workbench")
    page.get_by_role("row").filter(has_text=reference).get_by_role("link").first.click()
    page.get_by_label(choice).check()
    if reason:
        page.get_by_label("Reason", exact=True).fill(reason)
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(re.compile(r"/portal/workbench\?decided="))


def test_lodge_query_amend_accept_release_download_and_verify(
    page: Any, portal_eport: EPort, tmp_path: Path
) -> None:
    # 1. The trader lodges laptops from Vietnam through the form.
    _as(page, "trader@demo")
    page.goto("/portal/declarations/new")
    fields = {
        "/traderReference": "PO-STORY-1", "/customsOffice": "CNSHA01",
        "/exporter/name": "Saigon Electronics Co.", "/exporter/identifier/value": "0301234567",
        "/placeOfLoading": "VNSGN", "/placeOfUnloading": "CNSHA", "/countryOfDispatch": "VN",
        "/invoiceAmount": "45000.00", "/goodsItems/0/hsCode": "84713090",
        "/goodsItems/0/description": "Portable laptop computers",
        "/goodsItems/0/originCountry": "VN", "/goodsItems/0/quantity": "300",
        "/goodsItems/0/netMass": "600", "/goodsItems/0/grossMass": "650",
        "/goodsItems/0/value": "45000.00", "/goodsItems/0/procedureCode": "4000",
    }  # fmt: skip
    for name, value in fields.items():
        page.locator(f'[name="{name}"]').fill(value)
    page.locator('[name="/exporter/identifier/scheme"]').select_option("TIN")
    page.locator('[name="/goodsItems/0/unit"]').select_option("H87")
    page.get_by_role("button", name="Lodge the declaration").click()
    page.wait_for_url(DECLARATION_URL)
    url = page.url
    agencies = page.locator("#main").inner_text()
    assert "PO-STORY-1" in agencies

    # 2. Customs queries it from the workbench.
    _as(page, "customs@demo")
    _decide(page, "PO-STORY-1", "Query: ask the trader to amend", "Give the laptops' model")

    # 3. The trader sees the query and amends.
    _as(page, "trader@demo")
    page.goto(url)
    assert "Give the laptops' model" in page.locator("#main").inner_text()
    page.get_by_role("link", name="Amend").click()
    page.locator('[name="/goodsItems/0/description"]').fill("Portable laptop computers, model X14")
    page.get_by_label("Reason for the amendment").fill("Model added as customs asked")
    page.get_by_role("button", name=re.compile("amendment", re.I)).click()
    page.wait_for_url(re.compile(r"done=amended"))

    # 4. Every agency accepts in its workbench (customs, and the port for sea cargo).
    detail = page.locator("#main").inner_text()
    _as(page, "customs@demo")
    _decide(page, "PO-STORY-1", "Accept")
    if "port" in detail.lower():
        _as(page, "terminal@demo")
        _decide(page, "PO-STORY-1", "Accept")

    # 5. Customs releases it from the declaration page.
    _as(page, "customs@demo")
    page.goto(url)
    page.get_by_role("button", name="Release the goods").click()
    page.wait_for_url(re.compile(r"done=released"))

    # 6. The trader downloads the release notice as a PDF; its QR code's link verifies it.
    _as(page, "trader@demo")
    page.goto(url)
    with page.expect_download() as download:
        page.locator('a[href$="/release-notice.pdf"]').click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    found = re.search(rb"/verify/d/[A-Z0-9-]+/release-notice\?sha256=[0-9a-f]{64}", pdf)
    assert found, "the PDF carries the verification link"
    page.context.clear_cookies()  # the public page needs no login
    page.goto(found.group(0).decode())
    text = page.locator("#main").inner_text()
    assert "Verified" in text and "Not verified" not in text
    assert "Portable laptop" not in text  # the public page shows no goods
