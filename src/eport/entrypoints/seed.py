"""Demo country: agencies, a requirements catalogue, enterprises and one user per role.

Seeding is idempotent: it runs once per database (it checks for the demo administrator).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from eport.bootstrap import EPort
from eport.datamodel.identifiers import make_uscc
from eport.identity import commands as ic
from eport.identity.model import Role
from eport.permits import commands as pmc
from eport.risk import commands as rkc
from eport.risk.demo import demo_document
from eport.routing import commands as rc
from eport.routing.model import Conditions, RequiredDocument

SYSTEM = "system"

AGENCIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("customs", "General Administration of Customs", ("/",)),
    (
        "quarantine",
        "Inspection and Quarantine",
        ("/countryOfDispatch", "/transport", "/placeOfLoading"),
    ),
    ("commerce", "Ministry of Commerce (licences)", ("/importer", "/exporter", "/documents")),
    (
        "forex",
        "State Administration of Foreign Exchange",
        ("/invoiceAmount", "/currency", "/exporter", "/importer"),
    ),
    ("tax", "State Taxation Administration", ("/exporter", "/invoiceAmount", "/currency")),
    ("port", "Port and terminal authority", ("/transport", "/containers", "/transportDocument")),
]

ANIMAL_PLANT_FOOD = tuple(f"{c:02d}" for c in range(1, 25))

RULES: list[dict[str, Any]] = [
    {
        "code": "CUS-ALL",
        "description": "Customs clears every declaration.",
        "conditions": Conditions(),
        "agencies": ("customs",),
    },
    {
        "code": "QUA-FOOD-IM",
        "description": "Animals, plants and food imported are inspected by quarantine.",
        "conditions": Conditions(hs_prefixes=ANIMAL_PLANT_FOOD, declaration_types=("IM",)),
        "agencies": ("quarantine",),
    },
    {
        "code": "QUA-MEAT-VET",
        "description": "Imported meat needs a veterinary certificate.",
        "conditions": Conditions(
            hs_prefixes=("0201", "0202", "0203", "0204", "0207"), declaration_types=("IM",)
        ),
        "agencies": ("quarantine",),
        "documents": (RequiredDocument("853", "veterinary certificate of the exporting country"),),
    },
    {
        "code": "COM-LIC-VEHICLES",
        "description": "Imported motor vehicles need an automatic import licence.",
        "conditions": Conditions(hs_prefixes=("8703",), declaration_types=("IM",)),
        "agencies": ("commerce",),
        "documents": (RequiredDocument("911", "automatic import licence"),),
    },
    {
        "code": "COM-LIC-RARE-EARTH",
        "description": "Rare earths need an export licence.",
        "conditions": Conditions(hs_prefixes=("2805", "2846"), declaration_types=("EX",)),
        "agencies": ("commerce",),
        "documents": (RequiredDocument("811", "export licence for rare earths"),),
    },
    {
        "code": "FX-EXPORT",
        "description": "Exports are verified against forex receipts.",
        "conditions": Conditions(declaration_types=("EX",)),
        "agencies": ("forex",),
    },
    {
        "code": "TAX-EXPORT-REFUND",
        "description": "Exports feed the export VAT refund check.",
        "conditions": Conditions(declaration_types=("EX",)),
        "agencies": ("tax",),
    },
    {
        "code": "PORT-SEA",
        "description": "Sea cargo is handled by the port and terminal.",
        "conditions": Conditions(transport_modes=("1",)),
        "agencies": ("port",),
    },
]

ENTERPRISES: list[tuple[str, str, str]] = [
    ("trader", make_uscc("91310000MA1FL0001"), "Shanghai Eastern Trading Co., Ltd."),
    ("other", make_uscc("91440300MA5F00003"), "Shenzhen Southern Import & Export Co., Ltd."),
    ("broker", make_uscc("91310000MA1FL0002"), "Pudong Customs Brokerage Co., Ltd."),
    ("carrier", make_uscc("91110000MA0100004"), "China Ocean Lines Co., Ltd."),
    ("bank", make_uscc("91330000MA2800005"), "Bank of Commerce, Shanghai Branch"),
]

USERS: list[tuple[str, str, Role, str | None, str | None]] = [
    # email, name, role, enterprise key, agency
    ("trader@demo", "Li Wei (trader)", Role.TRADER, "trader", None),
    ("other@demo", "Zhang Min (other trader)", Role.TRADER, "other", None),
    ("broker@demo", "Chen Jie (broker)", Role.BROKER, "broker", None),
    ("carrier@demo", "Wang Fang (carrier)", Role.CARRIER, "carrier", None),
    ("bank@demo", "Liu Yang (bank)", Role.BANK, "bank", None),
    ("customs@demo", "Officer Zhao (customs)", Role.OFFICER, None, "customs"),
    ("quarantine@demo", "Officer Sun (quarantine)", Role.OFFICER, None, "quarantine"),
    ("commerce@demo", "Officer Zhou (commerce)", Role.OFFICER, None, "commerce"),
    ("forex@demo", "Officer Wu (forex)", Role.OFFICER, None, "forex"),
    ("tax@demo", "Officer Zheng (tax)", Role.OFFICER, None, "tax"),
    ("terminal@demo", "Officer Feng (port and terminal)", Role.TERMINAL, None, "port"),
    ("admin@demo", "Administrator", Role.ADMIN, None, "customs"),
]


def is_seeded(eport: EPort) -> bool:
    return bool(eport.writer.run(lambda uow: uow.identity.user_by_email("admin@demo")))


def seed_demo(eport: EPort) -> bool:
    """Seed the demo country once. Returns False if it was already there."""
    if is_seeded(eport):
        return False
    for code, name, interests in AGENCIES:
        eport.run(rc.PutAgency(actor=SYSTEM, code=code, name=name, interests=interests))
    for rule in RULES:
        eport.run(
            rc.PutCatalogueRule(
                actor=SYSTEM,
                code=rule["code"],
                description=rule["description"],
                conditions=rule["conditions"],
                agencies=rule["agencies"],
                documents=rule.get("documents", ()),
                effective_from=date(2024, 1, 1),
                effective_to=None,
            )
        )
    ids = {}
    for key, uscc, name in ENTERPRISES:
        ids[key] = eport.run(
            ic.RegisterEnterprise(actor=SYSTEM, scheme="USCC", identifier=uscc, name=name)
        ).id
    for email, name, role, enterprise, agency in USERS:
        roles = frozenset({role, Role.OFFICER}) if role is Role.TERMINAL else frozenset({role})
        eport.run(
            ic.CreateUser(
                actor=SYSTEM,
                email=email,
                name=name,
                roles=roles,
                enterprise=ids[enterprise] if enterprise else None,
                agency=agency,
            )
        )
    # The export licence the demo export cites (rare-earth oxides, commerce).
    eport.run(
        pmc.IssueLicence(
            actor=SYSTEM,
            agency="commerce",
            number="MOFCOM-EX-2026-118",
            holder_scheme="USCC",
            holder_identifier=make_uscc("91310000MA1FL0001"),
            kind="811",
            hs_prefixes=("2846",),
            quantity_limit=Decimal("100000"),
            unit="KGM",
            value_limit=Decimal("5000000"),
            currency="EUR",
            valid_from=date(2026, 1, 1),
            valid_to=date(2027, 12, 31),
        )
    )
    eport.run(
        rkc.PutRuleSet(
            actor=SYSTEM,
            code="selectivity",
            version=1,
            valid_from=date(2026, 1, 1),
            valid_to=None,
            document=demo_document(),
            note="Demo selectivity profile shipped with E-Port.",
        )
    )
    return True


# The demo users' portal password (development and test only; `eport serve --demo` sets it).
DEMO_PASSWORD = "eport-demo-2026"  # noqa: S105 — published demo credentials, never production


def set_demo_passwords(eport: EPort, emails: list[str] | None = None) -> None:
    """Give demo users (all, or ``emails``) the demo password, unless they have one already.
    Never in production."""
    if eport.settings.environment == "production":
        return
    for email in emails or [u[0] for u in USERS]:

        def lookup(uow: Any, e: str = email) -> tuple[Any, Any]:
            return uow.identity.user_by_email(e), uow.credentials.credentials(e)

        user, creds = eport.writer.run(lookup)
        if user is None or (creds is not None and creds.password_hash):
            continue
        eport.run(ic.SetPassword(actor=user.id, current=None, new=DEMO_PASSWORD))


def issue_token(eport: EPort, email: str, label: str = "cli") -> str:
    """A fresh bearer token for a user (the CLI's `eport token USER`)."""
    user = eport.writer.run(lambda uow: uow.identity.user_by_email(email))
    if user is None:
        raise LookupError(f"no user {email}")
    result = eport.run(ic.IssueToken(actor=SYSTEM, user_id=user.id, label=label))
    return str(result["token"])
