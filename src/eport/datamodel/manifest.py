"""The cargo manifest a carrier lodges before arrival (WCO DM: the cargo report, GOVCBR
CUSCAR): the conveyance and voyage, and its bills of lading with containers and goods lines."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field, ValidationError

from eport.datamodel.declaration import (
    ContainerNumber,
    Country,
    Identifier,
    Locode,
    Mass,
    Model,
    OfficeCode,
    ShortText,
    Text,
    TransportMeans,
)
from eport.datamodel.validation import errors_from_pydantic
from eport.kernel.errors import ErrorList, ValidationFailed

HsHeading = Annotated[str, Field(pattern=r"^[0-9]{4}([0-9]{2})?$")]
PackageType = Annotated[str, Field(pattern=r"^[0-9A-Z]{2}$")]  # UN/ECE Rec 21


class ManifestParty(Model):
    """Consignor or consignee on a bill (WCO DM: Consignor, Consignee)."""

    name: ShortText
    identifier: Identifier | None = None
    country: Country | None = None


class ManifestGoodsLine(Model):
    """One line of goods on a bill (WCO DM: ConsignmentItem)."""

    sequence: int = Field(ge=1, le=9999, strict=True)
    description: Text
    hs_code: HsHeading | None = None
    packages: int = Field(ge=1, le=9_999_999, strict=True)
    gross_mass: Mass


class BillOfLading(Model):
    """A transport contract document on the manifest (WCO DM: TransportContractDocument)."""

    reference: ShortText
    consignor: ManifestParty
    consignee: ManifestParty
    place_of_loading: Locode
    place_of_discharge: Locode
    packages: int = Field(ge=1, le=9_999_999, strict=True)
    package_type: PackageType = "CT"
    gross_mass: Mass
    containers: tuple[ContainerNumber, ...] = Field(default=(), max_length=500)
    goods: tuple[ManifestGoodsLine, ...] = Field(min_length=1, max_length=999)


class CargoManifest(Model):
    """A conveyance's cargo on one voyage into a customs office's port."""

    conveyance: TransportMeans
    voyage: ShortText
    customs_office: OfficeCode
    place_of_arrival: Locode
    expected_arrival: AwareDatetime
    bills: tuple[BillOfLading, ...] = Field(min_length=1, max_length=5000)


def parse_manifest(raw: bytes | str) -> CargoManifest:
    """Parse and validate a JSON manifest; raise ValidationFailed listing every bad field."""
    try:
        manifest = CargoManifest.model_validate_json(raw, by_alias=True)
    except ValidationError as exc:
        raise ValidationFailed(errors_from_pydantic(exc)) from None
    errors = ErrorList()
    seen_bills: set[str] = set()
    seen_containers: set[str] = set()
    for b, bill in enumerate(manifest.bills):
        if bill.reference in seen_bills:
            errors.add(f"/bills/{b}/reference", "bill.duplicate", "A bill is listed twice.")
        seen_bills.add(bill.reference)
        for c, container in enumerate(bill.containers):
            if container in seen_containers:
                errors.add(
                    f"/bills/{b}/containers/{c}",
                    "container.duplicate",
                    f"Container {container} is on two bills of this manifest.",
                )
            seen_containers.add(container)
        if sum(line.packages for line in bill.goods) != bill.packages:
            errors.add(
                f"/bills/{b}/packages",
                "packages.mismatch",
                "The bill's packages are not the sum of its goods lines' packages.",
            )
        if sum(line.gross_mass for line in bill.goods) != bill.gross_mass:
            errors.add(
                f"/bills/{b}/grossMass",
                "mass.mismatch",
                "The bill's gross mass is not the sum of its goods lines' gross mass.",
            )
        if bill.place_of_discharge != manifest.place_of_arrival:
            errors.add(
                f"/bills/{b}/placeOfDischarge",
                "bill.discharge",
                "A bill on this manifest is discharged at its place of arrival.",
            )
    errors.raise_if_any()
    return manifest
