"""Webhook subscriptions, delivery states, signatures and the retry schedule."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

SIGNATURE_HEADER = "X-EPort-Signature"
TIMESTAMP_HEADER = "X-EPort-Timestamp"
DELIVERY_HEADER = "X-EPort-Delivery"
EVENT_HEADER = "X-EPort-Event"


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"  # dead-lettered after the last attempt


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    enterprise: str
    url: str
    secret: str
    event_types: tuple[str, ...]  # empty: every event
    active: bool = True

    def wants(self, event_type: str) -> bool:
        return self.active and (not self.event_types or event_type in self.event_types)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` HMAC over ``timestamp.body``: what a receiver recomputes to verify."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def backoff(attempt: int, base: timedelta, cap: timedelta = timedelta(hours=1)) -> timedelta:
    """Delay before retry number ``attempt`` (1-based): base, 2·base, 4·base … capped."""
    return min(base * (1 << min(attempt - 1, 30)), cap)
