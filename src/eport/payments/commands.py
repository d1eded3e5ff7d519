"""Commands of the payments context."""

from __future__ import annotations

from dataclasses import dataclass

from eport.kernel.messages import Command


@dataclass(frozen=True, kw_only=True)
class PostAssessment(Command):
    """Book what a declaration owes now (the first assessment, or a reassessment)."""

    declaration_id: str
    currency: str
    amount: int  # minor units: the total duties and taxes
    reference: str | None = None


@dataclass(frozen=True, kw_only=True)
class IssuePaymentOrder(Command):
    declaration_id: str
    enterprise: str  # the payer: the declaration's owner
    bank_scheme: str
    bank_identifier: str


@dataclass(frozen=True, kw_only=True)
class ConfirmPayment(Command):
    bank: str  # the confirming bank's enterprise id
    order_id: str
    amount: int
    currency: str
    bank_reference: str
    signature: bytes
    signer_serial: str


@dataclass(frozen=True, kw_only=True)
class SetGuaranteeFacility(Command):
    enterprise: str
    limit: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class GuaranteeDuties(Command):
    declaration_id: str
    enterprise: str


@dataclass(frozen=True, kw_only=True)
class SettleCancellation(Command):
    """A cancelled declaration owes nothing: reverse the assessment, refund what was paid and
    free the guarantee."""

    declaration_id: str
