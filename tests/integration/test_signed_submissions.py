"""Signed submissions: a detached CMS made with `openssl cms -sign` over the exact bytes.

E-Port accepts a good one and refuses, with the reason, a signature by a revoked, an expired
or a foreign certificate, by another enterprise's operator, or over other bytes.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from eport.adapters.db import tables as t
from tests.conftest import Api
from tests.factories import import_declaration
from tests.pki_client import Operator, openssl


def lodge_signed(api: Api, user: str, body: bytes, signature: str | None) -> object:
    headers = api.headers(user, key=None, **{"Content-Type": "application/json"})
    headers["Idempotency-Key"] = base64.b16encode(body[-12:]).decode() + str(len(body))
    if signature is not None:
        headers["X-EPort-Signature"] = signature
    return api.client.post("/api/v1/declarations", content=body, headers=headers)


@pytest.fixture
def signing(api: Api, tmp_path: Path) -> Api:
    api.eport.ensure_ca()
    return api


def body(ref: str) -> bytes:
    return json.dumps(import_declaration(traderReference=ref)).encode()


def test_a_signature_made_with_openssl_is_accepted_and_kept(signing: Api, tmp_path: Path) -> None:
    op = Operator(signing, "trader@demo", tmp_path)
    raw = body("SIGNED-1")
    r = lodge_signed(signing, "trader@demo", raw, op.sign(raw))
    assert r.status_code == 201, r.text
    with signing.eport.read_engine.connect() as conn:
        row = conn.execute(
            sa.select(
                t.declaration_revisions.c.signer_serial, t.declaration_revisions.c.signature
            ).where(t.declaration_revisions.c.declaration_id == r.json()["id"])
        ).one()
    assert row[0] == op.serial and row[1]


def test_bad_signatures_are_refused_with_the_reason(signing: Api, tmp_path: Path) -> None:
    op = Operator(signing, "trader@demo", tmp_path)
    raw = body("SIGNED-2")

    def code(response: object) -> str:
        assert response.status_code == 422, response.text  # type: ignore[attr-defined]
        [error] = response.json()["errors"]  # type: ignore[attr-defined]
        assert error["pointer"] == "/signature"
        return str(error["code"])

    # Over other bytes.
    assert (
        code(lodge_signed(signing, "trader@demo", raw, op.sign(body("OTHER"))))
        == "signature.digest_mismatch"
    )
    # Not base64, not CMS.
    assert code(lodge_signed(signing, "trader@demo", raw, "%%%")) == "signature.malformed"
    assert (
        code(lodge_signed(signing, "trader@demo", raw, base64.b64encode(b"junk").decode()))
        == "signature.malformed"
    )
    # Another enterprise's operator.
    other = Operator(signing, "other@demo", tmp_path)
    assert (
        code(lodge_signed(signing, "trader@demo", raw, other.sign(raw)))
        == "signature.wrong_enterprise"
    )
    # A certificate from a CA that is not E-Port's.
    foreign_key, foreign_cert = tmp_path / "f.key", tmp_path / "f.pem"
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        str(foreign_key),
        "-out",
        str(foreign_cert),
        "-subj",
        "/CN=Foreign",
        "-days",
        "30",
        "-addext",
        "keyUsage=critical,digitalSignature,nonRepudiation",
    )
    assert (
        code(lodge_signed(signing, "trader@demo", raw, op.sign(raw, foreign_cert, foreign_key)))
        == "signature.unknown_issuer"
    )
    # Revoked.
    assert (
        signing.post(
            "trader@demo",
            f"/api/v1/pki/certificates/{op.serial}/revoke",
            {"reason": "key_compromise"},
        ).status_code
        == 200
    )
    assert code(lodge_signed(signing, "trader@demo", raw, op.sign(raw))) == "signature.revoked"
    # Nothing was stored by any of them.
    listing = signing.get("trader@demo", "/api/v1/declarations").json()["items"]
    assert all(d["traderReference"] != "SIGNED-2" for d in listing)


def test_an_expired_certificate_is_refused(signing: Api, tmp_path: Path) -> None:
    from eport.pki.model import Purpose, SubjectInfo

    op = Operator(signing, "trader@demo", tmp_path)
    ca = signing.eport.writer.ca
    assert ca is not None
    long_ago = datetime.now(UTC) - timedelta(days=1000)
    old = ca.issue(
        (op.dir / "op.csr").read_bytes(),
        "USR-x",
        Purpose.OPERATOR,
        SubjectInfo("Old", "old@demo", "Shanghai Eastern Trading Co., Ltd.", None),
        long_ago,
    )
    (tmp_path / "old.pem").write_text(old.pem)
    raw = body("SIGNED-3")
    r = lodge_signed(signing, "trader@demo", raw, op.sign(raw, tmp_path / "old.pem"))
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "signature.expired"


def test_a_required_signature_is_enforced(signing: Api, tmp_path: Path) -> None:
    object.__setattr__(signing.eport.settings, "signatures_required", "declaration")
    try:
        r = lodge_signed(signing, "trader@demo", body("UNSIGNED"), None)
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "signature.required"
        op = Operator(signing, "trader@demo", tmp_path)
        raw = body("SIGNED-4")
        assert lodge_signed(signing, "trader@demo", raw, op.sign(raw)).status_code == 201
    finally:
        object.__setattr__(signing.eport.settings, "signatures_required", "")


def test_an_officer_signs_a_decision(signing: Api, tmp_path: Path) -> None:
    dec = signing.lodge("trader@demo", import_declaration()).json()
    task = dec["agencies"]["customs"]["task"]
    officer = Operator(signing, "customs@demo", tmp_path)
    trader = Operator(signing, "trader@demo", tmp_path)
    raw = json.dumps({"decision": "accept", "reason": "Documents in order"}).encode()

    def decide(signature: str) -> object:
        headers = signing.headers("customs@demo", **{"Content-Type": "application/json"})
        headers["X-EPort-Signature"] = signature
        return signing.client.post(f"/api/v1/tasks/{task}/decision", content=raw, headers=headers)

    refused = decide(trader.sign(raw))  # a trader's certificate cannot sign for customs
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert refused.json()["errors"][0]["code"] == "signature.wrong_agency"  # type: ignore[attr-defined]
    accepted = decide(officer.sign(raw))
    assert accepted.status_code == 200, accepted.text  # type: ignore[attr-defined]
    events = signing.get("trader@demo", f"/api/v1/declarations/{dec['id']}/history").json()
    decided = [e for e in events["events"] if e["type"] == "task.decided"]
    assert decided[0]["data"]["signer"] == officer.serial
    assert base64.b64decode(decided[0]["data"]["signature"])


def test_a_delegation_signed_by_the_grantor(signing: Api, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from eport.datamodel.identifiers import make_uscc

    now = datetime.now(UTC)
    raw = json.dumps(
        {
            "grantee": {"scheme": "USCC", "value": make_uscc("91310000MA1FL0002")},
            "documentTypes": ["declaration"],
            "validFrom": now.isoformat(),
            "validTo": (now + timedelta(days=7)).isoformat(),
        }
    ).encode()
    trader, broker = (
        Operator(signing, "trader@demo", tmp_path),
        Operator(signing, "broker@demo", tmp_path),
    )

    def grant(signature: str) -> object:
        headers = signing.headers("trader@demo", **{"Content-Type": "application/json"})
        headers["X-EPort-Signature"] = signature
        return signing.client.post("/api/v1/delegations", content=raw, headers=headers)

    refused = grant(broker.sign(raw))  # the grantee cannot sign its own power of attorney
    assert refused.json()["errors"][0]["code"] == "signature.wrong_enterprise"  # type: ignore[attr-defined]
    assert grant(trader.sign(raw)).status_code == 201  # type: ignore[attr-defined]
    signing.drain()
    entries = signing.get("admin@demo", "/api/v1/admin/audit", limit=1000).json()["entries"]
    granted = [e for e in entries if e["action"] == "delegation.granted"]
    assert granted and granted[-1]["detail"]["signer"] == trader.serial


def test_a_detached_jws_with_an_x5c_chain_is_accepted(signing: Api, tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from joserfc import jwk, jws

    op = Operator(signing, "trader@demo", tmp_path)
    chain = [
        x509.load_pem_x509_certificate(p.read_bytes()) for p in (op.cert, op.dir / "issuing.pem")
    ]
    x5c = [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain]
    key = jwk.import_key(op.key.read_bytes(), "EC")
    raw = body("JWS-1")

    def detached(payload: bytes, header_chain: list[str]) -> str:
        token = jws.serialize_compact({"alg": "ES256", "x5c": header_chain}, payload, key)
        head, _, sig = token.split(".")
        return f"{head}..{sig}"

    def lodge(value: str, data: bytes) -> object:
        headers = signing.headers("trader@demo", key=None, **{"Content-Type": "application/json"})
        headers["Idempotency-Key"] = value[-16:]
        headers["X-EPort-JWS"] = value
        return signing.client.post("/api/v1/declarations", content=data, headers=headers)

    ok = lodge(detached(raw, x5c), raw)
    assert ok.status_code == 201, ok.text  # type: ignore[attr-defined]
    bad = lodge(detached(body("OTHER"), x5c), raw)
    assert bad.json()["errors"][0]["code"] == "signature.digest_mismatch"  # type: ignore[attr-defined]
    lone = lodge(detached(raw, x5c[:1]), raw)  # no issuing CA in the chain: no path
    assert lone.json()["errors"][0]["code"] == "signature.unknown_issuer"  # type: ignore[attr-defined]
    junk = lodge("not.a.jws", raw)
    assert junk.json()["errors"][0]["code"] == "signature.malformed"  # type: ignore[attr-defined]


def test_an_agency_issues_a_signed_e_certificate_that_openssl_verifies_sealed(
    signing: Api, tmp_path: Path
) -> None:
    from tests.factories import meat_import

    dec = signing.lodge("trader@demo", meat_import()).json()
    did, task = dec["id"], dec["agencies"]["quarantine"]["task"]
    officer = Operator(signing, "quarantine@demo", tmp_path)
    raw = json.dumps({"type": "856", "remarks": "Inspected at Yangshan, no findings"}).encode()

    def issue(user: str, task_id: str, content: bytes, signature: str | None = None) -> object:
        headers = signing.headers(user, **{"Content-Type": "application/json"})
        if signature is not None:
            headers["X-EPort-Signature"] = signature
        return signing.client.post(
            f"/api/v1/tasks/{task_id}/e-certificates", content=content, headers=headers
        )

    # Only on goods the agency accepted; only its own task; only certificate types.
    early = issue("quarantine@demo", task, raw)
    assert early.status_code == 409  # type: ignore[attr-defined]
    assert signing.decide("quarantine@demo", task, "accept").status_code == 200
    assert issue("customs@demo", task, raw).status_code == 404  # type: ignore[attr-defined]
    wrong = issue("quarantine@demo", task, json.dumps({"type": "380"}).encode())
    assert wrong.json()["errors"][0]["pointer"] == "/type"  # type: ignore[attr-defined]

    issued = issue("quarantine@demo", task, raw, officer.sign(raw))
    assert issued.status_code == 201, issued.text  # type: ignore[attr-defined]
    number = issued.json()["id"]  # type: ignore[attr-defined]
    listed = signing.get("trader@demo", f"/api/v1/declarations/{did}/e-certificates").json()
    assert [(c["id"], c["type"], c["signed"]) for c in listed["items"]] == [(number, "856", True)]

    der = signing.client.get(
        f"/api/v1/declarations/{did}/e-certificates/{number}",
        headers={**signing.headers("trader@demo"), "Accept": "application/pkcs7-mime"},
    )
    assert der.status_code == 200
    (tmp_path / "ecert.p7m").write_bytes(der.content)
    (tmp_path / "root.pem").write_bytes(signing.client.get("/pki/root.crt").content)
    out = openssl(
        "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "ecert.p7m"),
        "-CAfile", str(tmp_path / "root.pem"),
    )  # fmt: skip
    document = json.loads(out.stdout)
    assert document["type"] == "eport.e-certificate/1"
    assert (document["certificateType"], document["agency"]) == ("856", "quarantine")
    assert document["officerSignature"]["signer"] == officer.serial
    assert document["goods"][0]["hsCode"] == meat_import()["goodsItems"][0]["hsCode"]
    # The officer's own signature inside verifies over the bytes the officer sent.
    (tmp_path / "officer.der").write_bytes(base64.b64decode(document["officerSignature"]["cms"]))
    (tmp_path / "request.json").write_bytes(raw)
    openssl(
        "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "officer.der"),
        "-content", str(tmp_path / "request.json"), "-CAfile", str(tmp_path / "root.pem"),
        "-purpose", "any",
    )  # fmt: skip
