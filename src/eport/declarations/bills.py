"""An import declaration must match the bill of lading the carrier manifested: the consignee,
the packages and, within a tolerance, the gross mass."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from eport.datamodel.declaration import Declaration
from eport.kernel.errors import ErrorList
from eport.manifests.model import Bill


@dataclass(frozen=True, slots=True)
class CargoRules:
    manifest_required: bool = True  # an import's bill must be on a manifest
    gross_mass_tolerance: Decimal = Decimal("0.02")  # a fraction of the bill's gross mass


def check_against_bill(
    doc: Declaration,
    bill: Bill | None,
    rules: CargoRules,
    declaration_id: str | None,
    prefix: str = "",
) -> None:
    """Raise ValidationFailed with a pointer per mismatch. Only imports that name a bill of
    lading are checked; exports are manifested after release. A bill already covered by
    another (not cancelled) declaration is refused."""
    if doc.declaration_type != "IM" or doc.transport_document is None:
        return
    errors = ErrorList()
    reference = doc.transport_document.reference
    if bill is None:
        if rules.manifest_required:
            errors.add(
                f"{prefix}/transportDocument/reference",
                "bill.not_manifested",
                f"Bill {reference} is on no open manifest: the carrier lodges it first.",
            )
        errors.raise_if_any()
        return
    if bill.declaration_id is not None and bill.declaration_id != declaration_id:
        errors.add(
            f"{prefix}/transportDocument/reference",
            "bill.already_declared",
            f"Bill {reference} is covered by declaration {bill.declaration_id}.",
        )
    importer = doc.importer
    if (
        bill.consignee_identifier is not None
        and importer is not None
        and (importer.identifier.scheme, importer.identifier.value)
        != (bill.consignee_scheme, bill.consignee_identifier)
    ):
        errors.add(
            f"{prefix}/importer/identifier",
            "bill.consignee_mismatch",
            f"The importer is not the consignee of bill {reference} "
            f"({bill.consignee_scheme} {bill.consignee_identifier}).",
        )
    if doc.total_packages is None:
        errors.add(
            f"{prefix}/totalPackages",
            "required",
            f"Give the packages, to match bill {reference} ({bill.packages}).",
        )
    elif doc.total_packages != bill.packages:
        errors.add(
            f"{prefix}/totalPackages",
            "bill.packages_mismatch",
            f"{doc.total_packages} packages declared; bill {reference} has {bill.packages}.",
        )
    declared = sum((item.gross_mass for item in doc.goods_items), Decimal(0))
    allowed = bill.gross_mass * rules.gross_mass_tolerance
    if abs(declared - bill.gross_mass) > allowed:
        errors.add(
            f"{prefix}/goodsItems",
            "bill.mass_mismatch",
            f"The goods items' gross mass ({declared} kg) differs from bill {reference} "
            f"({bill.gross_mass} kg) by more than {rules.gross_mass_tolerance:%}.",
        )
    errors.raise_if_any()
