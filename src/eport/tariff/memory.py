"""In-memory implementations of the tariff ports: defaults for demos and the test doubles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from eport.tariff.model import Validity
from eport.tariff.money import ZERO


@dataclass(frozen=True, slots=True)
class KnownCertificate:
    reference: str
    agreement: str
    origin: str
    validity: Validity
    revoked: bool = False


class InMemoryCertificateRegistry:
    """Certificates known by reference; anything not listed is invalid."""

    def __init__(self, certificates: Iterable[KnownCertificate] = ()) -> None:
        self._by_reference = {c.reference: c for c in certificates}

    def add(self, certificate: KnownCertificate) -> None:
        self._by_reference[certificate.reference] = certificate

    def is_valid(self, reference: str, agreement: str, origin: str, on: date) -> bool:
        c = self._by_reference.get(reference)
        return (
            c is not None
            and not c.revoked
            and c.agreement == agreement
            and c.origin == origin
            and c.validity.covers(on)
        )


class InMemoryQuotaBalances:
    """Balances by quota id; ``consume`` is what a persistent adapter does atomically."""

    def __init__(self, balances: Mapping[str, Decimal] | None = None) -> None:
        self._balances = dict(balances or {})

    def balance(self, quota_id: str, on: date) -> Decimal:
        return self._balances.get(quota_id, ZERO)

    def consume(self, quota_id: str, quantity: Decimal) -> None:
        self._balances[quota_id] = self.balance(quota_id, date.min) - quantity
