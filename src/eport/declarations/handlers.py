"""Handlers of the declarations context: lodge, amend, cancel, release, combine status."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any

from eport.datamodel.codelists import DOCUMENT_TYPES
from eport.datamodel.declaration import Declaration as Document
from eport.datamodel.validation import validate_document
from eport.declarations import commands, errors, events
from eport.declarations.bills import check_against_bill
from eport.declarations.lanes import AUTOMATIC as AUTOMATIC_LANES
from eport.declarations.lanes import DECIDED_BY, accept_automatically
from eport.declarations.model import (
    AMENDABLE,
    CANCELLABLE,
    AssessmentSummary,
    DeclarationRecord,
    Receipt,
    Revision,
    Status,
    combine,
    field_diff,
)
from eport.declarations.ports import DeclarationsUnitOfWork, IdempotencyStore, StoredResponse
from eport.kernel.clock import isoformat
from eport.kernel.errors import (
    ErrorList,
    FieldError,
    Forbidden,
    IdempotencyConflict,
    ValidationFailed,
)
from eport.kernel.ids import new_id
from eport.manifests.model import Bill
from eport.risk.model import Lane
from eport.routing.events import TaskDecided
from eport.routing.model import (
    OPEN_TASK_STATES,
    Routing,
    RuleHit,
    Task,
    TaskState,
    plan_reroute,
)
from eport.tariff.events import DeclarationAssessed

RELEASE_AGENCY = "customs"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a write returns to its caller: the status code and body, and whether it is a replay."""

    status_code: int
    body: dict[str, Any]
    replayed: bool = False


def request_fingerprint(kind: str, target: str, raw: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(f"{kind}\n{target}\n".encode())
    digest.update(raw)
    return digest.hexdigest()


def replay(store: IdempotencyStore, scope: str, key: str, fingerprint: str) -> Outcome | None:
    """The stored answer to a retried request (same key, same bytes); 409 if the key was used
    for another request; None for a new key."""
    stored = store.get(scope, key)
    if stored is None:
        return None
    if stored.request_sha256 != fingerprint:
        raise IdempotencyConflict(
            "This Idempotency-Key was used with a different request.", key=key
        )
    return Outcome(stored.status_code, stored.body, replayed=True)


def _route(uow: DeclarationsUnitOfWork, document: Document, prefix: str = "") -> Routing:
    today = uow.now().date()
    routing = uow.catalogue.in_force(today).route(document, today)
    # Route only to agencies that exist and are active (the list is configurable).
    known = uow.catalogue.agencies()
    active = {code for code, agency in known.items() if agency.active}
    routing.hits = [
        h
        if all(a in active for a in h.rule.agencies)
        else RuleHit(
            dataclasses.replace(h.rule, agencies=tuple(a for a in h.rule.agencies if a in active)),
            h.item_indexes,
        )
        for h in routing.hits
    ]
    if routing.missing:
        raise ValidationFailed(
            [
                FieldError(
                    f"{prefix}/goodsItems/{m.item_index}/documents",
                    "document.required",
                    f"Rule {m.rule} requires a "
                    f"{DOCUMENT_TYPES.get(m.document_type, m.document_type)} "
                    f"(type {m.document_type}) for goods item "
                    f"{document.goods_items[m.item_index].sequence}"
                    + (f": {m.description}" if m.description else "."),
                    rule=m.rule,
                )
                for m in routing.missing
            ]
        )
    return routing


def _check_licences(
    uow: DeclarationsUnitOfWork, doc: Document, owner: str, prefix: str = ""
) -> None:
    """Over-use, or an expired, revoked or foreign licence or processing-trade handbook, is
    refused at lodging."""
    on = uow.now().date()
    found = uow.licences.check(doc, owner, on) + uow.handbooks.check(doc, owner, on)
    if found:
        raise ValidationFailed([FieldError(prefix + e.pointer, e.code, e.message) for e in found])


def _bill_for(uow: DeclarationsUnitOfWork, doc: Document) -> Bill | None:
    """The open bill the declaration names: an import must match it; an export is linked to
    it, so the conveyance's departure confirms the export left."""
    if doc.transport_document is None:
        return None
    return uow.manifests.open_bill(doc.transport_document.reference)


def _relink_bill(
    uow: DeclarationsUnitOfWork, record: DeclarationRecord, old: Bill | None, new: Bill | None
) -> None:
    """After an amendment the declaration covers the new bill, and no longer the old one."""
    if old is not None and old.declaration_id == record.id and (new is None or new != old):
        uow.manifests.link_bill(old.manifest_id, old.reference, None)
    if new is not None and new.declaration_id != record.id:
        uow.manifests.link_bill(new.manifest_id, new.reference, record.id)


def _receipt(raw: bytes, received_at: Any) -> Receipt:
    return Receipt(received_at, hashlib.sha256(raw).hexdigest(), len(raw))


def _receipt_json(receipt: Receipt) -> dict[str, Any]:
    return {
        "receivedAt": isoformat(receipt.received_at),
        "sha256": receipt.sha256,
        "size": receipt.size,
    }


def lodge(cmd: commands.LodgeDeclaration, uow: DeclarationsUnitOfWork) -> Outcome:
    """Lodge a declaration; the Idempotency-Key is claimed before anything else is written.

    Almost every key is new, so the key's row is inserted first (``claim``) instead of looked
    up; only when it exists is the stored answer read and replayed (or the reuse refused).
    """
    fingerprint = request_fingerprint("lodge", "", cmd.raw)
    try:
        routing = _route(uow, cmd.document)
    except ValidationFailed:
        # The catalogue may have changed since this key's first, accepted, lodging.
        replayed = replay(uow.idempotency, cmd.actor, cmd.idempotency_key, fingerprint)
        if replayed is not None:
            return replayed
        raise
    doc = cmd.document
    bill = _bill_for(uow, doc)
    try:
        _check_licences(uow, doc, cmd.enterprise)
        check_against_bill(doc, bill, uow.cargo_rules, None)
    except ValidationFailed:
        replayed = replay(uow.idempotency, cmd.actor, cmd.idempotency_key, fingerprint)
        if replayed is not None:  # the first lodging linked the bill, or the manifest changed
            return replayed
        raise
    now = uow.now()
    declaration_id = new_id("DEC")
    receipt = _receipt(cmd.raw, cmd.received_at)
    record = DeclarationRecord(
        id=declaration_id,
        owner=cmd.enterprise,
        created_by=cmd.actor,
        declaration_type=doc.declaration_type,
        trader_reference=doc.trader_reference,
        status=Status.LODGED,
        revision=1,
        lodged_at=now,
        updated_at=now,
        document=doc,
        representative=cmd.representative,
    )
    revision = Revision(
        declaration_id,
        1,
        doc.model_dump(mode="json", by_alias=True, exclude_none=True),
        cmd.raw,
        cmd.content_type,
        receipt,
        cmd.actor,
        signature=cmd.signature,
        signer_serial=cmd.signer_serial,
    )
    tasks = [
        Task(new_id("TSK"), declaration_id, agency, TaskState.PENDING, 1, tuple(rules))
        for agency, rules in routing.agencies().items()
    ]
    selection = uow.selectivity.select(doc, declaration_id, now.date())
    assessment = uow.assessor.assess(doc, now.date())
    body = {
        "id": declaration_id,
        "status": Status.LODGED.value,
        "revision": 1,
        "receipt": _receipt_json(receipt),
        "agencies": {t.agency: {"task": t.id, "rules": list(t.rules)} for t in tasks},
    }
    if selection is not None:
        body["lane"] = selection.lane.value
    if assessment is not None:
        body["duties"] = _duties_json(assessment)
    stored = StoredResponse(fingerprint, 201, body)
    if not uow.idempotency.claim(cmd.actor, cmd.idempotency_key, stored):
        replayed = replay(uow.idempotency, cmd.actor, cmd.idempotency_key, fingerprint)
        if replayed is None:  # the key's row vanished between the two statements
            raise IdempotencyConflict("Retry with the same key.", key=cmd.idempotency_key)
        return replayed
    uow.declarations.add(record, revision)
    uow.tasks.add_many(tasks)
    if bill is not None and doc.transport_document is not None:
        uow.manifests.link_bill(bill.manifest_id, bill.reference, declaration_id)
    if selection is not None:
        uow.selectivity.record(selection, 1)
    uow.record(
        events.DeclarationLodged(
            declaration_id=declaration_id,
            actor=cmd.actor,
            occurred_at=now,
            data={
                "revision": 1,
                "status": Status.LODGED.value,
                "representative": cmd.representative,
                "receipt": body["receipt"],
                "tasks": {t.agency: {"id": t.id, "rules": list(t.rules)} for t in tasks},
                **({"lane": selection.lane.value} if selection is not None else {}),
            },
        )
    )
    if assessment is not None:
        _record_assessment(uow, declaration_id, 1, assessment, cmd.actor)
    return Outcome(201, body)


def on_lodged_accept_automatically(
    event: events.DeclarationLodged, uow: DeclarationsUnitOfWork
) -> None:
    """After the lodgement's other consequences (an IPR hold, an inspection): a green or blue
    lane accepts customs' task at once, unless something holds the goods."""
    assert event.declaration_id is not None
    lane = event.data.get("lane")
    if lane not in AUTOMATIC_LANES or uow.clearance.blocking(event.declaration_id):
        return
    tasks = uow.tasks.for_declaration(event.declaration_id)
    task = accept_automatically(tasks, Lane(lane))
    if task is not None:
        uow.tasks.save(task)
        _record_automatic(uow, task, Lane(lane))


def _duties_json(assessment: AssessmentSummary) -> dict[str, Any]:
    return {
        "total": assessment.document["total"]["amount"],
        "currency": assessment.currency,
        "totals": {k: v["amount"] for k, v in assessment.document.get("totals", {}).items()},
        "quotaDraws": assessment.document.get("quotaDraws", []),
        "preferences": assessment.document.get("preferences", []),
    }


def _record_assessment(
    uow: DeclarationsUnitOfWork,
    declaration_id: str,
    revision: int,
    assessment: AssessmentSummary,
    actor: str,
    reason: str | None = None,
) -> None:
    """Stored; the payments context books it (in this transaction); webhooks and audit see
    it. Call after the declaration row exists."""
    uow.assessor.record(declaration_id, revision, assessment, reason)
    uow.record(
        DeclarationAssessed(
            declaration_id=declaration_id,
            actor=actor,
            agency="customs",
            reason=reason,
            occurred_at=uow.now(),
            data={
                "revision": revision,
                "total": assessment.total,
                "currency": assessment.currency,
                "assessment": assessment.document,
            },
        )
    )


def _record_automatic(uow: DeclarationsUnitOfWork, task: Task, lane: Lane) -> None:
    """Customs' automatic decision is an event like an officer's: it combines the status."""
    uow.record(
        TaskDecided(
            declaration_id=task.declaration_id,
            actor=DECIDED_BY,
            agency=task.agency,
            reason=task.reason,
            occurred_at=uow.now(),
            data={
                "task": task.id,
                "decision": "accept",
                "revision": task.revision,
                "lane": lane.value,
                "automatic": True,
            },
        )
    )


def _load_own(
    uow: DeclarationsUnitOfWork, declaration_id: str, enterprise: str
) -> DeclarationRecord:
    record = uow.declarations.get(declaration_id, for_update=True)
    if record is None or record.owner != enterprise:
        raise errors.DeclarationNotFound("No such declaration.", id=declaration_id)
    return record


def amend(cmd: commands.AmendDeclaration, uow: DeclarationsUnitOfWork) -> Outcome:
    fingerprint = request_fingerprint("amend", cmd.declaration_id, cmd.raw)
    replayed = replay(uow.idempotency, cmd.actor, cmd.idempotency_key, fingerprint)
    if replayed is not None:
        return replayed
    record = _load_own(uow, cmd.declaration_id, cmd.enterprise)
    if record.status not in AMENDABLE:
        raise errors.NotAmendable(
            f"A declaration that is {record.status.value} cannot be amended.",
            status=record.status.value,
        )
    problems = ErrorList()
    if not cmd.reason.strip():
        problems.add("/reason", "required", "An amendment gives its reason.")
    try:
        new_doc = validate_document(cmd.changes)
    except ValidationFailed as exc:
        for e in exc.errors:
            problems.add("/declaration" + e.pointer, e.code, e.message, e.rule)
        problems.raise_if_any()
        raise
    if new_doc.declaration_type != record.declaration_type:
        problems.add(
            "/declaration/declarationType",
            "amendment.type_change",
            "An amendment cannot change the declaration type; cancel and lodge anew.",
        )
    problems.raise_if_any()
    old_json = uow.declarations.document_json(record.id, record.revision)
    new_json = new_doc.model_dump(mode="json", by_alias=True, exclude_none=True)
    diff = field_diff(old_json, new_json)
    if not diff:
        raise ValidationFailed(
            [FieldError("/declaration", "amendment.no_change", "The amendment changes nothing.")]
        )
    new_routing = _route(uow, new_doc, prefix="/declaration")
    _check_licences(uow, new_doc, record.owner, "/declaration")
    new_bill = _bill_for(uow, new_doc)
    check_against_bill(new_doc, new_bill, uow.cargo_rules, record.id, prefix="/declaration")
    _relink_bill(uow, record, _bill_for(uow, record.document), new_bill)
    old_routing = uow.catalogue.in_force(record.lodged_at.date()).route(
        record.document, record.lodged_at.date()
    )
    tasks = uow.tasks.for_declaration(record.id)
    plan = plan_reroute(
        tasks, old_routing, new_routing, [d["pointer"] for d in diff], uow.catalogue.agencies()
    )
    now = uow.now()
    new_revision = record.revision + 1
    by_agency = {t.agency: t for t in tasks}
    new_rules = new_routing.agencies()
    for task in tasks:
        if task.agency in plan.reopen:
            task.state, task.decision, task.reason, task.decided_by = (
                TaskState.PENDING,
                None,
                None,
                None,
            )
        elif task.agency in plan.withdraw:
            task.state = TaskState.WITHDRAWN
        if task.state is TaskState.PENDING:  # an accepted, unaffected task keeps its revision
            task.revision = new_revision
            task.rules = tuple(new_rules.get(task.agency, task.rules))
        uow.tasks.save(task)
    added = []
    for agency, rules in plan.add.items():
        if agency in by_agency:  # withdrawn earlier, required again
            task = by_agency[agency]
            task.state, task.decision, task.reason, task.decided_by = (
                TaskState.PENDING,
                None,
                None,
                None,
            )
            task.revision, task.rules = new_revision, rules
            uow.tasks.save(task)
        else:
            task = Task(new_id("TSK"), record.id, agency, TaskState.PENDING, new_revision, rules)
            uow.tasks.add_many([task])
        added.append(task)
    receipt = _receipt(cmd.raw, cmd.received_at)
    uow.declarations.add_revision(
        Revision(
            record.id,
            new_revision,
            new_json,
            cmd.raw,
            cmd.content_type,
            receipt,
            cmd.actor,
            cmd.reason,
            tuple(diff),
            signature=cmd.signature,
            signer_serial=cmd.signer_serial,
        )
    )
    previous = record.status
    live_states = [t.state for t in uow.tasks.for_declaration(record.id)]
    record.status = combine(Status.AMENDED, live_states, decided=False)
    record.revision, record.document, record.updated_at = new_revision, new_doc, now
    record.trader_reference = new_doc.trader_reference
    uow.declarations.save(record)
    uow.record(
        events.DeclarationAmended(
            declaration_id=record.id,
            actor=cmd.actor,
            occurred_at=now,
            reason=cmd.reason,
            data={
                "revision": new_revision,
                "diff": diff,
                "receipt": _receipt_json(receipt),
                "reopened": list(plan.reopen),
                "added": sorted(plan.add),
                "withdrawn": list(plan.withdraw),
                "unaffected": list(plan.unaffected),
            },
        )
    )
    _status_changed(uow, record, previous, cmd.actor, cmd.reason)
    body = {
        "id": record.id,
        "status": record.status.value,
        "revision": new_revision,
        "receipt": _receipt_json(receipt),
        "diff": diff,
        "rerouted": {
            "reopened": list(plan.reopen),
            "added": sorted(plan.add),
            "withdrawn": list(plan.withdraw),
            "unaffected": list(plan.unaffected),
        },
    }
    if "customs" in plan.reopen or "customs" in plan.add:
        # The amended goods get a lane of their own (recorded for the revision); an officer
        # reviews an amendment, so no lane accepts it automatically.
        selection = uow.selectivity.select(new_doc, record.id, now.date())
        if selection is not None:
            uow.selectivity.record(selection, new_revision)
            body["lane"] = selection.lane.value
    assessment = uow.assessor.assess(new_doc, now.date())
    if assessment is not None:
        body["duties"] = _duties_json(assessment)
        _record_assessment(uow, record.id, new_revision, assessment, cmd.actor, cmd.reason)
    uow.idempotency.put(cmd.actor, cmd.idempotency_key, StoredResponse(fingerprint, 201, body))
    return Outcome(201, body)


def _status_changed(
    uow: DeclarationsUnitOfWork,
    record: DeclarationRecord,
    previous: Status,
    actor: str,
    reason: str | None,
    agency: str | None = None,
) -> None:
    if record.status is previous:
        return
    uow.record(
        events.DeclarationStatusChanged(
            declaration_id=record.id,
            actor=actor,
            agency=agency,
            occurred_at=uow.now(),
            reason=reason,
            data={"from": previous.value, "to": record.status.value, "revision": record.revision},
        )
    )


def cancel(cmd: commands.CancelDeclaration, uow: DeclarationsUnitOfWork) -> dict[str, Any]:
    record = _load_own(uow, cmd.declaration_id, cmd.enterprise)
    if not cmd.reason.strip():
        raise ValidationFailed(
            [FieldError("/reason", "required", "A cancellation gives its reason.")]
        )
    if record.status not in CANCELLABLE:
        raise errors.NotCancellable(
            f"A declaration that is {record.status.value} cannot be cancelled.",
            status=record.status.value,
        )
    for task in uow.tasks.for_declaration(record.id):
        if task.state in OPEN_TASK_STATES or task.state is TaskState.ACCEPTED:
            task.state = TaskState.CANCELLED
            uow.tasks.save(task)
    bill = _bill_for(uow, record.document)
    if bill is not None and bill.declaration_id == record.id:  # the bill may be declared anew
        uow.manifests.link_bill(bill.manifest_id, bill.reference, None)
    previous, record.status, record.updated_at = record.status, Status.CANCELLED, uow.now()
    uow.declarations.save(record)
    uow.record(
        events.DeclarationCancelled(
            declaration_id=record.id,
            actor=cmd.actor,
            occurred_at=uow.now(),
            reason=cmd.reason,
        )
    )
    _status_changed(uow, record, previous, cmd.actor, cmd.reason)
    return {"id": record.id, "status": record.status.value, "revision": record.revision}


def release(cmd: commands.ReleaseDeclaration, uow: DeclarationsUnitOfWork) -> dict[str, Any]:
    record = uow.declarations.get(cmd.declaration_id, for_update=True)
    tasks = uow.tasks.for_declaration(cmd.declaration_id) if record else []
    if record is None or cmd.agency not in {t.agency for t in tasks}:
        raise errors.DeclarationNotFound("No such declaration.", id=cmd.declaration_id)
    if cmd.agency != RELEASE_AGENCY:
        raise Forbidden(f"Only {RELEASE_AGENCY} releases goods.")
    if record.status is not Status.CLEARED:
        raise errors.NotReleasable(
            f"Only a cleared declaration is released (this one is {record.status.value}).",
            status=record.status.value,
        )
    blocking = uow.clearance.blocking(record.id)
    if blocking:
        raise errors.NotReleasable(
            "Goods are held: " + ", ".join(blocking) + ".", status=record.status.value
        )
    if not uow.duties.settled(record.id):
        raise errors.NotReleasable(
            "Duties and taxes are neither paid nor guaranteed.", status=record.status.value
        )
    short = _consume_quotas(uow, record, cmd.actor)
    if short is not None:
        return short
    previous, record.status, record.updated_at = record.status, Status.RELEASED, uow.now()
    uow.declarations.save(record)
    uow.record(
        events.DeclarationReleased(
            declaration_id=record.id,
            actor=cmd.actor,
            agency=cmd.agency,
            occurred_at=uow.now(),
            reason=cmd.reason,
            data={"revision": record.revision},
        )
    )
    _status_changed(uow, record, previous, cmd.actor, cmd.reason, cmd.agency)
    return {
        "id": record.id,
        "status": record.status.value,
        "revision": record.revision,
        "released": True,
    }


def _consume_quotas(
    uow: DeclarationsUnitOfWork, record: DeclarationRecord, actor: str
) -> dict[str, Any] | None:
    """Quotas are consumed at release, first come first served. If a quota ran out since the
    assessment, the declaration is reassessed at the out-of-quota rate and not released: the
    supplementary bill is booked (and committed) and must be paid or guaranteed first."""
    assessment = uow.assessor.latest(record.id)
    if assessment is None or not assessment.quota_draws:
        return None
    granted = uow.assessor.consume_quotas(record.id, assessment.quota_draws)
    wanted: dict[str, Any] = {}
    for draw in assessment.quota_draws:
        wanted[draw.quota_id] = wanted.get(draw.quota_id, 0) + draw.in_quota
    if all(granted.get(q, 0) >= amount for q, amount in wanted.items()):
        return None
    reassessed = uow.assessor.assess(record.document, uow.now().date(), granted=granted)
    if reassessed is None:
        return None
    _record_assessment(
        uow, record.id, record.revision, reassessed, actor, "quota exhausted at release"
    )
    return {
        "id": record.id,
        "status": record.status.value,
        "revision": record.revision,
        "released": False,
        "reason": "A tariff quota ran out: the out-of-quota rate applies; pay or guarantee "
        "the supplementary duty, then release.",
        "duties": _duties_json(reassessed),
    }


def on_task_decided(event: TaskDecided, uow: DeclarationsUnitOfWork) -> None:
    """Combine every agency's decision into the declaration's one status."""
    assert event.declaration_id is not None
    record = uow.declarations.get(event.declaration_id, for_update=True)
    if record is None:
        return
    states = [t.state for t in uow.tasks.for_declaration(record.id)]
    previous = record.status
    record.status = combine(previous, states, decided=True)
    if record.status is not previous:
        record.updated_at = uow.now()
        uow.declarations.save(record)
        _status_changed(uow, record, previous, event.actor, event.reason, event.agency)
