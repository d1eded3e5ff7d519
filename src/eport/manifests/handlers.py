"""Handlers of the manifests context: lodge, arrival, departure, gate-out."""

from __future__ import annotations

from typing import Any

from eport.declarations.handlers import Outcome, replay, request_fingerprint
from eport.declarations.ports import StoredResponse
from eport.kernel.clock import isoformat
from eport.kernel.ids import new_id
from eport.manifests import commands, errors, events
from eport.manifests.model import (
    GateEvent,
    GateOutcome,
    ManifestRecord,
    ManifestStatus,
    gate_decision,
)
from eport.manifests.ports import ManifestsUnitOfWork


def lodge_manifest(cmd: commands.LodgeManifest, uow: ManifestsUnitOfWork) -> Outcome:
    """Record a manifest before arrival. A bill already on an open manifest is refused."""
    fingerprint = request_fingerprint("manifest", "", cmd.raw)
    replayed = replay(uow.idempotency, cmd.actor, cmd.idempotency_key, fingerprint)
    if replayed is not None:
        return replayed
    doc = cmd.document
    for bill in doc.bills:
        if uow.manifests.open_bill(bill.reference) is not None:
            raise errors.BillAlreadyManifested(
                f"Bill {bill.reference} is already on an open manifest.", bill=bill.reference
            )
    now = uow.now()
    record = ManifestRecord(
        id=new_id("MAN"),
        carrier=cmd.carrier,
        lodged_by=cmd.actor,
        customs_office=doc.customs_office,
        voyage=doc.voyage,
        conveyance=doc.conveyance.identifier or doc.conveyance.name or "",
        place_of_arrival=doc.place_of_arrival,
        expected_arrival=doc.expected_arrival,
        status=ManifestStatus.LODGED,
        lodged_at=now,
        document=doc,
    )
    body = {
        "id": record.id,
        "status": record.status.value,
        "bills": [b.reference for b in doc.bills],
        "lodgedAt": isoformat(now),
    }
    uow.idempotency.put(cmd.actor, cmd.idempotency_key, StoredResponse(fingerprint, 201, body))
    uow.manifests.add(record, cmd.raw)
    uow.record(
        events.ManifestLodged(
            actor=cmd.actor,
            occurred_at=now,
            data={
                "manifest": record.id,
                "carrier": cmd.carrier,
                "voyage": doc.voyage,
                "bills": len(doc.bills),
            },
        )
    )
    return Outcome(201, body)


def _own(uow: ManifestsUnitOfWork, manifest_id: str, carrier: str) -> ManifestRecord:
    record = uow.manifests.get(manifest_id, for_update=True)
    if record is None or record.carrier != carrier:
        raise errors.ManifestNotFound("No such manifest.", id=manifest_id)
    return record


def record_arrival(cmd: commands.RecordArrival, uow: ManifestsUnitOfWork) -> dict[str, Any]:
    record = _own(uow, cmd.manifest_id, cmd.carrier)
    if record.status is not ManifestStatus.LODGED:
        raise errors.ManifestState(
            f"The conveyance is already {record.status.value}.", status=record.status.value
        )
    record.status, record.arrived_at = ManifestStatus.ARRIVED, uow.now()
    uow.manifests.save(record)
    uow.record(
        events.ConveyanceArrived(
            actor=cmd.actor, occurred_at=uow.now(), data={"manifest": record.id}
        )
    )
    return {"id": record.id, "status": record.status.value, "arrivedAt": isoformat(uow.now())}


def record_departure(cmd: commands.RecordDeparture, uow: ManifestsUnitOfWork) -> dict[str, Any]:
    record = _own(uow, cmd.manifest_id, cmd.carrier)
    if record.status is not ManifestStatus.ARRIVED:
        raise errors.ManifestState(
            f"A conveyance that is {record.status.value} cannot depart.",
            status=record.status.value,
        )
    record.status, record.departed_at = ManifestStatus.DEPARTED, uow.now()
    uow.manifests.save(record)
    uow.record(
        events.ConveyanceDeparted(
            actor=cmd.actor, occurred_at=uow.now(), data={"manifest": record.id}
        )
    )
    return {"id": record.id, "status": record.status.value, "departedAt": isoformat(uow.now())}


def gate_out(cmd: commands.GateOut, uow: ManifestsUnitOfWork) -> dict[str, Any]:
    """Let the container out if customs released its declaration; otherwise refuse and flag
    it (a discrepancy, on the audit chain and in the discrepancy report)."""
    container = cmd.container.strip().upper()
    bill = uow.manifests.bill_for_container(container)
    status = (
        uow.declaration_status.status_of(bill.declaration_id)
        if bill is not None and bill.declaration_id
        else None
    )
    outcome, reason = gate_decision(bill, status)
    event = GateEvent(
        id=new_id("GATE"),
        container=container,
        outcome=outcome,
        reason=reason,
        at=uow.now(),
        by=cmd.actor,
        manifest_id=bill.manifest_id if bill else None,
        bill_reference=bill.reference if bill else None,
        declaration_id=bill.declaration_id if bill else None,
    )
    uow.manifests.add_gate_event(event)
    kind = events.ContainerGatedOut if outcome is GateOutcome.ALLOWED else events.GateOutRefused
    uow.record(
        kind(
            declaration_id=event.declaration_id,
            actor=cmd.actor,
            occurred_at=event.at,
            reason=reason,
            data={
                "container": container,
                "manifest": event.manifest_id,
                "bill": event.bill_reference,
                "gateEvent": event.id,
            },
        )
    )
    return {
        "id": event.id,
        "container": container,
        "outcome": outcome.value,
        "reason": reason,
        "declarationId": event.declaration_id,
        "bill": event.bill_reference,
    }
