"""SQL repositories (SQLAlchemy Core) implementing the contexts' ports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from eport.datamodel.declaration import Declaration as Document
from eport.datamodel.manifest import CargoManifest
from eport.declarations.model import DeclarationRecord, Revision, Status
from eport.declarations.ports import StoredResponse
from eport.identity.model import (
    ApiToken,
    Credentials,
    Delegation,
    Enterprise,
    Principal,
    Registration,
    RegistrationStatus,
    Role,
    User,
)
from eport.kernel.errors import Conflict
from eport.manifests.model import Bill, GateEvent, ManifestRecord, ManifestStatus, bills_of
from eport.notifications.model import DeliveryState, Subscription
from eport.payments.model import (
    GuaranteeFacility,
    OrderState,
    PaymentOrder,
    Posting,
    PostingKind,
    account_view,
)
from eport.pki.model import (
    CertificateState,
    CertificateStatus,
    IssuedCertificate,
    Purpose,
    Revocation,
    RevocationReason,
)
from eport.routing.model import (
    Agency,
    Catalogue,
    CatalogueRule,
    Conditions,
    Decision,
    ECertificate,
    RequiredDocument,
    Task,
    TaskState,
)

from . import tables as t
from .catalogue_cache import CatalogueCache
from .fast import FastInsert

INSERT_DECLARATION = FastInsert(t.declarations)
INSERT_REVISION = FastInsert(t.declaration_revisions)
INSERT_ITEMS = FastInsert(t.declaration_items)
INSERT_TASKS = FastInsert(t.tasks)
INSERT_IDEMPOTENCY = FastInsert(t.idempotency_keys, ignore_conflicts=True)

_ik = t.idempotency_keys
SELECT_IDEMPOTENCY = sa.select(_ik.c.request_sha256, _ik.c.status_code, _ik.c.body).where(
    _ik.c.scope == sa.bindparam("scope"), _ik.c.key == sa.bindparam("key")
)
SELECT_TASKS_OF = (
    sa.select(t.tasks)
    .where(t.tasks.c.declaration_id == sa.bindparam("declaration_id"))
    .order_by(t.tasks.c.agency)
)


class SqlDeclarationRepository:
    """Declarations and their revisions; ``owners`` remembers each one's enterprise."""

    def __init__(self, conn: sa.Connection, now: datetime, owners: dict[str, str]) -> None:
        self.conn, self.now, self.owners = conn, now, owners

    def lock(self, declaration_id: str) -> str | None:
        d = t.declarations
        owner = self.conn.execute(
            sa.select(d.c.owner_id).where(d.c.id == declaration_id).with_for_update()
        ).scalar()
        return str(owner) if owner is not None else None

    def add(self, record: DeclarationRecord, revision: Revision) -> None:
        doc = record.document
        INSERT_DECLARATION(
            self.conn,
            [
                {
                    "id": record.id,
                    "owner_id": record.owner,
                    "created_by": record.created_by,
                    "declaration_type": record.declaration_type,
                    "trader_reference": record.trader_reference,
                    "status": record.status.value,
                    "revision": record.revision,
                    "customs_office": doc.customs_office,
                    "currency": doc.currency,
                    "invoice_amount": str(doc.invoice_amount),
                    "item_count": len(doc.goods_items),
                    "lodged_at": record.lodged_at,
                    "updated_at": record.updated_at,
                    "version": record.version,
                    "representative_id": record.representative,
                }
            ],
        )
        self.owners[record.id] = record.owner
        self.add_revision(revision)

    def add_revision(self, revision: Revision) -> None:
        INSERT_REVISION(
            self.conn,
            [
                {
                    "declaration_id": revision.declaration_id,
                    "revision": revision.revision,
                    "document": revision.document,
                    "raw": revision.raw,
                    "raw_sha256": revision.receipt.sha256,
                    "content_type": revision.content_type,
                    "received_at": revision.receipt.received_at,
                    "created_by": revision.created_by,
                    "reason": revision.reason,
                    "diff": list(revision.diff) or None,
                    "signature": revision.signature,
                    "signer_serial": revision.signer_serial,
                }
            ],
        )
        INSERT_ITEMS(
            self.conn,
            [
                {
                    "declaration_id": revision.declaration_id,
                    "revision": revision.revision,
                    "sequence": i["sequence"],
                    "hs_code": i["hsCode"],
                    "origin_country": i["originCountry"],
                    "procedure_code": i["procedureCode"],
                    "quantity": i["quantity"],
                    "unit": i["unit"],
                    "net_mass": i["netMass"],
                    "gross_mass": i["grossMass"],
                    "value": i["value"],
                }
                for i in revision.document["goodsItems"]
            ],
        )

    def get(self, declaration_id: str, *, for_update: bool = False) -> DeclarationRecord | None:
        d, r = t.declarations, t.declaration_revisions
        query = (
            sa.select(d, r.c.document)
            .join(r, sa.and_(r.c.declaration_id == d.c.id, r.c.revision == d.c.revision))
            .where(d.c.id == declaration_id)
        )
        if for_update:
            query = query.with_for_update(of=d)
        row = self.conn.execute(query).mappings().first()
        if row is None:
            return None
        self.owners[row["id"]] = row["owner_id"]
        return DeclarationRecord(
            id=row["id"],
            owner=row["owner_id"],
            created_by=row["created_by"],
            declaration_type=row["declaration_type"],
            trader_reference=row["trader_reference"],
            status=Status(row["status"]),
            revision=row["revision"],
            lodged_at=row["lodged_at"],
            updated_at=row["updated_at"],
            document=Document.model_validate(row["document"], by_alias=True),
            version=row["version"],
            representative=row["representative_id"],
        )

    def save(self, record: DeclarationRecord) -> None:
        d = t.declarations
        result = self.conn.execute(
            d.update()
            .where(d.c.id == record.id, d.c.version == record.version)
            .values(
                status=record.status.value,
                revision=record.revision,
                trader_reference=record.trader_reference,
                item_count=len(record.document.goods_items),
                invoice_amount=str(record.document.invoice_amount),
                updated_at=record.updated_at,
                version=record.version + 1,
            )
        )
        if result.rowcount != 1:
            raise Conflict("The declaration changed meanwhile; try again.", id=record.id)
        record.version += 1

    def document_json(self, declaration_id: str, revision: int) -> dict[str, Any]:
        r = t.declaration_revisions
        doc: dict[str, Any] = self.conn.execute(
            sa.select(r.c.document).where(
                r.c.declaration_id == declaration_id, r.c.revision == revision
            )
        ).scalar_one()
        return doc


def _task(row: Any) -> Task:
    return Task(
        id=row["id"],
        declaration_id=row["declaration_id"],
        agency=row["agency"],
        state=TaskState(row["state"]),
        revision=row["revision"],
        rules=tuple(row["rules"]),
        decision=Decision(row["decision"]) if row["decision"] else None,
        reason=row["reason"],
        decided_by=row["decided_by"],
        version=row["version"],
    )


class SqlECertificateRepository:
    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def add(self, certificate: ECertificate) -> None:
        self.conn.execute(
            t.e_certificates.insert(),
            {f: getattr(certificate, f) for f in ECertificate.__dataclass_fields__},
        )


class SqlTaskRepository:
    def __init__(self, conn: sa.Connection, now: datetime) -> None:
        self.conn, self.now = conn, now

    def add_many(self, tasks: list[Task]) -> None:
        INSERT_TASKS(
            self.conn,
            [
                {
                    "id": k.id,
                    "declaration_id": k.declaration_id,
                    "agency": k.agency,
                    "state": k.state.value,
                    "revision": k.revision,
                    "rules": list(k.rules),
                    "decision": k.decision.value if k.decision else None,
                    "reason": k.reason,
                    "decided_by": k.decided_by,
                    "created_at": self.now,
                    "updated_at": self.now,
                    "version": k.version,
                }
                for k in tasks
            ],
        )

    def for_declaration(self, declaration_id: str) -> list[Task]:
        rows = self.conn.execute(SELECT_TASKS_OF, {"declaration_id": declaration_id}).mappings()
        return [_task(r) for r in rows]

    def get(self, task_id: str, *, for_update: bool = False) -> Task | None:
        query = sa.select(t.tasks).where(t.tasks.c.id == task_id)
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        return _task(row) if row else None

    def save(self, task: Task) -> None:
        k = t.tasks
        result = self.conn.execute(
            k.update()
            .where(k.c.id == task.id, k.c.version == task.version)
            .values(
                state=task.state.value,
                revision=task.revision,
                rules=list(task.rules),
                decision=task.decision.value if task.decision else None,
                reason=task.reason,
                decided_by=task.decided_by,
                updated_at=self.now,
                version=task.version + 1,
            )
        )
        if result.rowcount != 1:
            raise Conflict("The task changed meanwhile; try again.", id=task.id)
        task.version += 1


def rule_from_row(row: Any) -> CatalogueRule:
    return CatalogueRule(
        code=row["code"],
        version=row["version"],
        description=row["description"],
        conditions=Conditions(**{k: tuple(v) for k, v in row["conditions"].items()}),
        agencies=tuple(row["agencies"]),
        documents=tuple(RequiredDocument(**d) for d in row["documents"]),
        effective_from=row["effective_from"],
        effective_to=row["effective_to"],
        retired=row["retired"],
    )


def rule_to_row(rule: CatalogueRule) -> dict[str, Any]:
    c = rule.conditions
    return {
        "code": rule.code,
        "version": rule.version,
        "description": rule.description,
        "conditions": {k: list(getattr(c, k)) for k in c.__slots__},
        "agencies": list(rule.agencies),
        "documents": [{"type": d.type, "description": d.description} for d in rule.documents],
        "effective_from": rule.effective_from,
        "effective_to": rule.effective_to,
        "retired": rule.retired,
    }


class SqlCatalogueRepository:
    """Reads come from a compiled in-memory cache; writes invalidate it."""

    def __init__(self, conn: sa.Connection, now: datetime, cache: CatalogueCache) -> None:
        self.conn, self.now, self.cache = conn, now, cache

    def in_force(self, on: date) -> Catalogue:
        return self.cache.catalogue(self.conn, on)

    def agencies(self) -> dict[str, Agency]:
        return self.cache.agencies(self.conn)

    def versions(self, code: str) -> list[CatalogueRule]:
        c = t.catalogue_rules
        rows = self.conn.execute(
            sa.select(c).where(c.c.code == code).order_by(c.c.version)
        ).mappings()
        return [rule_from_row(r) for r in rows]

    def add_version(self, rule: CatalogueRule, actor: str) -> None:
        self.conn.execute(
            t.catalogue_rules.insert(),
            {**rule_to_row(rule), "created_at": self.now, "created_by": actor},
        )
        self.cache.invalidate()

    def put_agency(self, agency: Agency) -> None:
        a = t.agencies
        values = {"name": agency.name, "interests": list(agency.interests), "active": agency.active}
        updated = self.conn.execute(a.update().where(a.c.code == agency.code).values(**values))
        if updated.rowcount == 0:
            self.conn.execute(a.insert(), {"code": agency.code, **values})
        self.cache.invalidate()


class SqlIdempotencyStore:
    def __init__(self, conn: sa.Connection, now: datetime) -> None:
        self.conn, self.now = conn, now

    def get(self, scope: str, key: str) -> StoredResponse | None:
        row = self.conn.execute(SELECT_IDEMPOTENCY, {"scope": scope, "key": key}).first()
        return StoredResponse(row[0], row[1], row[2]) if row else None

    def claim(self, scope: str, key: str, response: StoredResponse) -> bool:
        return INSERT_IDEMPOTENCY.one(
            self.conn,
            {
                "scope": scope,
                "key": key,
                "request_sha256": response.request_sha256,
                "status_code": response.status_code,
                "body": response.body,
                "created_at": self.now,
            },
        )

    def put(self, scope: str, key: str, response: StoredResponse) -> None:
        if not self.claim(scope, key, response):
            raise Conflict("This Idempotency-Key was stored meanwhile; retry.", key=key)


def _user(row: Any) -> User:
    return User(
        row["id"],
        row["email"],
        row["name"],
        frozenset(Role(r) for r in row["roles"]),
        row["enterprise_id"],
        row["agency_code"],
        row["active"],
    )


def _registration_row(registration: Registration) -> dict[str, Any]:
    row = {f: getattr(registration, f) for f in Registration.__dataclass_fields__}
    row["role"], row["status"] = registration.role.value, registration.status.value
    return row


class SqlIdentityRepository:
    def __init__(self, conn: sa.Connection, now: datetime) -> None:
        self.conn, self.now = conn, now

    def add_registration(self, registration: Registration) -> None:
        self.conn.execute(t.registrations.insert(), _registration_row(registration))

    def _registration(self, where: Any) -> Registration | None:
        row = self.conn.execute(sa.select(t.registrations).where(where)).mappings().first()
        if row is None:
            return None
        values = dict(row)
        values["role"] = Role(values["role"])
        values["status"] = RegistrationStatus(values["status"])
        return Registration(**values)

    def get_registration(self, registration_id: str) -> Registration | None:
        return self._registration(t.registrations.c.id == registration_id)

    def pending_registration(self, scheme: str, identifier: str) -> Registration | None:
        r = t.registrations
        return self._registration(
            sa.and_(
                r.c.scheme == scheme,
                r.c.identifier == identifier,
                r.c.status == RegistrationStatus.PENDING.value,
            )
        )

    def save_registration(self, registration: Registration) -> None:
        row = _registration_row(registration)
        self.conn.execute(
            t.registrations.update().where(t.registrations.c.id == registration.id), row
        )

    def add_enterprise(self, enterprise: Enterprise) -> None:
        self.conn.execute(
            t.enterprises.insert(),
            {
                "id": enterprise.id,
                "scheme": enterprise.scheme,
                "identifier": enterprise.identifier,
                "name": enterprise.name,
                "created_at": self.now,
            },
        )

    def _enterprise(self, where: Any) -> Enterprise | None:
        e = t.enterprises
        row = self.conn.execute(
            sa.select(e.c.id, e.c.scheme, e.c.identifier, e.c.name).where(where)
        ).first()
        return Enterprise(*row) if row else None

    def enterprise_by_identifier(self, scheme: str, identifier: str) -> Enterprise | None:
        e = t.enterprises
        return self._enterprise(sa.and_(e.c.scheme == scheme, e.c.identifier == identifier))

    def get_enterprise(self, enterprise_id: str) -> Enterprise | None:
        return self._enterprise(t.enterprises.c.id == enterprise_id)

    def agency_exists(self, code: str) -> bool:
        a = t.agencies
        return self.conn.execute(sa.select(a.c.code).where(a.c.code == code)).first() is not None

    def add_user(self, user: User) -> None:
        self.conn.execute(
            t.users.insert(),
            {
                "id": user.id,
                "email": user.email,
                "name": user.name,
                "roles": sorted(r.value for r in user.roles),
                "enterprise_id": user.enterprise,
                "agency_code": user.agency,
                "active": user.active,
                "created_at": self.now,
            },
        )

    def get_user(self, user_id: str) -> User | None:
        row = (
            self.conn.execute(sa.select(t.users).where(t.users.c.id == user_id)).mappings().first()
        )
        return _user(row) if row else None

    def user_by_email(self, email: str) -> User | None:
        row = (
            self.conn.execute(sa.select(t.users).where(t.users.c.email == email.lower()))
            .mappings()
            .first()
        )
        return _user(row) if row else None

    def add_token(self, token: ApiToken, token_hash: str) -> None:
        self.conn.execute(
            t.api_tokens.insert(),
            {
                "id": token.id,
                "user_id": token.user_id,
                "token_hash": token_hash,
                "label": token.label,
                "created_at": token.created_at,
                "expires_at": token.expires_at,
                "revoked_at": None,
                "certificate_serial": token.certificate,
            },
        )

    def get_token(self, token_id: str) -> ApiToken | None:
        k = t.api_tokens
        row = self.conn.execute(sa.select(k).where(k.c.id == token_id)).mappings().first()
        if row is None:
            return None
        return ApiToken(
            row["id"],
            row["user_id"],
            row["label"],
            row["created_at"],
            row["expires_at"],
            row["revoked_at"],
        )

    def revoke_token(self, token_id: str) -> None:
        k = t.api_tokens
        self.conn.execute(
            k.update()
            .where(k.c.id == token_id, k.c.revoked_at.is_(None))
            .values(revoked_at=self.now)
        )

    def principal_for_token(self, token_hash: str) -> Principal | None:
        return principal_for_token(self.conn, token_hash, self.now)

    def add_delegation(self, delegation: Delegation) -> None:
        self.conn.execute(
            t.delegations.insert(),
            {
                "id": delegation.id,
                "grantor_id": delegation.grantor,
                "grantee_id": delegation.grantee,
                "document_types": sorted(delegation.document_types),
                "customs_offices": sorted(delegation.customs_offices),
                "valid_from": delegation.valid_from,
                "valid_to": delegation.valid_to,
                "revoked_at": None,
                "created_by": "system",
                "created_at": self.now,
            },
        )

    def get_delegation(self, delegation_id: str) -> Delegation | None:
        d = t.delegations
        row = self.conn.execute(sa.select(d).where(d.c.id == delegation_id)).mappings().first()
        return _delegation(row) if row else None

    def revoke_delegation(self, delegation_id: str) -> None:
        d = t.delegations
        self.conn.execute(
            d.update()
            .where(d.c.id == delegation_id, d.c.revoked_at.is_(None))
            .values(revoked_at=self.now)
        )


def principal_for_token(conn: sa.Connection, token_hash: str, now: datetime) -> Principal | None:
    k, u, c = t.api_tokens, t.users, t.certificates
    row = (
        conn.execute(
            sa.select(
                k.c.id.label("token_id"),
                k.c.expires_at,
                k.c.revoked_at,
                k.c.certificate_serial,
                c.c.status.label("certificate_status"),
                u.c.id.label("user_id"),
                u.c.email,
                u.c.roles,
                u.c.enterprise_id,
                u.c.agency_code,
                u.c.active,
            )
            .join(u, u.c.id == k.c.user_id)
            .outerjoin(c, c.c.serial == k.c.certificate_serial)
            .where(k.c.token_hash == token_hash)
        )
        .mappings()
        .first()
    )
    if row is None or row["revoked_at"] is not None or not row["active"]:
        return None
    if row["expires_at"] is not None and row["expires_at"] <= now:
        return None
    if row["certificate_serial"] is not None and row["certificate_status"] != "good":
        return None  # the certificate it was bound to is revoked (or gone)
    return Principal(
        user_id=row["user_id"],
        email=row["email"],
        roles=frozenset(Role(r) for r in row["roles"]),
        enterprise=row["enterprise_id"],
        agency=row["agency_code"],
        token_id=row["token_id"],
    )


class SqlSubscriptionRepository:
    def __init__(self, conn: sa.Connection, now: datetime) -> None:
        self.conn, self.now = conn, now

    def add(self, subscription: Subscription) -> None:
        self.conn.execute(
            t.webhook_subscriptions.insert(),
            {
                "id": subscription.id,
                "enterprise_id": subscription.enterprise,
                "url": subscription.url,
                "secret": subscription.secret,
                "event_types": list(subscription.event_types),
                "active": subscription.active,
                "created_at": self.now,
            },
        )

    def get(self, subscription_id: str) -> Subscription | None:
        s = t.webhook_subscriptions
        row = self.conn.execute(sa.select(s).where(s.c.id == subscription_id)).mappings().first()
        if row is None:
            return None
        return Subscription(
            row["id"],
            row["enterprise_id"],
            row["url"],
            row["secret"],
            tuple(row["event_types"]),
            row["active"],
        )

    def deactivate(self, subscription_id: str) -> None:
        """Stop the subscription; what was still queued for it is dead-lettered, not sent."""
        s, d = t.webhook_subscriptions, t.webhook_deliveries
        self.conn.execute(s.update().where(s.c.id == subscription_id).values(active=False))
        self.conn.execute(
            d.update()
            .where(d.c.subscription_id == subscription_id, d.c.state == DeliveryState.PENDING.value)
            .values(state=DeliveryState.DEAD.value, last_error="unsubscribed")
        )

    def requeue_dead(self, delivery_id: int, enterprise: str) -> bool:
        d, s = t.webhook_deliveries, t.webhook_subscriptions
        owned = sa.select(s.c.id).where(s.c.enterprise_id == enterprise, s.c.active.is_(True))
        result = self.conn.execute(
            d.update()
            .where(
                d.c.id == delivery_id,
                d.c.state == DeliveryState.DEAD.value,
                d.c.subscription_id.in_(owned),
            )
            .values(state=DeliveryState.PENDING.value, attempts=0, next_attempt_at=self.now)
        )
        return result.rowcount == 1


def _certificate(row: Any) -> IssuedCertificate:
    return IssuedCertificate(
        serial=row["serial"],
        user_id=row["user_id"],
        purpose=Purpose(row["purpose"]),
        subject=row["subject"],
        not_before=row["not_before"],
        not_after=row["not_after"],
        sha256=row["sha256"],
        pem=row["pem"],
        status=CertificateStatus(row["status"]),
        revoked_at=row["revoked_at"],
        reason=RevocationReason(row["reason"]) if row["reason"] else None,
    )


class SqlCertificateRepository:
    def __init__(self, conn: sa.Connection, now: datetime) -> None:
        self.conn, self.now = conn, now

    def add(self, certificate: IssuedCertificate) -> None:
        c = certificate
        self.conn.execute(
            t.certificates.insert(),
            {
                "serial": c.serial,
                "user_id": c.user_id,
                "purpose": c.purpose.value,
                "subject": c.subject,
                "not_before": c.not_before,
                "not_after": c.not_after,
                "sha256": c.sha256,
                "pem": c.pem,
                "status": c.status.value,
                "revoked_at": None,
                "reason": None,
            },
        )

    def get(self, serial: str) -> IssuedCertificate | None:
        c = t.certificates
        row = self.conn.execute(sa.select(c).where(c.c.serial == serial)).mappings().first()
        return _certificate(row) if row else None

    def revoke(self, serial: str, at: datetime, reason: str) -> None:
        c = t.certificates
        self.conn.execute(
            c.update()
            .where(c.c.serial == serial)
            .values(status=CertificateStatus.REVOKED.value, revoked_at=at, reason=reason)
        )

    def revocations(self) -> list[Revocation]:
        return revocations(self.conn)


def revocations(conn: sa.Connection) -> list[Revocation]:
    c = t.certificates
    rows = conn.execute(
        sa.select(c.c.serial, c.c.revoked_at, c.c.reason)
        .where(c.c.status == CertificateStatus.REVOKED.value)
        .order_by(c.c.revoked_at)
    )
    return [Revocation(r[0], r[1], RevocationReason(r[2])) for r in rows]


def certificates_of(conn: sa.Connection, user_id: str) -> list[IssuedCertificate]:
    c = t.certificates
    rows = conn.execute(
        sa.select(c).where(c.c.user_id == user_id).order_by(c.c.not_before.desc())
    ).mappings()
    return [_certificate(r) for r in rows]


def certificate_state(conn: sa.Connection, serial: str) -> CertificateState | None:
    """For the OCSP responder: revoked or not, by serial (lower-case hex)."""
    c = t.certificates
    row = conn.execute(sa.select(c.c.revoked_at, c.c.reason).where(c.c.serial == serial)).first()
    if row is None:
        return None
    return CertificateState(row[0], RevocationReason(row[1]) if row[1] else None)


def _delegation(row: Any) -> Delegation:
    return Delegation(
        id=row["id"],
        grantor=row["grantor_id"],
        grantee=row["grantee_id"],
        document_types=frozenset(row["document_types"]),
        customs_offices=frozenset(row["customs_offices"]),
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        revoked_at=row["revoked_at"],
    )


def delegations_between(conn: sa.Connection, grantor: str, grantee: str) -> list[Delegation]:
    d = t.delegations
    rows = conn.execute(
        sa.select(d).where(
            d.c.grantor_id == grantor, d.c.grantee_id == grantee, d.c.revoked_at.is_(None)
        )
    ).mappings()
    return [_delegation(r) for r in rows]


def delegations_of(conn: sa.Connection, enterprise: str) -> list[Delegation]:
    d = t.delegations
    rows = conn.execute(
        sa.select(d)
        .where(sa.or_(d.c.grantor_id == enterprise, d.c.grantee_id == enterprise))
        .order_by(d.c.created_at)
    ).mappings()
    return [_delegation(r) for r in rows]


class SqlCredentialStore:
    def __init__(self, conn: sa.Connection, now: datetime) -> None:
        self.conn, self.now = conn, now

    def credentials(self, email: str) -> Credentials | None:
        u = t.users
        row = self.conn.execute(
            sa.select(
                u.c.id,
                u.c.active,
                u.c.password_hash,
                u.c.totp_secret,
                u.c.failed_logins,
                u.c.locked_until,
            ).where(u.c.email == email.lower())
        ).first()
        return Credentials(*row) if row else None

    def set_password(self, user_id: str, hashed: str) -> None:
        u = t.users
        self.conn.execute(u.update().where(u.c.id == user_id).values(password_hash=hashed))

    def set_totp(self, user_id: str, secret: str | None) -> None:
        u = t.users
        self.conn.execute(u.update().where(u.c.id == user_id).values(totp_secret=secret))

    def record_login(self, user_id: str, ok: bool, locked_until: datetime | None) -> None:
        u = t.users
        values: dict[str, Any] = (
            {"failed_logins": 0, "locked_until": None}
            if ok
            else {"failed_logins": u.c.failed_logins + 1, "locked_until": locked_until}
        )
        self.conn.execute(u.update().where(u.c.id == user_id).values(**values))


def _bill(row: Any) -> Bill:
    return Bill(
        manifest_id=row["manifest_id"],
        reference=row["reference"],
        consignee_scheme=row["consignee_scheme"],
        consignee_identifier=row["consignee_identifier"],
        consignee_name=row["consignee_name"],
        packages=row["packages"],
        gross_mass=Decimal(row["gross_mass"]),
        containers=tuple(row["containers"]),
        declaration_id=row["declaration_id"],
    )


class SqlManifestRepository:
    """Manifests, their bills and containers, gate events; also tells a declaration's status
    (for the gate)."""

    def __init__(self, conn: sa.Connection, now: datetime) -> None:
        self.conn, self.now = conn, now

    def add(self, record: ManifestRecord, raw: bytes) -> None:
        self.conn.execute(
            t.manifests.insert(),
            {
                "id": record.id,
                "carrier_id": record.carrier,
                "lodged_by": record.lodged_by,
                "customs_office": record.customs_office,
                "voyage": record.voyage,
                "conveyance": record.conveyance,
                "place_of_arrival": record.place_of_arrival,
                "expected_arrival": record.expected_arrival,
                "status": record.status.value,
                "lodged_at": record.lodged_at,
                "document": record.document.model_dump(mode="json", by_alias=True),
                "raw": raw,
                "version": record.version,
            },
        )
        bills = bills_of(record)
        self.conn.execute(
            t.bills.insert(),
            [
                {
                    "manifest_id": b.manifest_id,
                    "reference": b.reference,
                    "consignee_scheme": b.consignee_scheme,
                    "consignee_identifier": b.consignee_identifier,
                    "consignee_name": b.consignee_name,
                    "packages": b.packages,
                    "gross_mass": str(b.gross_mass),
                    "containers": list(b.containers),
                    "declaration_id": None,
                    "open": True,
                }
                for b in bills
            ],
        )
        containers = [
            {"container": c, "manifest_id": b.manifest_id, "reference": b.reference}
            for b in bills
            for c in b.containers
        ]
        if containers:
            self.conn.execute(t.bill_containers.insert(), containers)

    def get(self, manifest_id: str, *, for_update: bool = False) -> ManifestRecord | None:
        m = t.manifests
        query = sa.select(m).where(m.c.id == manifest_id)
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        if row is None:
            return None
        return ManifestRecord(
            id=row["id"],
            carrier=row["carrier_id"],
            lodged_by=row["lodged_by"],
            customs_office=row["customs_office"],
            voyage=row["voyage"],
            conveyance=row["conveyance"],
            place_of_arrival=row["place_of_arrival"],
            expected_arrival=row["expected_arrival"],
            status=ManifestStatus(row["status"]),
            lodged_at=row["lodged_at"],
            document=CargoManifest.model_validate(row["document"]),
            arrived_at=row["arrived_at"],
            departed_at=row["departed_at"],
            version=row["version"],
        )

    def save(self, record: ManifestRecord) -> None:
        m = t.manifests
        done = self.conn.execute(
            m.update()
            .where(m.c.id == record.id, m.c.version == record.version)
            .values(
                status=record.status.value,
                arrived_at=record.arrived_at,
                departed_at=record.departed_at,
                version=record.version + 1,
            )
        )
        if done.rowcount != 1:
            raise Conflict("The manifest changed meanwhile; retry.", id=record.id)
        record.version += 1
        if record.status is ManifestStatus.DEPARTED:
            self.conn.execute(
                t.bills.update().where(t.bills.c.manifest_id == record.id).values(open=False)
            )

    def open_bill(self, reference: str) -> Bill | None:
        b = t.bills
        row = (
            self.conn.execute(
                sa.select(b).where(b.c.reference == reference, b.c.open.is_(True)).limit(1)
            )
            .mappings()
            .first()
        )
        return _bill(row) if row else None

    def bill_for_container(self, container: str) -> Bill | None:
        c, b, m = t.bill_containers, t.bills, t.manifests
        row = (
            self.conn.execute(
                sa.select(b)
                .join(
                    c, sa.and_(c.c.manifest_id == b.c.manifest_id, c.c.reference == b.c.reference)
                )
                .join(m, m.c.id == b.c.manifest_id)
                .where(c.c.container == container, m.c.status == ManifestStatus.ARRIVED.value)
                .order_by(m.c.arrived_at.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        return _bill(row) if row else None

    def link_bill(self, manifest_id: str, reference: str, declaration_id: str | None) -> None:
        b = t.bills
        self.conn.execute(
            b.update()
            .where(b.c.manifest_id == manifest_id, b.c.reference == reference)
            .values(declaration_id=declaration_id)
        )

    def add_gate_event(self, event: GateEvent) -> None:
        self.conn.execute(
            t.gate_events.insert(),
            {
                "id": event.id,
                "container": event.container,
                "outcome": event.outcome.value,
                "reason": event.reason,
                "at": event.at,
                "by": event.by,
                "manifest_id": event.manifest_id,
                "bill_reference": event.bill_reference,
                "declaration_id": event.declaration_id,
            },
        )

    def departed_exports(self, manifest_id: str) -> list[tuple[str, str]]:
        """(declaration, bill) of the released exports on this manifest's bills."""
        b, d = t.bills, t.declarations
        rows = self.conn.execute(
            sa.select(b.c.declaration_id, b.c.reference)
            .join(d, d.c.id == b.c.declaration_id)
            .where(
                b.c.manifest_id == manifest_id,
                d.c.declaration_type == "EX",
                d.c.status == "released",
            )
            .order_by(b.c.reference)
        ).all()
        return [(r[0], r[1]) for r in rows]

    def status_of(self, declaration_id: str) -> str | None:
        d = t.declarations
        value = self.conn.execute(sa.select(d.c.status).where(d.c.id == declaration_id)).scalar()
        return str(value) if value is not None else None


def enterprise_id(conn: sa.Connection, scheme: str, identifier: str) -> str | None:
    """The id of the enterprise registered under (scheme, identifier), if any."""
    e = t.enterprises
    value = conn.execute(
        sa.select(e.c.id).where(e.c.scheme == scheme, e.c.identifier == identifier)
    ).scalar()
    return str(value) if value is not None else None


def _posting(row: Any) -> Posting:
    return Posting(
        row["id"],
        row["declaration_id"],
        PostingKind(row["kind"]),
        row["debit"],
        row["credit"],
        row["amount"],
        row["currency"],
        row["at"],
        row["actor"],
        row["reference"],
    )


def _order(row: Any) -> PaymentOrder:
    return PaymentOrder(
        id=row["id"],
        declaration_id=row["declaration_id"],
        enterprise=row["enterprise_id"],
        bank=row["bank_id"],
        amount=row["amount"],
        currency=row["currency"],
        state=OrderState(row["state"]),
        issued_at=row["issued_at"],
        confirmed_at=row["confirmed_at"],
        bank_reference=row["bank_reference"],
        version=row["version"],
    )


class SqlDutyBook:
    """Duty postings, payment orders and guarantee facilities."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def post(self, posting: Posting) -> None:
        self.conn.execute(
            t.duty_postings.insert(),
            {
                "id": posting.id,
                "declaration_id": posting.declaration_id,
                "kind": posting.kind.value,
                "debit": posting.debit,
                "credit": posting.credit,
                "amount": posting.amount,
                "currency": posting.currency,
                "at": posting.at,
                "actor": posting.actor,
                "reference": posting.reference,
            },
        )

    def postings(self, declaration_id: str) -> list[Posting]:
        p = t.duty_postings
        rows = self.conn.execute(
            sa.select(p).where(p.c.declaration_id == declaration_id).order_by(p.c.seq)
        ).mappings()
        return [_posting(r) for r in rows]

    def add_order(self, order: PaymentOrder) -> None:
        self.conn.execute(
            t.payment_orders.insert(),
            {
                "id": order.id,
                "declaration_id": order.declaration_id,
                "enterprise_id": order.enterprise,
                "bank_id": order.bank,
                "amount": order.amount,
                "currency": order.currency,
                "state": order.state.value,
                "issued_at": order.issued_at,
                "confirmed_at": order.confirmed_at,
                "bank_reference": order.bank_reference,
                "version": order.version,
            },
        )

    def get_order(self, order_id: str, *, for_update: bool = False) -> PaymentOrder | None:
        o = t.payment_orders
        query = sa.select(o).where(o.c.id == order_id)
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        return _order(row) if row else None

    def open_order(self, declaration_id: str) -> PaymentOrder | None:
        o = t.payment_orders
        row = (
            self.conn.execute(
                sa.select(o).where(
                    o.c.declaration_id == declaration_id, o.c.state == OrderState.ISSUED.value
                )
            )
            .mappings()
            .first()
        )
        return _order(row) if row else None

    def save_order(self, order: PaymentOrder) -> None:
        o = t.payment_orders
        done = self.conn.execute(
            o.update()
            .where(o.c.id == order.id, o.c.version == order.version)
            .values(
                state=order.state.value,
                confirmed_at=order.confirmed_at,
                bank_reference=order.bank_reference,
                version=order.version + 1,
            )
        )
        if done.rowcount != 1:
            raise Conflict("The payment order changed meanwhile; retry.", id=order.id)
        order.version += 1

    def facility(self, enterprise: str, *, for_update: bool = False) -> GuaranteeFacility | None:
        g = t.guarantee_facilities
        query = sa.select(g).where(g.c.enterprise_id == enterprise)
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        if row is None:
            return None
        return GuaranteeFacility(
            row["enterprise_id"], row["limit_amount"], row["currency"], row["used"], row["version"]
        )

    def put_facility(self, facility: GuaranteeFacility) -> None:
        g = t.guarantee_facilities
        values = {
            "limit_amount": facility.limit,
            "used": facility.used,
            "currency": facility.currency,
        }
        done = self.conn.execute(
            g.update()
            .where(g.c.enterprise_id == facility.enterprise, g.c.version == facility.version)
            .values(**values, version=facility.version + 1)
        )
        if done.rowcount == 1:
            facility.version += 1
            return
        if self.facility(facility.enterprise) is not None:
            raise Conflict("The guarantee changed meanwhile; retry.", id=facility.enterprise)
        self.conn.execute(
            g.insert(), {"enterprise_id": facility.enterprise, **values, "version": 1}
        )

    def enterprise_id(self, scheme: str, identifier: str) -> str | None:
        return enterprise_id(self.conn, scheme, identifier)

    def settled(self, declaration_id: str) -> bool:
        """Duties paid or guaranteed (a declaration with no duty account owes nothing)."""
        postings = self.postings(declaration_id)
        if not postings:
            return True
        return account_view(declaration_id, postings[0].currency, postings).settled

    def has_account(self, declaration_id: str) -> bool:
        p = t.duty_postings
        return (
            self.conn.execute(
                sa.select(p.c.seq).where(p.c.declaration_id == declaration_id).limit(1)
            ).first()
            is not None
        )
