"""Manifests and their bills of lading; what the terminal's gate may let out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from eport.datamodel.manifest import CargoManifest


class ManifestStatus(StrEnum):
    LODGED = "lodged"  # before arrival
    ARRIVED = "arrived"
    DEPARTED = "departed"


class GateOutcome(StrEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"  # flagged as a discrepancy


@dataclass(slots=True)
class ManifestRecord:
    id: str
    carrier: str  # enterprise id
    lodged_by: str
    customs_office: str
    voyage: str
    conveyance: str
    place_of_arrival: str
    expected_arrival: datetime
    status: ManifestStatus
    lodged_at: datetime
    document: CargoManifest
    arrived_at: datetime | None = None
    departed_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class Bill:
    """A bill of lading as the checks need it."""

    manifest_id: str
    reference: str
    consignee_scheme: str | None
    consignee_identifier: str | None
    consignee_name: str
    packages: int
    gross_mass: Decimal
    containers: tuple[str, ...]
    declaration_id: str | None = None


@dataclass(frozen=True, slots=True)
class GateEvent:
    id: str
    container: str
    outcome: GateOutcome
    reason: str
    at: datetime
    by: str
    manifest_id: str | None = None
    bill_reference: str | None = None
    declaration_id: str | None = None


def bills_of(record: ManifestRecord) -> list[Bill]:
    out = []
    for bill in record.document.bills:
        consignee = bill.consignee.identifier
        out.append(
            Bill(
                manifest_id=record.id,
                reference=bill.reference,
                consignee_scheme=consignee.scheme if consignee else None,
                consignee_identifier=consignee.value if consignee else None,
                consignee_name=bill.consignee.name,
                packages=bill.packages,
                gross_mass=bill.gross_mass,
                containers=tuple(bill.containers),
            )
        )
    return out


def gate_decision(bill: Bill | None, declaration_status: str | None) -> tuple[GateOutcome, str]:
    """A container leaves only on a bill whose declaration customs has released."""
    if bill is None:
        return GateOutcome.REFUSED, "The container is on no arrived manifest."
    if bill.declaration_id is None:
        return GateOutcome.REFUSED, f"No declaration covers bill {bill.reference}."
    if declaration_status != "released":
        return (
            GateOutcome.REFUSED,
            f"Declaration {bill.declaration_id} is {declaration_status}, not released.",
        )
    return GateOutcome.ALLOWED, f"Released under declaration {bill.declaration_id}."
