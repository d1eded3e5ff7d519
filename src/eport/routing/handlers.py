"""Handlers of the routing context: agency decisions and catalogue administration."""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

from eport.kernel.errors import ErrorList
from eport.kernel.ids import new_id
from eport.routing import commands, errors, events
from eport.routing.model import (
    DECISION_STATE,
    E_CERTIFICATE_TYPES,
    Agency,
    CatalogueRule,
    Decision,
    ECertificate,
    TaskState,
)
from eport.routing.ports import RoutingUnitOfWork


def decide(cmd: commands.DecideTask, uow: RoutingUnitOfWork) -> dict[str, Any]:
    task = uow.tasks.get(cmd.task_id)
    if task is None or task.agency != cmd.agency:
        raise errors.TaskNotFound("No such task.", id=cmd.task_id)
    # Lock the declaration first, so decisions and amendments on it happen one after another.
    uow.declarations.get(task.declaration_id, for_update=True)
    task = uow.tasks.get(cmd.task_id, for_update=True)
    assert task is not None
    reason = (cmd.reason or "").strip() or None
    if cmd.decision in (Decision.REJECT, Decision.QUERY) and reason is None:
        problems = ErrorList()
        problems.add("/reason", "required", f"A {cmd.decision.value} decision gives its reason.")
        problems.raise_if_any()
    if task.state is not TaskState.PENDING:
        raise errors.TaskNotPending(
            f"This task is {task.state.value}; only a pending task can be decided.",
            state=task.state.value,
        )
    if cmd.decision is Decision.ACCEPT and task.agency == "customs":
        blocking = uow.clearance.blocking(task.declaration_id)
        if blocking:
            raise errors.ClearanceOpen(
                "Customs accepts once the checks are done: " + ", ".join(blocking) + ".",
                open=blocking,
            )
    if cmd.revision is not None and cmd.revision != task.revision:
        raise errors.StaleRevision(
            f"The declaration is at revision {task.revision}; you decided on {cmd.revision}.",
            revision=task.revision,
        )
    task.state, task.decision, task.reason, task.decided_by = (
        DECISION_STATE[cmd.decision],
        cmd.decision,
        reason,
        cmd.actor,
    )
    uow.tasks.save(task)
    uow.record(
        events.TaskDecided(
            declaration_id=task.declaration_id,
            actor=cmd.actor,
            agency=task.agency,
            reason=reason,
            occurred_at=uow.now(),
            data={
                "task": task.id,
                "decision": cmd.decision.value,
                "revision": task.revision,
                **(
                    {
                        "signer": cmd.signer_serial,
                        "signature": base64.b64encode(cmd.signature).decode(),
                    }
                    if cmd.signature is not None
                    else {}
                ),
            },
        )
    )
    return {
        "id": task.id,
        "declarationId": task.declaration_id,
        "agency": task.agency,
        "state": task.state.value,
        "revision": task.revision,
    }


def put_rule(cmd: commands.PutCatalogueRule, uow: RoutingUnitOfWork) -> CatalogueRule:
    problems = ErrorList()
    known = uow.catalogue.agencies()
    for i, agency in enumerate(cmd.agencies):
        if agency not in known:
            problems.add(f"/agencies/{i}", "agency.unknown", f"No agency {agency!r}.")
    if not cmd.agencies and not cmd.documents:
        problems.add("/agencies", "required", "A rule names an agency or a document.")
    if cmd.effective_to is not None and cmd.effective_to <= cmd.effective_from:
        problems.add("/effectiveTo", "date.order", "effectiveTo must be after effectiveFrom.")
    problems.raise_if_any()
    versions = uow.catalogue.versions(cmd.code)
    current = versions[-1].version if versions else None
    if current != cmd.expected_version:
        raise errors.RuleVersionConflict(
            f"Rule {cmd.code} is at version {current}; you edited version {cmd.expected_version}.",
            current=current,
        )
    rule = CatalogueRule(
        code=cmd.code,
        version=(current or 0) + 1,
        description=cmd.description,
        conditions=cmd.conditions,
        agencies=cmd.agencies,
        documents=cmd.documents,
        effective_from=cmd.effective_from,
        effective_to=cmd.effective_to,
    )
    uow.catalogue.add_version(rule, cmd.actor)
    uow.record(
        events.CatalogueRuleChanged(
            actor=cmd.actor,
            occurred_at=uow.now(),
            data={"code": rule.code, "version": rule.version, "retired": False},
        )
    )
    return rule


def retire_rule(cmd: commands.RetireCatalogueRule, uow: RoutingUnitOfWork) -> CatalogueRule:
    versions = uow.catalogue.versions(cmd.code)
    if not versions or versions[-1].retired:
        raise errors.RuleNotFound(f"No rule {cmd.code} in force.", code=cmd.code)
    rule = dataclasses.replace(versions[-1], version=versions[-1].version + 1, retired=True)
    uow.catalogue.add_version(rule, cmd.actor)
    uow.record(
        events.CatalogueRuleChanged(
            actor=cmd.actor,
            occurred_at=uow.now(),
            reason=cmd.reason,
            data={"code": rule.code, "version": rule.version, "retired": True},
        )
    )
    return rule


def put_agency(cmd: commands.PutAgency, uow: RoutingUnitOfWork) -> Agency:
    agency = Agency(cmd.code, cmd.name, cmd.interests, cmd.active)
    uow.catalogue.put_agency(agency)
    uow.record(
        events.AgencyChanged(
            actor=cmd.actor,
            occurred_at=uow.now(),
            agency=cmd.code,
            data={"code": cmd.code, "name": cmd.name, "active": cmd.active},
        )
    )
    return agency


def issue_ecertificate(cmd: commands.IssueECertificate, uow: RoutingUnitOfWork) -> ECertificate:
    """An agency certifies goods it accepted: the task must be its own and accepted."""
    task = uow.tasks.get(cmd.task_id)
    if task is None or task.agency != cmd.agency:
        raise errors.TaskNotFound("No such task.", id=cmd.task_id)
    if cmd.type not in E_CERTIFICATE_TYPES:
        problems = ErrorList()
        problems.add(
            "/type", "code.unknown", f"An e-certificate is one of {sorted(E_CERTIFICATE_TYPES)}."
        )
        problems.raise_if_any()
    if task.state is not TaskState.ACCEPTED:
        raise errors.TaskNotPending(
            f"This task is {task.state.value}; certify only what your agency accepted.",
            state=task.state.value,
        )
    certificate = ECertificate(
        id=new_id("ECT"),
        declaration_id=task.declaration_id,
        agency=task.agency,
        type=cmd.type,
        revision=task.revision,
        remarks=(cmd.remarks or "").strip() or None,
        issued_by=cmd.actor,
        issued_at=uow.now(),
        signature=cmd.signature,
        signer_serial=cmd.signer_serial,
    )
    uow.ecertificates.add(certificate)
    uow.record(
        events.ECertificateIssued(
            declaration_id=task.declaration_id,
            actor=cmd.actor,
            agency=task.agency,
            occurred_at=uow.now(),
            data={
                "certificate": certificate.id,
                "type": cmd.type,
                "revision": task.revision,
                **({"signer": cmd.signer_serial} if cmd.signature is not None else {}),
            },
        )
    )
    return certificate
