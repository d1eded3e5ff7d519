"""Processing-trade handbooks, pure: which items cite a handbook, what imports add, what
exports consume by the norms, and why a declaration may not use a handbook."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from eport.datamodel.declaration import Declaration
from eport.permits.model import (
    Handbook,
    Material,
    MovementKind,
    Norm,
    Product,
    consumed_quantities,
    gross_consumption,
    handbook_citations,
    handbook_problems,
    imported_quantities,
    movement_kind,
)
from tests.factories import export_declaration, import_declaration, item

ON = date(2026, 6, 1)
YARN, SHIRTS = "5205", "6205"


def handbook(**over: object) -> Handbook:
    book = Handbook(
        number="HB-1",
        holder="ENT-1",
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        issued_by="customs-officer",
        materials=(
            Material(YARN, "Cotton yarn", "KGM", Decimal(10000)),
            Material("5806", "Narrow cotton labels", "MTR", Decimal(500)),
        ),
        products=(
            Product(
                SHIRTS,
                "H87",
                (
                    Norm(YARN, Decimal("0.25"), Decimal("0.02")),
                    Norm("5806", Decimal("0.05"), Decimal(0)),
                ),
            ),
        ),
    )
    for key, value in over.items():
        setattr(book, key, value)
    return book


def goods(hs: str, quantity: str, unit: str) -> SimpleNamespace:
    return SimpleNamespace(hs_code=hs, quantity=Decimal(quantity), unit=unit)


def test_the_norm_arithmetic_includes_waste_and_rounds_half_up_to_six_places() -> None:
    # 2000 shirts, 0.25 kg of yarn each, 2 % of the yarn that goes in is wasted:
    # gross = 2000 * 0.25 / (1 - 0.02) = 500 / 0.98 = 510.20408163... -> 510.204082 kg.
    norm = Norm(YARN, Decimal("0.25"), Decimal("0.02"))
    assert gross_consumption(Decimal(2000), norm) == Decimal("510.204082")
    # No waste: exactly net.  3 * 0.05 / 1 = 0.15.
    assert gross_consumption(Decimal(3), Norm("5806", Decimal("0.05"), Decimal(0))) == Decimal(
        "0.150000"
    )
    # Half up at the 7th place: 1 * 0.0000005 / 1 = 0.0000005 -> 0.000001.
    assert gross_consumption(Decimal(1), Norm("x", Decimal("0.0000005"), Decimal(0))) == Decimal(
        "0.000001"
    )


def test_an_export_consumes_every_norm_of_its_product_rounded_per_item_then_summed() -> None:
    items: list[object] = [goods("62052000", "2000", "H87"), goods("62052000", "1", "H87")]
    used = consumed_quantities(handbook(), items, (0, 1))
    # Yarn: 510.204082 + 1 * 0.25 / 0.98 (= 0.255102040... -> 0.255102) = 510.459184.
    # Labels: (2000 + 1) * 0.05 = 100.05.
    assert used == {YARN: Decimal("510.459184"), "5806": Decimal("100.050000")}


def test_an_import_adds_each_item_to_the_material_it_falls_under() -> None:
    items: list[object] = [
        goods("52051200", "1000", "KGM"),
        goods("52052200", "250.5", "KGM"),
        goods("84713090", "1", "H87"),  # not cited
    ]
    assert imported_quantities(handbook(), items, (0, 1)) == {YARN: Decimal("1250.5")}


def test_a_material_is_found_by_its_longest_matching_prefix() -> None:
    book = handbook(
        materials=(
            Material("52", "Cotton", "KGM", Decimal(1)),
            Material("520512", "Uncombed single yarn", "KGM", Decimal(1)),
        )
    )
    assert book.material("52051200") is not None
    assert book.material("52051200").hs_code == "520512"  # type: ignore[union-attr]
    assert book.material("52010000").hs_code == "52"  # type: ignore[union-attr]
    assert book.material("62052000") is None


def test_applying_movements_keeps_imported_consumed_and_the_balance() -> None:
    book = handbook()
    book.apply(MovementKind.IMPORT, {YARN: Decimal(1000)})
    book.apply(MovementKind.EXPORT, {YARN: Decimal("510.204082")})
    yarn = book.material("52051200")
    assert yarn is not None
    assert (yarn.imported, yarn.consumed, yarn.balance) == (
        Decimal(1000),
        Decimal("510.204082"),
        Decimal("489.795918"),
    )
    assert book.materials[1].balance == 0  # untouched


def test_goods_items_cite_a_handbook_by_a_document_of_type_915() -> None:
    yarn = item(
        1, "52051200", quantity="1000", unit="KGM",
        documents=[{"type": "915", "reference": "HB-1"}, {"type": "380", "reference": "I"}],
    )  # fmt: skip
    other = item(2, documents=[{"type": "915", "reference": "HB-2"}])
    plain = item(3)
    again = item(4, "52052200", unit="KGM", documents=[{"type": "915", "reference": "HB-1"}])
    doc = Declaration.model_validate(import_declaration(goodsItems=[yarn, other, plain, again]))
    assert handbook_citations(doc) == {"HB-1": (0, 3), "HB-2": (1,)}
    assert movement_kind(doc) is MovementKind.IMPORT
    assert movement_kind(Declaration.model_validate(export_declaration())) is MovementKind.EXPORT


@pytest.mark.parametrize(
    ("book", "kind", "item_", "owner", "on", "why"),
    [
        (None, MovementKind.IMPORT, goods("52051200", "1", "KGM"), "ENT-1", ON, "no such"),
        (handbook(), MovementKind.IMPORT, goods("52051200", "1", "KGM"), "ENT-2", ON, "another"),
        (
            handbook(revoked=True),
            MovementKind.IMPORT,
            goods("52051200", "1", "KGM"),
            "ENT-1",
            ON,
            "revoked",
        ),
        (
            handbook(),
            MovementKind.IMPORT,
            goods("52051200", "1", "KGM"),
            "ENT-1",
            date(2027, 1, 1),
            "valid 2026-01-01 to 2026-12-31",
        ),
        (
            handbook(),
            MovementKind.IMPORT,
            goods("62052000", "1", "H87"),
            "ENT-1",
            ON,
            "HS 62052000) is not a material",
        ),
        (
            handbook(),
            MovementKind.EXPORT,
            goods("52051200", "1", "KGM"),
            "ENT-1",
            ON,
            "HS 52051200) is not a product",
        ),
        (
            handbook(),
            MovementKind.IMPORT,
            goods("52051200", "1", "TNE"),
            "ENT-1",
            ON,
            "counts material 5205 in KGM",
        ),
        (
            handbook(),
            MovementKind.EXPORT,
            goods("62052000", "1", "KGM"),
            "ENT-1",
            ON,
            "counts product 6205 in H87",
        ),
        (
            handbook(),
            MovementKind.IMPORT,
            goods("52051200", "10000.000001", "KGM"),
            "ENT-1",
            ON,
            "10000 left under its limit",
        ),
        (
            handbook(),
            MovementKind.EXPORT,
            goods("62052000", "1", "H87"),
            "ENT-1",
            ON,
            "consumes 0.255102 KGM of material 5205, its balance is 0",
        ),
    ],
)
def test_why_a_declaration_may_not_use_a_handbook(
    book: Handbook | None,
    kind: MovementKind,
    item_: SimpleNamespace,
    owner: str,
    on: date,
    why: str,
) -> None:
    found = handbook_problems(book, kind, [item_], (0,), owner, on)
    assert found is not None and why in found, found


def test_a_declaration_within_the_limit_and_the_balance_may_use_the_handbook() -> None:
    book = handbook()
    imports: list[object] = [goods("52051200", "10000", "KGM")]
    assert handbook_problems(book, MovementKind.IMPORT, imports, (0,), "ENT-1", ON) is None
    book.apply(MovementKind.IMPORT, {YARN: Decimal(1000), "5806": Decimal(100)})
    # 2000 shirts need 510.204082 kg of yarn and 100 m of labels: exactly what is left of
    # the labels, so it passes; one shirt more overdraws them.
    exports: list[object] = [goods("62052000", "2000", "H87")]
    assert handbook_problems(book, MovementKind.EXPORT, exports, (0,), "ENT-1", ON) is None
    more: list[object] = [goods("62052000", "2001", "H87")]
    why = handbook_problems(book, MovementKind.EXPORT, more, (0,), "ENT-1", ON)
    assert why is not None and "material 5806" in why
    # The limit counts what was imported, not the balance: 9000 more fit, 9000.1 do not.
    book.apply(MovementKind.EXPORT, {YARN: Decimal(500)})
    fits: list[object] = [goods("52051200", "9000", "KGM")]
    assert handbook_problems(book, MovementKind.IMPORT, fits, (0,), "ENT-1", ON) is None
    over: list[object] = [goods("52051200", "9000.1", "KGM")]
    assert handbook_problems(book, MovementKind.IMPORT, over, (0,), "ENT-1", ON) is not None
