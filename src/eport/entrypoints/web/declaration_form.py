"""The amendment form: which parts of a declaration it edits, named by JSON pointer, and how
the posted fields make the whole amended document the API takes (``AmendDeclaration``).

Inputs are named by pointer (``/goodsItems/0/quantity``), so the pointers of the API's
problem+json (``/declaration/goodsItems/0/quantity``) map straight back to their fields. The
form only copies what was typed into the current document; validation is the command's.
"""

from __future__ import annotations

import copy
import re
from typing import Any

# (pointer, label): the header fields a trader typically corrects.
HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("/traderReference", "Your reference"),
    ("/customsOffice", "Customs office"),
    ("/incoterm", "Incoterm"),
    ("/currency", "Currency"),
    ("/invoiceAmount", "Invoice amount"),
    ("/freight", "Freight"),
    ("/insurance", "Insurance"),
    ("/placeOfLoading", "Place of loading"),
    ("/placeOfUnloading", "Place of unloading"),
    ("/countryOfDispatch", "Country of dispatch"),
    ("/countryOfDestination", "Country of destination"),
    ("/transport/identifier", "Means of transport (IMO number, flight, plate)"),
    ("/transport/name", "Vessel, flight or vehicle name"),
    ("/transportDocument/reference", "Transport document reference"),
    ("/containers", "Container numbers (separated by commas)"),
    ("/totalPackages", "Number of packages"),
)
# (key, label) of each goods item.
ITEM_FIELDS: tuple[tuple[str, str], ...] = (
    ("hsCode", "HS code"),
    ("description", "Description"),
    ("originCountry", "Country of origin"),
    ("quantity", "Quantity"),
    ("unit", "Unit"),
    ("netMass", "Net mass (kg)"),
    ("grossMass", "Gross mass (kg)"),
    ("value", "Value"),
)
DOCUMENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("type", "Document type"),
    ("reference", "Reference"),
)
LABELS = tuple(label for _, label in HEADER_FIELDS + ITEM_FIELDS + DOCUMENT_FIELDS)
MAX_FIELD = 2000
_DOC_POINTER = re.compile(r"^(/goodsItems/\d{1,3})?/documents/(\d{1,3})/(type|reference)$")


def field_id(pointer: str) -> str:
    """An HTML id for a pointer: ``/goodsItems/0/hsCode`` → ``f-goodsItems-0-hsCode``."""
    return "f" + re.sub(r"[^A-Za-z0-9_-]", "-", pointer)


def value_at(document: Any, pointer: str) -> str:
    """The form's text for a pointer (lists of containers joined by commas)."""
    node: Any = document
    for part in pointer.strip("/").split("/"):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return ""
        if node is None:
            return ""
    if isinstance(node, list):
        return ", ".join(str(x) for x in node)
    return "" if isinstance(node, dict) else str(node)


def document_rows(document: dict[str, Any], base: str) -> list[str]:
    """Pointers of the document rows under ``base`` (``""`` or ``/goodsItems/0``): the ones
    there are and one empty row to add another."""
    owner: Any = document if not base else document["goodsItems"][int(base.rsplit("/", 1)[1])]
    count = len(owner.get("documents") or [])
    return [f"{base}/documents/{i}" for i in range(count + 1)]


def pointers(document: dict[str, Any]) -> set[str]:
    """Every input the form shows for ``document``."""
    found = {p for p, _ in HEADER_FIELDS}
    for row in document_rows(document, ""):
        found |= {f"{row}/{k}" for k, _ in DOCUMENT_FIELDS}
    for n, _item in enumerate(document.get("goodsItems") or []):
        found |= {f"/goodsItems/{n}/{k}" for k, _ in ITEM_FIELDS}
        for row in document_rows(document, f"/goodsItems/{n}"):
            found |= {f"{row}/{k}" for k, _ in DOCUMENT_FIELDS}
    return found


def _set(document: dict[str, Any], pointer: str, value: Any) -> None:
    parts = pointer.strip("/").split("/")
    node: Any = document
    for part in parts[:-1]:
        if isinstance(node, list):
            node = node[int(part)]
            continue
        if not isinstance(node.get(part), dict | list):
            if value is None:
                return
            node[part] = {}
        node = node[part]
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def _documents(
    posted: dict[str, str], base: str, rows: list[str], before: list[Any]
) -> list[dict[str, Any]]:
    out = []
    for i, row in enumerate(rows):
        kind = posted.get(f"{row}/type", "").strip()
        reference = posted.get(f"{row}/reference", "").strip()
        if not kind and not reference:
            continue  # an empty row: dropped (or never filled in)
        kept = dict(before[i]) if i < len(before) and isinstance(before[i], dict) else {}
        out.append({**kept, "type": kind, "reference": reference})
    return out


def amended(current: dict[str, Any], posted: dict[str, str]) -> dict[str, Any]:
    """The current document with the posted fields written in; fields left empty are removed
    (the command reports those that are required)."""
    document = copy.deepcopy(current)
    shown = pointers(current)
    values = {k: v[:MAX_FIELD] for k, v in posted.items() if k in shown}
    for pointer, _label in HEADER_FIELDS:
        if pointer not in values:
            continue
        text = values[pointer].strip()
        value: Any = text or None
        if pointer == "/containers":
            value = [c for c in re.split(r"[\s,;]+", text) if c] or None
        elif pointer == "/totalPackages" and text.isdigit():
            value = int(text)
        _set(document, pointer, value)
    for n, item in enumerate(document.get("goodsItems") or []):
        for key, _label in ITEM_FIELDS:
            pointer = f"/goodsItems/{n}/{key}"
            if pointer in values:
                _set(document, pointer, values[pointer].strip() or None)
        base = f"/goodsItems/{n}"
        if any(_DOC_POINTER.match(p) and p.startswith(base + "/") for p in values):
            rows = document_rows(current, base)
            item["documents"] = _documents(values, base, rows, item.get("documents") or [])
    if any(p.startswith("/documents/") for p in values):
        rows = document_rows(current, "")
        document["documents"] = _documents(values, "", rows, current.get("documents") or [])
    return document


def problems(
    errors: list[Any], shown: set[str]
) -> tuple[dict[str, str], list[tuple[str, str | None]]]:
    """The command's field errors as (message per form pointer, summary entries (message,
    id of the field to go to)). ``/declaration/…`` pointers are the form's ``/…``; an error
    on something the form does not show links to its nearest shown ancestor, if any."""
    by_field: dict[str, str] = {}
    summary: list[tuple[str, str | None]] = []
    for e in errors:
        pointer = e.pointer
        if pointer.startswith("/declaration"):
            pointer = pointer[len("/declaration") :]
        target = pointer
        while target and target not in shown and target != "/reason":
            target = target.rsplit("/", 1)[0]
        if target:
            by_field.setdefault(target, e.message)
        summary.append((e.message, field_id(target) if target else None))
    return by_field, summary
