"""Handlers of the ledger context: what the rest of E-Port writes on the log, and signing
tree heads."""

from __future__ import annotations

from typing import Any, Protocol

from eport.declarations.events import DeclarationReleased
from eport.kernel.clock import isoformat
from eport.kernel.unit_of_work import UnitOfWork
from eport.ledger import events
from eport.ledger.commands import AppendEntry, SignTreeHead
from eport.ledger.entries import canonical, release_entry
from eport.ledger.heads import SignedTreeHead
from eport.ledger.ports import Ledger, LedgerIndex
from eport.manifests.events import ConveyanceDeparted


class ReleasedFacts(Protocol):
    def document_json(self, declaration_id: str, revision: int) -> dict[str, Any]: ...

    def get(self, declaration_id: str, *, for_update: bool = False) -> Any: ...


class HeadStore(Protocol):
    def latest(self) -> SignedTreeHead | None: ...

    def sign(self, size: int, root: bytes, timestamp_ms: int) -> SignedTreeHead:
        """Sign with E-Port's key and keep the head."""
        ...


class Departures(Protocol):
    def departed_exports(self, manifest_id: str) -> list[tuple[str, str]]: ...


class LedgerUnitOfWork(UnitOfWork, Protocol):
    ledger: Ledger
    ledger_index: LedgerIndex
    heads: HeadStore
    declarations: ReleasedFacts
    manifests: Departures


def append_entry(cmd: AppendEntry, uow: LedgerUnitOfWork) -> dict[str, Any]:
    entry = uow.ledger.append(cmd.data)
    return {"seq": entry.seq, "leaf_hash": entry.leaf_hash.hex()}


def on_declaration_released(event: DeclarationReleased, uow: LedgerUnitOfWork) -> None:
    """In the release's own transaction: every released declaration is on the log."""
    assert event.declaration_id is not None
    record = uow.declarations.get(event.declaration_id)
    revision = int(event.data.get("revision", record.revision))
    document = uow.declarations.document_json(event.declaration_id, revision)
    data = canonical(
        release_entry(
            event.declaration_id,
            record.declaration_type,
            revision,
            record.owner,
            isoformat(event.occurred_at),
            event.actor,
            document,
        )
    )
    entry = uow.ledger.append(data)
    uow.ledger_index.add(event.declaration_id, "customs.release", entry.seq)
    uow.record(
        events.EntryAppended(
            declaration_id=event.declaration_id,
            actor=event.actor,
            occurred_at=event.occurred_at,
            data={"seq": entry.seq, "leafHash": entry.leaf_hash.hex(), "type": "customs.release"},
        )
    )


def on_conveyance_departed(event: ConveyanceDeparted, uow: LedgerUnitOfWork) -> None:
    """In the departure's own transaction: each released export on the conveyance's bills is
    confirmed as departed, on the log (what forex and refund checks rely on)."""
    manifest = str(event.data["manifest"])
    for declaration_id, bill in uow.manifests.departed_exports(manifest):
        entry = uow.ledger.append(
            canonical(
                {
                    "type": "export.departed",
                    "declarationId": declaration_id,
                    "manifest": manifest,
                    "bill": bill,
                    "departedAt": isoformat(event.occurred_at),
                }
            )
        )
        uow.ledger_index.add(declaration_id, "export.departed", entry.seq)
        uow.record(
            events.EntryAppended(
                declaration_id=declaration_id,
                actor=event.actor,
                occurred_at=event.occurred_at,
                data={
                    "seq": entry.seq,
                    "leafHash": entry.leaf_hash.hex(),
                    "type": "export.departed",
                },
            )
        )


def sign_tree_head(cmd: SignTreeHead, uow: LedgerUnitOfWork) -> SignedTreeHead:
    """The latest signed head; a new one is signed when the log grew since the last."""
    latest = uow.heads.latest()
    size = uow.ledger.size()
    if latest is not None and latest.size == size:
        return latest
    head = uow.ledger.head(size)
    return uow.heads.sign(size, head.root, int(uow.now().timestamp() * 1000))
