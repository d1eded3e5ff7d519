"""Commands of the tariff context (the integrator registers their handlers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from eport.kernel.messages import Command


@dataclass(frozen=True, kw_only=True)
class AssessDeclaration(Command):
    """Assess (or re-assess) duties and taxes on a declaration under the rules of ``on``."""

    declaration_id: str
    on: date
