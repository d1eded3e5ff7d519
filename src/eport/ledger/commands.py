"""Commands of the ledger context."""

from __future__ import annotations

from dataclasses import dataclass

from eport.kernel.messages import Command


@dataclass(frozen=True, kw_only=True)
class AppendEntry(Command):
    data: bytes


@dataclass(frozen=True, kw_only=True)
class SignTreeHead(Command):
    """Give the latest signed tree head, signing a new one if the log grew."""
