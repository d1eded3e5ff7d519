"""Licences and processing-trade handbooks in the database; the checks a declaration passes
at lodging."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from eport.datamodel.declaration import Declaration
from eport.kernel.clock import Clock, utcnow
from eport.kernel.errors import Conflict, FieldError
from eport.permits.handlers import products_json
from eport.permits.model import (
    Handbook,
    Licence,
    Material,
    Norm,
    Product,
    handbook_citations,
    handbook_problems,
    movement_kind,
    problems,
    uses,
)

from . import tables as t
from .repositories import enterprise_id


def _licence(row: Any) -> Licence:
    return Licence(
        number=row["number"],
        holder=row["holder_id"],
        kind=row["kind"],
        hs_prefixes=tuple(row["hs_prefixes"]),
        quantity_limit=Decimal(row["quantity_limit"]),
        unit=row["unit"],
        value_limit=Decimal(row["value_limit"]),
        currency=row["currency"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        issued_by=row["issued_by"],
        revoked=row["revoked"],
        used_quantity=Decimal(row["used_quantity"]),
        used_value=Decimal(row["used_value"]),
        version=row["version"],
    )


class SqlLicences:
    """The permits context's ``LicenceRepository``, and the declarations context's
    ``LicenceCheck``."""

    def __init__(self, conn: sa.Connection, enforced: bool = True) -> None:
        self.conn, self.enforced = conn, enforced

    def _values(self, licence: Licence) -> dict[str, Any]:
        return {
            "holder_id": licence.holder,
            "kind": licence.kind,
            "hs_prefixes": list(licence.hs_prefixes),
            "quantity_limit": str(licence.quantity_limit),
            "unit": licence.unit,
            "value_limit": str(licence.value_limit),
            "currency": licence.currency,
            "valid_from": licence.valid_from,
            "valid_to": licence.valid_to,
            "issued_by": licence.issued_by,
            "revoked": licence.revoked,
            "used_quantity": str(licence.used_quantity),
            "used_value": str(licence.used_value),
        }

    def add(self, licence: Licence) -> None:
        self.conn.execute(
            t.licences.insert(),
            {"number": licence.number, **self._values(licence), "version": licence.version},
        )

    def get(self, number: str, *, for_update: bool = False) -> Licence | None:
        q = sa.select(t.licences).where(t.licences.c.number == number)
        if for_update:
            q = q.with_for_update()
        row = self.conn.execute(q).mappings().first()
        return _licence(row) if row else None

    def save(self, licence: Licence) -> None:
        lic = t.licences
        done = self.conn.execute(
            lic.update()
            .where(lic.c.number == licence.number, lic.c.version == licence.version)
            .values(**self._values(licence), version=licence.version + 1)
        )
        if done.rowcount != 1:
            raise Conflict("The licence changed meanwhile; retry.", number=licence.number)
        licence.version += 1

    def enterprise_id(self, scheme: str, identifier: str) -> str | None:
        return enterprise_id(self.conn, scheme, identifier)

    def check(self, document: Declaration, owner: str, on: date) -> list[FieldError]:
        """Every licence the goods cite must exist, be the owner's, be in force, cover their
        HS codes, and have the quantity and value left."""
        if not self.enforced:
            return []
        out = []
        items = list(document.goods_items)
        for number, use in sorted(uses(document).items()):
            why = problems(self.get(number), use, owner, document.currency, items, on)  # type: ignore[arg-type]
            if why is not None:
                index = use.item_indexes[0]
                out.append(
                    FieldError(
                        f"/goodsItems/{index}/documents",
                        "licence.refused",
                        f"Licence {number}: {why}.",
                    )
                )
        return out


def _materials_json(handbook: Handbook) -> list[dict[str, str]]:
    return [
        {
            "hsCode": m.hs_code,
            "description": m.description,
            "unit": m.unit,
            "quantityLimit": str(m.quantity_limit),
            "imported": str(m.imported),
            "consumed": str(m.consumed),
        }
        for m in handbook.materials
    ]


def _handbook(row: Any) -> Handbook:
    return Handbook(
        number=row["number"],
        holder=row["holder_id"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        issued_by=row["issued_by"],
        materials=tuple(
            Material(
                m["hsCode"],
                m["description"],
                m["unit"],
                Decimal(m["quantityLimit"]),
                Decimal(m["imported"]),
                Decimal(m["consumed"]),
            )
            for m in row["materials"]
        ),
        products=tuple(
            Product(
                p["hsCode"],
                p["unit"],
                tuple(
                    Norm(n["material"], Decimal(n["consumption"]), Decimal(n["wasteRate"]))
                    for n in p["norms"]
                ),
            )
            for p in row["products"]
        ),
        revoked=row["revoked"],
        version=row["version"],
    )


class SqlHandbooks:
    """The permits context's ``HandbookRepository``, and the declarations context's
    ``HandbookCheck``."""

    def __init__(self, conn: sa.Connection, enforced: bool = True, clock: Clock = utcnow) -> None:
        self.conn, self.enforced, self._clock = conn, enforced, clock

    def _values(self, handbook: Handbook) -> dict[str, Any]:
        return {
            "holder_id": handbook.holder,
            "valid_from": handbook.valid_from,
            "valid_to": handbook.valid_to,
            "issued_by": handbook.issued_by,
            "revoked": handbook.revoked,
            "materials": _materials_json(handbook),
            "products": products_json(handbook),
        }

    def add(self, handbook: Handbook) -> None:
        self.conn.execute(
            t.handbooks.insert(),
            {"number": handbook.number, **self._values(handbook), "version": handbook.version},
        )

    def get(self, number: str, *, for_update: bool = False) -> Handbook | None:
        q = sa.select(t.handbooks).where(t.handbooks.c.number == number)
        if for_update:
            q = q.with_for_update()
        row = self.conn.execute(q).mappings().first()
        return _handbook(row) if row else None

    def save(self, handbook: Handbook) -> None:
        hb = t.handbooks
        done = self.conn.execute(
            hb.update()
            .where(hb.c.number == handbook.number, hb.c.version == handbook.version)
            .values(**self._values(handbook), version=handbook.version + 1)
        )
        if done.rowcount != 1:
            raise Conflict("The handbook changed meanwhile; retry.", number=handbook.number)
        handbook.version += 1

    def enterprise_id(self, scheme: str, identifier: str) -> str | None:
        return enterprise_id(self.conn, scheme, identifier)

    def record_entry(
        self, number: str, kind: str, ledger_seq: int, declaration_id: str | None = None
    ) -> None:
        self.conn.execute(
            t.handbook_entries.insert(),
            {
                "ledger_seq": ledger_seq,
                "number": number,
                "kind": kind,
                "declaration_id": declaration_id,
                "created_at": self._clock(),
            },
        )

    def entry_seqs(self, number: str, below: int) -> list[int]:
        """The seqs of the ledger entries about the handbook, in the tree of size ``below``."""
        e = t.handbook_entries
        return list(
            self.conn.execute(
                sa.select(e.c.ledger_seq)
                .where(e.c.number == number, e.c.ledger_seq < below)
                .order_by(e.c.ledger_seq)
            ).scalars()
        )

    def check(self, document: Declaration, owner: str, on: date) -> list[FieldError]:
        """Every handbook the goods cite must exist, be the owner's and in force; an import's
        items must be its materials, within their limits; an export's items its products,
        whose norms the materials' balances cover."""
        if not self.enforced:
            return []
        out = []
        kind = movement_kind(document)
        items: list[object] = list(document.goods_items)
        for number, indexes in sorted(handbook_citations(document).items()):
            why = handbook_problems(self.get(number), kind, items, indexes, owner, on)
            if why is not None:
                out.append(
                    FieldError(
                        f"/goodsItems/{indexes[0]}/documents",
                        "handbook.refused",
                        f"Handbook {number}: {why}.",
                    )
                )
        return out
