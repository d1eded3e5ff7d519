"""Commands of the verification context. ``submission`` is the signed request as it goes on
the log: ``{"format", "signature", "signer", "body"}`` (base64), or None when unsigned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from eport.kernel.messages import Command


@dataclass(frozen=True, kw_only=True)
class RecordForexReceipt(Command):
    bank: str
    bank_reference: str
    exporter_scheme: str
    exporter_identifier: str
    amount: Decimal
    currency: str
    value_date: date
    remitter: str
    remitter_country: str
    declaration_id: str | None
    submission: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class VerifyForex(Command):
    """Match receipts to the given exports, or to every export still awaiting forex."""

    agency: str
    declaration_ids: tuple[str, ...] | None
    tolerance: Decimal
    overdue_after_days: int
    submission: dict[str, Any] | None = None


@dataclass(frozen=True, kw_only=True)
class ClaimRefund(Command):
    exporter: str
    declaration_id: str
    sequences: tuple[int, ...] | None  # None: every goods item
    submission: dict[str, Any] | None = None


@dataclass(frozen=True, kw_only=True)
class CheckRefund(Command):
    agency: str
    claim_id: str
    submission: dict[str, Any] | None = None
