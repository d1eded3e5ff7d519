"""Duty accounts in double entry, payment orders to the trader's bank, signed bank
confirmations, guarantees, refunds, and release only when duties are paid or guaranteed.
Concurrency: confirmations and guarantees racing on SQLite and PostgreSQL never double-post and
never overdraw a guarantee."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from eport.adapters.db import tables as t
from eport.datamodel.identifiers import make_uscc
from eport.kernel.errors import EPortError
from eport.payments import commands as pc
from tests.conftest import Api
from tests.factories import import_declaration
from tests.pki_client import Operator

BANK = {"scheme": "USCC", "value": make_uscc("91330000MA2800005")}


@pytest.fixture
def paying(api: Api) -> Api:
    api.eport.ensure_ca()
    return api


def lodged(api: Api, amount: int = 1_234_56, ref: str = "PO-PAY-1") -> str:
    """A declaration with duties assessed at ``amount`` fen (CNY minor units)."""
    r = api.lodge("trader@demo", import_declaration(traderReference=ref))
    assert r.status_code == 201, r.text
    did = str(r.json()["id"])
    api.eport.run(
        pc.PostAssessment(actor="system", declaration_id=did, currency="CNY", amount=amount)
    )
    return did


def confirm(api: Api, bank: Operator, order: dict[str, Any], **over: Any) -> Any:
    body = {"amount": order["amount"], "currency": "CNY", "bankReference": "BOC-778812", **over}
    raw = json.dumps(body).encode()
    headers = api.headers("bank@demo", **{"Content-Type": "application/json"})
    headers["X-EPort-Signature"] = bank.sign(raw)
    return api.client.post(
        f"/api/v1/payment-orders/{order['id']}/confirmation", content=raw, headers=headers
    )


def accept_all(api: Api, did: str) -> None:
    officers = {"customs": "customs@demo", "quarantine": "quarantine@demo", "port": "terminal@demo"}
    detail = api.get("trader@demo", f"/api/v1/declarations/{did}").json()
    for task in detail["agencies"]:
        assert api.decide(officers[task["agency"]], task["id"], "accept").status_code == 200


def postings_balance(api: Api) -> int:
    with api.eport.read_engine.connect() as conn:
        rows = conn.execute(sa.select(t.duty_postings.c.amount)).scalars().all()
        debits = sum(rows)
        credits = sum(rows)  # each posting debits one account and credits another by its amount
        by_account: dict[str, int] = {}
        for p in conn.execute(sa.select(t.duty_postings)).mappings():
            by_account[p["debit"]] = by_account.get(p["debit"], 0) + p["amount"]
            by_account[p["credit"]] = by_account.get(p["credit"], 0) - p["amount"]
    assert debits == credits
    return sum(by_account.values())


def test_order_signed_confirmation_then_release(paying: Api, tmp_path: Path) -> None:
    api = paying
    did = lodged(api)
    bank = Operator(api, "bank@demo", tmp_path)
    accept_all(api, did)
    # Cleared, but duties are not paid: customs cannot release yet.
    early = api.post("customs@demo", f"/api/v1/declarations/{did}/release", {"reason": "ok"})
    assert early.status_code == 409 and "neither paid nor guaranteed" in early.json()["detail"]

    order = api.post("trader@demo", f"/api/v1/declarations/{did}/payment-orders", {"bank": BANK})
    assert order.status_code == 201, order.text
    order = order.json()
    assert (order["amount"], order["currency"], order["state"]) == ("1234.56", "CNY", "issued")
    assert [o["id"] for o in api.get("bank@demo", "/api/v1/payment-orders").json()["items"]] == [
        order["id"]
    ]
    assert api.get("other@demo", "/api/v1/payment-orders").status_code == 403

    # Unsigned, wrong amount, a trader's signature: refused, nothing posted.
    unsigned = api.post(
        "bank@demo",
        f"/api/v1/payment-orders/{order['id']}/confirmation",
        {"amount": "1234.56", "currency": "CNY", "bankReference": "X"},
    )
    assert unsigned.status_code == 422
    assert unsigned.json()["errors"][0]["code"] == "signature.required"
    assert confirm(api, bank, order, amount="1234.50").json()["errors"][0]["pointer"] == "/amount"
    trader = Operator(api, "trader@demo", tmp_path)
    assert confirm(api, trader, order).json()["errors"][0]["code"] == "signature.wrong_enterprise"

    done = confirm(api, bank, order)
    assert done.status_code == 200, done.text
    assert done.json()["account"]["settled"] is True and done.json()["state"] == "confirmed"
    again = confirm(api, bank, order)
    assert again.status_code == 409 and again.json()["code"] == "payment_order.not_open"

    released = api.post("customs@demo", f"/api/v1/declarations/{did}/release", {"reason": "ok"})
    assert released.status_code == 200, released.text
    duties = api.get("trader@demo", f"/api/v1/declarations/{did}/duties").json()
    assert [p["kind"] for p in duties["postings"]] == ["assessed", "paid"]
    assert duties["account"]["outstanding"] == "0.00"
    api.drain()
    history = api.get("trader@demo", f"/api/v1/declarations/{did}/history").json()["events"]
    confirmed = [e for e in history if e["type"] == "payment.confirmed"]
    assert confirmed and confirmed[0]["data"]["signer"] == bank.serial
    assert postings_balance(api) == 0


def test_guarantee_lets_release_come_first_within_its_limit(paying: Api, tmp_path: Path) -> None:
    api = paying
    trader_enterprise = api.get("trader@demo", "/api/v1/me").json()["enterprise"]
    assert (
        api.put_json(
            "trader@demo",
            f"/api/v1/guarantees/{trader_enterprise}",
            {"limit": "1", "currency": "CNY"},
        ).status_code
        == 403
    )
    facility = api.put_json(
        "customs@demo",
        f"/api/v1/guarantees/{trader_enterprise}",
        {"limit": "2000.00", "currency": "CNY"},
    )
    assert facility.status_code == 200, facility.text
    first, second = lodged(api, 1_500_00, "G-1"), lodged(api, 1_000_00, "G-2")
    ok = api.post("trader@demo", f"/api/v1/declarations/{first}/guarantee")
    assert ok.status_code == 200 and ok.json()["facility"]["available"] == "500.00"
    over = api.post("trader@demo", f"/api/v1/declarations/{second}/guarantee")
    assert over.status_code == 409 and over.json()["code"] == "guarantee.insufficient"

    accept_all(api, first)
    assert (
        api.post(
            "customs@demo", f"/api/v1/declarations/{first}/release", {"reason": "guaranteed"}
        ).status_code
        == 200
    )
    # Paying later frees the guarantee for the next declaration.
    bank = Operator(api, "bank@demo", tmp_path)
    order = api.post(
        "trader@demo", f"/api/v1/declarations/{first}/payment-orders", {"bank": BANK}
    ).json()
    assert confirm(api, bank, order).status_code == 200
    mine = api.get("trader@demo", "/api/v1/guarantees/mine").json()["guarantee"]
    assert mine["used"] == "0.00"
    assert api.post("trader@demo", f"/api/v1/declarations/{second}/guarantee").status_code == 200
    assert postings_balance(api) == 0


def test_cancellation_and_downward_reassessment_refund(paying: Api, tmp_path: Path) -> None:
    api = paying
    bank = Operator(api, "bank@demo", tmp_path)
    did = lodged(api, 800_00, "R-1")
    order = api.post(
        "trader@demo", f"/api/v1/declarations/{did}/payment-orders", {"bank": BANK}
    ).json()
    assert confirm(api, bank, order).status_code == 200
    # Customs reassesses downward after an inspection: the difference is refunded.
    api.eport.run(
        pc.PostAssessment(actor="customs", declaration_id=did, currency="CNY", amount=650_00)
    )
    account = api.get("trader@demo", f"/api/v1/declarations/{did}/duties").json()
    assert [p["kind"] for p in account["postings"]] == [
        "assessed",
        "paid",
        "reassessed",
        "refunded",
    ]
    assert (
        account["account"]["refunded"] == "150.00" and account["account"]["outstanding"] == "0.00"
    )
    # Cancelling refunds the rest.
    assert (
        api.post(
            "trader@demo", f"/api/v1/declarations/{did}/cancel", {"reason": "order cancelled"}
        ).status_code
        == 200
    )
    account = api.get("trader@demo", f"/api/v1/declarations/{did}/duties").json()["account"]
    assert (account["assessed"], account["refunded"], account["outstanding"]) == (
        "0.00",
        "800.00",
        "0.00",
    )
    assert postings_balance(api) == 0


def test_racing_confirmations_and_guarantees_never_double_post(paying: Api) -> None:
    api = paying
    eport = api.eport
    did = lodged(api, 100_00, "RACE-1")
    order = api.post(
        "trader@demo", f"/api/v1/declarations/{did}/payment-orders", {"bank": BANK}
    ).json()
    bank_id = api.get("bank@demo", "/api/v1/me").json()["enterprise"]

    def confirm_once(n: int) -> str:
        try:
            eport.run(
                pc.ConfirmPayment(
                    actor="bank",
                    bank=bank_id,
                    order_id=order["id"],
                    amount=100_00,
                    currency="CNY",
                    bank_reference=f"R{n}",
                    signature=b"x",
                    signer_serial="1",
                )
            )
            return "ok"
        except EPortError as exc:
            return exc.code

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(confirm_once, range(8)))
    assert outcomes.count("ok") == 1, outcomes
    paid = api.get("trader@demo", f"/api/v1/declarations/{did}/duties").json()["postings"]
    assert [p["kind"] for p in paid].count("paid") == 1

    # Eight declarations of 300.00 race for a 1000.00 guarantee: exactly three get it.
    trader = api.get("trader@demo", "/api/v1/me").json()["enterprise"]
    eport.run(pc.SetGuaranteeFacility(actor="c", enterprise=trader, limit=1000_00, currency="CNY"))
    racers = [lodged(api, 300_00, f"RACE-G{n}") for n in range(8)]

    def guarantee(declaration_id: str) -> str:
        try:
            eport.run(
                pc.GuaranteeDuties(actor="t", declaration_id=declaration_id, enterprise=trader)
            )
            return "ok"
        except EPortError as exc:
            return exc.code

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(guarantee, racers))
    assert results.count("ok") == 3, results
    mine = api.get("trader@demo", "/api/v1/guarantees/mine").json()["guarantee"]
    assert mine["used"] == "900.00"
    assert postings_balance(api) == 0
