"""`eport demo`: an import and an export, end to end, through the real HTTP API.

A fresh temporary data directory, a real server on a free local port, the demo country seeded,
and every step printed as it happens.
"""

from __future__ import annotations

import contextlib
import copy
import json
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from rich.console import Console

from eport.bootstrap import EPort, bootstrap
from eport.config import Settings
from eport.datamodel.identifiers import make_uscc
from eport.entrypoints.api.app import create_app
from eport.entrypoints.seed import USERS, issue_token, seed_demo

from .demo_documents import (
    TRADER_USCC,
    bill,
    export_declaration,
    export_manifest,
    import_declaration,
    manifest,
    meat_import,
    meat_manifest,
    national,
)
from .demo_signing import Signer

BANK_USCC = make_uscc("91330000MA2800005")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _server(eport: EPort) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(eport), host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the demo server did not start")
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Walkthrough:
    def __init__(
        self, client: httpx.Client, tokens: dict[str, str], console: Console | None
    ) -> None:
        self.client, self.tokens, self.console = client, tokens, console
        self.steps: list[dict[str, Any]] = []
        self.ok = True

    def call(
        self,
        user: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        expect: int,
        say: str,
        key: bool = False,
        signer: Signer | None = None,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        if key:
            headers["Idempotency-Key"] = uuid.uuid4().hex
        if signer is not None:  # sign the exact bytes sent
            raw = json.dumps(body).encode()
            headers |= {"Content-Type": "application/json", "X-EPort-Signature": signer.sign(raw)}
            r = self.client.request(method, path, content=raw, headers=headers)
        else:
            r = self.client.request(method, path, json=body, headers=headers)
        ok = r.status_code == expect
        self.ok &= ok
        data: dict[str, Any] = r.json() if r.content else {}
        self.steps.append(
            {
                "step": say,
                "user": user,
                "request": f"{method} {path}",
                "status": r.status_code,
                "ok": ok,
            }
        )
        if self.console:
            mark = "[green]✓[/]" if ok else "[red]✗[/]"
            self.console.print(
                f"  {mark} {say}  [dim]{user} · {method} {path} → {r.status_code}[/]"
            )
            if not ok:
                self.console.print(f"    [red]{r.text[:500]}[/]")
        return data

    def status(self, did: str) -> str:
        detail = self.call(
            "trader@demo",
            "GET",
            f"/api/v1/declarations/{did}",
            expect=200,
            say="trader checks the combined status",
        )
        state = str(detail.get("status"))
        agencies = ", ".join(f"{t['agency']}={t['state']}" for t in detail.get("agencies", []))
        if self.console:
            self.console.print(f"    status: [bold]{state}[/]  ({agencies})")
        return state


def _signer(w: Walkthrough, user: str) -> Signer:
    """The user's own client makes a key and gets its certificate from E-Port."""
    signer = Signer()
    issued = w.call(
        user,
        "POST",
        "/api/v1/pki/certificates",
        {"csr": signer.csr()},
        expect=201,
        say=f"{user} gets a certificate for its own key (CSR; the key stays with it)",
    )
    signer.accept(issued["certificate"], issued["chain"][0])
    return signer


def _import(w: Walkthrough) -> dict[str, Any]:
    c = w.console
    if c:
        c.rule("Import: frozen beef and laptops by sea from Melbourne to Shanghai")
    manifest = w.call(
        "carrier@demo",
        "POST",
        "/api/v1/manifests",
        meat_manifest(),
        expect=201,
        key=True,
        say="carrier lodges the cargo manifest before arrival",
    )
    w.call(
        "carrier@demo",
        "POST",
        f"/api/v1/manifests/{manifest.get('id')}/arrival",
        expect=200,
        say="the vessel arrives",
    )
    trader, bank = _signer(w, "trader@demo"), _signer(w, "bank@demo")
    document = national(meat_import())
    dec = w.call(
        "trader@demo",
        "POST",
        "/api/v1/declarations",
        document,
        expect=201,
        key=True,
        signer=trader,
        say="trader lodges one signed import declaration for every agency",
    )
    did, tasks = dec["id"], {a: v["task"] for a, v in dec["agencies"].items()}
    if c:
        routed = "; ".join(f"{a} ({' '.join(v['rules'])})" for a, v in dec["agencies"].items())
        c.print(f"    id {did}; receipt sha256 {dec['receipt']['sha256'][:16]}…")
        c.print(f"    routed to {routed}")
        c.print(
            f"    lane [bold]{dec.get('lane')}[/]; duties {dec.get('duties', {}).get('total')} CNY"
        )
    risk = w.call(
        "customs@demo",
        "GET",
        f"/api/v1/declarations/{did}/risk",
        expect=200,
        say="customs reads why the lane was chosen",
    )
    if c and risk:
        for fired in risk["latest"].get("fired", []):
            c.print(f"    rule {fired['rule']} → {fired['lane']}: {fired['reason']}")
    decisions: dict[str, str] = {}
    w.call(
        "quarantine@demo",
        "POST",
        f"/api/v1/tasks/{tasks['quarantine']}/decision",
        {"decision": "query", "reason": "State the approved plant number of the beef"},
        expect=200,
        say="quarantine queries the beef line",
    )
    w.status(did)
    amended = copy.deepcopy(document)
    amended["goodsItems"][0]["description"] = "Frozen boneless beef, establishment AU-0123"
    result = w.call(
        "trader@demo",
        "POST",
        f"/api/v1/declarations/{did}/amendments",
        {"reason": "Plant number added", "declaration": amended},
        expect=201,
        key=True,
        say="trader amends (revision 2; reassessed)",
    )
    if c and result:
        c.print(f"    diff {result['diff']}; re-routed {result['rerouted']}")
    duties = w.call(
        "trader@demo",
        "GET",
        f"/api/v1/declarations/{did}/assessment",
        expect=200,
        say="trader reads the duties, every line explained",
    )
    if c and duties:
        for line in duties["latest"]["assessment"]["lines"]:
            c.print(
                f"    item {line['item']} {line['kind']:<8} {line['legalReference']:<18}"
                f" {line['amount']['amount']:>12} CNY"
            )
    order = w.call(
        "trader@demo",
        "POST",
        f"/api/v1/declarations/{did}/payment-orders",
        {"bank": {"scheme": "USCC", "value": BANK_USCC}},
        expect=201,
        say="trader sends the payment order to its bank",
    )
    w.call(
        "bank@demo",
        "POST",
        f"/api/v1/payment-orders/{order.get('id')}/confirmation",
        {"amount": order.get("amount"), "currency": "CNY", "bankReference": "BOC-DEMO-0001"},
        expect=200,
        signer=bank,
        say="the bank confirms the payment, signed",
    )
    for agency, user, reason in (
        ("customs", "customs@demo", "Documents checked"),
        ("quarantine", "quarantine@demo", "Plant approved"),
        ("port", "terminal@demo", "Berth and yard slot confirmed"),
    ):
        task = w.call(
            user,
            "GET",
            f"/api/v1/tasks/{tasks[agency]}",
            expect=200,
            say=f"{agency} opens its task",
        )
        if task.get("state") == "pending":
            w.call(
                user,
                "POST",
                f"/api/v1/tasks/{tasks[agency]}/decision",
                {"decision": "accept", "reason": reason},
                expect=200,
                say=f"{agency} accepts",
            )
            decisions[agency] = "accept" if agency != "quarantine" else "query, then accept"
        else:
            decisions[agency] = str(task.get("decision"))
    w.status(did)
    w.call(
        "customs@demo",
        "POST",
        f"/api/v1/declarations/{did}/release",
        {"reason": "All agencies cleared, duties paid"},
        expect=200,
        say="customs releases the goods",
    )
    w.call(
        "terminal@demo",
        "GET",
        f"/api/v1/declarations/{did}/release-notice",
        expect=200,
        say="the terminal receives the sealed release notice",
    )
    w.call(
        "terminal@demo",
        "POST",
        "/api/v1/gate/out",
        {"container": "CSQU3054383"},
        expect=200,
        say="the terminal lets container CSQU3054383 out of the gate",
    )
    final = w.status(did)
    return {"id": did, "final": final, "decisions": decisions, "lane": dec.get("lane")}


def _export(w: Walkthrough) -> dict[str, Any]:
    c = w.console
    if c:
        c.rule("Export: rare-earth oxides and trousers by sea from Shanghai to Rotterdam")
    outbound = w.call(
        "carrier@demo",
        "POST",
        "/api/v1/manifests",
        export_manifest(),
        expect=201,
        key=True,
        say="carrier lodges the outbound manifest (bill MAEU555000111)",
    )
    w.call(
        "carrier@demo",
        "POST",
        f"/api/v1/manifests/{outbound.get('id')}/arrival",
        expect=200,
        say="the vessel berths for loading",
    )
    dec = w.call(
        "trader@demo",
        "POST",
        "/api/v1/declarations",
        export_declaration(transportDocument={"type": "705", "reference": "MAEU555000111"}),
        expect=201,
        key=True,
        say="trader lodges one export declaration",
    )
    did = dec["id"]
    if c:
        c.print(f"    id {did}; routed to {', '.join(dec['agencies'])}")
    officers = {
        "commerce": "commerce@demo",
        "customs": "customs@demo",
        "forex": "forex@demo",
        "tax": "tax@demo",
        "port": "terminal@demo",
    }
    reasons = {
        "commerce": "Export licence MOFCOM-EX-2026-118 valid",
        "forex": "Exporter in good standing",
        "tax": "Registered for export refund",
        "customs": "Green lane",
        "port": "Container booked",
    }
    for agency, user in officers.items():
        task_id = dec["agencies"][agency]["task"]
        task = w.call(
            user, "GET", f"/api/v1/tasks/{task_id}", expect=200, say=f"{agency} opens its task"
        )
        if task.get("state") != "pending":  # e.g. customs on a green lane
            continue
        w.call(
            user,
            "POST",
            f"/api/v1/tasks/{task_id}/decision",
            {"decision": "accept", "reason": reasons[agency]},
            expect=200,
            say=f"{agency} accepts",
        )
    w.status(did)
    w.call(
        "customs@demo",
        "POST",
        f"/api/v1/declarations/{did}/release",
        {},
        expect=200,
        say="customs releases for export (an entry on the E-Ledger)",
    )
    final = w.status(did)
    refund = _forex_and_refund(w, did, outbound.get("id"))
    return {
        "id": did,
        "final": final,
        "decisions": dict.fromkeys(officers, "accept"),
        "refund": refund,
    }


def _forex_and_refund(w: Walkthrough, did: str, manifest_id: Any) -> dict[str, Any]:
    """After release: departure, the bank's signed forex receipt, the forex agency's
    verification, the refund claim, the tax agency's check; a second claim is refused with
    the proof of the first."""
    w.call(
        "carrier@demo",
        "POST",
        f"/api/v1/manifests/{manifest_id}/departure",
        expect=200,
        say="the vessel departs: the export is confirmed departed on the E-Ledger",
    )
    bank = _signer(w, "bank@demo")
    w.call(
        "bank@demo",
        "POST",
        "/api/v1/forex/receipts",
        {
            "bankReference": "BOC-FX-DEMO-0001",
            "exporter": {"scheme": "USCC", "value": TRADER_USCC},
            "amount": "86000.00",
            "currency": "EUR",
            "valueDate": "2026-11-20",
            "remitter": {"name": "Rotterdam Metals BV", "country": "NL"},
            "declarationId": did,
        },
        expect=201,
        signer=bank,
        say="the bank reports the forex receipt, signed",
    )
    verified = w.call(
        "forex@demo",
        "POST",
        "/api/v1/forex/verifications",
        {"declarationIds": [did]},
        expect=200,
        say="the forex agency verifies receipts against the export (recorded on the E-Ledger)",
    )
    claim = w.call(
        "trader@demo",
        "POST",
        "/api/v1/refund-claims",
        {"declarationId": did},
        expect=201,
        say="the exporter claims the export VAT refund",
    )
    checked = w.call(
        "tax@demo",
        "POST",
        f"/api/v1/refund-claims/{claim.get('id')}/check",
        expect=200,
        say="the tax agency checks release, departure, forex and earlier refunds, and refunds",
    )
    second = w.call(
        "trader@demo",
        "POST",
        "/api/v1/refund-claims",
        {"declarationId": did},
        expect=409,
        say="a second refund claim is refused, with the proof of the first",
    )
    answers = [i.get("answer") for i in verified.get("items", [])]
    if w.console:
        w.console.print(
            f"    forex: {', '.join(map(str, answers))}; refund {checked.get('state')} "
            f"{checked.get('amount')} {checked.get('currency')}; second claim: "
            f"{second.get('code')} (first refund at ledger entry "
            f"{(second.get('firstRefund') or {}).get('seq')})"
        )
    return {
        "forex": answers,
        "state": checked.get("state"),
        "amount": checked.get("amount"),
        "second": second.get("code"),
    }


def run_scenarios(eport: EPort, base: str) -> dict[str, str]:
    """The demo import and export through a running server, plus an import left waiting for
    the agencies (so queues are not empty). Returns portal paths worth looking at."""
    tokens = {email: issue_token(eport, email, "demo") for email, *_ in USERS}
    with httpx.Client(base_url=base, timeout=30) as client:
        w = Walkthrough(client, tokens, None)
        imported = _import(w)
        _export(w)
        w.call(
            "carrier@demo",
            "POST",
            "/api/v1/manifests",
            manifest(bill("MAEU777000123", containers=("TGHU8831230",))),
            expect=201,
            key=True,
            say="carrier lodges the next vessel's manifest",
        )
        waiting = w.call(
            "trader@demo",
            "POST",
            "/api/v1/declarations",
            national(
                import_declaration(
                    traderReference="PO-2026-0077",
                    transportDocument={"type": "705", "reference": "MAEU777000123"},
                    containers=["TGHU8831230"],
                )
            ),
            expect=201,
            key=True,
            say="trader lodges another import, left for the agencies",
        )
    task = waiting.get("agencies", {}).get("port", {}).get("task", "")
    return {
        "declaration": f"/portal/declarations/{imported['id']}",
        "waiting": f"/portal/declarations/{waiting.get('id')}",
        "task": f"/portal/workbench/tasks/{task}",
    }


def run_demo(console: Console | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="eport-demo-") as tmp:
        # Everything on, but random selection off so the story is the same every time.
        settings = Settings(
            data_dir=Path(tmp) / "data",
            environment="development",
            risk_yellow_rate=0.0,
            risk_red_rate=0.0,
        )
        eport = bootstrap(settings)
        eport.ensure_ca()
        seed_demo(eport)
        tokens = {email: issue_token(eport, email, "demo") for email, *_ in USERS}
        if console:
            console.print(f"[bold]E-Port demo[/] on a fresh data directory {tmp}")
        with _server(eport) as base, httpx.Client(base_url=base, timeout=30) as client:
            w = Walkthrough(client, tokens, console)
            imported = _import(w)
            exported = _export(w)
            history = w.call(
                "trader@demo",
                "GET",
                f"/api/v1/declarations/{imported['id']}/history",
                expect=200,
                say="trader reads the import's history",
            )
        ok = w.ok and imported["final"] == "released" and exported["final"] == "released"
        if console:
            console.rule()
            console.print(
                f"[{'green' if ok else 'red'}]{'Both scenarios released' if ok else 'FAILED'}[/]"
                f" · {len(history.get('events', []))} events on the import's "
                f"timeline · {len(w.steps)} API calls"
            )
        return {"ok": ok, "import": imported, "export": exported, "steps": w.steps}
