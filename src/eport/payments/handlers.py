"""Handlers of the payments context. Every handler that posts first locks the declaration, so
concurrent confirmations or guarantees on one declaration happen one after another and never
double-post; a guarantee facility is locked before it is drawn on, so it is never overdrawn."""

from __future__ import annotations

import base64
from typing import Any

from eport.declarations.events import DeclarationCancelled
from eport.kernel.clock import isoformat
from eport.kernel.errors import FieldError, ValidationFailed
from eport.kernel.ids import new_id
from eport.payments import commands, errors, events
from eport.payments.model import (
    AccountView,
    GuaranteeFacility,
    OrderState,
    PaymentOrder,
    Posting,
    PostingKind,
    account_view,
    bank,
    guaranteed,
    receivable,
    revenue,
)
from eport.payments.ports import PaymentsUnitOfWork
from eport.tariff.events import DeclarationAssessed


def _view(uow: PaymentsUnitOfWork, declaration_id: str, currency: str | None = None) -> AccountView:
    postings = uow.duties.postings(declaration_id)
    return account_view(
        declaration_id, currency or (postings[0].currency if postings else "CNY"), postings
    )


def view_json(view: AccountView) -> dict[str, Any]:
    return {
        "currency": view.currency,
        "assessed": view.assessed,
        "paid": view.paid,
        "guaranteed": view.guaranteed,
        "refunded": view.refunded,
        "outstanding": view.outstanding,
        "unpaid": view.unpaid,
        "settled": view.settled,
    }


def _post(
    uow: PaymentsUnitOfWork,
    declaration_id: str,
    kind: PostingKind,
    debit: str,
    credit: str,
    amount: int,
    currency: str,
    actor: str,
    reference: str | None = None,
) -> Posting:
    if amount <= 0:
        raise ValueError("a posting moves a positive amount")
    posting = Posting(
        new_id("PST"),
        declaration_id,
        kind,
        debit,
        credit,
        amount,
        currency,
        uow.now(),
        actor,
        reference,
    )
    uow.duties.post(posting)
    return posting


def post_assessment(cmd: commands.PostAssessment, uow: PaymentsUnitOfWork) -> dict[str, Any]:
    """Book the difference between what is assessed now and what was assessed before."""
    uow.declarations.lock(cmd.declaration_id)
    postings = uow.duties.postings(cmd.declaration_id)
    view = account_view(cmd.declaration_id, cmd.currency, postings)
    if postings and postings[0].currency != cmd.currency:
        raise ValueError("a duty account keeps one currency")
    change = cmd.amount - view.assessed
    d, r = receivable(cmd.declaration_id), revenue(cmd.declaration_id)
    kind = PostingKind.REASSESSED if postings else PostingKind.ASSESSED
    if change > 0:
        postings.append(
            _post(
                uow, cmd.declaration_id, kind, d, r, change, cmd.currency, cmd.actor, cmd.reference
            )
        )
    elif change < 0:
        postings.append(
            _post(
                uow, cmd.declaration_id, kind, r, d, -change, cmd.currency, cmd.actor, cmd.reference
            )
        )
    if view.paid or view.guaranteed:  # a lower assessment may free a guarantee or refund
        view = _refund_overpayment(uow, cmd.declaration_id, cmd.actor)
    else:
        view = account_view(cmd.declaration_id, cmd.currency, postings)
    uow.record(
        events.DutiesAssessed(
            declaration_id=cmd.declaration_id,
            actor=cmd.actor,
            occurred_at=uow.now(),
            data={"amount": cmd.amount, "change": change, **view_json(view)},
        )
    )
    return view_json(view)


def _refund_overpayment(uow: PaymentsUnitOfWork, declaration_id: str, actor: str) -> AccountView:
    """Give back what was paid beyond what is now assessed, and free an unneeded guarantee."""
    view = _view(uow, declaration_id)
    if view.guaranteed > 0 and view.outstanding < 0:
        freed = min(view.guaranteed, -view.outstanding)
        _release_guarantee(uow, declaration_id, freed, view.currency, actor)
        view = _view(uow, declaration_id)
    over = (view.paid - view.refunded) - view.assessed
    if over > 0:
        paid_to = next(
            p.debit
            for p in reversed(uow.duties.postings(declaration_id))
            if p.kind is PostingKind.PAID
        )
        _post(
            uow,
            declaration_id,
            PostingKind.REFUNDED,
            receivable(declaration_id),
            paid_to,
            over,
            view.currency,
            actor,
        )
        view = _view(uow, declaration_id)
        uow.record(
            events.DutiesRefunded(
                declaration_id=declaration_id,
                actor=actor,
                occurred_at=uow.now(),
                data={"amount": over, "bank": paid_to, **view_json(view)},
            )
        )
    return view


def _release_guarantee(
    uow: PaymentsUnitOfWork, declaration_id: str, amount: int, currency: str, actor: str
) -> None:
    _post(
        uow,
        declaration_id,
        PostingKind.GUARANTEE_RELEASED,
        receivable(declaration_id),
        guaranteed(declaration_id),
        amount,
        currency,
        actor,
    )
    enterprise = uow.declarations.lock(declaration_id)
    facility = uow.duties.facility(enterprise, for_update=True) if enterprise else None
    if facility is not None:
        facility.used = max(0, facility.used - amount)
        uow.duties.put_facility(facility)


def issue_payment_order(cmd: commands.IssuePaymentOrder, uow: PaymentsUnitOfWork) -> dict[str, Any]:
    """Send the outstanding duties to the payer's bank. One open order at a time."""
    uow.declarations.lock(cmd.declaration_id)
    bank_id = uow.enterprises.enterprise_id(cmd.bank_scheme, cmd.bank_identifier)
    if bank_id is None:
        raise ValidationFailed(
            [FieldError("/bank", "bank.unknown", "No bank is registered with that identifier.")]
        )
    if uow.duties.open_order(cmd.declaration_id) is not None:
        raise errors.OrderOpen("A payment order for this declaration is still open.")
    view = _view(uow, cmd.declaration_id)
    if view.unpaid <= 0:
        raise errors.NothingToPay("Nothing is due on this declaration.")
    order = PaymentOrder(
        id=new_id("PAY"),
        declaration_id=cmd.declaration_id,
        enterprise=cmd.enterprise,
        bank=bank_id,
        amount=view.unpaid,
        currency=view.currency,
        state=OrderState.ISSUED,
        issued_at=uow.now(),
    )
    uow.duties.add_order(order)
    uow.record(
        events.PaymentOrderIssued(
            declaration_id=cmd.declaration_id,
            actor=cmd.actor,
            occurred_at=uow.now(),
            data={
                "order": order.id,
                "bank": bank_id,
                "amount": order.amount,
                "currency": order.currency,
            },
        )
    )
    return order_json(order)


def order_json(order: PaymentOrder) -> dict[str, Any]:
    return {
        "id": order.id,
        "declarationId": order.declaration_id,
        "payer": order.enterprise,
        "bank": order.bank,
        "amount": order.amount,
        "currency": order.currency,
        "state": order.state.value,
        "issuedAt": isoformat(order.issued_at),
        "confirmedAt": isoformat(order.confirmed_at) if order.confirmed_at else None,
        "bankReference": order.bank_reference,
    }


def confirm_payment(cmd: commands.ConfirmPayment, uow: PaymentsUnitOfWork) -> dict[str, Any]:
    """The bank confirms, with its signature, that it holds the money. A second confirmation
    of the same order is refused, so nothing is posted twice."""
    order = uow.duties.get_order(cmd.order_id)
    if order is None or order.bank != cmd.bank:
        raise errors.OrderNotFound("No such payment order.", id=cmd.order_id)
    uow.declarations.lock(order.declaration_id)
    order = uow.duties.get_order(cmd.order_id, for_update=True)
    assert order is not None
    if order.state is not OrderState.ISSUED:
        raise errors.OrderNotOpen(
            f"This payment order is {order.state.value}.", state=order.state.value
        )
    problems = []
    if cmd.currency != order.currency:
        problems.append(
            FieldError("/currency", "payment.currency", f"The order is in {order.currency}.")
        )
    if cmd.amount != order.amount:
        problems.append(
            FieldError("/amount", "payment.amount", f"The order is for {order.amount} minor units.")
        )
    if problems:
        raise ValidationFailed(problems)
    order.state, order.confirmed_at, order.bank_reference = (
        OrderState.CONFIRMED,
        uow.now(),
        cmd.bank_reference,
    )
    uow.duties.save_order(order)
    _post(
        uow,
        order.declaration_id,
        PostingKind.PAID,
        bank(order.bank),
        receivable(order.declaration_id),
        order.amount,
        order.currency,
        cmd.actor,
        order.id,
    )
    view = _view(uow, order.declaration_id)
    if view.guaranteed > 0 and view.outstanding < 0:  # paid after a guarantee: free it
        _release_guarantee(
            uow,
            order.declaration_id,
            min(view.guaranteed, -view.outstanding),
            view.currency,
            cmd.actor,
        )
    view = _refund_overpayment(uow, order.declaration_id, cmd.actor)
    uow.record(
        events.PaymentConfirmed(
            declaration_id=order.declaration_id,
            actor=cmd.actor,
            occurred_at=uow.now(),
            data={
                "order": order.id,
                "amount": order.amount,
                "bankReference": cmd.bank_reference,
                "signer": cmd.signer_serial,
                "signature": base64.b64encode(cmd.signature).decode(),
                **view_json(view),
            },
        )
    )
    return {**order_json(order), "account": view_json(view)}


def set_guarantee_facility(
    cmd: commands.SetGuaranteeFacility, uow: PaymentsUnitOfWork
) -> dict[str, Any]:
    facility = uow.duties.facility(cmd.enterprise, for_update=True)
    if facility is None:
        facility = GuaranteeFacility(cmd.enterprise, cmd.limit, cmd.currency)
    elif cmd.limit < facility.used:
        raise ValidationFailed(
            [FieldError("/limit", "guarantee.below_use", f"{facility.used} is already in use.")]
        )
    else:
        facility.limit, facility.currency = cmd.limit, cmd.currency
    uow.duties.put_facility(facility)
    uow.record(
        events.GuaranteeFacilitySet(
            actor=cmd.actor,
            occurred_at=uow.now(),
            data={"enterprise": cmd.enterprise, "limit": cmd.limit, "currency": cmd.currency},
        )
    )
    return facility_json(facility)


def facility_json(facility: GuaranteeFacility) -> dict[str, Any]:
    return {
        "enterprise": facility.enterprise,
        "limit": facility.limit,
        "used": facility.used,
        "available": facility.available,
        "currency": facility.currency,
    }


def guarantee_duties(cmd: commands.GuaranteeDuties, uow: PaymentsUnitOfWork) -> dict[str, Any]:
    """Secure what is outstanding with the enterprise's guarantee, so release may come before
    payment; refused beyond the facility's available amount."""
    uow.declarations.lock(cmd.declaration_id)
    view = _view(uow, cmd.declaration_id)
    if view.outstanding <= 0:
        raise errors.NothingToPay("Nothing is due on this declaration.")
    facility = uow.duties.facility(cmd.enterprise, for_update=True)
    if facility is None:
        raise errors.NoGuarantee("Your enterprise has no guarantee with customs.")
    if facility.currency != view.currency or facility.available < view.outstanding:
        raise errors.GuaranteeInsufficient(
            f"The guarantee has {facility.available} available; {view.outstanding} is due.",
            available=facility.available,
            due=view.outstanding,
        )
    amount = view.outstanding
    facility.used += amount
    uow.duties.put_facility(facility)
    _post(
        uow,
        cmd.declaration_id,
        PostingKind.GUARANTEED,
        guaranteed(cmd.declaration_id),
        receivable(cmd.declaration_id),
        amount,
        view.currency,
        cmd.actor,
    )
    view = _view(uow, cmd.declaration_id)
    uow.record(
        events.DutiesGuaranteed(
            declaration_id=cmd.declaration_id,
            actor=cmd.actor,
            occurred_at=uow.now(),
            data={"amount": amount, **view_json(view)},
        )
    )
    return {"account": view_json(view), "facility": facility_json(facility)}


def on_declaration_assessed(event: DeclarationAssessed, uow: PaymentsUnitOfWork) -> None:
    """In the assessment's own transaction: book what the declaration owes now."""
    assert event.declaration_id is not None
    post_assessment(
        commands.PostAssessment(
            actor=event.actor,
            declaration_id=event.declaration_id,
            currency=str(event.data["currency"]),
            amount=int(event.data["total"]),
            reference=f"revision {event.data.get('revision')}",
        ),
        uow,
    )


def on_declaration_cancelled(event: DeclarationCancelled, uow: PaymentsUnitOfWork) -> None:
    """In the cancellation's own transaction: nothing is owed any more."""
    assert event.declaration_id is not None
    settle_cancellation(
        commands.SettleCancellation(actor=event.actor, declaration_id=event.declaration_id), uow
    )


def settle_cancellation(
    cmd: commands.SettleCancellation, uow: PaymentsUnitOfWork
) -> dict[str, Any] | None:
    postings = uow.duties.postings(cmd.declaration_id)
    if not postings:
        return None
    currency = postings[0].currency
    return post_assessment(
        commands.PostAssessment(
            actor=cmd.actor,
            declaration_id=cmd.declaration_id,
            currency=currency,
            amount=0,
            reference="cancellation",
        ),
        uow,
    )
