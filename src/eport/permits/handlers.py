"""Handlers of the permits context. Issue, revoke and every write-off are entries on the
E-Ledger, so the holder and every agency can check a licence's balance with proofs."""

from __future__ import annotations

from typing import Any

from eport.declarations.events import DeclarationReleased
from eport.kernel.errors import ErrorList
from eport.ledger.entries import canonical
from eport.permits import commands, errors, events
from eport.permits.model import LICENCE_DOCUMENTS, Licence, problems, uses
from eport.permits.ports import PermitsUnitOfWork


def licence_json(licence: Licence) -> dict[str, Any]:
    return {
        "number": licence.number,
        "holder": licence.holder,
        "kind": licence.kind,
        "hsPrefixes": list(licence.hs_prefixes),
        "quantityLimit": str(licence.quantity_limit),
        "unit": licence.unit,
        "valueLimit": str(licence.value_limit),
        "currency": licence.currency,
        "validFrom": licence.valid_from.isoformat(),
        "validTo": licence.valid_to.isoformat(),
        "issuedBy": licence.issued_by,
        "revoked": licence.revoked,
        "usedQuantity": str(licence.used_quantity),
        "usedValue": str(licence.used_value),
        "quantityLeft": str(licence.quantity_left),
        "valueLeft": str(licence.value_left),
    }


def signed(body: dict[str, Any], submission: dict[str, Any] | None) -> dict[str, Any]:
    """The entry, with the acting officer's signed request when there is one."""
    return {**body, "submission": submission} if submission else body


def issue_licence(cmd: commands.IssueLicence, uow: PermitsUnitOfWork) -> dict[str, Any]:
    found = ErrorList()
    holder = uow.licences.enterprise_id(cmd.holder_scheme, cmd.holder_identifier)
    if holder is None:
        found.add(
            "/holder", "enterprise.unknown", "No enterprise is registered with that identifier."
        )
    if cmd.kind not in LICENCE_DOCUMENTS:
        found.add("/kind", "code.unknown", "A licence is an import (911) or export (811) licence.")
    if cmd.quantity_limit <= 0 or cmd.value_limit <= 0:
        found.add("/quantityLimit", "number.too_small", "Limits are positive.")
    if cmd.valid_to < cmd.valid_from:
        found.add("/validTo", "period.empty", "validTo is on or after validFrom.")
    if not cmd.hs_prefixes or any(not p.isdigit() for p in cmd.hs_prefixes):
        found.add("/hsPrefixes", "hs_prefix.invalid", "Give HS prefixes (digits).")
    found.raise_if_any()
    assert holder is not None
    if uow.licences.get(cmd.number) is not None:
        raise errors.LicenceExists("A licence with this number exists.", number=cmd.number)
    licence = Licence(
        cmd.number,
        holder,
        cmd.kind,
        cmd.hs_prefixes,
        cmd.quantity_limit,
        cmd.unit,
        cmd.value_limit,
        cmd.currency,
        cmd.valid_from,
        cmd.valid_to,
        cmd.actor,
    )
    uow.licences.add(licence)
    body = licence_json(licence)
    entry = uow.ledger.append(canonical(signed({"type": "licence.issued", **body}, cmd.submission)))
    uow.record(
        events.LicenceIssued(
            actor=cmd.actor,
            agency=cmd.agency,
            occurred_at=uow.now(),
            data={"number": licence.number, "holder": holder, "ledgerSeq": entry.seq},
        )
    )
    return {**body, "ledgerSeq": entry.seq}


def revoke_licence(cmd: commands.RevokeLicence, uow: PermitsUnitOfWork) -> dict[str, Any]:
    licence = uow.licences.get(cmd.number, for_update=True)
    if licence is None:
        raise errors.LicenceNotFound("No such licence.", number=cmd.number)
    licence.revoked = True
    uow.licences.save(licence)
    entry = uow.ledger.append(
        canonical(
            signed(
                {"type": "licence.revoked", "number": cmd.number, "reason": cmd.reason},
                cmd.submission,
            )
        )
    )
    uow.record(
        events.LicenceRevoked(
            actor=cmd.actor,
            reason=cmd.reason,
            occurred_at=uow.now(),
            data={"number": cmd.number, "ledgerSeq": entry.seq},
        )
    )
    return {**licence_json(licence), "ledgerSeq": entry.seq}


def on_declaration_released(event: DeclarationReleased, uow: PermitsUnitOfWork) -> None:
    """In the release's own transaction: write the goods off every licence they cite, locked,
    so two releases never overdraw one licence. A licence that no longer covers them stops the
    release (nothing is written)."""
    if not uow.licences.enforced:
        return
    assert event.declaration_id is not None
    record = uow.declarations.get(event.declaration_id)
    document = record.document
    for number, use in sorted(uses(document).items()):
        licence = uow.licences.get(number, for_update=True)
        why = problems(
            licence,
            use,
            record.owner,
            document.currency,
            list(document.goods_items),
            uow.now().date(),
        )
        if why is not None or licence is None:
            raise errors.LicenceExhausted(
                f"Licence {number} does not cover this release: {why}.", number=number
            )
        licence.used_quantity += use.quantity
        licence.used_value += use.value
        uow.licences.save(licence)
        entry = uow.ledger.append(
            canonical(
                {
                    "type": "licence.write_off",
                    "number": number,
                    "declarationId": event.declaration_id,
                    "quantity": str(use.quantity),
                    "value": str(use.value),
                    "quantityLeft": str(licence.quantity_left),
                    "valueLeft": str(licence.value_left),
                }
            )
        )
        uow.record(
            events.LicenceWrittenOff(
                declaration_id=event.declaration_id, actor=event.actor, agency="commerce",
                occurred_at=uow.now(),
                data={"number": number, "quantity": str(use.quantity), "value": str(use.value),
                      "ledgerSeq": entry.seq},
            )
        )  # fmt: skip
