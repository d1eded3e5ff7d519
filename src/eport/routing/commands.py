"""Commands of the routing context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from eport.kernel.messages import Command
from eport.routing.model import Conditions, Decision, RequiredDocument


@dataclass(frozen=True, kw_only=True)
class DecideTask(Command):
    agency: str
    task_id: str
    decision: Decision
    reason: str | None
    revision: int | None = None
    signature: bytes | None = None  # the officer's detached CMS over the decision, verified
    signer_serial: str | None = None


@dataclass(frozen=True, kw_only=True)
class PutCatalogueRule(Command):
    """Create a rule, or write a new version of it."""

    code: str
    description: str
    conditions: Conditions
    agencies: tuple[str, ...]
    documents: tuple[RequiredDocument, ...]
    effective_from: date
    effective_to: date | None
    expected_version: int | None = None  # None: must not exist yet; n: current version is n


@dataclass(frozen=True, kw_only=True)
class RetireCatalogueRule(Command):
    code: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class PutAgency(Command):
    code: str
    name: str
    interests: tuple[str, ...]
    active: bool = True


@dataclass(frozen=True, kw_only=True)
class IssueECertificate(Command):
    agency: str
    task_id: str
    type: str
    remarks: str | None = None
    signature: bytes | None = None  # the officer's detached CMS over the request, verified
    signer_serial: str | None = None
