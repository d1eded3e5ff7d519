"""In Debian's chromium: an administrator edits a catalogue rule through its form; a trader
grants a delegation with the keyboard alone."""

from __future__ import annotations

import re
from typing import Any

from eport.entrypoints.seed import ENTERPRISES
from tests.web.conftest import browser_log_in

BROKER_USCC = next(uscc for key, uscc, _ in ENTERPRISES if key == "broker")


def test_the_admin_writes_a_catalogue_rule_and_sees_it_listed(page: Any) -> None:
    browser_log_in(page, "admin@demo")
    page.get_by_role("link", name="Agencies and the requirements catalogue").click()
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Code", exact=True).fill("TIMBER")
    page.get_by_label("Description").fill("Timber needs a phytosanitary certificate")
    page.get_by_label("HS prefixes").fill("4403")
    page.get_by_label("Agencies", exact=True).fill("nobody")
    page.get_by_label("Effective from").fill("2026-01-01")
    page.get_by_role("button", name="Save rule").click()
    # The error is announced, linked from the summary and shown next to its field.
    alert = page.get_by_role("alert")
    assert "nobody" in alert.inner_text()
    field = page.get_by_label("Agencies", exact=True)
    assert field.get_attribute("aria-invalid") == "true"
    alert.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "f-agencies"
    field.fill("quarantine")
    page.get_by_role("button", name="Save rule").click()
    page.wait_for_url(re.compile(r"/portal/admin/catalogue/TIMBER"))
    # The next version, through the same form.
    page.get_by_label("Description").fill("Timber and sawn wood")
    page.get_by_role("button", name="Save rule").click()
    page.wait_for_url(re.compile(r"saved=2"))
    versions = page.locator("#versions tbody tr")
    assert versions.count() == 2
    page.get_by_role("link", name="Agencies and the requirements catalogue").click()
    row = page.locator("#rules tr", has_text="TIMBER")
    assert "Timber and sawn wood" in row.inner_text()


def test_a_trader_grants_a_delegation_with_the_keyboard(page: Any) -> None:
    browser_log_in(page, "trader@demo")
    page.get_by_role("link", name="Delegations").click()
    page.wait_for_url(re.compile(r"/portal/delegations"))
    page.get_by_label("Broker's enterprise identifier (USCC)").focus()
    page.keyboard.type(BROKER_USCC)
    page.keyboard.press("Tab")  # "declaration" is ticked already
    assert page.evaluate("document.activeElement.value") == "declaration"
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # tick "amendment"
    assert page.get_by_label("amendment").is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("CNSHA")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-valid_from"
    page.keyboard.type("2026-01-01")
    page.keyboard.press("Tab")
    page.keyboard.type("2027-01-01")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/portal/delegations\?granted=1"))
    assert page.get_by_role("status").inner_text() == "Delegation granted."
    given = page.locator("#given tbody tr")
    assert given.count() == 1
    text = given.first.inner_text()
    assert "Pudong Customs Brokerage" in text and "CNSHA" in text and "2026-01-01" in text


def test_admin_and_account_pages_fit_a_360_pixel_screen(page: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    browser_log_in(page, "admin@demo")
    for path in ("/portal/admin", "/portal/admin/users", "/portal/admin/catalogue",
                 "/portal/admin/rates", "/portal/admin/risk", "/portal/admin/audit"):  # fmt: skip
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
    browser_log_in(page, "trader@demo")
    for path in ("/portal/delegations", "/portal/webhooks"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
