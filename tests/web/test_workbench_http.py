"""The officer workbench over HTTP (no browser): the agency's queue, a task, the decision
form and the inspection findings form, checked against the API's own answers."""

from __future__ import annotations

import re
import uuid
from typing import Any

from litestar.testing import TestClient

from eport.bootstrap import EPort
from eport.entrypoints.seed import issue_token
from tests.factories import import_declaration, meat_import
from tests.web.conftest import csrf, log_in


def _bearer(eport: EPort, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(eport, user)}"}


def lodge(web: TestClient[Any], eport: EPort, doc: dict[str, Any]) -> dict[str, Any]:
    r = web.post(
        "/api/v1/declarations",
        json=doc,
        headers={**_bearer(eport, "trader@demo"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def api_get(web: TestClient[Any], eport: EPort, user: str, path: str) -> Any:
    r = web.get(path, headers=_bearer(eport, user))
    assert r.status_code == 200, r.text
    return r.json()


def task_of(web: TestClient[Any], eport: EPort, declaration_id: str, agency: str) -> str:
    detail = api_get(web, eport, "trader@demo", f"/api/v1/declarations/{declaration_id}")
    task_id: str = next(t["id"] for t in detail["agencies"] if t["agency"] == agency)
    return task_id


def test_the_queue_shows_the_agency_its_own_tasks_only(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    meat = lodge(web, portal_eport, meat_import())["id"]
    plain = lodge(web, portal_eport, import_declaration(traderReference="PO-PLAIN"))["id"]
    customs_task = task_of(web, portal_eport, meat, "customs")
    quarantine_task = task_of(web, portal_eport, meat, "quarantine")

    log_in(web, "customs@demo")
    queue = web.get("/portal/workbench")
    assert queue.status_code == 200
    assert customs_task in queue.text and meat in queue.text and plain in queue.text
    assert quarantine_task not in queue.text
    assert "PO-PLAIN" in queue.text  # the declaration's reference
    assert re.search(r"under a minute|\d+ min", queue.text)  # how long it has waited
    assert 'hx-trigger="every 10s"' in queue.text and 'aria-live="polite"' in queue.text
    assert ">Refresh<" in queue.text

    # Filters are a plain GET form: the type, and the lodging dates.
    exports = web.get("/portal/workbench", params={"type": "EX"})
    assert customs_task not in exports.text
    future = web.get("/portal/workbench", params={"from": "2999-01-01"})
    assert customs_task not in future.text
    bad = web.get("/portal/workbench", params={"from": "2026-02-31"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    assert 'role="alert"' in bad.text and 'href="#from"' in bad.text

    # An HTMX poll gets the table alone, and hears of tasks newer than its last look.
    poll = web.get(
        "/portal/workbench",
        params={"since": "2000-01-01T00:00:00+00:00"},
        headers={"HX-Request": "true", "HX-Target": "queue"},
    )
    assert poll.status_code == 200 and "<html" not in poll.text
    assert poll.text.lstrip().startswith("{#") or 'id="queue"' in poll.text
    assert "new tasks" in poll.text and 'hx-swap-oob="innerHTML"' in poll.text

    # The quarantine officer sees the quarantine task, and may not open the customs one.
    log_in(web, "quarantine@demo")
    theirs = web.get("/portal/workbench")
    assert quarantine_task in theirs.text and customs_task not in theirs.text
    assert web.get(f"/portal/workbench/tasks/{customs_task}").status_code == 404
    assert web.get(f"/portal/workbench/tasks/{quarantine_task}").status_code == 200
    # Nor decide it.
    r = web.post(
        f"/portal/workbench/tasks/{customs_task}/decision",
        data={"decision": "accept", "_csrf_token": csrf(web, "/portal/workbench")},
    )
    assert r.status_code == 404


def test_a_trader_has_no_workbench(web: TestClient[Any]) -> None:
    log_in(web, "trader@demo")
    assert web.get("/portal/workbench").status_code == 403


def test_the_task_page_shows_the_goods_documents_and_history(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    meat = lodge(web, portal_eport, meat_import())["id"]
    task = task_of(web, portal_eport, meat, "quarantine")
    log_in(web, "quarantine@demo")
    r = web.get(f"/portal/workbench/tasks/{task}")
    assert r.status_code == 200
    assert "Frozen boneless beef" in r.text and "02023000" in r.text
    assert re.search(r"<li><time[^>]*>[^<]*</time> · Lodged</li>", r.text)  # the history
    assert '<th scope="col">' in r.text
    assert 'name="decision"' in r.text and 'for="reason"' in r.text


def test_query_then_accept_through_the_form(web: TestClient[Any], portal_eport: EPort) -> None:
    meat = lodge(web, portal_eport, meat_import())["id"]
    task = task_of(web, portal_eport, meat, "quarantine")
    log_in(web, "quarantine@demo")
    page = f"/portal/workbench/tasks/{task}"

    # A query needs its reason: the error is next to the field, and summarised.
    r = web.post(
        f"{page}/decision",
        data={"decision": "query", "reason": " ", "_csrf_token": csrf(web, page)},
    )
    assert r.status_code == 422
    assert 'id="reason-error"' in r.text and 'href="#reason"' in r.text
    assert re.search(r'<textarea id="reason"[^>]*aria-invalid="true"', r.text)
    # No choice at all.
    r = web.post(f"{page}/decision", data={"reason": "x", "_csrf_token": csrf(web, page)})
    assert r.status_code == 422 and "Choose accept, reject or query." in r.text

    r = web.post(
        f"{page}/decision",
        data={"decision": "query", "reason": "Give the plant number",
              "_csrf_token": csrf(web, page)},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    assert r.headers["location"] == f"/portal/workbench?decided={task}&as=query"
    assert "You queried task" in web.get(r.headers["location"]).text
    api_task = api_get(web, portal_eport, "quarantine@demo", f"/api/v1/tasks/{task}")
    assert api_task["state"] == "queried" and api_task["reason"] == "Give the plant number"
    declaration = api_get(web, portal_eport, "trader@demo", f"/api/v1/declarations/{meat}")
    assert declaration["status"] == "queried"
    # A queried task is not decided again from the page.
    queried = web.get(page).text
    assert 'name="decision"' not in queried
    assert "Agency decided · quarantine · query: Give the plant number" in queried

    # The trader amends; the task is pending again and the officer accepts it.
    amended = meat_import()
    amended["goodsItems"][0]["description"] = "Frozen boneless beef, plant AU-123"
    r = web.post(
        f"/api/v1/declarations/{meat}/amendments",
        json={"reason": "Plant number added", "declaration": amended},
        headers={**_bearer(portal_eport, "trader@demo"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    r = web.post(
        f"{page}/decision",
        data={"decision": "accept", "revision": "2", "_csrf_token": csrf(web, page)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    api_task = api_get(web, portal_eport, "quarantine@demo", f"/api/v1/tasks/{task}")
    assert api_task["state"] == "accepted" and api_task["decidedBy"]

    # Deciding again clashes with the state: shown on the page, not as a crash.
    r = web.post(f"{page}/decision", data={"decision": "accept", "_csrf_token": csrf(web, page)})
    assert r.status_code in (409, 422)


def test_inspection_findings_through_the_form(web: TestClient[Any], portal_eport: EPort) -> None:
    declaration = lodge(web, portal_eport, import_declaration())["id"]
    task = task_of(web, portal_eport, declaration, "customs")
    order = web.post(
        f"/api/v1/declarations/{declaration}/inspections",
        json={"reason": "Seal broken on arrival"},
        headers=_bearer(portal_eport, "customs@demo"),
    )
    assert order.status_code == 201, order.text
    inspection = order.json()["id"]

    log_in(web, "customs@demo")
    page = f"/portal/workbench/tasks/{task}"
    shown = web.get(page).text
    assert "Seal broken on arrival" in shown
    assert f'action="/portal/workbench/inspections/{inspection}/findings"' in shown
    goods = api_get(web, portal_eport, "customs@demo", f"/api/v1/declarations/{declaration}")
    first = goods["declaration"]["goodsItems"][0]
    seq = first["sequence"]
    action = f"/portal/workbench/inspections/{inspection}/findings"

    # No outcome chosen, and a discrepancy that says nothing: errors next to the fields.
    r = web.post(action, data={"_csrf_token": csrf(web, page)})
    assert r.status_code == 422 and f'id="f-{inspection}-outcome-no_discrepancy-error"' in r.text
    r = web.post(action, data={"outcome": "discrepancy", "_csrf_token": csrf(web, page)})
    assert r.status_code == 422 and f'id="f-{inspection}-corrections-error"' in r.text
    # A bad HS code found: the corrected document fails, next to that box.
    r = web.post(
        action,
        data={"outcome": "discrepancy", f"c-{seq}-hsCode": "12", "_csrf_token": csrf(web, page)},
    )
    assert r.status_code == 422, r.text
    assert f'id="f-{inspection}-c-{seq}-hsCode-error"' in r.text

    # A corrected quantity is recorded.
    found = str(int(float(first["quantity"])) + 5)
    r = web.post(
        action,
        data={"outcome": "discrepancy", f"c-{seq}-quantity": found,
              "remarks": "Five more cartons", "_csrf_token": csrf(web, page)},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"{page}?recorded={inspection}"
    recorded = api_get(web, portal_eport, "customs@demo", f"/api/v1/inspections/{inspection}")
    assert recorded["state"] == "completed" and recorded["outcome"] == "discrepancy"
    assert recorded["corrections"] == [
        {"item": seq, "field": "quantity", "declared": str(first["quantity"]), "found": found}
    ]
    after = web.get(r.headers["location"]).text
    assert "are recorded" in after and "Five more cartons" in after

    # Another agency's officer cannot record findings.
    log_in(web, "quarantine@demo")
    r = web.post(action, data={"outcome": "no_discrepancy", "_csrf_token": csrf(web, "/verify")})
    assert r.status_code == 403


def test_a_poll_after_the_session_ended_sends_the_whole_page_to_login(
    web: TestClient[Any],
) -> None:
    r = web.get(
        "/portal/workbench?poll=10",
        headers={"HX-Request": "true", "HX-Target": "queue"},
        follow_redirects=False,
    )
    assert r.status_code == 200 and r.text == ""
    assert r.headers["HX-Redirect"].startswith("/login?next=/portal/workbench")
