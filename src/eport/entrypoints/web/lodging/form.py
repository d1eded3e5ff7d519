"""The lodging form as data: inputs named by JSON pointer, turned into the declaration document,
and the API's error pointers mapped back onto the inputs.

Pure functions only (no I/O): the page handlers (``pages.py``) call them, and the bulk upload
(``bulk.py``) builds the same pointer-keyed rows from a spreadsheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eport.kernel.errors import FieldError

MAX_ITEMS = 99  # goods items on one form (the API takes 999; bulk upload for more)
ITEM_DOCUMENTS = 2  # document rows under each goods item
HEADER_DOCUMENTS = 3  # document rows for the whole declaration
# Members the model takes as JSON integers (strict); everything else stays a string.
INTEGERS = frozenset({"sequence", "totalPackages"})
_POINTER = re.compile(r"^(/[A-Za-z]+|/[0-9]{1,3})+$")
_SPLIT = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Built:
    """A document built from form fields, and where each of its list entries came from."""

    document: dict[str, Any]
    # JSON array-entry pointer (e.g. /goodsItems/0) -> the form's pointer (/goodsItems/2)
    origins: dict[str, str] = field(default_factory=dict)

    def form_pointer(self, pointer: str) -> str:
        """The form's pointer for an error pointer of the built document."""
        best = ""
        for json_prefix in self.origins:
            if (pointer == json_prefix or pointer.startswith(json_prefix + "/")) and len(
                json_prefix
            ) > len(best):
                best = json_prefix
        return self.origins[best] + pointer[len(best) :] if best else pointer


def own_side(declaration_type: str) -> str:
    """The party the declarant usually is: the importer of an import, the exporter of an export."""
    return "exporter" if declaration_type == "EX" else "importer"


def _set(tree: dict[str, Any], parts: list[str], value: str) -> None:
    node: Any = tree
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if last:
            node[part] = value
        else:
            node = node.setdefault(part, {})


def _nested(fields: Mapping[str, str]) -> dict[str, Any]:
    """Non-empty fields as a tree; array indexes stay dictionary keys for now."""
    tree: dict[str, Any] = {}
    for name, raw in fields.items():
        if not _POINTER.match(name):
            continue
        value = raw.strip()
        if value:
            _set(tree, name.split("/")[1:], value)
    return tree


def _compact(node: Any, json_at: str, form_at: str, origins: dict[str, str]) -> Any:
    """Turn index-keyed dictionaries into lists (skipping blank rows), recording origins."""
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        out: list[Any] = []
        for key in sorted(node, key=int):
            json_entry, form_entry = f"{json_at}/{len(out)}", f"{form_at}/{key}"
            if json_entry != form_entry:
                origins[json_entry] = form_entry
            out.append(_compact(node[key], json_entry, form_entry, origins))
        return out
    return {k: _compact(v, f"{json_at}/{k}", f"{form_at}/{k}", origins) for k, v in node.items()}


def _typed(node: Any, key: str = "") -> Any:
    if isinstance(node, dict):
        return {k: _typed(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_typed(v) for v in node]
    if key in INTEGERS and node.isdigit():
        return int(node)
    return node


def build_document(fields: Mapping[str, str]) -> Built:
    """The declaration JSON for the posted fields (named by pointer; blanks are left out).

    ``/containers`` is one input of numbers separated by spaces or commas. A blank importer
    (import) or exporter (export) is the declarant, as the form's hint says.
    """
    tree = _nested(fields)
    containers = tree.pop("containers", None)
    if isinstance(containers, str):
        tree["containers"] = [c for c in _SPLIT.split(containers) if c]
    side = own_side(str(tree.get("declarationType", "")))
    if side not in tree and isinstance(tree.get("declarant"), dict):
        tree[side] = tree["declarant"]
    origins: dict[str, str] = {}
    document = _typed(_compact(tree, "", "", origins))
    return Built(document, origins)


def field_for(pointer: str, names: Iterable[str]) -> str | None:
    """The input an error pointer belongs to: itself, the first input under it, or the nearest
    input above it (``/containers/1`` -> ``/containers``)."""
    ordered = list(names)
    known = set(ordered)
    at = pointer
    while at:
        if at in known:
            return at
        under = next((n for n in ordered if n.startswith(at + "/")), None)
        if under is not None:
            return under
        at = at.rsplit("/", 1)[0]
    return None


@dataclass(frozen=True)
class ShownError:
    field: str | None  # the input's pointer, or None (shown in the summary only)
    message: str


def place_errors(
    errors: Iterable[FieldError], built: Built, names: Iterable[str], text: Any
) -> list[ShownError]:
    """Each API error on the input it concerns, in the message ``text(error)`` gives."""
    ordered = list(names)
    return [ShownError(field_for(built.form_pointer(e.pointer), ordered), text(e)) for e in errors]


def item_count(fields: Mapping[str, str]) -> int:
    """How many goods-item rows the posted form had."""
    rows = {
        int(name.split("/")[2])
        for name in fields
        if name.startswith("/goodsItems/") and name.split("/")[2].isdigit()
    }
    return min(max(rows) + 1 if rows else 1, MAX_ITEMS)


def dom_id(pointer: str) -> str:
    """An element id for an input named by pointer (``/goodsItems/0/hsCode`` ->
    ``f-goodsItems-0-hsCode``)."""
    return "f" + pointer.replace("/", "-")


PARTY = ("name", "identifier/scheme", "identifier/value", "country")
HEADER_FIELDS: tuple[str, ...] = (
    "/declarationType",
    "/traderReference",
    "/customsOffice",
    *(f"/{party}/{p}" for party in ("declarant", "importer", "exporter") for p in PARTY),
    "/transport/mode",
    "/transport/identifier",
    "/transport/name",
    "/transport/nationality",
    "/placeOfLoading",
    "/placeOfUnloading",
    "/countryOfDispatch",
    "/countryOfDestination",
    "/incoterm",
    "/currency",
    "/invoiceAmount",
    "/freight",
    "/insurance",
    "/totalPackages",
    "/transportDocument/type",
    "/transportDocument/reference",
    "/containers",
    *(f"/documents/{i}/{p}" for i in range(HEADER_DOCUMENTS) for p in ("type", "reference")),
)
ITEM_FIELDS: tuple[str, ...] = (
    "sequence",
    "hsCode",
    "description",
    "originCountry",
    "quantity",
    "unit",
    "netMass",
    "grossMass",
    "value",
    "procedureCode",
    *(f"documents/{i}/{p}" for i in range(ITEM_DOCUMENTS) for p in ("type", "reference")),
)


def form_names(items: int) -> list[str]:
    """Every input of the form with ``items`` goods-item rows, in page order."""
    return [*HEADER_FIELDS, *(f"/goodsItems/{i}/{f}" for i in range(items) for f in ITEM_FIELDS)]


def defaults(enterprise: Any | None, items: int = 1) -> dict[str, str]:
    """A fresh form: the declarant is the user's enterprise; common choices preselected."""
    values = {
        "/declarationType": "IM",
        "/transport/mode": "1",
        "/incoterm": "FOB",
        "/currency": "USD",
        "/countryOfDestination": "CN",
    }
    if enterprise is not None:
        values |= {
            "/declarant/name": enterprise.name,
            "/declarant/identifier/scheme": enterprise.scheme,
            "/declarant/identifier/value": enterprise.identifier,
        }
        if enterprise.scheme == "USCC":  # China's unified social credit code
            values["/declarant/country"] = "CN"
    for i in range(items):
        values[f"/goodsItems/{i}/sequence"] = str(i + 1)
    return values


def untouched_items_dropped(fields: Mapping[str, str]) -> dict[str, str]:
    """Goods-item rows where only the prefilled sequence is set are left out, so an added row
    left blank does not fail."""
    filled: set[str] = set()
    for name, value in fields.items():
        parts = name.split("/")
        if len(parts) > 3 and parts[1] == "goodsItems" and parts[3] != "sequence" and value.strip():
            filled.add(parts[2])
    return {
        name: value
        for name, value in fields.items()
        if not (name.startswith("/goodsItems/") and name.split("/")[2] not in filled)
    }


# Error codes the form explains in the reader's language (English shows the API's own detail).
CODE_TEXT: dict[str, str] = {
    "required": "Enter this field.",
    "string.empty": "Enter this field.",
    "string.too_long": "This is too long.",
    "string.format": "This does not have the expected format.",
    "type.integer": "Enter a whole number.",
    "type.decimal": "Enter a number, such as 1250.50.",
    "decimal.too_many_digits": "This number has too many digits.",
    "decimal.too_many_places": "This number has too many decimal places.",
    "number.too_small": "This number is too small.",
    "number.too_large": "This number is too large.",
    "code.unknown": "Choose one of the listed codes.",
    "hs_code.format": "An HS code has 6, 8 or 10 digits.",
    "hs_code.unknown": "This is not an HS 2022 code.",
    "country.unknown": "Enter a two-letter ISO country code, such as CN.",
    "currency.unknown": "Enter a three-letter ISO currency code, such as USD.",
    "unit.unknown": "Choose a unit from the list.",
    "transport_mode.unknown": "Choose a transport mode from the list.",
    "incoterm.unknown": "Choose an Incoterms 2020 rule.",
    "locode.invalid": "Enter a UN/LOCODE: country and three characters, such as CNSHA.",
    "container.check_digit": "A container number is four letters, six digits and a check digit.",
    "container.duplicate": "A container is listed twice.",
    "document_type.unknown": "Choose a document type from the list.",
    "identifier.scheme_unknown": "This identifier scheme is not known.",
    "identifier.invalid": "This identifier is not valid for its scheme.",
    "mass.gross_below_net": "Gross mass cannot be less than net mass.",
    "amount.precision": "Too many decimal places for this currency.",
    "sequence.duplicate": "This sequence number is used twice.",
    "document.required": "A document the requirements catalogue asks for is missing.",
    "list.too_short": "Add at least one.",
    "list.too_long": "There are too many of these.",
}
