"""WCAG 2.1 A and AA rules checked by axe-core (from npm, pinned in web/assets) in chromium,
on the portal's pages, in English and in Chinese, at desktop and phone widths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import browser_log_in

AXE = (
    Path(__file__).resolve().parents[2]
    / "src/eport/entrypoints/web/assets/node_modules/axe-core/axe.min.js"
)
PUBLIC = ["/login", "/verify", "/status", "/"]
TRADER = ["/portal"]


def violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag',"
        " values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})"
        for v in result["violations"]
    ]


@pytest.fixture
def axe() -> Path:
    if not AXE.exists():
        pytest.fail("axe-core is not installed: bash scripts/assets.sh")
    return AXE


@pytest.mark.parametrize("width", [1280, 360])
def test_public_pages(page: Any, axe: Path, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    for path in PUBLIC:
        page.goto(path)
        assert violations(page) == [], path


def test_trader_pages_in_both_languages(page: Any, axe: Path) -> None:
    browser_log_in(page, "trader@demo")
    for lang in ("en", "zh_Hans"):
        page.context.add_cookies([{"name": "eport_lang", "value": lang, "url": page.url}])
        for path in TRADER:
            page.goto(path)
            assert violations(page) == [], (lang, path)


def test_no_horizontal_scrolling_on_a_phone(page: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    browser_log_in(page, "trader@demo")
    for path in ["/portal", "/verify", "/status"]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path


def test_the_checker_catches_what_it_should(page: Any, axe: Path) -> None:
    page.set_content("<html><body><input id='x'><p style='color:#aaa;background:#fff'>low</p>")
    found = " ".join(violations(page))
    assert "label" in found and "color-contrast" in found
