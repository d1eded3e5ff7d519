"""The schema, as SQLAlchemy Core tables. Alembic migrations are generated from it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Json = sa.JSON().with_variant(JSONB(), "postgresql")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every engine."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


enterprises = sa.Table(
    "enterprises",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("scheme", sa.String(16), nullable=False),
    sa.Column("identifier", sa.String(70), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("scheme", "identifier", name="uq_enterprises_scheme_identifier"),
)

agencies = sa.Table(
    "agencies",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("interests", Json, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("roles", Json, nullable=False),
    sa.Column("enterprise_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=True),
    sa.Column("agency_code", sa.String(32), sa.ForeignKey("agencies.code"), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=True),  # argon2id
    sa.Column("totp_secret", sa.String(64), nullable=True),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", UTCDateTime(), nullable=True),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("user_id", sa.String(40), sa.ForeignKey("users.id"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("label", sa.String(100), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=True),
    sa.Column("revoked_at", UTCDateTime(), nullable=True),
    # A token got with a client assertion dies with the certificate that signed it.
    sa.Column("certificate_serial", sa.String(40), nullable=True),
)

declarations = sa.Table(
    "declarations",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("owner_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=False),
    sa.Column("created_by", sa.String(40), nullable=False),
    sa.Column("declaration_type", sa.String(2), nullable=False),
    sa.Column("trader_reference", sa.String(70), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("customs_office", sa.String(8), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("invoice_amount", sa.String(32), nullable=False),
    sa.Column("item_count", sa.Integer, nullable=False),
    sa.Column("lodged_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    # The enterprise that lodged under a delegation (a broker), if not the owner itself.
    sa.Column("representative_id", sa.String(40), nullable=True, index=True),
    sa.Index("ix_declarations_owner_lodged", "owner_id", "lodged_at"),
    sa.Index("ix_declarations_status", "status"),
)

declaration_revisions = sa.Table(
    "declaration_revisions",
    metadata,
    sa.Column("declaration_id", sa.String(40), sa.ForeignKey("declarations.id"), primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("document", Json, nullable=False),
    sa.Column("raw", sa.LargeBinary, nullable=False),
    sa.Column("raw_sha256", sa.String(64), nullable=False),
    sa.Column("content_type", sa.String(100), nullable=False),
    sa.Column("received_at", UTCDateTime(), nullable=False),
    sa.Column("created_by", sa.String(40), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("diff", Json, nullable=True),
    sa.Column("signature", sa.LargeBinary, nullable=True),  # the client's detached CMS
    sa.Column("signer_serial", sa.String(40), nullable=True),
)

declaration_items = sa.Table(
    "declaration_items",
    metadata,
    sa.Column("declaration_id", sa.String(40), sa.ForeignKey("declarations.id"), primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("sequence", sa.Integer, primary_key=True),
    sa.Column("hs_code", sa.String(10), nullable=False, index=True),
    sa.Column("origin_country", sa.String(2), nullable=False),
    sa.Column("procedure_code", sa.String(4), nullable=False),
    sa.Column("quantity", sa.String(32), nullable=False),
    sa.Column("unit", sa.String(3), nullable=False),
    sa.Column("net_mass", sa.String(32), nullable=False),
    sa.Column("gross_mass", sa.String(32), nullable=False),
    sa.Column("value", sa.String(32), nullable=False),
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("declaration_id", sa.String(40), sa.ForeignKey("declarations.id"), nullable=False),
    sa.Column("agency", sa.String(32), sa.ForeignKey("agencies.code"), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("rules", Json, nullable=False),
    sa.Column("decision", sa.String(8), nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("decided_by", sa.String(40), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("declaration_id", "agency", name="uq_tasks_declaration_agency"),
    sa.Index("ix_tasks_agency_state", "agency", "state", "created_at"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(40), nullable=False, unique=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("declaration_id", sa.String(40), nullable=True, index=True),
    sa.Column("enterprise_id", sa.String(40), nullable=True),
    sa.Column("actor", sa.String(40), nullable=False),
    sa.Column("agency", sa.String(32), nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("occurred_at", UTCDateTime(), nullable=False),
    sa.Column("payload", Json, nullable=False),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(40), sa.ForeignKey("events.id"), nullable=False),
    sa.Column("destination", sa.String(32), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("available_at", UTCDateTime(), nullable=False),
    sa.Column("delivered_at", UTCDateTime(), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Index("ix_outbox_pending", "destination", "delivered_at", "id"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.String(40), nullable=False, unique=True),
    sa.Column("occurred_at", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(40), nullable=False),
    sa.Column("agency", sa.String(32), nullable=True),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(40), nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("detail", Json, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("scope", sa.String(40), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("request_sha256", sa.String(64), nullable=False),
    sa.Column("status_code", sa.Integer, nullable=False),
    sa.Column("body", Json, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

catalogue_rules = sa.Table(
    "catalogue_rules",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("conditions", Json, nullable=False),
    sa.Column("agencies", Json, nullable=False),
    sa.Column("documents", Json, nullable=False),
    sa.Column("effective_from", sa.Date, nullable=False),
    sa.Column("effective_to", sa.Date, nullable=True),
    sa.Column("retired", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("created_by", sa.String(40), nullable=False),
)

webhook_subscriptions = sa.Table(
    "webhook_subscriptions",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column(
        "enterprise_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=False, index=True
    ),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("secret", sa.String(100), nullable=False),
    sa.Column("event_types", Json, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column(
        "subscription_id", sa.String(40), sa.ForeignKey("webhook_subscriptions.id"), nullable=False
    ),
    sa.Column("event_id", sa.String(40), sa.ForeignKey("events.id"), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
    sa.Column("last_status", sa.Integer, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("delivered_at", UTCDateTime(), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("subscription_id", "event_id", name="uq_webhook_deliveries_sub_event"),
    sa.Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
)

bench_baseline = sa.Table(
    "bench_baseline",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("received_at", UTCDateTime(), nullable=False),
)


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


certificates = sa.Table(
    "certificates",
    metadata,
    sa.Column("serial", sa.String(40), primary_key=True),
    sa.Column("user_id", sa.String(40), sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("purpose", sa.String(16), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("not_before", UTCDateTime(), nullable=False),
    sa.Column("not_after", UTCDateTime(), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("pem", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("revoked_at", UTCDateTime(), nullable=True),
    sa.Column("reason", sa.String(32), nullable=True),
)


delegations = sa.Table(
    "delegations",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column(
        "grantor_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=False, index=True
    ),
    sa.Column(
        "grantee_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=False, index=True
    ),
    sa.Column("document_types", Json, nullable=False),
    sa.Column("customs_offices", Json, nullable=False),
    sa.Column("valid_from", UTCDateTime(), nullable=False),
    sa.Column("valid_to", UTCDateTime(), nullable=False),
    sa.Column("revoked_at", UTCDateTime(), nullable=True),
    sa.Column("created_by", sa.String(40), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

registrations = sa.Table(
    "registrations",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("scheme", sa.String(16), nullable=False),
    sa.Column("identifier", sa.String(70), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("address", sa.String(500), nullable=False),
    sa.Column("contact_name", sa.String(200), nullable=False),
    sa.Column("contact_email", sa.String(254), nullable=False),
    sa.Column("contact_phone", sa.String(40), nullable=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("submitted_at", UTCDateTime(), nullable=False),
    sa.Column("decided_at", UTCDateTime(), nullable=True),
    sa.Column("decided_by", sa.String(40), nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("enterprise_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=True),
    sa.Column("user_id", sa.String(40), nullable=True),
    sa.Index("ix_registrations_status", "status", "submitted_at"),
    sa.Index("ix_registrations_identifier", "scheme", "identifier"),
)

e_certificates = sa.Table(
    "e_certificates",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column(
        "declaration_id",
        sa.String(40),
        sa.ForeignKey("declarations.id"),
        nullable=False,
        index=True,
    ),
    sa.Column("agency", sa.String(32), sa.ForeignKey("agencies.code"), nullable=False),
    sa.Column("type", sa.String(3), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("remarks", sa.Text, nullable=True),
    sa.Column("issued_by", sa.String(40), nullable=False),
    sa.Column("issued_at", UTCDateTime(), nullable=False),
    sa.Column("signature", sa.LargeBinary, nullable=True),
    sa.Column("signer_serial", sa.String(40), nullable=True),
)

manifests = sa.Table(
    "manifests",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("carrier_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=False),
    sa.Column("lodged_by", sa.String(40), nullable=False),
    sa.Column("customs_office", sa.String(8), nullable=False),
    sa.Column("voyage", sa.String(70), nullable=False),
    sa.Column("conveyance", sa.String(70), nullable=False),
    sa.Column("place_of_arrival", sa.String(5), nullable=False),
    sa.Column("expected_arrival", UTCDateTime(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("lodged_at", UTCDateTime(), nullable=False),
    sa.Column("arrived_at", UTCDateTime(), nullable=True),
    sa.Column("departed_at", UTCDateTime(), nullable=True),
    sa.Column("document", Json, nullable=False),
    sa.Column("raw", sa.LargeBinary, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_manifests_carrier", "carrier_id", "lodged_at"),
)

bills = sa.Table(
    "bills",
    metadata,
    sa.Column("manifest_id", sa.String(40), sa.ForeignKey("manifests.id"), primary_key=True),
    sa.Column("reference", sa.String(70), primary_key=True),
    sa.Column("consignee_scheme", sa.String(16), nullable=True),
    sa.Column("consignee_identifier", sa.String(70), nullable=True),
    sa.Column("consignee_name", sa.String(70), nullable=False),
    sa.Column("packages", sa.Integer, nullable=False),
    sa.Column("gross_mass", sa.String(32), nullable=False),
    sa.Column("containers", Json, nullable=False),
    sa.Column("declaration_id", sa.String(40), nullable=True, index=True),
    sa.Column("open", sa.Boolean, nullable=False),  # the manifest has not departed
    sa.Index("ix_bills_reference_open", "reference", "open"),
)

bill_containers = sa.Table(
    "bill_containers",
    metadata,
    sa.Column("container", sa.String(11), primary_key=True),
    sa.Column("manifest_id", sa.String(40), sa.ForeignKey("manifests.id"), primary_key=True),
    sa.Column("reference", sa.String(70), nullable=False),
)

gate_events = sa.Table(
    "gate_events",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("container", sa.String(11), nullable=False, index=True),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("by", sa.String(40), nullable=False),
    sa.Column("manifest_id", sa.String(40), nullable=True),
    sa.Column("bill_reference", sa.String(70), nullable=True),
    sa.Column("declaration_id", sa.String(40), nullable=True),
    sa.Index("ix_gate_events_outcome_at", "outcome", "at"),
)

duty_postings = sa.Table(
    "duty_postings",
    metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(40), nullable=False, unique=True),
    sa.Column("declaration_id", sa.String(40), sa.ForeignKey("declarations.id"), nullable=False),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("debit", sa.String(64), nullable=False),
    sa.Column("credit", sa.String(64), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),  # minor units, > 0
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("actor", sa.String(40), nullable=False),
    sa.Column("reference", sa.String(40), nullable=True),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
    sa.Index("ix_duty_postings_declaration", "declaration_id", "seq"),
)

payment_orders = sa.Table(
    "payment_orders",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("declaration_id", sa.String(40), sa.ForeignKey("declarations.id"), nullable=False),
    sa.Column("enterprise_id", sa.String(40), nullable=False),
    sa.Column("bank_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("issued_at", UTCDateTime(), nullable=False),
    sa.Column("confirmed_at", UTCDateTime(), nullable=True),
    sa.Column("bank_reference", sa.String(70), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_payment_orders_bank_state", "bank_id", "state", "issued_at"),
    sa.Index("ix_payment_orders_declaration", "declaration_id"),
)

guarantee_facilities = sa.Table(
    "guarantee_facilities",
    metadata,
    sa.Column("enterprise_id", sa.String(40), sa.ForeignKey("enterprises.id"), primary_key=True),
    sa.Column("limit_amount", sa.BigInteger, nullable=False),
    sa.Column("used", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.CheckConstraint("used >= 0 AND used <= limit_amount", name="within_limit"),
)

risk_rule_sets = sa.Table(
    "risk_rule_sets",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=True),
    sa.Column("document", Json, nullable=False),
    sa.Column("author", sa.String(40), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

risk_selections = sa.Table(
    "risk_selections",
    metadata,
    sa.Column("declaration_id", sa.String(40), sa.ForeignKey("declarations.id"), primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("lane", sa.String(8), nullable=False),
    sa.Column("rule_set_code", sa.String(40), nullable=False),
    sa.Column("rule_set_version", sa.Integer, nullable=False),
    sa.Column("fired", Json, nullable=False),
    sa.Column("random", Json, nullable=True),
    sa.Column("facts", Json, nullable=False),
    sa.Column("selected_at", UTCDateTime(), nullable=False),
    # What a check found, once customs has checked: "none" or "discrepancy".
    sa.Column("finding", sa.String(16), nullable=True),
    sa.Index("ix_risk_selections_lane", "lane", "selected_at"),
)

compliance_profiles = sa.Table(
    "compliance_profiles",
    metadata,
    sa.Column("scheme", sa.String(16), primary_key=True),
    sa.Column("identifier", sa.String(70), primary_key=True),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("past_findings", sa.Integer, nullable=False),
    sa.Column("last_finding_on", sa.Date, nullable=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

assessments = sa.Table(
    "assessments",
    metadata,
    sa.Column("declaration_id", sa.String(40), sa.ForeignKey("declarations.id"), primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),  # reassessments of one revision
    sa.Column("total", sa.BigInteger, nullable=False),  # minor units
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("document", Json, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("assessed_at", UTCDateTime(), nullable=False),
)

quota_balances = sa.Table(
    "quota_balances",
    metadata,
    sa.Column("quota_id", sa.String(40), primary_key=True),
    sa.Column("balance", sa.String(40), nullable=False),  # a Decimal, in the quota's unit
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

quota_consumptions = sa.Table(
    "quota_consumptions",
    metadata,
    sa.Column("declaration_id", sa.String(40), sa.ForeignKey("declarations.id"), primary_key=True),
    sa.Column("quota_id", sa.String(40), primary_key=True),
    sa.Column("item", sa.Integer, primary_key=True),
    sa.Column("requested", sa.String(40), nullable=False),
    sa.Column("granted", sa.String(40), nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
)

origin_certificates = sa.Table(
    "origin_certificates",
    metadata,
    sa.Column("reference", sa.String(70), primary_key=True),
    sa.Column("agreement", sa.String(16), nullable=False),
    sa.Column("origin", sa.String(2), nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=True),
    sa.Column("revoked", sa.Boolean, nullable=False),
    sa.Column("issuer", sa.String(200), nullable=False),
    sa.Column("recorded_by", sa.String(40), nullable=False),
    sa.Column("recorded_at", UTCDateTime(), nullable=False),
)

exchange_rates = sa.Table(
    "exchange_rates",
    metadata,
    sa.Column("currency", sa.String(3), primary_key=True),
    sa.Column("valid_from", sa.Date, primary_key=True),
    sa.Column("valid_to", sa.Date, nullable=True),
    sa.Column("rate", sa.String(40), nullable=False),
    sa.Column("published_by", sa.String(40), nullable=False),
    sa.Column("published_at", UTCDateTime(), nullable=False),
)

inspection_orders = sa.Table(
    "inspection_orders",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column(
        "declaration_id",
        sa.String(40),
        sa.ForeignKey("declarations.id"),
        nullable=False,
        index=True,
    ),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("ordered_by", sa.String(40), nullable=False),
    sa.Column("ordered_at", UTCDateTime(), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=True),
    sa.Column("corrections", Json, nullable=False),
    sa.Column("remarks", sa.Text, nullable=True),
    sa.Column("inspected_by", sa.String(40), nullable=True),
    sa.Column("completed_at", UTCDateTime(), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_inspection_orders_state", "state", "ordered_at"),
)

ipr_recordations = sa.Table(
    "ipr_recordations",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("rights_holder", sa.String(200), nullable=False),
    sa.Column("trademark", sa.String(200), nullable=False),
    sa.Column("hs_prefixes", Json, nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=True),
)

ipr_holds = sa.Table(
    "ipr_holds",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column(
        "declaration_id",
        sa.String(40),
        sa.ForeignKey("declarations.id"),
        nullable=False,
        index=True,
    ),
    sa.Column(
        "recordation_id", sa.String(40), sa.ForeignKey("ipr_recordations.id"), nullable=False
    ),
    sa.Column("item", sa.Integer, nullable=False),
    sa.Column("trademark", sa.String(200), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("held_at", UTCDateTime(), nullable=False),
    sa.Column("decided_by", sa.String(40), nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
)

# E-Ledger (docs/ledger.md): the append-only entries and the perfect-subtree hashes over them.
ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=False),  # leaf index, from 0
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("leaf_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("appended_at", UTCDateTime(), nullable=False),
)

ledger_nodes = sa.Table(
    "ledger_nodes",
    metadata,
    sa.Column("level", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.LargeBinary(32), nullable=False),
)

ledger_heads = sa.Table(
    "ledger_heads",
    metadata,
    sa.Column("tree_size", sa.BigInteger, primary_key=True),
    sa.Column("root", sa.LargeBinary(32), nullable=False),
    sa.Column("timestamp_ms", sa.BigInteger, nullable=False),
    sa.Column("signature", sa.LargeBinary, nullable=False),
    sa.Column("certificate", sa.Text, nullable=False),
)

licences = sa.Table(
    "licences",
    metadata,
    sa.Column("number", sa.String(70), primary_key=True),
    sa.Column("holder_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=False),
    sa.Column("kind", sa.String(3), nullable=False),
    sa.Column("hs_prefixes", Json, nullable=False),
    sa.Column("quantity_limit", sa.String(40), nullable=False),
    sa.Column("unit", sa.String(3), nullable=False),
    sa.Column("value_limit", sa.String(40), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=False),
    sa.Column("issued_by", sa.String(40), nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False),
    sa.Column("used_quantity", sa.String(40), nullable=False),
    sa.Column("used_value", sa.String(40), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_licences_holder", "holder_id"),
)

# Which ledger entries are about what (a lookup aid; the log is the record).
ledger_index = sa.Table(
    "ledger_index",
    metadata,
    sa.Column("subject", sa.String(70), primary_key=True),
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
)

forex_receipts = sa.Table(
    "forex_receipts",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("bank_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=False),
    sa.Column("bank_reference", sa.String(70), nullable=False),
    sa.Column("exporter_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("value_date", sa.Date, nullable=False),
    sa.Column("remitter", sa.String(140), nullable=False),
    sa.Column("remitter_country", sa.String(2), nullable=False),
    sa.Column("declaration_id", sa.String(40), nullable=True),
    sa.Column("received_at", UTCDateTime(), nullable=False),
    sa.Column("ledger_seq", sa.BigInteger, nullable=False),
    sa.Column("matched_to", sa.String(40), nullable=True),
    sa.UniqueConstraint("bank_id", "bank_reference", name="uq_forex_receipts_bank_reference"),
    sa.Index("ix_forex_receipts_open", "exporter_id", "currency", "matched_to"),
)

forex_verifications = sa.Table(
    "forex_verifications",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("declaration_id", sa.String(40), sa.ForeignKey("declarations.id"), nullable=False),
    sa.Column("answer", sa.String(16), nullable=False),
    sa.Column("expected", sa.String(40), nullable=False),
    sa.Column("received", sa.String(40), nullable=False),
    sa.Column("receipts", Json, nullable=False),
    sa.Column("verified_by", sa.String(40), nullable=False),
    sa.Column("verified_at", UTCDateTime(), nullable=False),
    sa.Column("ledger_seq", sa.BigInteger, nullable=False),
    sa.Index("ix_forex_verifications_declaration", "declaration_id", "answer"),
)

refund_claims = sa.Table(
    "refund_claims",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("declaration_id", sa.String(40), sa.ForeignKey("declarations.id"), nullable=False),
    sa.Column("exporter_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=False),
    sa.Column("sequences", Json, nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("lines", Json, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("reasons", Json, nullable=False),
    sa.Column("claimed_at", UTCDateTime(), nullable=False),
    sa.Column("claimed_by", sa.String(40), nullable=False),
    sa.Column("decided_at", UTCDateTime(), nullable=True),
    sa.Column("decided_by", sa.String(40), nullable=True),
    sa.Column("claim_seq", sa.BigInteger, nullable=False),
    sa.Column("decision_seq", sa.BigInteger, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_refund_claims_declaration", "declaration_id"),
    sa.Index("ix_refund_claims_exporter", "exporter_id", "claimed_at"),
)

handbooks = sa.Table(
    "handbooks",
    metadata,
    sa.Column("number", sa.String(70), primary_key=True),
    sa.Column("holder_id", sa.String(40), sa.ForeignKey("enterprises.id"), nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=False),
    sa.Column("issued_by", sa.String(40), nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False),
    # [{hsCode, description, unit, quantityLimit, imported, consumed}], decimals as strings
    sa.Column("materials", Json, nullable=False),
    # [{hsCode, unit, norms: [{material, consumption, wasteRate}]}]
    sa.Column("products", Json, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_handbooks_holder", "holder_id"),
)

# Which ledger entries are about a handbook (issued, revoked, import, export), so its history
# is read by seq instead of by scanning the log.
handbook_entries = sa.Table(
    "handbook_entries",
    metadata,
    sa.Column(
        "ledger_seq",
        BigId,
        sa.ForeignKey("ledger_entries.seq"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("number", sa.String(70), sa.ForeignKey("handbooks.number"), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("declaration_id", sa.String(40), sa.ForeignKey("declarations.id"), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Index("ix_handbook_entries_number", "number", "ledger_seq"),
)
