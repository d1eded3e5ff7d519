"""Handlers of the ledger context.

Not yet on the message bus: the registers (licences, forex, refunds) will append through a
unit of work that carries a :class:`~eport.ledger.ports.Ledger`.
"""

from __future__ import annotations

from typing import Any

from eport.ledger.commands import AppendEntry
from eport.ledger.ports import Ledger


def append_entry(cmd: AppendEntry, ledger: Ledger) -> dict[str, Any]:
    entry = ledger.append(cmd.data)
    return {"seq": entry.seq, "leaf_hash": entry.leaf_hash.hex()}
