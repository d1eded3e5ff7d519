"""Handlers of the permits context. Issue, revoke and every write-off are entries on the
E-Ledger, so the holder and every agency can check a licence's balance with proofs; so are a
processing-trade handbook's issue, revocation, and every import and export against it."""

from __future__ import annotations

from typing import Any

from eport.declarations.events import DeclarationReleased
from eport.kernel.errors import ErrorList
from eport.ledger.entries import canonical
from eport.permits import commands, errors, events
from eport.permits.model import (
    LICENCE_DOCUMENTS,
    Handbook,
    Licence,
    Material,
    MovementKind,
    Product,
    handbook_citations,
    handbook_problems,
    movement,
    movement_kind,
    problems,
    uses,
)
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


# ---------------------------------------------------------------------------------------------
# Processing-trade handbooks


def products_json(handbook: Handbook) -> list[dict[str, Any]]:
    return [
        {
            "hsCode": p.hs_code,
            "unit": p.unit,
            "norms": [
                {
                    "material": n.material,
                    "consumption": str(n.consumption),
                    "wasteRate": str(n.waste_rate),
                }
                for n in p.norms
            ],
        }
        for p in handbook.products
    ]


def handbook_json(handbook: Handbook) -> dict[str, Any]:
    return {
        "number": handbook.number,
        "holder": handbook.holder,
        "validFrom": handbook.valid_from.isoformat(),
        "validTo": handbook.valid_to.isoformat(),
        "issuedBy": handbook.issued_by,
        "revoked": handbook.revoked,
        "materials": [
            {
                "hsCode": m.hs_code,
                "description": m.description,
                "unit": m.unit,
                "quantityLimit": str(m.quantity_limit),
                "imported": str(m.imported),
                "consumed": str(m.consumed),
                "balance": str(m.balance),
            }
            for m in handbook.materials
        ],
        "products": products_json(handbook),
    }


def _overlaps(codes: list[str], index: int) -> bool:
    """The code at ``index`` is, or is a prefix of, or extends, an earlier one."""
    code = codes[index]
    return any(code.startswith(c) or c.startswith(code) for c in codes[:index])


def _check_contents(cmd: commands.IssueHandbook, found: ErrorList) -> None:
    if cmd.valid_to < cmd.valid_from:
        found.add("/validTo", "period.empty", "validTo is on or after validFrom.")
    if not cmd.materials:
        found.add("/materials", "materials.empty", "A handbook lists its bonded materials.")
    codes = [m.hs_code for m in cmd.materials]
    for i, m in enumerate(cmd.materials):
        if not (m.hs_code.isdigit() and 2 <= len(m.hs_code) <= 10):
            found.add(f"/materials/{i}/hsCode", "hs_code.invalid", "2 to 10 digits.")
        elif _overlaps(codes, i):
            found.add(
                f"/materials/{i}/hsCode",
                "hs_code.overlap",
                "Another material covers this HS code; each goods item falls under one.",
            )
        if m.quantity_limit <= 0:
            found.add(f"/materials/{i}/quantityLimit", "number.too_small", "Limits are positive.")
    products = [p.hs_code for p in cmd.products]
    for i, p in enumerate(cmd.products):
        at = f"/products/{i}"
        if not (p.hs_code.isdigit() and 2 <= len(p.hs_code) <= 10):
            found.add(f"{at}/hsCode", "hs_code.invalid", "2 to 10 digits.")
        elif _overlaps(products, i):
            found.add(f"{at}/hsCode", "hs_code.overlap", "Another product covers this HS code.")
        if not p.norms:
            found.add(f"{at}/norms", "norms.empty", "A product consumes at least one material.")
        seen: set[str] = set()
        for j, n in enumerate(p.norms):
            if n.material not in codes:
                found.add(
                    f"{at}/norms/{j}/material",
                    "material.unknown",
                    "Name one of the handbook's materials by its hsCode.",
                )
            elif n.material in seen:
                found.add(f"{at}/norms/{j}/material", "norm.duplicate", "One norm per material.")
            seen.add(n.material)
            if n.consumption <= 0:
                found.add(
                    f"{at}/norms/{j}/consumption", "number.too_small", "Consumption is positive."
                )
            if not 0 <= n.waste_rate < 1:
                found.add(
                    f"{at}/norms/{j}/wasteRate",
                    "number.out_of_range",
                    "The waste rate is a fraction: at least 0, below 1.",
                )


def issue_handbook(cmd: commands.IssueHandbook, uow: PermitsUnitOfWork) -> dict[str, Any]:
    found = ErrorList()
    holder = uow.handbooks.enterprise_id(cmd.holder_scheme, cmd.holder_identifier)
    if holder is None:
        found.add(
            "/holder", "enterprise.unknown", "No enterprise is registered with that identifier."
        )
    _check_contents(cmd, found)
    found.raise_if_any()
    assert holder is not None
    if uow.handbooks.get(cmd.number) is not None:
        raise errors.HandbookExists("A handbook with this number exists.", number=cmd.number)
    handbook = Handbook(
        cmd.number,
        holder,
        cmd.valid_from,
        cmd.valid_to,
        cmd.actor,
        tuple(Material(m.hs_code, m.description, m.unit, m.quantity_limit) for m in cmd.materials),
        tuple(Product(p.hs_code, p.unit, tuple(p.norms)) for p in cmd.products),
    )
    uow.handbooks.add(handbook)
    body = handbook_json(handbook)
    entry = uow.ledger.append(
        canonical(signed({"type": "handbook.issued", **body}, cmd.submission))
    )
    uow.handbooks.record_entry(handbook.number, "issued", entry.seq)
    uow.record(
        events.HandbookIssued(
            actor=cmd.actor,
            agency=cmd.agency,
            occurred_at=uow.now(),
            data={"number": handbook.number, "holder": holder, "ledgerSeq": entry.seq},
        )
    )
    return {**body, "ledgerSeq": entry.seq}


def revoke_handbook(cmd: commands.RevokeHandbook, uow: PermitsUnitOfWork) -> dict[str, Any]:
    handbook = uow.handbooks.get(cmd.number, for_update=True)
    if handbook is None:
        raise errors.HandbookNotFound("No such handbook.", number=cmd.number)
    handbook.revoked = True
    uow.handbooks.save(handbook)
    entry = uow.ledger.append(
        canonical(
            signed(
                {"type": "handbook.revoked", "number": cmd.number, "reason": cmd.reason},
                cmd.submission,
            )
        )
    )
    uow.handbooks.record_entry(cmd.number, "revoked", entry.seq)
    uow.record(
        events.HandbookRevoked(
            actor=cmd.actor,
            reason=cmd.reason,
            occurred_at=uow.now(),
            data={"number": cmd.number, "ledgerSeq": entry.seq},
        )
    )
    return {**handbook_json(handbook), "ledgerSeq": entry.seq}


def on_declaration_released_move_handbooks(
    event: DeclarationReleased, uow: PermitsUnitOfWork
) -> None:
    """In the release's own transaction: an import adds its goods to the materials of every
    handbook it cites, an export consumes them by the norms; each handbook row is locked, so
    two exports never overdraw a material together. A handbook that no longer allows the
    movement stops the release (nothing is written)."""
    if not uow.handbooks.enforced:
        return
    assert event.declaration_id is not None
    record = uow.declarations.get(event.declaration_id)
    document = record.document
    kind = movement_kind(document)
    items = list(document.goods_items)
    for number, indexes in sorted(handbook_citations(document).items()):
        handbook = uow.handbooks.get(number, for_update=True)
        why = handbook_problems(handbook, kind, items, indexes, record.owner, uow.now().date())
        if why is not None or handbook is None:
            raise errors.HandbookExhausted(
                f"Handbook {number} does not allow this release: {why}.", number=number
            )
        quantities = movement(handbook, kind, items, indexes)
        handbook.apply(kind, quantities)
        uow.handbooks.save(handbook)
        moved = [
            {"hsCode": m.hs_code, "quantity": str(quantities[m.hs_code]), "balance": str(m.balance)}
            for m in handbook.materials
            if m.hs_code in quantities
        ]
        entry = uow.ledger.append(
            canonical(
                {
                    "type": f"handbook.{kind.value}",
                    "number": number,
                    "declarationId": event.declaration_id,
                    "materials": moved,
                }
            )
        )
        uow.handbooks.record_entry(number, kind.value, entry.seq, event.declaration_id)
        happened = (
            events.HandbookMaterialsImported
            if kind is MovementKind.IMPORT
            else events.HandbookMaterialsConsumed
        )
        uow.record(
            happened(
                declaration_id=event.declaration_id,
                actor=event.actor,
                agency="customs",
                occurred_at=uow.now(),
                data={"number": number, "materials": moved, "ledgerSeq": entry.seq},
            )
        )
