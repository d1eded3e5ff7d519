"""Commands of the manifests context."""

from __future__ import annotations

from dataclasses import dataclass

from eport.datamodel.manifest import CargoManifest
from eport.kernel.messages import Command


@dataclass(frozen=True, kw_only=True)
class LodgeManifest(Command):
    carrier: str  # enterprise id
    document: CargoManifest
    raw: bytes
    idempotency_key: str


@dataclass(frozen=True, kw_only=True)
class RecordArrival(Command):
    carrier: str
    manifest_id: str


@dataclass(frozen=True, kw_only=True)
class RecordDeparture(Command):
    carrier: str
    manifest_id: str


@dataclass(frozen=True, kw_only=True)
class GateOut(Command):
    """The terminal asks to let a container out through its gate."""

    container: str
