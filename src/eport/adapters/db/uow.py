"""The SQL unit of work: one transaction (or savepoint) and the repositories bound to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from eport.adapters.crypto.credentials import Argon2Passwords, PyOtpTotp
from eport.declarations.bills import CargoRules
from eport.kernel.clock import Clock
from eport.kernel.ids import new_id
from eport.kernel.messages import Event
from eport.pki.ports import CertificateAuthority

from . import tables as t
from .catalogue_cache import CatalogueCache
from .clearance import SqlClearanceRepository
from .fast import FastInsert
from .ledger import SqlHeadStore, SqlLedger, SqlLedgerIndex
from .permits import SqlHandbooks, SqlLicences
from .repositories import (
    SqlCatalogueRepository,
    SqlCertificateRepository,
    SqlCredentialStore,
    SqlDeclarationRepository,
    SqlDutyBook,
    SqlECertificateRepository,
    SqlIdempotencyStore,
    SqlIdentityRepository,
    SqlManifestRepository,
    SqlSubscriptionRepository,
    SqlTaskRepository,
)
from .risk import RiskEngine, SqlComplianceLevels, SqlRuleSetRepository, SqlSelectivity
from .tariff import SqlAssessor, SqlTariffAdministration, TariffEngine
from .verification import SqlVerification

PASSWORDS = Argon2Passwords()
TOTP = PyOtpTotp()

# Every event goes to these consumers through the outbox.
OUTBOX_DESTINATIONS = ("audit", "webhooks")

INSERT_EVENTS = FastInsert(
    t.events,
    [
        "id",
        "name",
        "declaration_id",
        "enterprise_id",
        "actor",
        "agency",
        "reason",
        "occurred_at",
        "payload",
    ],
)
INSERT_OUTBOX = FastInsert(
    t.outbox,
    ["event_id", "destination", "attempts", "available_at", "delivered_at", "last_error"],
)
SELECT_OWNER = sa.select(t.declarations.c.owner_id).where(t.declarations.c.id == sa.bindparam("id"))


class SqlUnitOfWork:
    """Repositories over one connection; events recorded here are written by ``flush_events``."""

    def __init__(
        self,
        conn: sa.Connection,
        clock: Clock,
        catalogue: CatalogueCache,
        ca: CertificateAuthority | None = None,
        cargo_rules: CargoRules | None = None,
        risk: RiskEngine | None = None,
        tariff: TariffEngine | None = None,
        licences_enforced: bool = True,
    ) -> None:
        self.conn = conn
        self._now = clock()
        self._owners: dict[str, str] = {}
        self.declarations = SqlDeclarationRepository(conn, self._now, self._owners)
        self.tasks = SqlTaskRepository(conn, self._now)
        self.ecertificates = SqlECertificateRepository(conn)
        self.manifests = SqlManifestRepository(conn, self._now)
        self.declaration_status = self.manifests
        self.duties = SqlDutyBook(conn)
        self.enterprises = self.duties
        self.selectivity = SqlSelectivity(conn, self._now, risk)
        self.assessor = SqlAssessor(conn, self._now, tariff)
        self.tariff = SqlTariffAdministration(conn, self._now, tariff)
        self.clearance = SqlClearanceRepository(conn, self._now)
        self.ledger = SqlLedger(conn, self.now)
        self.ledger_index = SqlLedgerIndex(conn)
        self.verification = SqlVerification(conn)
        self.licences = SqlLicences(conn, licences_enforced)
        self.handbooks = SqlHandbooks(conn, licences_enforced, self.now)
        self.heads = SqlHeadStore(conn, ca)
        self.revisions = self.declarations
        self.compliance = SqlComplianceLevels(conn, self._now)
        self.rule_sets = SqlRuleSetRepository(conn, self._now, risk.cache if risk else None)
        self.cargo_rules = cargo_rules or CargoRules()
        self.catalogue = SqlCatalogueRepository(conn, self._now, catalogue)
        self.idempotency = SqlIdempotencyStore(conn, self._now)
        self.identity = SqlIdentityRepository(conn, self._now)
        self.subscriptions = SqlSubscriptionRepository(conn, self._now)
        self.certificates = SqlCertificateRepository(conn, self._now)
        self.credentials = SqlCredentialStore(conn, self._now)
        self.passwords = PASSWORDS
        self.second_factor = TOTP
        self.ca = ca
        self._new: list[Event] = []
        self._all: list[Event] = []

    def now(self) -> datetime:
        """One instant per unit of work: every row and event of a change carries the same time."""
        return self._now

    def record(self, event: Event) -> None:
        self._new.append(event)
        self._all.append(event)

    def take_new_events(self) -> list[Event]:
        new, self._new = self._new, []
        return new

    def _owner(self, declaration_id: str | None) -> str | None:
        if declaration_id is None:
            return None
        if declaration_id not in self._owners:
            owner = self.conn.execute(SELECT_OWNER, {"id": declaration_id}).scalar()
            if owner is None:
                return None
            self._owners[declaration_id] = owner
        return self._owners[declaration_id]

    def flush_events(self) -> list[dict[str, Any]]:
        """Write every recorded event and its outbox rows, in the current transaction."""
        if not self._all:
            return []
        rows = [
            {
                "id": new_id("EVT"),
                "name": e.name,
                "declaration_id": e.declaration_id,
                "enterprise_id": self._owner(e.declaration_id),
                "actor": e.actor,
                "agency": e.agency,
                "reason": e.reason,
                "occurred_at": e.occurred_at,
                "payload": e.data,
            }
            for e in self._all
        ]
        INSERT_EVENTS(self.conn, rows)
        INSERT_OUTBOX(
            self.conn,
            [
                {
                    "event_id": r["id"],
                    "destination": d,
                    "attempts": 0,
                    "available_at": self._now,
                    "delivered_at": None,
                    "last_error": None,
                }
                for r in rows
                for d in OUTBOX_DESTINATIONS
            ],
        )
        self._all = []
        return rows
