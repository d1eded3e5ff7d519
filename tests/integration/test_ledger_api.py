"""The E-Ledger from outside: every release is on the log; signed tree heads verify with
openssl; `eport ledger verify` checks an export or an entry with no database; editing,
deleting or reordering stored rows is detected; the witness detects a forked log."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from eport.adapters.db import tables as t
from eport.ledger.commands import AppendEntry
from eport.ledger.entries import canonical
from tests.conftest import Api
from tests.factories import import_declaration
from tests.pki_client import openssl


@pytest.fixture
def ledger_api(api: Api) -> Api:
    api.eport.ensure_ca()
    return api


def released(api: Api, ref: str) -> str:
    d = api.lodge("trader@demo", import_declaration(traderReference=ref)).json()
    officers = {"customs": "customs@demo", "port": "terminal@demo", "quarantine": "quarantine@demo"}
    for agency, task in d["agencies"].items():
        assert api.decide(officers[agency], task["task"], "accept").status_code == 200
    r = api.post("customs@demo", f"/api/v1/declarations/{d['id']}/release", {"reason": "ok"})
    assert r.status_code == 200, r.text
    return str(d["id"])


def eport_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eport", "ledger", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def export(api: Api, tmp_path: Path, name: str) -> Path:
    r = api.get("customs@demo", "/api/v1/ledger/export")
    assert r.status_code == 200, r.text
    path = tmp_path / name
    path.write_text(r.text)
    return path


def test_releases_are_on_the_log_and_heads_verify_with_openssl(
    ledger_api: Api, tmp_path: Path
) -> None:
    api = ledger_api
    base = api.client.get("/ledger/head").json()["treeSize"]  # the seeded licence is on it
    first, second = released(api, "L-1"), released(api, "L-2")
    head = api.client.get("/ledger/head").json()  # public: hashes only
    assert head["treeSize"] == base + 2
    # openssl checks E-Port's signature over the head.
    (tmp_path / "seal.pem").write_text(head["certificate"])
    pub = openssl("x509", "-in", str(tmp_path / "seal.pem"), "-noout", "-pubkey").stdout
    (tmp_path / "pub.pem").write_text(pub)
    root_hex = base64.b64decode(head["rootHash"]).hex()
    message = f"eport-sth/1\n{base + 2}\n{root_hex}\n{head['timestamp']}"
    (tmp_path / "msg").write_bytes(message.encode())
    (tmp_path / "sig").write_bytes(base64.b64decode(head["signature"]))
    verified = openssl(
        "dgst", "-sha256", "-verify", str(tmp_path / "pub.pem"), "-signature",
        str(tmp_path / "sig"), str(tmp_path / "msg"),
    )  # fmt: skip
    assert "Verified OK" in verified.stdout

    entry = api.get("customs@demo", f"/api/v1/ledger/entries/{base + 1}").json()
    assert entry["entry"]["declarationId"] == second and entry["entry"]["type"] == "customs.release"
    assert api.get("trader@demo", "/api/v1/ledger/entries/0").status_code == 403
    (tmp_path / "entry.json").write_text(json.dumps(entry))
    (tmp_path / "root.pem").write_bytes(api.client.get("/pki/root.crt").content)
    (tmp_path / "issuing.pem").write_bytes(api.client.get("/pki/issuing.crt").content)
    ok = eport_cli(
        "verify", str(tmp_path / "entry.json"), "--root", str(tmp_path / "root.pem"),
        "--issuing", str(tmp_path / "issuing.pem"),
    )  # fmt: skip
    assert ok.returncode == 0 and "VERIFIED" in ok.stdout, ok.stdout + ok.stderr
    whole = eport_cli("verify", str(export(api, tmp_path, "log.json")))
    assert whole.returncode == 0, whole.stdout
    entries = json.loads((tmp_path / "log.json").read_text())["entries"]
    assert first in base64.b64decode(entries[base]["data"]).decode()


@pytest.mark.parametrize("tamper", ["edit", "delete_middle", "delete_last", "reorder"])
def test_tampering_with_stored_rows_is_detected(
    ledger_api: Api, tmp_path: Path, tamper: str
) -> None:
    api = ledger_api
    for n in range(4):
        api.eport.run(AppendEntry(actor="t", data=canonical({"n": n, "kind": "test"})))
    seen = tmp_path / "seen.json"
    seen.write_text(json.dumps(api.client.get("/ledger/head").json()))
    assert (
        eport_cli(
            "verify", str(export(api, tmp_path, "before.json")), "--head", str(seen)
        ).returncode
        == 0
    )
    e = t.ledger_entries
    with api.eport.write_engine.begin() as conn:
        if tamper == "edit":
            conn.execute(e.update().where(e.c.seq == 1).values(data=canonical({"n": 99})))
        elif tamper == "delete_middle":
            conn.execute(e.delete().where(e.c.seq == 2))
        elif tamper == "delete_last":
            last = conn.execute(sa.select(sa.func.max(e.c.seq))).scalar_one()
            conn.execute(e.delete().where(e.c.seq == last))
            conn.execute(t.ledger_heads.delete())  # and the operator signs a shorter head
        else:
            rows = {r.seq: r for r in conn.execute(sa.select(e).where(e.c.seq.in_([0, 1])))}
            for a, b in ((0, 1), (1, 0)):
                conn.execute(
                    e.update()
                    .where(e.c.seq == a)
                    .values(data=rows[b].data, leaf_hash=rows[b].leaf_hash)
                )
    after = eport_cli("verify", str(export(api, tmp_path, "after.json")), "--head", str(seen))
    assert after.returncode == 1 and "NOT VERIFIED" in after.stdout, (tamper, after.stdout)


def test_the_witness_detects_a_forked_log(ledger_api: Api, tmp_path: Path) -> None:
    from eport.entrypoints.demo import _server

    api = ledger_api
    for n in range(3):
        api.eport.run(AppendEntry(actor="t", data=canonical({"n": n})))
    size = api.client.get("/ledger/head").json()["treeSize"]
    state = tmp_path / "witness.json"
    with _server(api.eport) as base:
        first = eport_cli("witness", base, "--state", str(state), "--once")
        assert first.returncode == 0 and f"tree of {size} " in first.stdout, first.stdout
        api.eport.run(AppendEntry(actor="t", data=canonical({"n": 3})))
        grown = eport_cli("witness", base, "--state", str(state), "--once")
        assert grown.returncode == 0 and f"tree of {size + 1} " in grown.stdout, grown.stdout
        # The operator rewrites history: a different log, longer than the one witnessed.
        with api.eport.write_engine.begin() as conn:
            for table in (t.ledger_heads, t.ledger_nodes, t.ledger_entries):
                conn.execute(table.delete())
        for n in range(size + 3):
            api.eport.run(AppendEntry(actor="t", data=canonical({"forged": n})))
        forked = eport_cli("witness", base, "--state", str(state), "--once")
    assert forked.returncode == 1 and "fork" in forked.stdout, forked.stdout


def test_a_released_export_is_confirmed_departed_on_the_log(ledger_api: Api) -> None:
    from tests.factories import export_declaration, manifest

    api = ledger_api
    m = api.client.post(
        "/api/v1/manifests", json=manifest(), headers=api.headers("carrier@demo", "out-1")
    ).json()
    assert api.post("carrier@demo", f"/api/v1/manifests/{m['id']}/arrival").status_code == 200
    d = api.lodge("trader@demo", export_declaration()).json()  # names bill MAEU123456789
    officers = {"commerce": "commerce@demo", "customs": "customs@demo", "forex": "forex@demo",
                "tax": "tax@demo", "port": "terminal@demo"}  # fmt: skip
    for agency, task in d["agencies"].items():
        assert api.decide(officers[agency], task["task"], "accept").status_code == 200
    assert api.post("customs@demo", f"/api/v1/declarations/{d['id']}/release").status_code == 200
    assert api.post("carrier@demo", f"/api/v1/manifests/{m['id']}/departure").status_code == 200
    log = api.get("customs@demo", "/api/v1/ledger/export").json()["entries"]
    kinds = [json.loads(base64.b64decode(e["data"])) for e in log]
    assert [k["type"] for k in kinds][-2:] == ["customs.release", "export.departed"]
    assert kinds[-1]["declarationId"] == d["id"] and kinds[-1]["bill"] == "MAEU123456789"
