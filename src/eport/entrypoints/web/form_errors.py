"""Forms over the API's models: a posted form is validated by the same pydantic model the API
uses, and the problems (JSON pointers, as in the API's problem+json) are mapped back onto the
form's fields, so each message shows next to its field and in the error summary."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from eport.datamodel.validation import errors_from_pydantic
from eport.kernel.errors import FieldError, ValidationFailed

M = TypeVar("M", bound=BaseModel)

GENERAL = ""  # errors no field owns: listed in the summary only


def validate(model: type[M], values: Mapping[str, Any]) -> M:
    """``values`` keyed as the API's JSON (camelCase); ValidationFailed with its pointers."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        raise ValidationFailed(errors_from_pydantic(exc)) from None


def split_list(value: str | None) -> list[str]:
    """A comma- (or space-) separated list typed into one field."""
    return [v for v in (value or "").replace(",", " ").split() if v]


def or_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _message(error: FieldError, _: Callable[..., str]) -> str:
    generic = {
        "required": _("Fill this in."),
        "string.empty": _("Fill this in."),
        "list.too_short": _("Give at least one."),
        "date.invalid": _("Use a date like 2026-01-31."),
        "datetime.invalid": _("Use a date like 2026-01-31."),
        "string.format": _("This is not in the expected format."),
        "string.too_long": _("This is too long."),
        "type.decimal": _("Give a number."),
    }
    return generic.get(error.code, error.message)


def field_errors(
    exc: ValidationFailed, fields: Mapping[str, str], _: Callable[..., str]
) -> dict[str, str]:
    """Form field name -> message, from the pointers of ``exc``. ``fields`` maps a pointer (or
    a pointer prefix: ``/conditions/hsPrefixes`` owns ``/conditions/hsPrefixes/0``) to the
    field; the longest match wins; others go under ``GENERAL``. One message per field."""
    out: dict[str, str] = {}
    for error in exc.errors:
        owner = GENERAL
        best = -1
        for pointer, name in fields.items():
            if (error.pointer == pointer or error.pointer.startswith(pointer + "/")) and len(
                pointer
            ) > best:
                owner, best = name, len(pointer)
        message = _message(error, _)
        if owner == GENERAL and error.pointer:
            message = f"{error.pointer}: {message}"
        out.setdefault(owner, message)
    return out


def many(data: Mapping[str, Any], key: str) -> list[str]:
    """Every value a repeated form field (checkboxes) sent."""
    value = data.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def one(data: Mapping[str, Any], key: str, limit: int = 2000) -> str:
    """A single form value, trimmed (the last one if the field was repeated)."""
    value = data.get(key)
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value or "").strip()[:limit]
