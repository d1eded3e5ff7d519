"""Events of the permits context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class LicenceIssued(Event):
    name: ClassVar[str] = "licence.issued"


@dataclass(frozen=True, kw_only=True)
class LicenceRevoked(Event):
    name: ClassVar[str] = "licence.revoked"


@dataclass(frozen=True, kw_only=True)
class LicenceWrittenOff(Event):
    name: ClassVar[str] = "licence.written_off"


@dataclass(frozen=True, kw_only=True)
class HandbookIssued(Event):
    name: ClassVar[str] = "handbook.issued"


@dataclass(frozen=True, kw_only=True)
class HandbookRevoked(Event):
    name: ClassVar[str] = "handbook.revoked"


@dataclass(frozen=True, kw_only=True)
class HandbookMaterialsImported(Event):
    name: ClassVar[str] = "handbook.materials_imported"


@dataclass(frozen=True, kw_only=True)
class HandbookMaterialsConsumed(Event):
    name: ClassVar[str] = "handbook.materials_consumed"
