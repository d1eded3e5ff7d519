"""Duty accounts kept in double entry, payment orders, guarantee facilities.

Every posting moves one amount from a credit account to a debit account, so the books always
balance. Accounts are named ``<kind>:<owner>``:

- ``receivable:<declaration>``: what the trader owes on a declaration (debited when assessed,
  credited when paid or guaranteed);
- ``revenue:<declaration>``: the state's duties and taxes assessed on it;
- ``bank:<bank enterprise>``: money the bank has confirmed it holds for customs;
- ``guaranteed:<declaration>``: what a guarantee secures instead of payment.

Amounts are integer minor units of the account currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PostingKind(StrEnum):
    ASSESSED = "assessed"  # receivable ← revenue
    REASSESSED = "reassessed"  # a change after inspection (up or down, by the accounts' order)
    PAID = "paid"  # bank ← receivable
    GUARANTEED = "guaranteed"  # guaranteed ← receivable
    GUARANTEE_RELEASED = "guarantee_released"  # receivable ← guaranteed (when paid later)
    REFUNDED = "refunded"  # receivable ← bank  (money back to the trader)


class OrderState(StrEnum):
    ISSUED = "issued"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


def receivable(declaration_id: str) -> str:
    return f"receivable:{declaration_id}"


def revenue(declaration_id: str) -> str:
    return f"revenue:{declaration_id}"


def bank(bank_id: str) -> str:
    return f"bank:{bank_id}"


def guaranteed(declaration_id: str) -> str:
    return f"guaranteed:{declaration_id}"


@dataclass(frozen=True, slots=True)
class Posting:
    id: str
    declaration_id: str
    kind: PostingKind
    debit: str
    credit: str
    amount: int  # minor units, > 0
    currency: str
    at: datetime
    actor: str
    reference: str | None = None  # payment order, guarantee, assessment


@dataclass(slots=True)
class PaymentOrder:
    id: str
    declaration_id: str
    enterprise: str  # the payer
    bank: str  # the bank enterprise the order goes to
    amount: int
    currency: str
    state: OrderState
    issued_at: datetime
    confirmed_at: datetime | None = None
    bank_reference: str | None = None
    version: int = 1


@dataclass(slots=True)
class GuaranteeFacility:
    """A bank or insurance guarantee customs accepted for an enterprise, up to a limit."""

    enterprise: str
    limit: int
    currency: str
    used: int = 0
    version: int = 1

    @property
    def available(self) -> int:
        return self.limit - self.used


@dataclass(frozen=True, slots=True)
class AccountView:
    """One declaration's duty account, from its postings."""

    currency: str
    assessed: int
    paid: int
    guaranteed: int
    refunded: int

    @property
    def outstanding(self) -> int:
        """Still owed: assessed, less what is paid (net of refunds) or guaranteed."""
        return self.assessed - (self.paid - self.refunded) - self.guaranteed

    @property
    def unpaid(self) -> int:
        """Assessed and not yet paid (a guaranteed amount is still unpaid)."""
        return self.assessed - (self.paid - self.refunded)

    @property
    def settled(self) -> bool:
        """Duties paid or guaranteed: release may go ahead."""
        return self.outstanding <= 0


def balances(postings: Iterable[Posting]) -> dict[str, int]:
    """Each account's balance (debits minus credits). Their sum is always 0."""
    out: dict[str, int] = defaultdict(int)
    for p in postings:
        out[p.debit] += p.amount
        out[p.credit] -= p.amount
    return dict(out)


def account_view(declaration_id: str, currency: str, postings: Iterable[Posting]) -> AccountView:
    postings = list(postings)
    b = balances(postings)
    assessed = -b.get(revenue(declaration_id), 0)
    guarantee = b.get(guaranteed(declaration_id), 0)
    # paid and refunded are the flows between this receivable and any bank account
    paid = refunded = 0
    for p in postings:
        if p.kind is PostingKind.PAID:
            paid += p.amount
        elif p.kind is PostingKind.REFUNDED:
            refunded += p.amount
    return AccountView(currency, assessed, paid, guarantee, refunded)
