"""Commands of the risk context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from eport.kernel.messages import Command


@dataclass(frozen=True, kw_only=True)
class PutRuleSet(Command):
    """Store a new version of a rule set (validated first; the version must be the next one)."""

    code: str
    version: int
    valid_from: date
    valid_to: date | None
    document: Mapping[str, Any]
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class SetComplianceLevel(Command):
    """Customs sets a party's level (e.g. after an AEO accreditation)."""

    scheme: str
    identifier: str
    level: str
