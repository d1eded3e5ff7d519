"""The workbench pages: an agency's task queue (refreshing itself with HTMX polling), a
task with the declaration, its risk lane, checks and history, the decision form and the
inspection findings form.

Every read and write is the API's: ``views.list_tasks``/``get_task``/``declaration_detail``,
``rc.DecideTask`` and ``cc.RecordFindings``, behind the same policy checks as
``api/tasks.py`` and ``api/clearance.py``; the form bodies are validated by the API's own
models, so a field error here carries the pointer the API would answer with.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template
from pydantic import ValidationError

from eport.adapters.db import views
from eport.adapters.db.clearance import SqlClearanceRepository
from eport.clearance import commands as cc
from eport.clearance.handlers import order_json
from eport.clearance.model import CORRECTABLE, Correction, Outcome
from eport.datamodel.validation import errors_from_pydantic
from eport.identity import policy
from eport.identity.model import Principal
from eport.kernel.errors import Conflict, NotFound, ValidationFailed
from eport.pki.signatures import DocumentKind
from eport.routing import commands as rc
from eport.routing.model import Decision

from ...api.clearance import FindingsBody
from ...api.common import eport_of, execute, read
from ...api.tasks import DecisionBody
from ..pages import page, unsigned_allowed
from .reads import inspections, selections
from .wording import (
    EVENT_LABELS,
    FIELD_LABELS,
    LANES,
    TASK_STATES,
    field_message,
    gettext_of,
    waited,
)

DECLARATION_TYPES = ("IM", "EX")
DEFAULT_POLL = 10  # seconds between the queue's refreshes
QUEUE_LIMIT = 200
DAY = r"^(\d{4}-\d{2}-\d{2})?$"
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _moment(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class WorkbenchPages(Controller):
    path = "/portal/workbench"
    include_in_schema = False

    @get("/", name="workbench")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        task_state: Annotated[
            str | None, Parameter(query="state", pattern="^[a-z_]{0,20}$")
        ] = None,
        declaration_type: Annotated[str, Parameter(query="type", pattern="^[A-Z]{0,2}$")] = "",
        lane: Annotated[str, Parameter(pattern="^[a-z]{0,8}$")] = "",
        lodged_from: Annotated[str, Parameter(query="from", pattern=DAY)] = "",
        lodged_to: Annotated[str, Parameter(query="to", pattern=DAY)] = "",
        since: Annotated[str, Parameter(max_length=40)] = "",
        poll: Annotated[int, Parameter(ge=0, le=300)] = DEFAULT_POLL,
        decided: Annotated[str, Parameter(pattern="^[A-Za-z0-9_-]{0,40}$")] = "",
        decision: Annotated[str, Parameter(query="as", pattern="^[a-z]{0,10}$")] = "",
        recorded: Annotated[str, Parameter(pattern="^[A-Za-z0-9_-]{0,40}$")] = "",
    ) -> Template:
        """The agency's tasks, oldest first (pending by default; ``state=`` for all)."""
        own = policy.require_officer(principal, policy.Action.LIST_TASKS)
        _ = gettext_of(request)
        eport = eport_of(request)
        chosen_state = (
            "pending" if task_state is None else (task_state if task_state in TASK_STATES else "")
        )
        chosen_lane = lane if own == "customs" and lane in LANES else ""
        chosen_type = declaration_type if declaration_type in DECLARATION_TYPES else ""
        errors: dict[str, str] = {}
        start, end = _day(lodged_from), _day(lodged_to)
        if lodged_from and start is None:
            errors["from"] = _("Enter a real date, like 2026-03-31.")
        if lodged_to and end is None:
            errors["to"] = _("Enter a real date, like 2026-03-31.")
        if start and end and end < start:
            errors["to"] = _("The end date is before the start date.")
        now = eport.clock()
        items = await read(
            eport,
            lambda c: views.list_tasks(
                c, agency=own, state=chosen_state or None, limit=QUEUE_LIMIT, offset=0,
                declaration_type=chosen_type or None, lane=chosen_lane or None,
                lodged_from=datetime.combine(start, datetime.min.time(), UTC) if start else None,
                lodged_to=(
                    datetime.combine(end + timedelta(days=1), datetime.min.time(), UTC)
                    if end else None
                ),
            ),
        )  # fmt: skip
        for item in items:
            item["waited"] = waited(_moment(item["createdAt"]) or now, now, _)
        seen = _moment(since)
        new = sum(1 for i in items if seen and (_moment(i["createdAt"]) or now) > seen)
        filters = {"state": chosen_state, "type": chosen_type, "lane": chosen_lane,
                   "from": lodged_from, "to": lodged_to}  # fmt: skip
        fragment = (
            request.headers.get("hx-request") == "true"
            and request.headers.get("hx-target") == "queue"
        )
        return page(
            request,
            "workbench/_queue.html" if fragment else "workbench/queue.html",
            principal,
            status_code=422 if errors else 200,
            agency=own,
            items=items,
            filters=filters,
            query_string="&".join(f"{k}={v}" for k, v in filters.items()),
            since=now.isoformat(),
            poll=poll,
            new=new,
            errors=errors,
            states=TASK_STATES,
            lanes=LANES,
            types=DECLARATION_TYPES,
            decided=decided,
            decision=decision if decision in {d.value for d in Decision} else "",
            recorded=recorded,
        )

    async def _task_page(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        own: str,
        task_id: str,
        *,
        status_code: int = 200,
        decision_form: Mapping[str, Any] | None = None,
        findings_form: Mapping[str, Any] | None = None,
        problem: str | None = None,
        recorded: str = "",
    ) -> Template:
        eport = eport_of(request)

        def query(conn: sa.Connection) -> dict[str, Any] | None:
            row = views.get_task(conn, task_id)
            if row is None or row["agency"] != own:
                return None
            declaration_id = row["declaration_id"]
            header = views.declaration_header(conn, declaration_id)
            lanes = selections(conn, declaration_id)
            return {
                "task": views.task_json(row),
                "detail": views.declaration_detail(conn, header),
                "history": views.history(conn, declaration_id),
                "certificates": views.ecertificates(conn, declaration_id),
                "lane": lanes[-1] if lanes else None,
                "inspections": (
                    inspections(conn, eport.clock(), declaration_id) if own == "customs" else []
                ),
            }

        found = await read(eport, query)
        if found is None:
            raise NotFound("No such task.", id=task_id)
        _ = gettext_of(request)
        now = eport.clock()
        task = found["task"]
        document = found["detail"]["declaration"]
        return page(
            request,
            "workbench/task.html",
            principal,
            status_code=status_code,
            agency=own,
            customs=own == "customs",
            waited=waited(_moment(task["createdAt"]) or now, now, _),
            document_json=json.dumps(document, indent=2, ensure_ascii=False),
            goods=document.get("goodsItems", []),
            documents=document.get("documents", []),
            field_labels=FIELD_LABELS,
            event_labels=EVENT_LABELS,
            decision_form=decision_form or {"values": {}, "errors": {}},
            findings_form=findings_form or {"inspection": None, "values": {}, "errors": {}},
            problem=problem,
            recorded=recorded,
            **found,
        )

    @get("/tasks/{task_id:str}", name="workbench-task")
    async def task(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        task_id: str,
        recorded: Annotated[str, Parameter(pattern="^[A-Za-z0-9_-]{0,40}$")] = "",
    ) -> Template:
        """One task of the officer's agency (another agency's: 404, as in the API)."""
        own = policy.require_officer(principal, policy.Action.LIST_TASKS)
        return await self._task_page(request, principal, own, task_id, recorded=recorded)

    @post("/tasks/{task_id:str}/decision", name="workbench-decide")
    async def decide(
        self, request: Request[Any, Any, Any], principal: Principal, task_id: str, data: Form
    ) -> Redirect | Template:
        """Accept, reject or query, as ``POST /api/v1/tasks/{id}/decision`` (unsigned)."""
        own = policy.require_officer(principal, policy.Action.DECIDE)
        unsigned_allowed(request, DocumentKind.DECISION)
        _ = gettext_of(request)
        values = {"decision": data.get("decision", ""), "reason": data.get("reason", "")}
        revision = data.get("revision", "")
        try:
            body = DecisionBody.model_validate(
                {"decision": values["decision"], "reason": values["reason"] or None,
                 "revision": int(revision) if revision.isdigit() else None}
            )  # fmt: skip
            await execute(
                eport_of(request),
                rc.DecideTask(
                    actor=principal.user_id, agency=own, task_id=task_id,
                    decision=Decision(body.decision), reason=body.reason, revision=body.revision,
                ),
            )  # fmt: skip
        except (ValidationError, ValidationFailed) as exc:
            problems = errors_from_pydantic(exc) if isinstance(exc, ValidationError) else exc.errors
            errors = {
                "decision-accept" if e.pointer == "/decision" else "reason": field_message(e, _)
                for e in problems
            }
            form = {"values": values, "errors": errors}
            return await self._task_page(
                request, principal, own, task_id, status_code=422, decision_form=form
            )
        except Conflict as exc:
            form = {"values": values, "errors": {}}
            return await self._task_page(
                request, principal, own, task_id, status_code=409, decision_form=form,
                problem=exc.message,
            )  # fmt: skip
        return Redirect(f"/portal/workbench?decided={task_id}&as={body.decision}", status_code=303)

    @post("/inspections/{inspection_id:str}/findings", name="workbench-findings")
    async def findings(
        self, request: Request[Any, Any, Any], principal: Principal, inspection_id: str, data: Form
    ) -> Redirect | Template:
        """What the inspection found, as ``POST /api/v1/inspections/{id}/findings``: the
        form has a "found" box per correctable field of each goods item; a filled box that
        differs from what was declared is a correction."""
        policy.require_agency_or_admin(principal, policy.Action.INSPECT, "customs")
        _ = gettext_of(request)
        eport = eport_of(request)

        def query(conn: sa.Connection) -> tuple[dict[str, Any], list[dict[str, Any]], str | None]:
            order = SqlClearanceRepository(conn, eport.clock()).get_order(inspection_id)
            if order is None:
                raise NotFound("No such inspection order.", id=inspection_id)
            header = views.declaration_header(conn, order.declaration_id)
            detail = views.declaration_detail(conn, header)
            customs = [a["id"] for a in detail["agencies"] if a["agency"] == "customs"]
            goods = list(detail["declaration"].get("goodsItems", []))
            return order_json(order), goods, customs[0] if customs else None

        order, goods, task_id = await read(eport, query)
        prefix = f"f-{inspection_id}"
        corrections: list[dict[str, Any]] = []
        ids: list[str] = []
        for item in goods:
            for name in FIELD_LABELS:
                found = data.get(f"c-{item['sequence']}-{name}", "").strip()
                declared = str(item.get(CORRECTABLE[name], ""))
                if found and found != declared:
                    corrections.append(
                        {"item": item["sequence"], "field": name, "declared": declared,
                         "found": found}
                    )  # fmt: skip
                    ids.append(f"{prefix}-c-{item['sequence']}-{name}")
        outcome = data.get("outcome", "")
        try:
            body = FindingsBody.model_validate(
                {"outcome": outcome, "corrections": corrections,
                 "remarks": data.get("remarks", "").strip() or None}
            )  # fmt: skip
            await execute(
                eport,
                cc.RecordFindings(
                    actor=principal.user_id, order_id=inspection_id, outcome=Outcome(body.outcome),
                    corrections=tuple(
                        Correction(c.item, c.field, c.declared, c.found) for c in body.corrections
                    ),
                    remarks=body.remarks,
                ),
            )  # fmt: skip
        except (ValidationError, ValidationFailed, Conflict) as exc:
            if task_id is None:
                raise
            errors: dict[str, str] = {}
            problem = None
            if isinstance(exc, Conflict):
                problem = exc.message
            else:
                problems = (
                    errors_from_pydantic(exc) if isinstance(exc, ValidationError) else exc.errors
                )
                for e in problems:
                    at = _findings_target(e.pointer, prefix, ids, goods)
                    errors[at] = " ".join(filter(None, [errors.get(at), field_message(e, _)]))
            form = {"inspection": inspection_id, "values": data, "errors": errors}
            return await self._task_page(
                request, principal, "customs", task_id, status_code=409 if problem else 422,
                findings_form=form, problem=problem,
            )  # fmt: skip
        target = f"/portal/workbench/tasks/{task_id}" if task_id else "/portal/workbench"
        return Redirect(f"{target}?recorded={order['id']}", status_code=303)


def _findings_target(pointer: str, prefix: str, ids: list[str], goods: list[Any]) -> str:
    """The id of the form field a findings error belongs next to."""
    parts = pointer.strip("/").split("/")
    if parts[0] in ("outcome", "remarks"):
        return (
            f"{prefix}-{parts[0]}-no_discrepancy" if parts[0] == "outcome" else f"{prefix}-remarks"
        )
    if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(ids):
        return ids[int(parts[1])]  # /corrections/{i}/...: the i-th corrected box
    if len(parts) >= 4 and parts[1] == "goodsItems" and parts[2].isdigit():
        index = int(parts[2])  # /corrections/goodsItems/{i}/{field}: the corrected document
        if index < len(goods) and parts[3] in FIELD_LABELS:
            return f"{prefix}-c-{goods[index]['sequence']}-{parts[3]}"
    return f"{prefix}-corrections"
