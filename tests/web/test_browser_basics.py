"""In Debian's chromium: logging in, and the language switch persisting across pages."""

from __future__ import annotations

import re
from typing import Any

from tests.web.conftest import browser_log_in


def test_log_in_and_switch_language_which_persists(page: Any) -> None:
    browser_log_in(page, "trader@demo")
    assert page.get_by_role("heading", name="Your declarations").is_visible()
    page.get_by_label("Language").select_option("zh_Hans")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_url(re.compile(r"/portal$"))
    assert page.get_by_role("heading", name="我的报关单").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    # Another page, and a reload: still Chinese.
    page.goto("/verify")
    assert page.get_by_role("heading", name="核验单证").is_visible()
    page.reload()
    assert page.get_by_role("heading", name="核验单证").is_visible()
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换语言").click()
    assert page.get_by_role("heading", name="Verify a document").is_visible()


def test_log_in_with_the_keyboard_alone(page: Any) -> None:
    page.goto("/login")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("E-mail").focus()
    page.keyboard.type("trader@demo")
    page.keyboard.press("Tab")
    from eport.entrypoints.seed import DEMO_PASSWORD

    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/portal$"))
    assert page.get_by_role("heading", name="Your declarations").is_visible()


def test_a_wrong_password_is_announced(page: Any) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill("trader@demo")
    page.get_by_label("Password").fill("wrong-password-1")
    page.get_by_role("button", name="Log in").last.click()
    alert = page.get_by_role("alert")
    assert "Wrong e-mail, password or code." in alert.inner_text()
    assert page.get_by_label("E-mail").get_attribute("aria-invalid") == "true"
