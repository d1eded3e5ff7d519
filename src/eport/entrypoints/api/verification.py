"""Cross-verification on the E-Ledger over HTTP: banks report forex receipts (signed), the
forex agency matches them to exports, exporters claim the export VAT refund and the tax agency
checks it. Every answer carries the ledger entries that prove it."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.params import Parameter
from pydantic import Field

from eport.adapters.db import tables as t
from eport.adapters.db.ledger import SqlLedgerIndex
from eport.adapters.db.verification import SqlVerification
from eport.datamodel.declaration import Country, Currency, Identifier, Model
from eport.identity import policy
from eport.identity.model import Principal, Role
from eport.kernel.clock import isoformat
from eport.kernel.errors import Forbidden, NotFound
from eport.pki.signatures import DocumentKind
from eport.verification import commands as vc
from eport.verification.errors import RefundAlreadyGranted
from eport.verification.handlers import claim_json, receipt_json

from .common import eport_of, execute, json_body, read
from .ledger import proved_entries, signed_head
from .openapi import request_body
from .signatures import JWS_HEADER, verified_signature

Amount = Annotated[str, Field(pattern=r"^[0-9]{1,15}(\.[0-9]{1,2})?$")]
Fraction = Annotated[str, Field(pattern=r"^0(\.[0-9]{1,4})?$")]
Id = Annotated[str, Field(min_length=1, max_length=40)]


class Remitter(Model):
    name: str = Field(min_length=1, max_length=140)
    country: Country


class ReceiptBody(Model):
    bank_reference: str = Field(min_length=1, max_length=70)
    exporter: Identifier
    amount: Amount
    currency: Currency
    value_date: date
    remitter: Remitter
    declaration_id: Id | None = None


class VerifyBody(Model):
    declaration_ids: list[Id] | None = Field(default=None, min_length=1, max_length=1000)
    tolerance: Fraction | None = None


class ClaimBody(Model):
    declaration_id: Id
    items: list[Annotated[int, Field(ge=1, le=999)]] | None = Field(
        default=None, min_length=1, max_length=999
    )


def submission(raw: bytes, signed: tuple[bytes, str] | None, jws: bool) -> dict[str, Any] | None:
    """The signed request as it goes on the log: anyone can check it with the signer's
    certificate (``openssl cms -verify -binary -content body``)."""
    if signed is None:
        return None
    signature, serial = signed
    return {
        "format": "jws" if jws else "cms",
        "signature": signature.decode() if jws else base64.b64encode(signature).decode(),
        "signer": serial,
        "body": base64.b64encode(raw).decode(),
    }


def _is_agency(principal: Principal, *agencies: str) -> bool:
    return principal.has(Role.ADMIN) or (
        principal.has(Role.OFFICER) and principal.agency in agencies
    )


class ForexController(Controller):
    path = "/api/v1/forex"
    tags = ["forex"]

    @post(
        "/receipts",
        status_code=201,
        summary="Report a forex receipt (bank; signed)",
        operation_class=request_body(ReceiptBody),
    )
    async def report(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        """Foreign currency the bank received for an exporter, optionally citing the export.
        Always signed (`X-EPort-Signature` or `X-EPort-JWS`) by an operator of the bank; the
        request and its signature go on the E-Ledger. A bank reference is reported once."""
        policy.require_role(principal, policy.Action.REPORT_FOREX, {Role.BANK})
        if principal.enterprise is None:
            raise Forbidden("Only a bank's user reports forex receipts.")
        body, raw = await json_body(request, ReceiptBody)
        signed = await verified_signature(
            request, raw, {principal.enterprise}, DocumentKind.FOREX_RECEIPT
        )
        entry = submission(raw, signed, JWS_HEADER in request.headers)
        assert entry is not None  # forex receipts are always signed
        result: dict[str, Any] = await execute(
            eport_of(request),
            vc.RecordForexReceipt(
                actor=principal.user_id,
                bank=principal.enterprise,
                bank_reference=body.bank_reference,
                exporter_scheme=body.exporter.scheme,
                exporter_identifier=body.exporter.value,
                amount=Decimal(body.amount),
                currency=body.currency,
                value_date=body.value_date,
                remitter=body.remitter.name,
                remitter_country=body.remitter.country,
                declaration_id=body.declaration_id,
                submission=entry,
            ),
        )
        return result

    @post(
        "/verifications",
        status_code=200,
        summary="Match forex receipts to exports (forex agency)",
        operation_class=request_body(VerifyBody),
    )
    async def verify(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        """For the given exports (default: every released export not yet matched), match the
        exporter's receipts within the tolerance (default `EPORT_FOREX_TOLERANCE`). Every answer
        (`matched`, `unmatched`, `overdue` after `EPORT_FOREX_OVERDUE_DAYS`) is a verification
        entry on the E-Ledger naming the officer; optionally signed."""
        policy.require_agency_or_admin(principal, policy.Action.VERIFY_FOREX, "forex")
        body, raw = await json_body(request, VerifyBody, allow_empty=True)
        settings = eport_of(request).settings
        signed = await verified_signature(
            request, raw, set(), DocumentKind.DECISION, agency="forex"
        )
        results: list[dict[str, Any]] = await execute(
            eport_of(request),
            vc.VerifyForex(
                actor=principal.user_id,
                agency="forex",
                declaration_ids=tuple(body.declaration_ids) if body.declaration_ids else None,
                tolerance=Decimal(body.tolerance) if body.tolerance else settings.forex_tolerance,
                overdue_after_days=settings.forex_overdue_days,
                submission=submission(raw, signed, JWS_HEADER in request.headers),
            ),
        )
        return {"items": results}

    @get("/overdue", summary="Exports still unmatched after the set period (forex agency)")
    async def overdue(
        self, request: Request[Any, Any, Any], principal: Principal
    ) -> dict[str, Any]:
        """Released exports with no matched forex verification, how long since release, and
        whether they are past `EPORT_FOREX_OVERDUE_DAYS`."""
        policy.require_agency_or_admin(principal, policy.Action.VERIFY_FOREX, "forex")
        eport = eport_of(request)
        now, days = eport.clock(), eport.settings.forex_overdue_days

        def query(conn: sa.Connection) -> list[dict[str, Any]]:
            repo, out = SqlVerification(conn), []
            for declaration_id in repo.exports_awaiting_forex():
                facts = repo.export_facts(declaration_id)
                if facts is None:
                    continue
                waited = (now - facts.released_at).days
                out.append(
                    {
                        "declarationId": declaration_id,
                        "exporter": facts.exporter,
                        "currency": facts.currency,
                        "invoiceAmount": str(facts.invoice_amount),
                        "releasedAt": isoformat(facts.released_at),
                        "daysSinceRelease": waited,
                        "overdue": waited >= days,
                    }
                )
            return out

        items = await read(eport, query)
        return {"overdueAfterDays": days, "items": [i for i in items if i["overdue"]],
                "awaiting": len(items)}  # fmt: skip

    @get("/exports/{declaration_id:str}", summary="An export's forex status, proved")
    async def export(
        self, request: Request[Any, Any, Any], principal: Principal, declaration_id: str
    ) -> dict[str, Any]:
        """The receipts matched or citing the export and every forex verification, with
        their ledger entries and inclusion proofs. The exporter and agency officers."""
        policy.permit_any_user(principal, policy.Action.READ_LEDGER, "exporter or agency")
        head = await signed_head(request)

        def query(conn: sa.Connection) -> Any:
            repo = SqlVerification(conn)
            facts = repo.export_facts(declaration_id)
            if facts is None:
                return None
            r = t.forex_receipts
            receipts = [
                receipt_json(x)
                for x in (
                    repo.receipt(i)
                    for i in conn.execute(
                        sa.select(r.c.id)
                        .where(
                            sa.or_(
                                r.c.matched_to == declaration_id,
                                r.c.declaration_id == declaration_id,
                            )
                        )
                        .order_by(r.c.value_date)
                    ).scalars()
                )
                if x is not None
            ]
            verifications = [
                {
                    "answer": v["answer"],
                    "expected": v["expected"],
                    "received": v["received"],
                    "receipts": v["receipts"],
                    "verifiedBy": v["verified_by"],
                    "verifiedAt": isoformat(v["verified_at"]),
                    "ledgerSeq": v["ledger_seq"],
                }
                for v in repo.forex_verifications(declaration_id)
            ]
            seqs = [facts.release_seq, *(x["ledgerSeq"] for x in receipts),
                    *(v["ledgerSeq"] for v in verifications)]  # fmt: skip
            if facts.departure_seq is not None:
                seqs.append(facts.departure_seq)
            return facts, receipts, verifications, proved_entries(conn, seqs, head.size)

        found = await read(eport_of(request), query)
        if found is None or not (
            _is_agency(principal, "forex", "tax", "customs")
            or principal.enterprise == found[0].exporter
        ):
            raise NotFound("No released export with this id.", declarationId=declaration_id)
        facts, receipts, verifications, entries = found
        return {
            "declarationId": declaration_id,
            "exporter": facts.exporter,
            "currency": facts.currency,
            "invoiceAmount": str(facts.invoice_amount),
            "releasedAt": isoformat(facts.released_at),
            "departedAt": isoformat(facts.departed_at) if facts.departed_at else None,
            "matched": any(v["answer"] == "matched" for v in verifications),
            "receipts": receipts,
            "verifications": verifications,
            "ledger": entries,
            "head": head.as_dict(),
        }

    @get("/receipts/{receipt_id:str}", summary="A forex receipt")
    async def receipt(
        self, request: Request[Any, Any, Any], principal: Principal, receipt_id: str
    ) -> dict[str, Any]:
        """The reporting bank, the exporter and agency officers."""
        policy.permit_any_user(principal, policy.Action.READ_LEDGER, "bank, exporter or agency")
        found = await read(eport_of(request), lambda c: SqlVerification(c).receipt(receipt_id))
        if found is None or not (
            _is_agency(principal, "forex", "tax", "customs")
            or principal.enterprise in (found.bank, found.exporter)
        ):
            raise NotFound("No such receipt.", receipt=receipt_id)
        return receipt_json(found)


async def _first_refund_proof(
    request: Request[Any, Any, Any], exc: RefundAlreadyGranted
) -> RefundAlreadyGranted:
    """The refusal of a second refund carries the first refund's entry and its proof."""
    head = await signed_head(request)
    seq = exc.fields.get("firstRefundSeq")
    entries = await read(
        eport_of(request),
        lambda c: proved_entries(c, [int(seq)], head.size) if seq is not None else [],
    )
    return RefundAlreadyGranted(
        exc.message, **exc.fields, firstRefund=entries[0] if entries else None,
        head=head.as_dict(),
    )  # fmt: skip


class RefundController(Controller):
    path = "/api/v1/refund-claims"
    tags = ["refunds"]

    @post(
        "/",
        status_code=201,
        summary="Claim the export VAT refund (exporter)",
        operation_class=request_body(ClaimBody),
    )
    async def claim(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        """On a released export of yours, for all goods items or those listed in `items`
        (sequence numbers). Goods refunded before are refused at once: 409
        `refund.already_granted` with the first refund's ledger entry and inclusion proof.
        Optionally signed; the claim goes on the E-Ledger."""
        exporter = policy.require_lodger(principal, policy.Action.CLAIM_REFUND)
        body, raw = await json_body(request, ClaimBody)
        signed = await verified_signature(request, raw, {exporter}, DocumentKind.REFUND_CLAIM)
        try:
            result: dict[str, Any] = await execute(
                eport_of(request),
                vc.ClaimRefund(
                    actor=principal.user_id,
                    exporter=exporter,
                    declaration_id=body.declaration_id,
                    sequences=tuple(body.items) if body.items else None,
                    submission=submission(raw, signed, JWS_HEADER in request.headers),
                ),
            )
        except RefundAlreadyGranted as exc:
            raise await _first_refund_proof(request, exc) from None
        return result

    @post(
        "/{claim_id:str}/check",
        status_code=200,
        summary="Check a refund claim and grant or refuse it (tax agency)",
    )
    async def check(
        self, request: Request[Any, Any, Any], principal: Principal, claim_id: str
    ) -> dict[str, Any]:
        """The check requires the export released and departed, forex verified as received,
        and no earlier refund of the same goods; it is recorded on the E-Ledger (a
        `verification` entry) and, when all hold, the refund is granted (a `refund.granted`
        entry). Optionally signed by the tax officer over the (possibly empty) body."""
        policy.require_agency_or_admin(principal, policy.Action.CHECK_REFUND, "tax")
        raw = await request.body()
        signed = await verified_signature(request, raw, set(), DocumentKind.DECISION, agency="tax")
        result: dict[str, Any] = await execute(
            eport_of(request),
            vc.CheckRefund(
                actor=principal.user_id,
                agency="tax",
                claim_id=claim_id,
                submission=submission(raw, signed, JWS_HEADER in request.headers),
            ),
        )
        return result

    @get("/", summary="Refund claims: yours, or every claim for the tax agency")
    async def list_claims(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        claim_state: Annotated[
            str | None, Parameter(query="state", pattern="^(claimed|granted|refused)$")
        ] = None,
    ) -> dict[str, Any]:
        agency = _is_agency(principal, "tax", "customs")
        if not agency:
            policy.require_lodger(principal, policy.Action.CLAIM_REFUND)
        else:
            policy.permit_any_user(principal, policy.Action.CHECK_REFUND, "tax or customs")
        mine = None if agency else principal.enterprise

        def query(conn: sa.Connection) -> list[dict[str, Any]]:
            c = t.refund_claims
            q = sa.select(c.c.id).order_by(c.c.claimed_at.desc()).limit(500)
            if mine is not None:
                q = q.where(c.c.exporter_id == mine)
            if claim_state is not None:
                q = q.where(c.c.state == claim_state)
            repo = SqlVerification(conn)
            return [
                claim_json(x)
                for x in (repo.get_claim(i) for i in conn.execute(q).scalars())
                if x is not None
            ]

        return {"items": await read(eport_of(request), query)}

    @get("/{claim_id:str}", summary="A refund claim with its ledger entries, proved")
    async def detail(
        self, request: Request[Any, Any, Any], principal: Principal, claim_id: str
    ) -> dict[str, Any]:
        policy.permit_any_user(principal, policy.Action.READ_LEDGER, "exporter or agency")
        head = await signed_head(request)

        def query(conn: sa.Connection) -> Any:
            found = SqlVerification(conn).get_claim(claim_id)
            if found is None:
                return None, []
            seqs = [found.claim_seq, *SqlLedgerIndex(conn).find(found.declaration_id)]
            return found, proved_entries(conn, seqs, head.size)

        found, entries = await read(eport_of(request), query)
        if found is None or not (
            _is_agency(principal, "tax", "customs") or principal.enterprise == found.exporter
        ):
            raise NotFound("No such refund claim.", claim=claim_id)
        return {"claim": claim_json(found), "ledger": entries, "head": head.as_dict()}
