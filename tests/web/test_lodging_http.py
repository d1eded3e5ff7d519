"""Lodging in the portal over HTTP (no browser): the form, its errors, HS search, requirement
hints and bulk upload, all through the API's lodging path."""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any

import sqlalchemy as sa
from litestar.testing import TestClient

from eport.adapters.db import tables as t
from eport.adapters.db import views
from eport.bootstrap import EPort
from eport.entrypoints.web.lodging import bulk as lodging_bulk
from eport.entrypoints.web.lodging.form import build_document, field_for, form_names
from tests.factories import SUPPLIER
from tests.web.conftest import csrf, log_in


def _form(web: TestClient[Any], path: str = "/portal/declarations/new") -> dict[str, str]:
    return _form_from(web.get(path).text)


def _form_from(page: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for m in re.finditer(r'<input id="[^"]*" name="([^"]+)" value="([^"]*)"', page):
        fields[m.group(1)] = html.unescape(m.group(2))
    for m in re.finditer(r'name="(nonce|_csrf_token)" value="([^"]+)"', page):
        fields[m.group(1)] = m.group(2)
    for m in re.finditer(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', m.group(2))
        fields[m.group(1)] = chosen.group(1) if chosen else ""
    return fields


def _good_import(fields: dict[str, str], reference: str = "PO-WEB-1") -> dict[str, str]:
    fields.update({
        "/traderReference": reference,
        "/customsOffice": "CNSHA01",
        "/exporter/name": SUPPLIER["name"],
        "/exporter/identifier/scheme": "TIN",
        "/exporter/identifier/value": SUPPLIER["identifier"]["value"],
        "/exporter/country": "AU",
        "/transport/identifier": "IMO9321483",
        "/placeOfLoading": "VNSGN",
        "/placeOfUnloading": "CNSHA",
        "/countryOfDispatch": "VN",
        "/invoiceAmount": "45000.00",
        "/totalPackages": "100",
        "/containers": "CSQU3054383",
        "/documents/0/type": "380",
        "/documents/0/reference": "INV-1",
        "/goodsItems/0/hsCode": "84713090",
        "/goodsItems/0/description": "Portable laptop computers",
        "/goodsItems/0/originCountry": "VN",
        "/goodsItems/0/quantity": "100",
        "/goodsItems/0/unit": "H87",
        "/goodsItems/0/netMass": "250.5",
        "/goodsItems/0/grossMass": "300",
        "/goodsItems/0/value": "45000.00",
        "/goodsItems/0/procedureCode": "4000",
    })  # fmt: skip
    return fields


def _count(eport: EPort) -> int:
    with eport.read_engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(t.declarations)).scalar())


def test_the_pure_form_builder_keeps_strings_and_maps_pointers_back() -> None:
    built = build_document({
        "/declarationType": "IM", "/declarant/name": "A", "/totalPackages": "12",
        "/containers": "CSQU3054383, MSCU1234565", "/goodsItems/0/sequence": "1",
        "/goodsItems/2/sequence": "3", "/goodsItems/2/value": "10.50", "/freight": " ",
        "_csrf_token": "x",
    })  # fmt: skip
    doc = built.document
    assert doc["totalPackages"] == 12 and doc["goodsItems"][1]["value"] == "10.50"
    assert doc["containers"] == ["CSQU3054383", "MSCU1234565"] and "freight" not in doc
    assert doc["importer"] == {"name": "A"}  # a blank importer of an import is the declarant
    assert built.form_pointer("/goodsItems/1/value") == "/goodsItems/2/value"
    names = form_names(3)
    assert field_for("/containers/1", names) == "/containers"
    assert field_for("/goodsItems/0/documents", names) == "/goodsItems/0/documents/0/type"


def test_lodge_through_the_form(web: TestClient[Any], portal_eport: EPort) -> None:
    log_in(web, "trader@demo")
    fields = _form(web)
    assert fields["/declarant/identifier/value"]  # prefilled from the enterprise
    r = web.post("/portal/declarations", data=_good_import(fields), follow_redirects=False)
    assert r.status_code == 303, r.text[:3000]
    declaration_id = r.headers["location"].rsplit("/", 1)[1]
    with portal_eport.read_engine.connect() as conn:
        header = views.declaration_header(conn, declaration_id)
    assert header is not None and header["trader_reference"] == "PO-WEB-1"
    trader = portal_eport.writer.run(lambda uow: uow.identity.user_by_email("trader@demo"))
    assert header["owner_id"] == trader.enterprise
    # A double submit (same nonce, same fields) lodges nothing twice.
    again = web.post("/portal/declarations", data=fields, follow_redirects=False)
    assert again.headers["location"] == r.headers["location"]
    assert _count(portal_eport) == 1


def test_errors_are_shown_next_to_their_fields_and_nothing_is_stored(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    log_in(web, "trader@demo")
    fields = _good_import(_form(web))
    fields |= {"/goodsItems/0/hsCode": "12", "/currency": "XXQ", "/placeOfLoading": ""}
    r = web.post("/portal/declarations", data=fields)
    assert r.status_code == 422
    page = r.text
    assert 'role="alert"' in page and 'href="#f-goodsItems-0-hsCode"' in page
    hs_input = re.search(r'<input id="f-goodsItems-0-hsCode"[^>]*>', page)
    assert hs_input and 'aria-invalid="true"' in hs_input.group(0)
    assert "f-goodsItems-0-hsCode-error" in hs_input.group(0)
    assert re.search(r'id="f-goodsItems-0-hsCode-error">[^<]*6, 8 or 10 digits', page)
    assert re.search(r'id="f-currency-error">[^<]*ISO 4217', page)
    assert 'id="f-placeOfLoading-error"' in page
    assert 'value="XXQ"' in page  # what was typed is kept
    assert _count(portal_eport) == 0


def test_the_catalogue_asks_for_a_veterinary_certificate_next_to_the_item(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    log_in(web, "trader@demo")
    fields = _good_import(_form(web)) | {"/goodsItems/0/hsCode": "02023000"}
    r = web.post("/portal/declarations", data=fields)
    assert r.status_code == 422
    assert re.search(r'id="f-goodsItems-0-documents-0-type-error">[^<]*Veterinary', r.text)
    assert _count(portal_eport) == 0


def test_add_a_goods_item_lodges_nothing(web: TestClient[Any], portal_eport: EPort) -> None:
    log_in(web, "trader@demo")
    fields = _good_import(_form(web))
    r = web.post("/portal/declarations", data=fields | {"action": "add-item"})
    assert r.status_code == 200 and 'name="/goodsItems/1/hsCode"' in r.text
    assert 'value="Portable laptop computers"' in r.text
    assert _count(portal_eport) == 0
    # The added row left blank is ignored when lodging.
    fields = _form_from(r.text)
    lodged = web.post("/portal/declarations", data=fields, follow_redirects=False)
    assert lodged.status_code == 303, lodged.text[:2000]


def test_hs_search_by_words_and_by_code(web: TestClient[Any]) -> None:
    log_in(web, "trader@demo")
    page = web.get("/portal/hs", params={"q": "bovine frozen boneless"})
    assert page.status_code == 200 and "020230" in page.text and "<table>" in page.text
    fragment = web.get("/portal/hs", params={"q": "0202"}, headers={"HX-Request": "true"})
    assert fragment.text.strip().startswith("<option") and 'value="0202' in fragment.text
    # HTMX sends the input under its pointer name.
    by_input = web.get(
        "/portal/hs", params={"item": "1", "/goodsItems/1/hsCode": "8471"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert 'value="8471' in by_input.text and "<html" not in by_input.text


def test_hints_show_the_veterinary_certificate_for_meat(web: TestClient[Any]) -> None:
    log_in(web, "trader@demo")
    r = web.get(
        "/portal/requirements", params={"type": "IM", "hs": "02023000", "origin": "AU"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert r.status_code == 200 and "<html" not in r.text
    assert "QUA-MEAT-VET" in r.text and "853 Veterinary certificate" in r.text
    assert "quarantine" in r.text.lower()
    laptops = web.get("/portal/requirements", params={"type": "IM", "hs": "84713090"})
    assert "QUA-MEAT-VET" not in laptops.text and "CUS-ALL" in laptops.text
    # The form's fallback without JavaScript: "Check requirements".
    fields = _good_import(_form(web)) | {"/goodsItems/0/hsCode": "02023000", "action": "check"}
    checked = web.post("/portal/declarations", data=fields)
    assert checked.status_code == 200 and "QUA-MEAT-VET" in checked.text


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=lodging_bulk.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _template_rows(web: TestClient[Any]) -> list[dict[str, str]]:
    text = web.get("/portal/declarations/bulk/template.csv").text
    return list(csv.DictReader(io.StringIO(text)))


def test_bulk_csv_lodges_the_good_declaration_and_reports_the_bad_rows(
    web: TestClient[Any], portal_eport: EPort
) -> None:
    log_in(web, "trader@demo")
    good = _template_rows(web)
    bad = [dict(r, traderReference="BAD-1") for r in good]
    bad[1]["hsCode"] = "9"  # row 5 of the file
    bad[0]["currency"] = bad[1]["currency"] = "ZZZ"  # a header column: reported on row 4
    bad[1]["description"] = "Other"
    content = _csv(good + bad)
    token = csrf(web, "/portal/declarations/bulk")
    r = web.post(
        "/portal/declarations/bulk",
        files={"file": ("decl.csv", content, "text/csv")},
        data={"_csrf_token": token},
    )
    assert r.status_code == 200, r.text[:2000]
    assert "1 of 2 declarations lodged." in r.text
    row5 = re.search(r'<th scope="row">5</th>(.*?)</tr>', r.text, re.S)
    assert row5 and "<code>hsCode</code>" in row5.group(1) and "Not lodged" in row5.group(1)
    row4 = re.search(r'<th scope="row">4</th>(.*?)</tr>', r.text, re.S)
    assert row4 and "<code>currency</code>" in row4.group(1)
    assert "<code>currency</code>" not in row5.group(1)
    with portal_eport.read_engine.connect() as conn:
        refs = [row[0] for row in conn.execute(sa.select(t.declarations.c.trader_reference))]
    assert refs == ["EXAMPLE-0001"]
    # The same file again lodges nothing twice.
    again = web.post(
        "/portal/declarations/bulk",
        files={"file": ("decl.csv", content, "text/csv")},
        data={"_csrf_token": token},
    )
    assert "already lodged" in again.text and _count(portal_eport) == 1


def test_the_xlsx_template_round_trips(web: TestClient[Any], portal_eport: EPort) -> None:
    log_in(web, "trader@demo")
    xlsx = web.get("/portal/declarations/bulk/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    r = web.post(
        "/portal/declarations/bulk",
        files={"file": ("t.xlsx", xlsx.content, "application/octet-stream")},
        data={"_csrf_token": csrf(web, "/portal/declarations/bulk")},
    )
    assert "1 of 1 declarations lodged." in r.text, r.text[-3000:]
    assert _count(portal_eport) == 1


def test_a_broken_file_is_refused_and_officers_cannot_lodge(web: TestClient[Any]) -> None:
    log_in(web, "trader@demo")
    r = web.post(
        "/portal/declarations/bulk",
        files={"file": ("x.csv", b"foo,bar\n1,2\n", "text/csv")},
        data={"_csrf_token": csrf(web, "/portal/declarations/bulk")},
    )
    assert r.status_code == 422 and 'role="alert"' in r.text
    web.cookies.clear()
    log_in(web, "customs@demo")
    assert web.get("/portal/declarations/new").status_code == 403
