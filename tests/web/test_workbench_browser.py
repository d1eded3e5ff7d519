"""The officer workbench in Debian's chromium: deciding a task, and the queue updating
itself while it is open."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from eport.bootstrap import EPort
from eport.entrypoints.seed import issue_token
from tests.factories import import_declaration, meat_import
from tests.web.conftest import browser_log_in


def _api(base_url: str, eport: EPort, user: str, method: str, path: str, body: Any) -> Any:
    headers = {
        "Authorization": f"Bearer {issue_token(eport, user)}",
        "Idempotency-Key": uuid.uuid4().hex,
    }
    r = httpx.request(method, f"{base_url}{path}", json=body, headers=headers, timeout=30)
    assert r.status_code < 300, r.text
    return r.json()


def test_an_officer_queries_then_accepts(page: Any, base_url: str, portal_eport: EPort) -> None:
    lodged = _api(base_url, portal_eport, "trader@demo", "POST", "/api/v1/declarations",
                  meat_import(traderReference="PO-BEEF-7"))  # fmt: skip
    browser_log_in(page, "quarantine@demo")
    page.wait_for_url(re.compile(r"/portal/workbench"))
    row = page.get_by_role("row").filter(has_text="PO-BEEF-7")
    row.get_by_role("link").click()
    assert page.get_by_role("heading", name=re.compile(r"^Task ")).is_visible()
    assert page.get_by_text("Frozen boneless beef").first.is_visible()

    # A query without a reason is refused, next to the field.
    page.get_by_label("Query: ask the trader to amend").check()
    page.get_by_role("button", name="Record the decision").click()
    assert "Give the reason" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Reason", exact=True).get_attribute("aria-invalid") == "true"

    page.get_by_label("Query: ask the trader to amend").check()
    page.get_by_label("Reason", exact=True).fill("State the approved plant number")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(re.compile(r"/portal/workbench\?decided="))
    assert "You queried task" in page.get_by_role("status").first.inner_text()

    # The trader amends; the task is back in the pending queue, and the officer accepts.
    amended = meat_import(traderReference="PO-BEEF-7")
    amended["goodsItems"][0]["description"] = "Frozen boneless beef, plant AU-123"
    _api(base_url, portal_eport, "trader@demo", "POST",
         f"/api/v1/declarations/{lodged['id']}/amendments",
         {"reason": "Plant number added", "declaration": amended})  # fmt: skip
    page.goto("/portal/workbench")
    page.get_by_role("row").filter(has_text="PO-BEEF-7").get_by_role("link").click()
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(re.compile(r"/portal/workbench\?decided=.*as=accept"))
    detail = _api(base_url, portal_eport, "trader@demo", "GET",
                  f"/api/v1/declarations/{lodged['id']}", None)  # fmt: skip
    quarantine = next(t for t in detail["agencies"] if t["agency"] == "quarantine")
    assert quarantine["state"] == "accepted"


def test_the_queue_shows_a_new_declaration_by_itself(
    page: Any, base_url: str, portal_eport: EPort
) -> None:
    browser_log_in(page, "customs@demo")
    page.goto("/portal/workbench?poll=2")
    assert page.get_by_text("No tasks match.").is_visible()
    _api(base_url, portal_eport, "trader@demo", "POST", "/api/v1/declarations",
         import_declaration(traderReference="PO-LIVE-1"))  # fmt: skip
    # No reload: the table polls, and the polite live region says what changed.
    page.get_by_role("cell", name="PO-LIVE-1").wait_for(timeout=15_000)
    assert page.locator("#queue-live").inner_text() == "1 new task"
    assert page.locator("#queue-live").get_attribute("aria-live") == "polite"
    assert page.url.endswith("/portal/workbench?poll=2")
