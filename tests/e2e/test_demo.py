"""`eport demo` runs both scenarios to release through a real server."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_eport_demo_json_reaches_release_for_import_and_export() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "eport", "demo", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    summary = json.loads(out.stdout)
    assert summary["ok"] is True
    assert summary["import"]["final"] == "released"
    assert summary["import"]["decisions"]["quarantine"] == "query, then accept"
    # ARCHITECTURE §4: manifest → declaration → lane → assessment → bank payment → agency
    # decisions → release → gate-out.
    assert summary["import"]["lane"] == "yellow"
    said = [step["step"] for step in summary["steps"]]
    for expected in (
        "carrier lodges the cargo manifest before arrival",
        "trader lodges one signed import declaration for every agency",
        "trader reads the duties, every line explained",
        "the bank confirms the payment, signed",
        "customs releases the goods",
        "the terminal lets container CSQU3054383 out of the gate",
    ):
        assert expected in said, expected
    assert (
        said.index("the bank confirms the payment, signed")
        < said.index("customs releases the goods")
        < said.index("the terminal lets container CSQU3054383 out of the gate")
    )
    assert summary["export"]["final"] == "released"
    assert set(summary["export"]["decisions"]) == {"commerce", "customs", "forex", "tax", "port"}
    # ARCHITECTURE §4, export: release → departure → forex receipt → verification → refund
    # claim → refund; a second claim is refused.
    assert summary["export"]["refund"] == {
        "forex": ["matched"], "state": "granted", "amount": "11180.00",
        "second": "refund.already_granted",
    }  # fmt: skip
    order = [
        "customs releases for export (an entry on the E-Ledger)",
        "the vessel departs: the export is confirmed departed on the E-Ledger",
        "the bank reports the forex receipt, signed",
        "the forex agency verifies receipts against the export (recorded on the E-Ledger)",
        "the exporter claims the export VAT refund",
        "the tax agency checks release, departure, forex and earlier refunds, and refunds",
        "a second refund claim is refused, with the proof of the first",
    ]
    assert [said.index(s) for s in order] == sorted(said.index(s) for s in order)
    assert all(step["ok"] for step in summary["steps"])


def test_healthz_and_api_docs_are_served(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from litestar.testing import TestClient

    from eport.bootstrap import bootstrap
    from eport.config import Settings
    from eport.entrypoints.api.app import create_app

    eport = bootstrap(Settings(data_dir=tmp_path))
    with TestClient(create_app(eport)) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        schema = client.get("/api/docs/openapi.json").json()
        assert "/api/v1/declarations" in schema["paths"]
        assert client.get("/api/docs").status_code == 200
