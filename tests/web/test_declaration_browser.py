"""The declaration page in a real browser (Debian chromium): open it, amend it with the
keyboard-reachable form, download the release notice PDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from eport.adapters.db import views
from eport.bootstrap import EPort
from eport.entrypoints.seed import issue_token
from tests.factories import import_declaration
from tests.web.conftest import browser_log_in


def _api(base_url: str, eport: EPort, user: str) -> httpx.Client:
    return httpx.Client(
        base_url=base_url,
        headers={"Authorization": f"Bearer {issue_token(eport, user)}"},
        timeout=30,
    )


def _lodge(base_url: str, eport: EPort) -> str:
    with _api(base_url, eport, "trader@demo") as api:
        r = api.post(
            "/api/v1/declarations", json=import_declaration(), headers={"Idempotency-Key": "b-1"}
        )
        assert r.status_code == 201, r.text
        return str(r.json()["id"])


def _release(base_url: str, eport: EPort, did: str) -> None:
    with _api(base_url, eport, "trader@demo") as api:
        tasks = api.get(f"/api/v1/declarations/{did}").json()["agencies"]
    for task in tasks:
        officer = "customs@demo" if task["agency"] == "customs" else "terminal@demo"
        with _api(base_url, eport, officer) as api:
            r = api.post(f"/api/v1/tasks/{task['id']}/decision", json={"decision": "accept"})
            assert r.status_code == 200, r.text
    with _api(base_url, eport, "customs@demo") as api:
        assert api.post(f"/api/v1/declarations/{did}/release", json={}).status_code == 200


def test_open_amend_and_download_the_release_notice(
    page: Any, base_url: str, portal_eport: EPort, tmp_path: Path
) -> None:
    did = _lodge(base_url, portal_eport)
    browser_log_in(page, "trader@demo")
    page.goto(f"/portal/declarations/{did}")
    assert page.get_by_role("heading", name=f"Declaration {did}").is_visible()

    page.get_by_role("link", name="Amend").click()
    page.wait_for_url(re.compile(r"/amend$"))
    page.get_by_label("Quantity").first.fill("150")
    page.get_by_label("Reason for the amendment").fill("Counted again")
    page.get_by_role("button", name="Send the amendment").click()
    page.wait_for_url(re.compile(r"done=amended"))
    assert page.get_by_text("Your amendment was received: revision 2.").is_visible()
    with portal_eport.read_engine.connect() as conn:
        assert len(views.revisions(conn, did)) == 2

    # A bad value: the error summary takes the user to the field.
    page.goto(f"/portal/declarations/{did}/amend")
    page.get_by_label("HS code").first.fill("12")
    page.get_by_label("Reason for the amendment").fill("typo")
    page.get_by_role("button", name="Send the amendment").click()
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    alert.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "f-goodsItems-0-hsCode"

    _release(base_url, portal_eport, did)
    page.goto(f"/portal/declarations/{did}")
    with page.expect_download() as info:
        page.locator(f'a[href="/portal/declarations/{did}/release-notice.pdf"]').click()
    download = info.value
    assert download.suggested_filename == f"{did}-release.pdf"
    saved = tmp_path / "notice.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")


def test_cancel_from_the_page_with_htmx(page: Any, base_url: str, portal_eport: EPort) -> None:
    did = _lodge(base_url, portal_eport)
    browser_log_in(page, "trader@demo")
    page.goto(f"/portal/declarations/{did}")
    page.get_by_role("link", name="Cancel the declaration").click()
    reason = page.get_by_label("Reason for cancelling")
    reason.wait_for()
    assert page.url.endswith(f"/portal/declarations/{did}")  # htmx loaded the form in place
    reason.fill("Order withdrawn")
    page.get_by_role("button", name="Yes, cancel the declaration").click()
    page.wait_for_url(re.compile(r"done=cancelled"))
    assert page.get_by_text("The declaration is cancelled.").is_visible()
