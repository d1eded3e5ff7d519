"""Turn received bytes into a valid Declaration, or a list of FieldErrors with JSON pointers.

Two passes: the schema and code lists (pydantic), then the business rules that need the whole
document. Every error has a stable code; codes of pydantic's own checks are mapped to ours.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from eport.datamodel import codelists
from eport.datamodel.declaration import Declaration
from eport.kernel.errors import ErrorList, FieldError, ValidationFailed

# pydantic error type -> E-Port's stable code
_CODES: dict[str, str] = {
    "missing": "required",
    "extra_forbidden": "field.unknown",
    "string_type": "type.string",
    "int_type": "type.integer",
    "int_parsing": "type.integer",
    "int_from_float": "type.integer",
    "bool_type": "type.boolean",
    "date_type": "date.invalid",
    "date_parsing": "date.invalid",
    "date_from_datetime_parsing": "date.invalid",
    "float_type": "type.number",
    "decimal_type": "type.decimal",
    "decimal_parsing": "type.decimal",
    "decimal_max_digits": "decimal.too_many_digits",
    "decimal_max_places": "decimal.too_many_places",
    "decimal_whole_digits": "decimal.too_many_digits",
    "finite_number": "decimal.not_finite",
    "greater_than": "number.too_small",
    "greater_than_equal": "number.too_small",
    "less_than_equal": "number.too_large",
    "string_too_short": "string.empty",
    "string_too_long": "string.too_long",
    "string_pattern_mismatch": "string.format",
    "literal_error": "code.unknown",
    "too_short": "list.too_short",
    "too_long": "list.too_long",
    "tuple_type": "type.array",
    "list_type": "type.array",
    "model_type": "type.object",
    "model_attributes_type": "type.object",
    "dict_type": "type.object",
    "json_invalid": "json.invalid",
    "json_type": "json.invalid",
}


def pointer(loc: Iterable[Any]) -> str:
    """An RFC 6901 JSON pointer for a pydantic location tuple."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in loc]
    return "/" + "/".join(parts) if parts else ""


def errors_from_pydantic(exc: ValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors(include_url=False):
        code = _CODES.get(err["type"], err["type"])
        loc = err["loc"]
        if err["type"] in ("json_invalid", "json_type"):
            loc = ()
        out.append(FieldError(pointer(loc), code, err["msg"]))
    # A list whose only item failed is also reported "too short" by pydantic: the item's own
    # errors say more, so drop that echo.
    return [
        e
        for e in out
        if not (
            e.code == "list.too_short" and any(o.pointer.startswith(e.pointer + "/") for o in out)
        )
    ]


def parse_declaration(raw: bytes | str) -> Declaration:
    """Parse and validate a JSON declaration; raise ValidationFailed listing every bad field."""
    try:
        declaration = Declaration.model_validate_json(raw, by_alias=True)
    except ValidationError as exc:
        raise ValidationFailed(errors_from_pydantic(exc)) from None
    check_business_rules(declaration)
    return declaration


def validate_document(document: dict[str, Any]) -> Declaration:
    """Validate an already-decoded document (amendments build one by merging)."""
    try:
        declaration = Declaration.model_validate(document, by_alias=True)
    except ValidationError as exc:
        raise ValidationFailed(errors_from_pydantic(exc)) from None
    check_business_rules(declaration)
    return declaration


def _places(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def check_business_rules(d: Declaration) -> None:
    """Rules that span fields. Raises ValidationFailed with a pointer for each breach."""
    errors = ErrorList()
    if d.declaration_type == "IM" and d.importer is None:
        errors.add("/importer", "required", "An import declaration names the importer.")
    if d.declaration_type == "EX" and d.exporter is None:
        errors.add("/exporter", "required", "An export declaration names the exporter.")
    minor = codelists.currency_exponents()[d.currency]
    for name in ("invoiceAmount", "freight", "insurance"):
        amount = getattr(d, {"invoiceAmount": "invoice_amount"}.get(name, name))
        if _places(amount) > minor:
            errors.add(
                f"/{name}",
                "amount.precision",
                f"{d.currency} amounts have at most {minor} decimal places.",
            )
    seen: set[int] = set()
    for index, item in enumerate(d.goods_items):
        base = f"/goodsItems/{index}"
        if item.sequence in seen:
            errors.add(
                f"{base}/sequence",
                "sequence.duplicate",
                f"Goods item sequence {item.sequence} is used twice.",
            )
        seen.add(item.sequence)
        if item.gross_mass < item.net_mass:
            errors.add(
                f"{base}/grossMass",
                "mass.gross_below_net",
                "Gross mass cannot be less than net mass.",
            )
        if _places(item.value) > minor:
            errors.add(
                f"{base}/value",
                "amount.precision",
                f"{d.currency} amounts have at most {minor} decimal places.",
            )
    if len(set(d.containers)) != len(d.containers):
        errors.add("/containers", "container.duplicate", "A container is listed twice.")
    errors.raise_if_any()
