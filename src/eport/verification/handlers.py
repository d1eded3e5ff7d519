"""Handlers of the verification context. Every receipt, claim, refund and every check an
agency makes is an entry on the E-Ledger, in the same transaction as the register row."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from eport.kernel.clock import isoformat
from eport.kernel.errors import ErrorList, InvalidTransition
from eport.kernel.ids import new_id
from eport.ledger.entries import canonical
from eport.verification import commands, errors, events
from eport.verification.model import (
    ClaimState,
    ForexReceipt,
    RefundClaim,
    RefundFacts,
    match_receipts,
    refund_lines,
    refund_problems,
    verification_entry,
)
from eport.verification.ports import VerificationUnitOfWork


def receipt_json(r: ForexReceipt) -> dict[str, Any]:
    return {
        "id": r.id,
        "bank": r.bank,
        "bankReference": r.bank_reference,
        "exporter": r.exporter,
        "amount": str(r.amount),
        "currency": r.currency,
        "valueDate": r.value_date.isoformat(),
        "remitter": r.remitter,
        "remitterCountry": r.remitter_country,
        "declarationId": r.declaration_id,
        "receivedAt": isoformat(r.received_at),
        "ledgerSeq": r.ledger_seq,
        "matchedTo": r.matched_to,
    }


def claim_json(c: RefundClaim) -> dict[str, Any]:
    return {
        "id": c.id,
        "declarationId": c.declaration_id,
        "exporter": c.exporter,
        "items": list(c.sequences),
        "amount": str(c.amount),
        "currency": c.currency,
        "lines": c.lines,
        "state": c.state.value,
        "reasons": c.reasons,
        "claimedAt": isoformat(c.claimed_at),
        "claimedBy": c.claimed_by,
        "decidedAt": isoformat(c.decided_at) if c.decided_at else None,
        "decidedBy": c.decided_by,
        "claimSeq": c.claim_seq,
        "decisionSeq": c.decision_seq,
    }


def _append(uow: VerificationUnitOfWork, body: dict[str, Any], *subjects: str) -> int:
    seq = uow.ledger.append(canonical(body)).seq
    for subject in subjects:
        uow.ledger_index.add(subject, str(body["type"]), seq)
    return seq


def _signed(body: dict[str, Any], submission: dict[str, Any] | None) -> dict[str, Any]:
    return {**body, "submission": submission} if submission else body


def record_receipt(cmd: commands.RecordForexReceipt, uow: VerificationUnitOfWork) -> dict[str, Any]:
    """A bank reports foreign currency received for an exporter (always signed)."""
    found = ErrorList()
    exporter = uow.verification.enterprise_id(cmd.exporter_scheme, cmd.exporter_identifier)
    if exporter is None:
        found.add("/exporter", "enterprise.unknown", "No enterprise is registered as that.")
    if cmd.amount <= 0:
        found.add("/amount", "number.too_small", "The amount is positive.")
    if cmd.declaration_id is not None and exporter is not None:
        facts = uow.verification.export_facts(cmd.declaration_id)
        if facts is None or facts.exporter != exporter:
            found.add(
                "/declarationId", "export.unknown", "No released export of this exporter has it."
            )
    found.raise_if_any()
    assert exporter is not None
    if uow.verification.receipt_exists(cmd.bank, cmd.bank_reference):
        raise errors.DuplicateReceipt(
            "This bank already reported a receipt with this reference.",
            bankReference=cmd.bank_reference,
        )
    receipt = ForexReceipt(
        id=new_id("FXR"),
        bank=cmd.bank,
        bank_reference=cmd.bank_reference,
        exporter=exporter,
        amount=cmd.amount,
        currency=cmd.currency,
        value_date=cmd.value_date,
        remitter=cmd.remitter,
        remitter_country=cmd.remitter_country,
        declaration_id=cmd.declaration_id,
        received_at=uow.now(),
    )
    body = {k: v for k, v in receipt_json(receipt).items() if k not in ("ledgerSeq", "matchedTo")}
    receipt.ledger_seq = _append(
        uow,
        _signed({"type": "forex.receipt", **body}, cmd.submission),
        receipt.id,
        *([cmd.declaration_id] if cmd.declaration_id else []),
    )
    uow.verification.add_receipt(receipt)
    uow.record(
        events.ForexReceiptRecorded(
            declaration_id=cmd.declaration_id, actor=cmd.actor, agency="forex",
            occurred_at=uow.now(), data={"receipt": receipt.id, "ledgerSeq": receipt.ledger_seq},
        )
    )  # fmt: skip
    return receipt_json(receipt)


def verify_forex(cmd: commands.VerifyForex, uow: VerificationUnitOfWork) -> list[dict[str, Any]]:
    """The forex agency matches receipts to exports; each answer is a verification entry.
    Exports still unmatched after the set period are flagged overdue."""
    repo = uow.verification
    ids = cmd.declaration_ids if cmd.declaration_ids is not None else repo.exports_awaiting_forex()
    found = ErrorList()
    exports = []
    for i, declaration_id in enumerate(ids):
        facts = repo.export_facts(declaration_id)
        if facts is None:
            found.add(f"/declarationIds/{i}", "export.unknown", "Not a released export.")
        exports.append(facts)
    found.raise_if_any()
    now, at = uow.now(), isoformat(uow.now())
    pools: dict[tuple[str, str], list[ForexReceipt]] = {}
    out = []
    for export in exports:
        assert export is not None
        earlier = repo.matched_forex(export.declaration_id)
        if earlier is not None:
            out.append(
                {"declarationId": export.declaration_id, "answer": "matched",
                 "verificationSeq": earlier, "already": True}
            )  # fmt: skip
            continue
        key = (export.exporter, export.currency)
        if key not in pools:
            pools[key] = repo.open_receipts(*key)
        match = match_receipts(export, pools[key], cmd.tolerance, cmd.overdue_after_days, now)
        used = [r for r in pools[key] if r.id in match.receipts]
        for receipt in used:
            receipt.matched_to = export.declaration_id
        if used:
            repo.allocate(match.receipts, export.declaration_id)
        details = {
            "currency": export.currency,
            "expected": str(match.expected),
            "received": str(match.received),
            "difference": str(match.difference),
            "tolerance": str(cmd.tolerance),
            "receipts": list(match.receipts),
            "releasedAt": isoformat(export.released_at),
        }
        seq = _append(
            uow,
            _signed(
                verification_entry(
                    cmd.agency, cmd.actor, at, {"declarationId": export.declaration_id},
                    "forex.received", match.answer.value, details,
                    [export.release_seq, *(r.ledger_seq for r in used)],
                ),
                cmd.submission,
            ),
            export.declaration_id,
        )  # fmt: skip
        repo.add_forex_verification(
            {
                "id": new_id("FXV"),
                "declaration_id": export.declaration_id,
                "answer": match.answer.value,
                "expected": str(match.expected),
                "received": str(match.received),
                "receipts": list(match.receipts),
                "verified_by": cmd.actor,
                "verified_at": now,
                "ledger_seq": seq,
            }
        )
        uow.record(
            events.ForexVerified(
                declaration_id=export.declaration_id, actor=cmd.actor, agency=cmd.agency,
                occurred_at=now, data={"answer": match.answer.value, "ledgerSeq": seq},
            )
        )  # fmt: skip
        out.append({"declarationId": export.declaration_id, **details,
                    "answer": match.answer.value, "verificationSeq": seq})  # fmt: skip
    return out


def _earlier(claims: list[RefundClaim], sequences: tuple[int, ...], state: ClaimState) -> Any:
    return next((c for c in claims if c.state is state and set(c.sequences) & set(sequences)), None)


def claim_refund(cmd: commands.ClaimRefund, uow: VerificationUnitOfWork) -> dict[str, Any]:
    """The exporter claims the export VAT refund on released goods. Goods refunded before are
    refused at once (409, with the first refund's entry)."""
    repo = uow.verification
    export = repo.export_facts(cmd.declaration_id, lock=True)
    if export is None or export.exporter != cmd.exporter:
        raise errors.ExportNotFound(
            "No released export of yours has this id.", declarationId=cmd.declaration_id
        )
    have = [g.sequence for g in export.goods]
    sequences = tuple(sorted(set(cmd.sequences))) if cmd.sequences else tuple(have)
    found = ErrorList()
    for i, s in enumerate(cmd.sequences or ()):
        if s not in have:
            found.add(f"/items/{i}", "goods_item.unknown", f"The export has no goods item {s}.")
    found.raise_if_any()
    claims = repo.claims_for(cmd.declaration_id)
    first = _earlier(claims, sequences, ClaimState.GRANTED)
    if first is not None:
        raise errors.RefundAlreadyGranted(
            f"These goods were refunded by claim {first.id}.",
            firstClaim=first.id, firstRefundSeq=first.decision_seq,
        )  # fmt: skip
    pending = _earlier(claims, sequences, ClaimState.CLAIMED)
    if pending is not None:
        raise errors.RefundPending(
            f"Claim {pending.id} for these goods awaits the tax agency.", claim=pending.id
        )
    goods = tuple(g for g in export.goods if g.sequence in sequences)
    lines = refund_lines(goods)
    claim = RefundClaim(
        id=new_id("VRC"),
        declaration_id=cmd.declaration_id,
        exporter=cmd.exporter,
        sequences=sequences,
        amount=sum((Decimal(x["amount"]) for x in lines), Decimal(0)),
        currency=export.currency,
        lines=lines,
        claimed_at=uow.now(),
        claimed_by=cmd.actor,
    )
    kept = ("id", "declarationId", "exporter", "items", "amount", "currency", "lines",
            "claimedAt", "claimedBy")  # fmt: skip
    body = {k: v for k, v in claim_json(claim).items() if k in kept}
    claim.claim_seq = _append(
        uow, _signed({"type": "refund.claimed", **body}, cmd.submission), cmd.declaration_id
    )
    repo.add_claim(claim)
    uow.record(
        events.RefundClaimed(
            declaration_id=cmd.declaration_id, actor=cmd.actor, agency="tax",
            occurred_at=uow.now(), data={"claim": claim.id, "amount": str(claim.amount),
                                         "ledgerSeq": claim.claim_seq},
        )
    )  # fmt: skip
    return claim_json(claim)


def check_refund(cmd: commands.CheckRefund, uow: VerificationUnitOfWork) -> dict[str, Any]:
    """The tax agency's check: released and departed, forex received, no earlier refund of the
    same goods. The check is a verification entry; a refund granted is its own entry."""
    repo = uow.verification
    claim = repo.get_claim(cmd.claim_id, for_update=True)
    if claim is None:
        raise errors.ClaimNotFound("No such refund claim.", claim=cmd.claim_id)
    if claim.state is not ClaimState.CLAIMED:
        raise InvalidTransition(f"The claim is already {claim.state.value}.", claim=claim.id)
    export = repo.export_facts(claim.declaration_id, lock=True)
    others = [c for c in repo.claims_for(claim.declaration_id) if c.id != claim.id]
    facts = RefundFacts(
        export=export,
        forex=repo.matched_forex(claim.declaration_id),
        earlier=_earlier(others, claim.sequences, ClaimState.GRANTED),
    )
    reasons = refund_problems(facts)
    answer = "eligible" if not reasons else "refused"
    now, at = uow.now(), isoformat(uow.now())
    evidence = [claim.claim_seq]
    if export is not None:
        evidence.append(export.release_seq)
        if export.departure_seq is not None:
            evidence.append(export.departure_seq)
    if facts.forex is not None:
        evidence.append(facts.forex)
    if facts.earlier is not None and facts.earlier.decision_seq is not None:
        evidence.append(facts.earlier.decision_seq)
    details = {
        "claim": claim.id,
        "released": export is not None,
        "departed": export is not None and export.departure_seq is not None,
        "forexVerified": facts.forex is not None,
        "earlierRefund": facts.earlier.id if facts.earlier else None,
        "reasons": reasons,
    }
    check_seq = _append(
        uow,
        _signed(
            verification_entry(
                cmd.agency, cmd.actor, at, {"declarationId": claim.declaration_id,
                                            "claim": claim.id},
                "export_vat_refund.eligible", answer, details, evidence,
            ),
            cmd.submission,
        ),
        claim.declaration_id,
    )  # fmt: skip
    decided = replace(claim, decided_at=now, decided_by=cmd.actor, reasons=reasons)
    if reasons:
        decided.state = ClaimState.REFUSED
        decided.decision_seq = check_seq
        event: events.RefundGranted | events.RefundRefused = events.RefundRefused(
            declaration_id=claim.declaration_id, actor=cmd.actor, agency=cmd.agency,
            reason="; ".join(reasons), occurred_at=now,
            data={"claim": claim.id, "ledgerSeq": check_seq},
        )  # fmt: skip
    else:
        decided.state = ClaimState.GRANTED
        decided.decision_seq = _append(
            uow,
            {
                "type": "refund.granted", "claim": claim.id,
                "declarationId": claim.declaration_id, "exporter": claim.exporter,
                "items": list(claim.sequences), "lines": claim.lines,
                "amount": str(claim.amount), "currency": claim.currency,
                "grantedBy": cmd.actor, "grantedAt": at, "verificationSeq": check_seq,
            },
            claim.declaration_id,
        )  # fmt: skip
        event = events.RefundGranted(
            declaration_id=claim.declaration_id, actor=cmd.actor, agency=cmd.agency,
            occurred_at=now, data={"claim": claim.id, "amount": str(claim.amount),
                                   "ledgerSeq": decided.decision_seq},
        )  # fmt: skip
    repo.save_claim(decided)
    uow.record(event)
    return {**claim_json(decided), "verificationSeq": check_seq}
