"""Events of the declarations context. ``name`` is the stable type clients see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class DeclarationLodged(Event):
    name: ClassVar[str] = "declaration.lodged"


@dataclass(frozen=True, kw_only=True)
class DeclarationAmended(Event):
    name: ClassVar[str] = "declaration.amended"


@dataclass(frozen=True, kw_only=True)
class DeclarationStatusChanged(Event):
    name: ClassVar[str] = "declaration.status_changed"


@dataclass(frozen=True, kw_only=True)
class DeclarationCancelled(Event):
    name: ClassVar[str] = "declaration.cancelled"


@dataclass(frozen=True, kw_only=True)
class DeclarationReleased(Event):
    name: ClassVar[str] = "declaration.released"
