"""What a risk lane does to customs' task: green (automatic acceptance) and blue (accepted now,
audited after clearance) decide it at once; yellow (document check) and red (physical
inspection) leave it to an officer."""

from __future__ import annotations

from eport.risk.model import Lane
from eport.routing.model import Decision, Task, TaskState

CUSTOMS = "customs"
AUTOMATIC = frozenset({Lane.GREEN, Lane.BLUE})
DECIDED_BY = "risk"


def reason_for(lane: Lane) -> str:
    if lane is Lane.BLUE:
        return "Blue lane: accepted, selected for post-clearance audit."
    return "Green lane: automatic acceptance."


def accept_automatically(tasks: list[Task], lane: Lane | None) -> Task | None:
    """Decide customs' pending task if the lane accepts automatically; returns it."""
    if lane is None or lane not in AUTOMATIC:
        return None
    for task in tasks:
        if task.agency == CUSTOMS and task.state is TaskState.PENDING:
            task.state, task.decision = TaskState.ACCEPTED, Decision.ACCEPT
            task.reason, task.decided_by = reason_for(lane), DECIDED_BY
            return task
    return None
