"""Licences in the database; the check a declaration passes at lodging."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from eport.datamodel.declaration import Declaration
from eport.kernel.errors import Conflict, FieldError
from eport.permits.model import Licence, problems, uses

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
