"""Errors of the routing context."""

from __future__ import annotations

from eport.kernel.errors import Conflict, InvalidTransition, NotFound


class TaskNotFound(NotFound):
    code = "task.not_found"


class TaskNotPending(InvalidTransition):
    code = "task.not_pending"


class StaleRevision(Conflict):
    code = "task.stale_revision"


class RuleNotFound(NotFound):
    code = "catalogue.rule_not_found"


class RuleVersionConflict(Conflict):
    code = "catalogue.version_conflict"


class ClearanceOpen(Conflict):
    code = "clearance.open"
