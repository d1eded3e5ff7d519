"""One typed Settings for all of E-Port, read from ``EPORT_*`` environment variables."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Validated at start-up. SQLite in ``data_dir`` unless ``database_url`` names another store.

    ``EPORT_DATABASE_URL=postgresql+psycopg://user@host/db`` switches to PostgreSQL with no
    other change.
    """

    model_config = SettingsConfigDict(env_prefix="EPORT_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("./eport-data")
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    max_body_bytes: int = Field(default=2_000_000, ge=1024)
    writer_threads: int | None = Field(default=None, ge=1, le=64)
    writer_batch_max: int = Field(default=256, ge=1)
    token_cache_seconds: float = Field(default=5.0, ge=0)

    dispatcher_interval_seconds: float = Field(default=0.2, gt=0)
    dispatcher_enabled: bool = True
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_backoff_seconds: float = Field(default=5.0, ge=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)

    access_log: Path | None = None  # default: <data_dir>/access.log (JSON lines)
    audit_access_decisions: bool = True  # also put every access decision on the audit chain

    # The CA (``eport ca init``): keys under <data_dir>/pki, encrypted with this passphrase.
    # Required in production; in development a random one is kept in <data_dir>/pki/.passphrase.
    ca_passphrase: SecretStr | None = None
    ca_algorithm: Literal["ecdsa-p256", "rsa-3072", "ed25519"] = "ecdsa-p256"
    ca_organization: str = "E-Port"
    # Keep the CA's keys in an HSM instead: the PKCS#11 module (e.g. SoftHSM2's
    # /usr/lib/softhsm/libsofthsm2.so), the token's label and the user PIN.
    ca_pkcs11_module: str | None = None
    ca_pkcs11_token: str = "eport"  # noqa: S105 (a token label, not a secret)
    ca_pkcs11_pin: SecretStr | None = None
    # An import's bill of lading must be on a lodged manifest, and match it: gross mass within
    # this fraction of the bill's.
    manifest_required: bool = True
    gross_mass_tolerance: Decimal = Field(default=Decimal("0.02"), ge=0, le=1)
    # Risk selectivity on the lodge path (rule set "selectivity"), and random selection: the
    # draw is HMAC(seed key, declaration id), so it is reproducible by whoever holds the key.
    # Outside production a generated key is kept in <data_dir>/.risk-seed.
    risk_enabled: bool = True
    risk_seed_key: SecretStr | None = None
    risk_seed_id: str = "seed-1"
    risk_yellow_rate: float = Field(default=0.03, ge=0, le=1)
    risk_red_rate: float = Field(default=0.01, ge=0, le=1)
    # Duty and tax assessment on the lodge path (imports): the tariff files (default: the demo
    # schedule shipped in eport/tariff/data; see docs/tariff.md) and the country whose VAT and
    # excise bases apply.
    tariff_enabled: bool = True
    tariff_dir: Path | None = None
    tariff_country: Literal["CN", "ZA"] = "CN"
    # The permit registers. Licences cited by goods items (documents 911/811) must be on the
    # licence register: checked at lodging, written off at release. Processing-trade handbooks
    # cited (document 915): checked at lodging, materials added or consumed at release.
    licences_enforced: bool = True
    # Forex verification: receipts match an export when their total is within this fraction
    # of the invoice amount; an export still unmatched this many days after release is flagged.
    forex_tolerance: Decimal = Field(default=Decimal("0.05"), ge=0, lt=1)
    forex_overdue_days: int = Field(default=90, ge=0)
    # The agency whose officers may approve enterprise registrations (besides administrators).
    registration_agency: str | None = "commerce"
    # Document kinds that must carry a signature (comma-separated: declaration, amendment).
    signatures_required: str = ""
    # Client-certificate login behind a TLS-terminating reverse proxy: the header carrying the
    # URL-encoded PEM client certificate (nginx: $ssl_client_escaped_cert), believed only from
    # these proxy addresses (comma-separated). Unset: only E-Port's own TLS listener counts.
    tls_client_cert_header: str | None = None
    # The portal's CSRF secret; unset: a random one kept in <data_dir>/web-secret.
    web_secret: SecretStr | None = None
    tls_trusted_proxies: str = "127.0.0.1,::1"
    # Where relying parties reach E-Port's public PKI endpoints (CRL, OCSP, CA certificates).
    public_url: str = "http://127.0.0.1:8000"

    benchmark_endpoints: bool = False  # exposes the bare baseline endpoint `eport bench` uses

    @model_validator(mode="after")
    def _production_is_explicit(self) -> Settings:
        if self.environment == "production" and self.benchmark_endpoints:
            raise ValueError("benchmark endpoints are not for production")
        return self

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'eport.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")

    @property
    def required_signatures(self) -> frozenset[str]:
        return frozenset(k.strip() for k in self.signatures_required.split(",") if k.strip())

    @property
    def pki_dir(self) -> Path:
        return self.data_dir / "pki"

    @property
    def access_log_path(self) -> Path:
        return self.access_log or self.data_dir / "access.log"

    def writer_thread_count(self) -> int:
        if self.writer_threads is not None:
            return 1 if self.is_sqlite else self.writer_threads
        return 1 if self.is_sqlite else 4
