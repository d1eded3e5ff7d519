"""Handlers of the clearance context."""

from __future__ import annotations

import copy
from typing import Any

from eport.clearance import commands, errors, events
from eport.clearance.model import (
    CORRECTABLE,
    HoldState,
    InspectionOrder,
    IprHold,
    IprRecordation,
    OrderState,
    Outcome,
    apply_corrections,
)
from eport.clearance.ports import ClearanceUnitOfWork
from eport.datamodel.validation import validate_document
from eport.declarations.events import DeclarationLodged
from eport.kernel.clock import isoformat
from eport.kernel.errors import ErrorList, FieldError, NotFound, ValidationFailed
from eport.kernel.ids import new_id
from eport.tariff.events import DeclarationAssessed


def order_json(order: InspectionOrder) -> dict[str, Any]:
    return {
        "id": order.id,
        "declarationId": order.declaration_id,
        "revision": order.revision,
        "reason": order.reason,
        "state": order.state.value,
        "orderedBy": order.ordered_by,
        "orderedAt": isoformat(order.ordered_at),
        "outcome": order.outcome.value if order.outcome else None,
        "corrections": [
            {"item": c.item, "field": c.field, "declared": c.declared, "found": c.found}
            for c in order.corrections
        ],
        "remarks": order.remarks,
        "inspectedBy": order.inspected_by,
        "completedAt": isoformat(order.completed_at) if order.completed_at else None,
    }


def _order(
    uow: ClearanceUnitOfWork, declaration_id: str, reason: str, actor: str
) -> InspectionOrder:
    record = uow.declarations.get(declaration_id, for_update=True)
    if record is None:
        raise NotFound("No such declaration.", id=declaration_id)
    order = InspectionOrder(
        id=new_id("INS"),
        declaration_id=declaration_id,
        revision=int(getattr(record, "revision", 1)),
        reason=reason,
        ordered_by=actor,
        ordered_at=uow.now(),
    )
    uow.clearance.add_order(order)
    uow.record(
        events.InspectionOrdered(
            declaration_id=declaration_id,
            actor=actor,
            agency="customs",
            reason=reason,
            occurred_at=uow.now(),
            data={"order": order.id, "revision": order.revision},
        )
    )
    return order


def order_inspection(cmd: commands.OrderInspection, uow: ClearanceUnitOfWork) -> dict[str, Any]:
    if not cmd.reason.strip():
        raise ValidationFailed([FieldError("/reason", "required", "Say why goods are inspected.")])
    return order_json(_order(uow, cmd.declaration_id, cmd.reason.strip(), cmd.actor))


def on_declaration_lodged(event: DeclarationLodged, uow: ClearanceUnitOfWork) -> None:
    """In the lodgement's transaction: a red lane orders a physical inspection, and goods that
    match a recorded trademark are held."""
    assert event.declaration_id is not None
    if event.data.get("lane") == "red":
        _order(uow, event.declaration_id, "Red lane: physical inspection.", "risk")
    recordations = uow.clearance.recordations(uow.now().date())
    if not recordations:
        return
    document = uow.revisions.document_json(event.declaration_id, 1)
    for item in document.get("goodsItems", []):
        for rec in recordations:
            if rec.matches(str(item["hsCode"]), str(item["description"]), uow.now().date()):
                hold = IprHold(
                    new_id("IPR"),
                    event.declaration_id,
                    rec.id,
                    int(item["sequence"]),
                    rec.trademark,
                    HoldState.HELD,
                    uow.now(),
                )
                uow.clearance.add_hold(hold)
                uow.record(
                    events.GoodsHeld(
                        declaration_id=event.declaration_id,
                        actor="customs",
                        agency="customs",
                        reason=f"Goods item {hold.item} matches the recorded trademark "
                        f"{rec.trademark!r} of {rec.rights_holder}.",
                        occurred_at=uow.now(),
                        data={"hold": hold.id, "recordation": rec.id, "item": hold.item},
                    )
                )


def record_findings(cmd: commands.RecordFindings, uow: ClearanceUnitOfWork) -> dict[str, Any]:
    """Complete an inspection. A discrepancy corrects the goods items (quantity, value, HS
    code, origin, masses), reassesses the duties on the corrected facts (a supplementary bill
    or a refund follows in the duty account) and counts against the party's record."""
    order = uow.clearance.get_order(cmd.order_id)
    if order is None:
        raise errors.OrderNotFound("No such inspection order.", id=cmd.order_id)
    record = uow.declarations.get(order.declaration_id, for_update=True)
    order = uow.clearance.get_order(cmd.order_id, for_update=True)
    assert order is not None and record is not None
    if order.state is not OrderState.OPEN:
        raise errors.OrderNotOpen("The findings of this inspection are recorded.")
    problems = ErrorList()
    if cmd.outcome is Outcome.DISCREPANCY and not cmd.corrections and not cmd.remarks:
        problems.add("/corrections", "required", "A discrepancy says what was found.")
    if cmd.outcome is Outcome.NO_DISCREPANCY and cmd.corrections:
        problems.add("/corrections", "findings.contradiction", "No discrepancy, no corrections.")
    revision = int(getattr(record, "revision", order.revision))
    document: dict[str, Any] = copy.deepcopy(
        dict(uow.revisions.document_json(order.declaration_id, revision))
    )
    sequences = {item["sequence"] for item in document["goodsItems"]}
    for i, c in enumerate(cmd.corrections):
        if c.field not in CORRECTABLE:
            problems.add(
                f"/corrections/{i}/field", "code.unknown", f"One of {sorted(CORRECTABLE)}."
            )
        if c.item not in sequences:
            problems.add(f"/corrections/{i}/item", "item.unknown", f"No goods item {c.item}.")
    problems.raise_if_any()
    reassessed: dict[str, Any] | None = None
    if cmd.corrections:
        apply_corrections(document, cmd.corrections)
        try:
            corrected = validate_document(document)
        except ValidationFailed as exc:
            raise ValidationFailed(
                [FieldError("/corrections" + e.pointer, e.code, e.message) for e in exc.errors]
            ) from None
        summary = uow.assessor.assess(corrected, uow.now().date())
        if summary is not None:
            uow.assessor.record(order.declaration_id, revision, summary, "inspection findings")
            uow.record(
                DeclarationAssessed(
                    declaration_id=order.declaration_id,
                    actor=cmd.actor,
                    agency="customs",
                    reason="inspection findings",
                    occurred_at=uow.now(),
                    data={
                        "revision": revision,
                        "total": summary.total,
                        "currency": summary.currency,
                        "assessment": summary.document,
                    },
                )
            )
            reassessed = {
                "total": summary.document["total"]["amount"],
                "currency": summary.currency,
            }
    order.state, order.outcome = OrderState.COMPLETED, cmd.outcome
    order.corrections, order.remarks = cmd.corrections, cmd.remarks
    order.inspected_by, order.completed_at = cmd.actor, uow.now()
    uow.clearance.save_order(order)
    uow.clearance.record_finding(
        order.declaration_id, cmd.outcome is Outcome.DISCREPANCY, uow.now().date()
    )
    uow.record(
        events.FindingsRecorded(
            declaration_id=order.declaration_id,
            actor=cmd.actor,
            agency="customs",
            reason=cmd.remarks,
            occurred_at=uow.now(),
            data={"order": order.id, **order_json(order), "reassessed": reassessed},
        )
    )
    return {**order_json(order), "reassessed": reassessed}


def record_ipr(cmd: commands.RecordIpr, uow: ClearanceUnitOfWork) -> dict[str, Any]:
    problems = ErrorList()
    if not cmd.trademark.strip():
        problems.add("/trademark", "required", "Give the trademark.")
    if not cmd.hs_prefixes or any(not p.isdigit() or len(p) > 10 for p in cmd.hs_prefixes):
        problems.add("/hsPrefixes", "hs_prefix.invalid", "Give HS prefixes of 2 to 10 digits.")
    problems.raise_if_any()
    rec = IprRecordation(
        new_id("IPRR"),
        cmd.rights_holder.strip(),
        cmd.trademark.strip(),
        cmd.hs_prefixes,
        cmd.valid_from,
        cmd.valid_to,
    )
    uow.clearance.add_recordation(rec)
    data = {
        "id": rec.id,
        "rightsHolder": rec.rights_holder,
        "trademark": rec.trademark,
        "hsPrefixes": list(rec.hs_prefixes),
        "validFrom": rec.valid_from.isoformat(),
        "validTo": rec.valid_to.isoformat() if rec.valid_to else None,
    }
    uow.record(
        events.IprRecorded(actor=cmd.actor, agency="customs", occurred_at=uow.now(), data=data)
    )
    return data


def decide_ipr_hold(cmd: commands.DecideIprHold, uow: ClearanceUnitOfWork) -> dict[str, Any]:
    hold = uow.clearance.get_hold(cmd.hold_id, for_update=True)
    if hold is None:
        raise errors.HoldNotFound("No such IPR hold.", id=cmd.hold_id)
    if hold.state is not HoldState.HELD:
        raise errors.HoldDecided(f"This hold is already {hold.state.value}.")
    if cmd.decision is HoldState.HELD or not cmd.reason.strip():
        raise ValidationFailed(
            [FieldError("/decision", "ipr.decision", "Release or seize, with a reason.")]
        )
    hold.state, hold.decided_by, hold.reason = cmd.decision, cmd.actor, cmd.reason.strip()
    uow.clearance.save_hold(hold)
    uow.record(
        events.HoldDecided(
            declaration_id=hold.declaration_id,
            actor=cmd.actor,
            agency="customs",
            reason=hold.reason,
            occurred_at=uow.now(),
            data={"hold": hold.id, "decision": hold.state.value, "item": hold.item},
        )
    )
    return {"id": hold.id, "declarationId": hold.declaration_id, "state": hold.state.value}
