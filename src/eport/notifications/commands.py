"""Commands of the notifications context."""

from __future__ import annotations

from dataclasses import dataclass

from eport.kernel.messages import Command


@dataclass(frozen=True, kw_only=True)
class Subscribe(Command):
    enterprise: str
    url: str
    event_types: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Unsubscribe(Command):
    enterprise: str
    subscription_id: str


@dataclass(frozen=True, kw_only=True)
class RetryDelivery(Command):
    enterprise: str
    delivery_id: int
