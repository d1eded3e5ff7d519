"""Errors of the declarations context (all from the kernel tree)."""

from __future__ import annotations

from eport.kernel.errors import InvalidTransition, NotFound


class DeclarationNotFound(NotFound):
    code = "declaration.not_found"


class NotAmendable(InvalidTransition):
    code = "declaration.not_amendable"


class NotCancellable(InvalidTransition):
    code = "declaration.not_cancellable"


class NotReleasable(InvalidTransition):
    code = "declaration.not_releasable"
