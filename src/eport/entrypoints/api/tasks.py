"""Agency tasks: an officer's queue and decisions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from pydantic import Field

from eport.adapters.db import views
from eport.datamodel.declaration import Model
from eport.identity import policy
from eport.identity.model import Principal
from eport.kernel.errors import FieldError, NotFound, ValidationFailed
from eport.pki.signatures import DocumentKind
from eport.routing import commands as rc
from eport.routing.model import Decision, ECertificate, TaskState

from .common import eport_of, execute, json_body, read
from .openapi import request_body
from .signatures import verified_signature


class DecisionBody(Model):
    decision: Literal["accept", "reject", "query"]
    reason: str | None = Field(default=None, max_length=2000)
    revision: int | None = Field(default=None, ge=1)


class ECertificateBody(Model):
    type: str = Field(min_length=3, max_length=3, description="861, 865, 851, 852, 853, 856, 929")
    remarks: str | None = Field(default=None, max_length=4000)


class TaskController(Controller):
    path = "/api/v1/tasks"
    tags = ["tasks"]

    @get("/", summary="Your agency's tasks")
    async def list(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        agency: str | None = None,
        task_state: Annotated[str | None, Parameter(query="state")] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        offset: Annotated[int, Parameter(ge=0, le=10_000_000)] = 0,
    ) -> dict[str, Any]:
        """Oldest first. An officer sees only tasks routed to their own agency."""
        own = policy.require_officer(principal, policy.Action.LIST_TASKS)
        if agency is not None and agency != own:
            policy.log.info(
                "access deny",
                extra={
                    "who": principal.user_id,
                    "action": "task.list",
                    "target": agency,
                    "rule": "other agency",
                    "allowed": False,
                },
            )
            return {"items": []}
        state = task_state
        if state is not None and state not in {s.value for s in TaskState}:
            raise ValidationFailed(
                [
                    FieldError(
                        "/state", "code.unknown", f"state is one of {[s.value for s in TaskState]}"
                    )
                ]
            )
        items = await read(
            eport_of(request),
            lambda c: views.list_tasks(c, agency=own, state=state, limit=limit, offset=offset),
        )
        return {"items": items}

    @get("/{task_id:str}", summary="One task")
    async def detail(
        self, request: Request[Any, Any, Any], principal: Principal, task_id: str
    ) -> dict[str, Any]:
        own = policy.require_officer(principal, policy.Action.LIST_TASKS)
        row = await read(eport_of(request), lambda c: views.get_task(c, task_id))
        if row is None or row["agency"] != own:
            raise NotFound("No such task.", id=task_id)
        return views.task_json(row)

    @post(
        "/{task_id:str}/decision",
        status_code=200,
        summary="Accept, reject or query",
        operation_class=request_body(DecisionBody),
    )
    async def decide(
        self, request: Request[Any, Any, Any], principal: Principal, task_id: str
    ) -> dict[str, Any]:
        """`{"decision": "accept"|"reject"|"query", "reason": "...", "revision": n}`.

        Reject and query need a reason. `revision`, if sent, must be the task's current one.
        """
        own = policy.require_officer(principal, policy.Action.DECIDE)
        body, raw = await json_body(request, DecisionBody)
        signed = await verified_signature(request, raw, set(), DocumentKind.DECISION, agency=own)
        result: dict[str, Any] = await execute(
            eport_of(request),
            rc.DecideTask(
                actor=principal.user_id,
                agency=own,
                task_id=task_id,
                decision=Decision(body.decision),
                reason=body.reason,
                revision=body.revision,
                signature=signed[0] if signed else None,
                signer_serial=signed[1] if signed else None,
            ),
        )
        return result

    @post(
        "/{task_id:str}/e-certificates",
        status_code=201,
        summary="Issue an e-certificate on goods your agency accepted",
        operation_class=request_body(ECertificateBody),
    )
    async def ecertificate(
        self, request: Request[Any, Any, Any], principal: Principal, task_id: str
    ) -> dict[str, Any]:
        """`{"type": "856", "remarks": "..."}`: a certificate of origin (861, 865), a
        phytosanitary (851), health (852), veterinary (853), quarantine (856) or goods control
        (929) certificate, on an accepted task of your agency. It may carry the officer's
        `X-EPort-Signature`. The trader fetches it sealed from
        `/api/v1/declarations/{id}/e-certificates/{certificateId}`."""
        own = policy.require_officer(principal, policy.Action.DECIDE)
        body, raw = await json_body(request, ECertificateBody)
        signed = await verified_signature(
            request, raw, set(), DocumentKind.E_CERTIFICATE, agency=own
        )
        issued: ECertificate = await execute(
            eport_of(request),
            rc.IssueECertificate(
                actor=principal.user_id,
                agency=own,
                task_id=task_id,
                type=body.type,
                remarks=body.remarks,
                signature=signed[0] if signed else None,
                signer_serial=signed[1] if signed else None,
            ),
        )
        return views.ecertificate_json(
            {f: getattr(issued, f) for f in ECertificate.__dataclass_fields__}
        )
