"""Duty accounts, payment orders to banks, signed bank confirmations and guarantees."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post, put
from litestar.params import Parameter
from pydantic import Field

from eport.adapters.db import tables as t
from eport.adapters.db.repositories import SqlDutyBook
from eport.datamodel.codelists import currency_exponents
from eport.datamodel.declaration import Amount, Currency, Identifier, Model
from eport.identity import policy
from eport.identity.model import Principal, Role
from eport.kernel.clock import isoformat
from eport.kernel.errors import FieldError, Forbidden, ValidationFailed
from eport.kernel.money import from_minor, to_minor
from eport.payments import commands as pc
from eport.payments.handlers import facility_json, order_json
from eport.payments.model import OrderState, account_view
from eport.pki.signatures import DocumentKind

from .common import eport_of, execute, json_body, read
from .declarations import visible_declaration
from .openapi import request_body
from .signatures import verified_signature


class OrderBody(Model):
    bank: Identifier


class ConfirmationBody(Model):
    amount: Amount
    currency: Currency
    bank_reference: str = Field(min_length=1, max_length=70)


class FacilityBody(Model):
    limit: Amount
    currency: Currency


def minor(amount: Decimal, currency: str, pointer: str) -> int:
    exponent = currency_exponents()[currency]
    value = to_minor(amount, exponent)
    if from_minor(value, exponent) != amount:
        raise ValidationFailed(
            [FieldError(pointer, "amount.precision", f"{currency} has {exponent} decimals.")]
        )
    return value


def money(value: int, currency: str) -> str:
    return str(from_minor(value, currency_exponents()[currency]))


def account_json(view: Any) -> dict[str, Any]:
    c = view.currency
    return {
        "currency": c,
        "assessed": money(view.assessed, c),
        "paid": money(view.paid, c),
        "refunded": money(view.refunded, c),
        "guaranteed": money(view.guaranteed, c),
        "unpaid": money(view.unpaid, c),
        "outstanding": money(view.outstanding, c),
        "settled": view.settled,
    }


def amounts(values: dict[str, Any], currency: str) -> dict[str, Any]:
    """Minor-unit integers as decimal strings (booleans stay booleans)."""
    return {
        k: money(v, currency) if isinstance(v, int) and not isinstance(v, bool) else v
        for k, v in values.items()
    }


def order_out(order: dict[str, Any]) -> dict[str, Any]:
    return {**order, "amount": money(order["amount"], order["currency"])}


def _payer(principal: Principal) -> str:
    policy.require_role(principal, policy.Action.PAY_DUTIES, {Role.TRADER, Role.BROKER})
    if principal.enterprise is None:
        raise Forbidden("Only a user of an enterprise pays duties.")
    return principal.enterprise


class DutiesController(Controller):
    """The duty account of a declaration (same visibility as the declaration)."""

    path = "/api/v1/declarations"
    tags = ["payments"]

    @get("/{declaration_id:str}/duties", summary="The duty account: postings and orders")
    async def duties(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        await visible_declaration(request, principal, declaration_id)

        def query(conn: sa.Connection) -> dict[str, Any]:
            book = SqlDutyBook(conn)
            postings = book.postings(declaration_id)
            o = t.payment_orders
            orders = conn.execute(
                sa.select(o.c.id)
                .where(o.c.declaration_id == declaration_id)
                .order_by(o.c.issued_at)
            ).scalars()
            currency = postings[0].currency if postings else "CNY"
            return {
                "declarationId": declaration_id,
                "account": account_json(account_view(declaration_id, currency, postings)),
                "postings": [
                    {
                        "id": p.id,
                        "kind": p.kind.value,
                        "debit": p.debit,
                        "credit": p.credit,
                        "amount": money(p.amount, p.currency),
                        "currency": p.currency,
                        "at": isoformat(p.at),
                        "reference": p.reference,
                    }
                    for p in postings
                ],
                "orders": [
                    order_out(order_json(order))
                    for oid in orders
                    if (order := book.get_order(oid)) is not None
                ],
            }

        return await read(eport_of(request), query)

    @post(
        "/{declaration_id:str}/payment-orders",
        status_code=201,
        summary="Send the unpaid duties to your bank",
        operation_class=request_body(OrderBody),
    )
    async def order(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        """`{"bank": {"scheme": "USCC", "value": "…"}}`: the bank (an enterprise registered in
        E-Port) gets an order for everything assessed and not yet paid."""
        _payer(principal)
        header = await visible_declaration(request, principal, declaration_id)
        if principal.enterprise not in (header["owner_id"], header["representative_id"]):
            raise Forbidden("Only the declarant's enterprise pays its duties.")
        body, _ = await json_body(request, OrderBody)
        result: dict[str, Any] = await execute(
            eport_of(request),
            pc.IssuePaymentOrder(
                actor=principal.user_id,
                declaration_id=declaration_id,
                enterprise=header["owner_id"],
                bank_scheme=body.bank.scheme,
                bank_identifier=body.bank.value,
            ),
        )
        return order_out(result)

    @post("/{declaration_id:str}/guarantee", status_code=200, summary="Guarantee the duties")
    async def guarantee(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        """Secure what is outstanding with your enterprise's guarantee, so customs may release
        before payment. 409 `guarantee.insufficient` beyond the guarantee's available amount."""
        _payer(principal)
        header = await visible_declaration(request, principal, declaration_id)
        if principal.enterprise != header["owner_id"]:
            raise Forbidden("Only the declarant's own guarantee secures its duties.")
        result: dict[str, Any] = await execute(
            eport_of(request),
            pc.GuaranteeDuties(
                actor=principal.user_id,
                declaration_id=declaration_id,
                enterprise=header["owner_id"],
            ),
        )
        view = result["account"]
        facility = result["facility"]
        c = view["currency"]
        return {
            "account": {
                k: money(v, c) if isinstance(v, int) and not isinstance(v, bool) else v
                for k, v in view.items()
            },
            "facility": {
                k: money(v, facility["currency"]) if isinstance(v, int) else v
                for k, v in facility.items()
            },
        }


class PaymentOrderController(Controller):
    path = "/api/v1/payment-orders"
    tags = ["payments"]

    @get("/", summary="Payment orders sent to your bank")
    async def list(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        order_state: Annotated[str | None, Parameter(query="state")] = "issued",
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    ) -> dict[str, Any]:
        policy.require_role(principal, policy.Action.CONFIRM_PAYMENT, {Role.BANK})
        state = order_state
        if state is not None and state not in {s.value for s in OrderState}:
            raise ValidationFailed(
                [FieldError("/state", "code.unknown", "state is issued, confirmed or cancelled")]
            )

        def query(conn: sa.Connection) -> list[dict[str, Any]]:
            o = t.payment_orders
            q = (
                sa.select(o.c.id)
                .where(o.c.bank_id == principal.enterprise)
                .order_by(o.c.issued_at)
                .limit(limit)
            )
            if state:
                q = q.where(o.c.state == state)
            book = SqlDutyBook(conn)
            return [
                order_out(order_json(order))
                for oid in conn.execute(q).scalars()
                if (order := book.get_order(oid)) is not None
            ]

        return {"items": await read(eport_of(request), query)}

    @post(
        "/{order_id:str}/confirmation",
        status_code=200,
        summary="Confirm a payment (bank; signed)",
        operation_class=request_body(ConfirmationBody),
    )
    async def confirm(
        self, request: Request[Any, Any, Any], principal: Principal, order_id: str
    ) -> dict[str, Any]:
        """`{"amount": "1234.56", "currency": "CNY", "bankReference": "…"}` with
        `X-EPort-Signature` (detached CMS) or `X-EPort-JWS` by an operator of this bank: always
        required. The amount and currency must be the order's. A second confirmation is 409."""
        policy.require_role(principal, policy.Action.CONFIRM_PAYMENT, {Role.BANK})
        if principal.enterprise is None:
            raise Forbidden("Only a bank's user confirms payments.")
        body, raw = await json_body(request, ConfirmationBody)
        signed = await verified_signature(
            request, raw, {principal.enterprise}, DocumentKind.BANK_CONFIRMATION
        )
        assert signed is not None  # bank confirmations are always signed
        result: dict[str, Any] = await execute(
            eport_of(request),
            pc.ConfirmPayment(
                actor=principal.user_id,
                bank=principal.enterprise,
                order_id=order_id,
                amount=minor(body.amount, body.currency, "/amount"),
                currency=body.currency,
                bank_reference=body.bank_reference,
                signature=signed[0],
                signer_serial=signed[1],
            ),
        )
        account = result.pop("account")
        c = account["currency"]
        return {
            **order_out(result),
            "account": {
                k: money(v, c) if isinstance(v, int) and not isinstance(v, bool) else v
                for k, v in account.items()
            },
        }


class GuaranteeController(Controller):
    path = "/api/v1/guarantees"
    tags = ["payments"]

    @put(
        "/{enterprise_id:str}",
        summary="Accept a guarantee for an enterprise, up to a limit (customs)",
        operation_class=request_body(FacilityBody),
    )
    async def put_facility(
        self, request: Request[Any, Any, Any], principal: Principal, enterprise_id: str
    ) -> dict[str, Any]:
        if not (principal.has(Role.OFFICER) and principal.agency == "customs"):
            policy.require_role(principal, policy.Action.MANAGE_GUARANTEES, {Role.ADMIN})
        body, _ = await json_body(request, FacilityBody)
        result: dict[str, Any] = await execute(
            eport_of(request),
            pc.SetGuaranteeFacility(
                actor=principal.user_id,
                enterprise=enterprise_id,
                limit=minor(body.limit, body.currency, "/limit"),
                currency=body.currency,
            ),
        )
        return {
            k: money(v, result["currency"]) if isinstance(v, int) else v for k, v in result.items()
        }

    @get("/mine", summary="Your enterprise's guarantee")
    async def mine(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        policy.permit_any_user(principal, policy.Action.READ_SELF, "own guarantee")
        if principal.enterprise is None:
            return {"guarantee": None}
        enterprise = principal.enterprise

        def query(conn: sa.Connection) -> Any:
            return SqlDutyBook(conn).facility(enterprise)

        facility = await read(eport_of(request), query)
        if facility is None:
            return {"guarantee": None}
        data = facility_json(facility)
        return {
            "guarantee": {
                k: money(v, data["currency"]) if isinstance(v, int) else v for k, v in data.items()
            }
        }
