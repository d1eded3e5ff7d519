"""Lodging through HTTP: receipts, validation errors, idempotency, media types and sizes."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from eport.adapters.db import tables as t
from tests.conftest import Api
from tests.factories import import_declaration, item, meat_import


def count(api: Api, table: sa.Table) -> int:
    with api.eport.read_engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def stored_rows(api: Api) -> dict[str, int]:
    return {
        tb.name: count(api, tb)
        for tb in (
            t.declarations,
            t.declaration_revisions,
            t.declaration_items,
            t.tasks,
            t.events,
            t.outbox,
            t.idempotency_keys,
        )
    }


def test_valid_declaration_gets_201_with_receipt_over_exact_bytes(api: Api) -> None:
    raw = json.dumps(meat_import(), indent=1).encode()
    r = api.client.post(
        "/api/v1/declarations",
        content=raw,
        headers=api.headers("trader@demo", "k-1", **{"Content-Type": "application/json"}),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["id"].startswith("DEC-")
    assert body["status"] == "lodged"
    assert body["receipt"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert body["receipt"]["size"] == len(raw)
    assert body["receipt"]["receivedAt"].endswith("Z")
    assert set(body["agencies"]) == {"customs", "quarantine", "port"}
    assert body["agencies"]["quarantine"]["rules"] == ["QUA-FOOD-IM", "QUA-MEAT-VET"]
    assert r.headers["location"] == f"/api/v1/declarations/{body['id']}"
    original = api.get("trader@demo", f"/api/v1/declarations/{body['id']}/revisions/1/original")
    assert original.content == raw


def test_every_bad_field_is_reported_with_a_pointer_and_nothing_is_stored(api: Api) -> None:
    before = stored_rows(api)
    doc = import_declaration(
        currency="XXY",
        incoterm="FOO",
        countryOfDispatch="QQ",
        placeOfLoading="ZZ123",
        containers=["CSQU3054384"],
        invoiceAmount="10.123",
        transport={"mode": "X"},
        declarant={"name": "A", "identifier": {"scheme": "USCC", "value": "91310000MA1FL00010"}},
        goodsItems=[
            item(
                1,
                "999999",
                unit="BOX",
                originCountry="XX",
                netMass="10",
                grossMass="5",
                procedureCode="40",
            ),
            item(1, "12"),
        ],
        unexpected=True,
    )
    r = api.lodge("trader@demo", doc)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["status"] == 422 and problem["code"] == "validation_failed"
    found = {(e["pointer"], e["code"]) for e in problem["errors"]}
    assert {
        ("/currency", "currency.unknown"),
        ("/incoterm", "incoterm.unknown"),
        ("/countryOfDispatch", "country.unknown"),
        ("/placeOfLoading", "locode.invalid"),
        ("/containers/0", "container.check_digit"),
        ("/transport/mode", "transport_mode.unknown"),
        ("/declarant/identifier/value", "identifier.invalid"),
        ("/goodsItems/0/hsCode", "hs_code.unknown"),
        ("/goodsItems/0/unit", "unit.unknown"),
        ("/goodsItems/0/originCountry", "country.unknown"),
        ("/goodsItems/0/procedureCode", "string.format"),
        ("/goodsItems/1/hsCode", "hs_code.format"),
        ("/unexpected", "field.unknown"),
    } <= found, found
    assert all(e["detail"] for e in problem["errors"])
    assert stored_rows(api) == before


def test_business_rules_are_checked_after_the_schema(api: Api) -> None:
    doc = import_declaration(
        invoiceAmount="10.123", goodsItems=[item(1, netMass="10", grossMass="5"), item(1)]
    )
    r = api.lodge("trader@demo", doc)
    assert r.status_code == 422
    found = {(e["pointer"], e["code"]) for e in r.json()["errors"]}
    assert found == {
        ("/invoiceAmount", "amount.precision"),
        ("/goodsItems/0/grossMass", "mass.gross_below_net"),
        ("/goodsItems/1/sequence", "sequence.duplicate"),
    }


def test_import_without_importer_is_refused(api: Api) -> None:
    doc = import_declaration()
    del doc["importer"]
    r = api.lodge("trader@demo", doc)
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {
            "pointer": "/importer",
            "code": "required",
            "detail": "An import declaration names the importer.",
        }
    ]


def test_missing_required_document_names_the_rule(api: Api) -> None:
    doc = meat_import()
    doc["goodsItems"][0]["documents"] = []
    before = stored_rows(api)
    r = api.lodge("trader@demo", doc)
    assert r.status_code == 422
    [error] = r.json()["errors"]
    assert error["pointer"] == "/goodsItems/0/documents"
    assert error["code"] == "document.required"
    assert error["rule"] == "QUA-MEAT-VET"
    assert "QUA-MEAT-VET" in error["detail"] and "853" in error["detail"]
    assert stored_rows(api) == before


def test_malformed_json_is_a_problem_with_the_root_pointer(api: Api) -> None:
    r = api.client.post(
        "/api/v1/declarations",
        content=b'{"declarationType": ',
        headers=api.headers("trader@demo", "k", **{"Content-Type": "application/json"}),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "json.invalid"
    assert r.json()["errors"][0]["pointer"] == ""


def test_wrong_media_type_is_415_and_too_large_is_413(api: Api) -> None:
    r = api.client.post(
        "/api/v1/declarations",
        content=b"<xml/>",
        headers=api.headers("trader@demo", "k", **{"Content-Type": "application/xml"}),
    )
    assert r.status_code == 415
    assert r.headers["content-type"].startswith("application/problem+json")
    big = b'{"x": "' + b"a" * (api.eport.settings.max_body_bytes + 10) + b'"}'
    r = api.client.post(
        "/api/v1/declarations",
        content=big,
        headers=api.headers("trader@demo", "k", **{"Content-Type": "application/json"}),
    )
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")


def test_unauthenticated_is_401(api: Api) -> None:
    r = api.client.post(
        "/api/v1/declarations", json=import_declaration(), headers={"Idempotency-Key": "x"}
    )
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = api.client.get("/api/v1/declarations", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def test_missing_idempotency_key_is_refused(api: Api) -> None:
    r = api.client.post(
        "/api/v1/declarations", json=import_declaration(), headers=api.headers("trader@demo")
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "idempotency_key.required"


def test_same_key_same_body_replays_the_first_answer(api: Api) -> None:
    doc = import_declaration()
    first = api.lodge("trader@demo", doc, key="same")
    before = stored_rows(api)
    again = api.lodge("trader@demo", doc, key="same")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert stored_rows(api) == before


def test_same_key_different_body_is_409(api: Api) -> None:
    api.lodge("trader@demo", import_declaration(), key="k2")
    before = stored_rows(api)
    r = api.lodge("trader@demo", import_declaration(traderReference="OTHER"), key="k2")
    assert r.status_code == 409
    assert r.json()["code"] == "idempotency_key_reused"
    assert stored_rows(api) == before


def test_keys_are_scoped_per_user(api: Api) -> None:
    a = api.lodge("trader@demo", import_declaration(), key="shared")
    b = api.lodge("other@demo", import_declaration(), key="shared")
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


def test_officers_cannot_lodge(api: Api) -> None:
    r = api.lodge("customs@demo", import_declaration())
    assert r.status_code == 403


def test_concurrent_retries_with_one_key_store_one_declaration(api: Api) -> None:
    from concurrent.futures import ThreadPoolExecutor

    doc = import_declaration(traderReference="RACE")
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: api.lodge("trader@demo", doc, key="race"), range(8)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    listing = api.get("trader@demo", "/api/v1/declarations").json()["items"]
    assert [d["traderReference"] for d in listing].count("RACE") == 1


def test_a_replay_returns_the_first_answer_even_after_the_catalogue_changed(api: Api) -> None:
    doc = import_declaration(traderReference="REPLAY")
    first = api.lodge("trader@demo", doc, key="replay-key")
    assert first.status_code == 201
    rule = {
        "code": "NEW-DOC",
        "description": "Laptops now need a certificate.",
        "conditions": {"hsPrefixes": ["8471"]},
        "agencies": ["customs"],
        "documents": [{"type": "929"}],
        "effectiveFrom": "2020-01-01",
    }
    assert api.post("admin@demo", "/api/v1/catalogue/rules", rule).status_code == 201
    again = api.lodge("trader@demo", doc, key="replay-key")
    assert again.status_code == 201 and again.json() == first.json()
    fresh = api.lodge("trader@demo", doc, key="fresh-key")
    assert fresh.status_code == 422 and fresh.json()["errors"][0]["rule"] == "NEW-DOC"


def test_out_of_range_numbers_in_paths_and_queries_are_client_errors(api: Api) -> None:
    huge = 2**63
    r = api.post("trader@demo", f"/api/v1/webhooks/deliveries/{huge}/retry")
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem")
    assert api.get("customs@demo", "/api/v1/tasks", offset=huge).status_code == 400
    assert api.get("admin@demo", "/api/v1/admin/audit", after=huge).status_code == 400
