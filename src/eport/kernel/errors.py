"""One exception tree for the whole of E-Port.

    EPortError                      base; carries a stable ``code`` and structured fields
    ├── ValidationFailed            bad input; ``errors`` lists one FieldError per bad field
    ├── NotFound                    no such thing *for this caller* (also hides others' data)
    ├── Unauthenticated             no or bad credentials
    ├── Forbidden                   authenticated, but the policy says no
    ├── Conflict                    the request clashes with current state
    │   ├── InvalidTransition       a state machine refused a transition
    │   └── IdempotencyConflict     the same Idempotency-Key came with a different body
    └── Unavailable                 the store could not take the write; nothing was acknowledged

Only ``entrypoints/api/errors.py`` maps these to HTTP statuses and problem+json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldError:
    """One failing field: a JSON pointer (RFC 6901), a stable code and a human message."""

    pointer: str
    code: str
    message: str
    rule: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"pointer": self.pointer, "code": self.code, "detail": self.message}
        if self.rule is not None:
            out["rule"] = self.rule
        return out


class EPortError(Exception):
    """Base of every error E-Port raises on purpose."""

    code = "error"

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


class ValidationFailed(EPortError):
    code = "validation_failed"

    def __init__(
        self, errors: list[FieldError], message: str = "The document is not valid."
    ) -> None:
        super().__init__(message)
        self.errors = errors


class NotFound(EPortError):
    code = "not_found"


class Unauthenticated(EPortError):
    code = "unauthenticated"


class Forbidden(EPortError):
    code = "forbidden"


class Conflict(EPortError):
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class IdempotencyConflict(Conflict):
    code = "idempotency_key_reused"


class Unavailable(EPortError):
    code = "unavailable"


@dataclass(slots=True)
class ErrorList:
    """Collects FieldErrors while a validator walks a document."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, pointer: str, code: str, message: str, rule: str | None = None) -> None:
        self.errors.append(FieldError(pointer, code, message, rule))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(sorted(self.errors, key=lambda e: e.pointer))
