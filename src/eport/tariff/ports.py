"""What the tariff calculation needs from outside. In-memory adapters are in ``memory.py``;
:class:`~eport.tariff.exchange.RateBook` implements :class:`ExchangeRates`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Protocol

from eport.kernel.unit_of_work import UnitOfWork


class ExchangeRates(Protocol):
    """Customs exchange rates into the national currency."""

    @property
    def national_currency(self) -> str: ...

    def rate(self, currency: str, on: date) -> Decimal:
        """National currency per one unit of ``currency`` on ``on``; 1 for the national one.

        Raises :class:`~eport.tariff.errors.ExchangeRateMissing`.
        """
        ...


class CertificateOfOriginRegistry(Protocol):
    """Decides whether a certificate of origin supports a preference."""

    def is_valid(self, reference: str, agreement: str, origin: str, on: date) -> bool:
        """True if certificate ``reference`` is genuine, unrevoked and valid on ``on`` for
        goods of ``origin`` under ``agreement``."""
        ...


class QuotaBalances(Protocol):
    """Read-only view of tariff-quota balances; consumption happens later, atomically."""

    def balance(self, quota_id: str, on: date) -> Decimal:
        """The quantity still available (in the quota's unit); 0 when exhausted or unknown."""
        ...


class TariffAdministration(Protocol):
    """Where published rates, recorded certificates and quota balances are kept."""

    def put_rate(
        self, currency: str, rate: Decimal, valid_from: date, valid_to: date | None, actor: str
    ) -> None: ...

    def put_certificate(
        self,
        reference: str,
        agreement: str,
        origin: str,
        issuer: str,
        valid_from: date,
        valid_to: date | None,
        actor: str,
    ) -> None: ...

    def revoke_certificate(self, reference: str) -> bool:
        """False if no such certificate."""
        ...

    def quota_exists(self, quota_id: str) -> bool: ...

    def set_quota_balance(self, quota_id: str, balance: Decimal) -> None: ...


class TariffUnitOfWork(UnitOfWork, Protocol):
    tariff: TariffAdministration
