"""Events of the tariff context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class DeclarationAssessed(Event):
    """``data``: the assessment as :func:`eport.tariff.serialize.assessment_dict` gives it."""

    name: ClassVar[str] = "declaration.assessed"
