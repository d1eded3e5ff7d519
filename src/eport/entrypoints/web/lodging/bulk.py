"""Bulk lodging from a spreadsheet: one row per goods item, rows sharing a trader reference
form one declaration (its header columns repeated on each row, or left blank after the first).

Pure functions: reading CSV or XLSX into rows, grouping rows into the same pointer-keyed fields
the lodging form posts, mapping an error pointer back to a row and column, and the templates.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .form import Built, build_document

MAX_BYTES = 2_000_000
MAX_ROWS = 1_000
XLSX_MAGIC = b"PK\x03\x04"

# column -> pointer; header columns first, then the goods item's (under /goodsItems/<n>).
HEADER_COLUMNS: dict[str, str] = {
    "declarationType": "/declarationType",
    "traderReference": "/traderReference",
    "customsOffice": "/customsOffice",
    **{
        f"{party}{col}": f"/{party}/{pointer}"
        for party in ("declarant", "importer", "exporter")
        for col, pointer in (
            ("Name", "name"),
            ("Scheme", "identifier/scheme"),
            ("Identifier", "identifier/value"),
            ("Country", "country"),
        )
    },
    "transportMode": "/transport/mode",
    "transportIdentifier": "/transport/identifier",
    "transportName": "/transport/name",
    "transportNationality": "/transport/nationality",
    "placeOfLoading": "/placeOfLoading",
    "placeOfUnloading": "/placeOfUnloading",
    "countryOfDispatch": "/countryOfDispatch",
    "countryOfDestination": "/countryOfDestination",
    "incoterm": "/incoterm",
    "currency": "/currency",
    "invoiceAmount": "/invoiceAmount",
    "freight": "/freight",
    "insurance": "/insurance",
    "totalPackages": "/totalPackages",
    "transportDocumentType": "/transportDocument/type",
    "transportDocumentReference": "/transportDocument/reference",
    "containers": "/containers",
    "invoiceReference": "/documents/0/reference",
    "packingListReference": "/documents/1/reference",
}
ITEM_COLUMNS: dict[str, str] = {
    "itemSequence": "sequence",
    "hsCode": "hsCode",
    "description": "description",
    "originCountry": "originCountry",
    "quantity": "quantity",
    "unit": "unit",
    "netMass": "netMass",
    "grossMass": "grossMass",
    "value": "value",
    "procedureCode": "procedureCode",
    "itemDocumentType": "documents/0/type",
    "itemDocumentReference": "documents/0/reference",
}
COLUMNS = (*HEADER_COLUMNS, *ITEM_COLUMNS)
# Document types implied by a column (the invoice and the packing list).
IMPLIED = {"/documents/0/type": ("/documents/0/reference", "380"),
           "/documents/1/type": ("/documents/1/reference", "271")}  # fmt: skip


class BulkFileInvalid(ValueError):
    """The file cannot be read as a bulk upload (its message says why, in English)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Row:
    line: int  # the spreadsheet's row number (the header is row 1)
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)


@dataclass
class Group:
    """The rows of one declaration, and the fields built from them."""

    reference: str
    rows: list[Row]
    fields: dict[str, str] = field(default_factory=dict)
    built: Built | None = None
    declaration_id: str | None = None
    replayed: bool = False

    @property
    def ok(self) -> bool:
        return not any(r.errors for r in self.rows)


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(repr(value)))
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    return str(value).strip()


def read_rows(filename: str, content: bytes) -> list[Row]:
    """Rows of a CSV (UTF-8) or XLSX file, keyed by the header row's column names."""
    if len(content) > MAX_BYTES:
        raise BulkFileInvalid("file.too_large", f"The file is larger than {MAX_BYTES} bytes.")
    if content.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        table = _xlsx(content)
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BulkFileInvalid("file.encoding", "Save the CSV file as UTF-8.") from None
        table = ([_cell(c) for c in row] for row in csv.reader(io.StringIO(text)))
    header: list[str] | None = None
    rows: list[Row] = []
    for line, cells in enumerate(table, start=1):
        if header is None:
            header = [c.strip() for c in cells]
            unknown = [c for c in header if c and c not in COLUMNS]
            if "traderReference" not in header or unknown:
                raise BulkFileInvalid(
                    "file.columns",
                    "The first row must name the template's columns"
                    + (f" (unknown: {', '.join(unknown[:5])})." if unknown else "."),
                )
            continue
        values = {h: c for h, c in zip(header, cells, strict=False) if h and c}
        if not values:
            continue
        if len(rows) >= MAX_ROWS:
            raise BulkFileInvalid("file.too_many_rows", f"At most {MAX_ROWS} rows per file.")
        rows.append(Row(line, values))
    if header is None:
        raise BulkFileInvalid("file.empty", "The file is empty.")
    return rows


def _xlsx(content: bytes) -> Iterable[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise BulkFileInvalid("file.unreadable", "This is not a readable XLSX file.") from exc
    sheet = book.worksheets[0]
    out = [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return out


def group_rows(rows: list[Row], _: Callable[..., str]) -> list[Group]:
    """Rows by trader reference, in first-seen order; each group's fields as the form posts
    them. A header value that differs from the group's first row is an error on that row.
    ``_`` translates the messages."""
    groups: dict[str, Group] = {}
    for row in rows:
        reference = row.values.get("traderReference", "")
        if not reference:
            row.errors.append(("traderReference", _("Every row needs the trader reference.")))
            continue
        groups.setdefault(reference, Group(reference, [])).rows.append(row)
    for group in groups.values():
        first = group.rows[0]
        for column, pointer in HEADER_COLUMNS.items():
            if column in first.values:
                group.fields[pointer] = first.values[column]
        for implied, (reference_pointer, code) in IMPLIED.items():
            if reference_pointer in group.fields:
                group.fields[implied] = code
        for index, row in enumerate(group.rows):
            for column in HEADER_COLUMNS:
                value = row.values.get(column)
                if index and value and value != first.values.get(column):
                    row.errors.append(
                        (
                            column,
                            _(
                                "Differs from row %(row)s, this declaration's first.",
                                row=first.line,
                            ),
                        )
                    )
            for column, member in ITEM_COLUMNS.items():
                if column in row.values:
                    group.fields[f"/goodsItems/{index}/{member}"] = row.values[column]
            group.fields.setdefault(f"/goodsItems/{index}/sequence", str(index + 1))
        group.built = build_document(group.fields)
    return list(groups.values())


_BY_POINTER = {p: c for c, p in HEADER_COLUMNS.items()} | {
    "/documents/0/type": "invoiceReference",
    "/documents/1/type": "packingListReference",
}


def place(group: Group, pointer: str) -> tuple[Row, str]:
    """The row and column an error pointer of the group's document belongs to."""
    assert group.built is not None
    at = group.built.form_pointer(pointer)
    parts = at.split("/")
    if len(parts) > 2 and parts[1] == "goodsItems" and parts[2].isdigit():
        row = group.rows[min(int(parts[2]), len(group.rows) - 1)]
        member = "/".join(parts[3:])
        for column, item_member in ITEM_COLUMNS.items():
            if member == item_member or member.startswith(item_member + "/"):
                return row, column
        if member.startswith("documents"):
            return row, "itemDocumentType"
        return row, member or "itemSequence"
    while at:
        found = _BY_POINTER.get(at) or next(
            (c for p, c in _BY_POINTER.items() if p.startswith(at + "/")), None
        )
        if found:
            return group.rows[0], found
        at = at.rsplit("/", 1)[0]
    return group.rows[0], "traderReference"


def key_for(file_digest: str, reference: str) -> str:
    """The Idempotency-Key of a group: the same file uploaded again lodges nothing twice."""
    return f"bulk:{file_digest[:40]}:{reference}"[:255]


def example_rows(declarant: Mapping[str, str]) -> list[list[str]]:
    """Two example rows (one declaration, two goods items) for the templates."""
    header = {
        "declarationType": "IM",
        "traderReference": "EXAMPLE-0001",
        "customsOffice": "CNSHA01",
        "declarantName": declarant.get("/declarant/name", ""),
        "declarantScheme": declarant.get("/declarant/identifier/scheme", ""),
        "declarantIdentifier": declarant.get("/declarant/identifier/value", ""),
        "declarantCountry": declarant.get("/declarant/country", ""),
        "exporterName": "Acme Exports Pty Ltd",
        "exporterScheme": "TIN",
        "exporterIdentifier": "AU51824753556",
        "exporterCountry": "AU",
        "transportMode": "1",
        "transportIdentifier": "IMO9321483",
        "placeOfLoading": "AUMEL",
        "placeOfUnloading": "CNSHA",
        "countryOfDispatch": "AU",
        "countryOfDestination": "CN",
        "incoterm": "FOB",
        "currency": "USD",
        "invoiceAmount": "52000.00",
        "totalPackages": "150",
        "transportDocumentType": "705",
        "transportDocumentReference": "MAEU123456789",
        "containers": "CSQU3054383",
        "invoiceReference": "INV-EXAMPLE-0001",
    }
    items = [
        {"itemSequence": "1", "hsCode": "84713090", "description": "Portable laptop computers",
         "originCountry": "VN", "quantity": "100", "unit": "H87", "netMass": "250.5",
         "grossMass": "300", "value": "45000.00", "procedureCode": "4000"},
        {"itemSequence": "2", "hsCode": "94036000", "description": "Wooden office furniture",
         "originCountry": "AU", "quantity": "50", "unit": "H87", "netMass": "900",
         "grossMass": "1000", "value": "7000.00", "procedureCode": "4000"},
    ]  # fmt: skip
    return [[{**header, **item}.get(c, "") for c in COLUMNS] for item in items]


def csv_template(declarant: Mapping[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(example_rows(declarant))
    return out.getvalue().encode("utf-8")


def xlsx_template(declarant: Mapping[str, str]) -> bytes:
    """The same columns as an Excel workbook; every cell is text, so codes keep their zeros."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "declarations"
    sheet.append(list(COLUMNS))
    for row in example_rows(declarant):
        sheet.append(row)
    for column in sheet.iter_cols(min_row=1, max_row=200, max_col=len(COLUMNS)):
        for cell in column:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
