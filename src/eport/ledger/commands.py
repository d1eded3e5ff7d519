"""Commands of the ledger context (the registers will add theirs here)."""

from __future__ import annotations

from dataclasses import dataclass

from eport.kernel.messages import Command


@dataclass(frozen=True, kw_only=True)
class AppendEntry(Command):
    data: bytes
