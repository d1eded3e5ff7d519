"""Errors of the risk context (all in the one tree of ``kernel/errors.py``).

ValidationFailed
└── RuleSetInvalid          a proposed rule set; one FieldError (JSON pointer) per problem
NotFound
└── RuleSetNotInForce       no version of the rule set is in force on the date
Conflict
└── RuleSetVersionConflict  the version is not the next one
EPortError
└── EvaluationFailed        the engine failed, or a fired row broke the output contract
"""

from __future__ import annotations

from eport.kernel.errors import Conflict, EPortError, FieldError, NotFound, ValidationFailed


class RuleSetInvalid(ValidationFailed):
    code = "risk.rule_set_invalid"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(
            sorted(errors, key=lambda e: e.pointer), "The rule set is not valid; nothing stored."
        )


class RuleSetNotInForce(NotFound):
    code = "risk.rule_set_not_in_force"


class RuleSetVersionConflict(Conflict):
    code = "risk.rule_set_version_conflict"


class EvaluationFailed(EPortError):
    code = "risk.evaluation_failed"
