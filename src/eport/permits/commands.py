"""Commands of the permits context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from eport.kernel.messages import Command
from eport.permits.model import Material, Product


@dataclass(frozen=True, kw_only=True)
class IssueLicence(Command):
    agency: str
    number: str
    holder_scheme: str
    holder_identifier: str
    kind: str
    hs_prefixes: tuple[str, ...]
    quantity_limit: Decimal
    unit: str
    value_limit: Decimal
    currency: str
    valid_from: date
    valid_to: date
    submission: dict[str, Any] | None = None  # the officer's signed request, for the ledger


@dataclass(frozen=True, kw_only=True)
class RevokeLicence(Command):
    number: str
    reason: str
    submission: dict[str, Any] | None = None


@dataclass(frozen=True, kw_only=True)
class IssueHandbook(Command):
    """Customs opens a processing-trade handbook (materials start at nothing imported)."""

    agency: str
    number: str
    holder_scheme: str
    holder_identifier: str
    valid_from: date
    valid_to: date
    materials: tuple[Material, ...]
    products: tuple[Product, ...]
    submission: dict[str, Any] | None = None  # the officer's signed request, for the ledger


@dataclass(frozen=True, kw_only=True)
class RevokeHandbook(Command):
    number: str
    reason: str
    submission: dict[str, Any] | None = None
