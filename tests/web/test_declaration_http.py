"""The declaration page over HTTP: who sees it, amending and cancelling through the forms, the
sealed downloads (verified with openssl), the PDF's QR link and the public check it opens."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from typer.testing import CliRunner

from eport.adapters.db import views
from eport.bootstrap import EPort
from eport.entrypoints.cli import app as cli_app
from eport.entrypoints.seed import issue_token
from tests.factories import import_declaration
from tests.pki_client import openssl
from tests.web.conftest import csrf, log_in


def _bearer(eport: EPort, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(eport, user)}"}


def lodge(web: TestClient[Any], eport: EPort, doc: dict[str, Any] | None = None) -> str:
    r = web.post(
        "/api/v1/declarations",
        json=doc or import_declaration(),
        headers={**_bearer(eport, "trader@demo"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def release(web: TestClient[Any], eport: EPort, did: str) -> None:
    detail = web.get(f"/api/v1/declarations/{did}", headers=_bearer(eport, "trader@demo")).json()
    officers = {"customs": "customs@demo", "port": "terminal@demo"}
    for task in detail["agencies"]:
        r = web.post(
            f"/api/v1/tasks/{task['id']}/decision",
            json={"decision": "accept"},
            headers=_bearer(eport, officers[task["agency"]]),
        )
        assert r.status_code == 200, r.text
    r = web.post(
        f"/api/v1/declarations/{did}/release", json={}, headers=_bearer(eport, "customs@demo")
    )
    assert r.status_code == 200, r.text


def revisions(eport: EPort, did: str) -> list[dict[str, Any]]:
    with eport.read_engine.connect() as conn:
        return views.revisions(conn, did)


def test_the_owner_sees_the_page_and_another_trader_gets_404(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    did = lodge(web, portal_eport)
    log_in(web, "trader@demo")
    page = web.get(f"/portal/declarations/{did}")
    assert page.status_code == 200
    text = page.text
    assert did in text and "PO-2026-0001" in text and "Portable laptop computers" in text
    assert "customs" in text and "port" in text  # a timeline per agency
    assert 'scope="col"' in text and "table-wrap" in text
    assert f'href="/portal/declarations/{did}/amend"' in text
    assert f"/portal/declarations/{did}/receipt.pdf" in text
    assert "release-notice.pdf" not in text  # not released yet

    other = TestClient(web.app)
    with other:
        log_in(other, "other@demo")
        assert other.get(f"/portal/declarations/{did}").status_code == 404
        assert other.get(f"/portal/declarations/{did}/amend").status_code == 404
        assert other.get(f"/portal/declarations/{did}/receipt.p7m").status_code == 404
    # The customs officer opens it (routed to customs) but is offered no amendment.
    officer = TestClient(web.app)
    with officer:
        log_in(officer, "customs@demo")
        seen = officer.get(f"/portal/declarations/{did}")
        assert seen.status_code == 200 and "your agency" in seen.text
        assert "/amend" not in seen.text


def test_amending_through_the_form_makes_revision_2(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    did = lodge(web, portal_eport)
    log_in(web, "trader@demo")
    form = web.get(f"/portal/declarations/{did}/amend")
    assert form.status_code == 200
    assert (
        'name="/goodsItems/0/quantity"' in form.text
        and 'for="f-goodsItems-0-quantity"' in form.text
    )
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.text)
    assert key
    data = {
        "_csrf_token": csrf(web, f"/portal/declarations/{did}/amend"),
        "idempotency_key": key.group(1),
        "reason": "Quantity miscounted",
        "/traderReference": "PO-2026-0001",
        "/goodsItems/0/quantity": "120",
        "/goodsItems/0/hsCode": "84713090",
        "/goodsItems/0/documents/0/type": "861",
        "/goodsItems/0/documents/0/reference": "CO-VN-1",
    }
    r = web.post(f"/portal/declarations/{did}/amend", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/portal/declarations/{did}?done=amended"
    revs = revisions(portal_eport, did)
    assert [x["revision"] for x in revs] == [1, 2] and revs[1]["reason"] == "Quantity miscounted"
    changed = {d["pointer"] for d in revs[1]["diff"]}
    assert "/goodsItems/0/quantity" in changed and "/goodsItems/0/documents/0" in changed
    # Sending the same form again (a double click) makes no third revision.
    again = web.post(f"/portal/declarations/{did}/amend", data=data, follow_redirects=False)
    assert again.status_code == 303
    assert len(revisions(portal_eport, did)) == 2
    shown = web.get(r.headers["location"]).text
    assert "revision 2" in shown and "Quantity miscounted" in shown


def test_bad_amendments_show_errors_next_to_their_fields_and_change_nothing(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    did = lodge(web, portal_eport)
    log_in(web, "trader@demo")
    token = csrf(web, f"/portal/declarations/{did}/amend")
    r = web.post(
        f"/portal/declarations/{did}/amend",
        data={"_csrf_token": token, "idempotency_key": "k-1", "reason": "typo",
              "/goodsItems/0/hsCode": "84x", "/goodsItems/0/quantity": "-5"},
    )  # fmt: skip
    assert r.status_code == 422, r.text
    text = r.text
    assert 'role="alert"' in text and 'href="#f-goodsItems-0-hsCode"' in text
    field = re.search(r'<input id="f-goodsItems-0-hsCode"[^>]*>', text)
    assert field and 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="f-goodsItems-0-hsCode-error"' in field.group(0)
    assert 'id="f-goodsItems-0-hsCode-error"' in text
    assert 'value="84x"' in text  # what was typed is kept
    # No reason: the error is next to the reason.
    r = web.post(
        f"/portal/declarations/{did}/amend",
        data={"_csrf_token": token, "idempotency_key": "k-2", "reason": " ",
              "/goodsItems/0/quantity": "99"},
    )  # fmt: skip
    assert r.status_code == 422 and 'id="f-reason-error"' in r.text
    # Both at once: every problem is listed, each next to its field.
    r = web.post(
        f"/portal/declarations/{did}/amend",
        data={"_csrf_token": token, "idempotency_key": "k-3", "reason": "",
              "/goodsItems/0/hsCode": "12"},
    )  # fmt: skip
    assert r.status_code == 422
    assert 'id="f-reason-error"' in r.text and 'id="f-goodsItems-0-hsCode-error"' in r.text
    assert len(revisions(portal_eport, did)) == 1


def test_cancel_asks_for_confirmation_and_a_reason(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    did = lodge(web, portal_eport)
    log_in(web, "trader@demo")
    confirm = web.get(f"/portal/declarations/{did}/cancel")
    assert confirm.status_code == 200 and 'id="cancel-form"' in confirm.text
    token = csrf(web, f"/portal/declarations/{did}/cancel")
    empty = web.post(
        f"/portal/declarations/{did}/cancel", data={"_csrf_token": token, "reason": ""}
    )
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.text
    done = web.post(
        f"/portal/declarations/{did}/cancel",
        data={"_csrf_token": token, "reason": "Order withdrawn"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = web.get(done.headers["location"]).text
    assert "The declaration is cancelled." in page and "s-cancelled" in page
    assert f"/portal/declarations/{did}/cancel" not in page


def test_sealed_downloads_verify_with_openssl_and_the_qr_link_says_verified(
    web: TestClient[Any], portal_eport: EPort, tmp_path: Path
) -> None:
    did = lodge(web, portal_eport)
    release(web, portal_eport, did)
    log_in(web, "trader@demo")
    root = tmp_path / "root.pem"
    root.write_bytes(portal_eport.writer.ca.root_pem())  # type: ignore[union-attr]
    for kind in ("receipt", "release-notice"):
        r = web.get(f"/portal/declarations/{did}/{kind}.p7m")
        assert r.status_code == 200 and r.headers["content-type"].startswith(
            "application/pkcs7-mime"
        )
        (tmp_path / f"{kind}.p7m").write_bytes(r.content)
        out = openssl(
            "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / f"{kind}.p7m"),
            "-CAfile", str(root),
        )  # fmt: skip
        assert json.loads(out.stdout)["declarationId"] == did
        # `eport verify` too (in a thread: the browser tests leave an event loop running here).
        with ThreadPoolExecutor(1) as pool:
            args = ["verify", str(tmp_path / f"{kind}.p7m"), "--root", str(root)]
            cli = pool.submit(CliRunner().invoke, cli_app, args).result()
        assert cli.exit_code == 0, cli.output
        # The digest of the very file downloaded checks on the public page.
        digest = hashlib.sha256(r.content).hexdigest()
        assert r.headers["x-eport-verify-url"].endswith(f"/verify/d/{did}/{kind}?sha256={digest}")

    pdf = web.get(f"/portal/declarations/{did}/release-notice.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    url = pdf.headers["x-eport-verify-url"]
    assert url.encode() in pdf.content  # the QR code's link annotation
    path = url[url.index("/verify/d/") :]

    public = TestClient(web.app)  # no session
    with public:
        ok = public.get(path)
        assert ok.status_code == 200 and "Verified" in ok.text and "Not verified" not in ok.text
        assert did in ok.text and "released" in ok.text
        assert "Portable laptop computers" not in ok.text  # never the goods
        tampered = path[:-4] + ("0000" if not path.endswith("0000") else "1111")
        bad = public.get(tampered)
        assert bad.status_code == 200 and "Not verified" in bad.text
        other_kind = public.get(path.replace("/release-notice?", "/receipt?"))
        assert "Not verified" in other_kind.text
        assert "Not verified" in public.get(f"/verify/d/{did}/release-notice").text
        assert "Not verified" in public.get("/verify/d/..~x/receipt?sha256=" + "0" * 64).text


def test_the_release_notice_is_refused_before_release(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    did = lodge(web, portal_eport)
    log_in(web, "trader@demo")
    assert web.get(f"/portal/declarations/{did}/release-notice.pdf").status_code == 409
    receipt = web.get(f"/portal/declarations/{did}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")


def test_the_page_speaks_chinese_and_the_public_check_is_rate_limited(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    did = lodge(web, portal_eport)
    log_in(web, "trader@demo")
    web.cookies.set("eport_lang", "zh_Hans")
    text = web.get(f"/portal/declarations/{did}").text
    assert f"报关单 {did}" in text and "监管部门" in text and "报关单已申报" in text
    public = TestClient(web.app)
    with public:
        codes = [public.get(f"/verify/d/{did}/receipt?sha256=" + "0" * 64).status_code
                 for _ in range(25)]  # fmt: skip
    assert codes[0] == 200 and codes[-1] == 429
