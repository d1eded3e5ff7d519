"""What the notifications context needs from the outside world."""

from __future__ import annotations

from typing import Protocol

from eport.kernel.unit_of_work import UnitOfWork
from eport.notifications.model import Subscription


class SubscriptionRepository(Protocol):
    def add(self, subscription: Subscription) -> None: ...

    def get(self, subscription_id: str) -> Subscription | None: ...

    def deactivate(self, subscription_id: str) -> None: ...

    def requeue_dead(self, delivery_id: int, enterprise: str) -> bool:
        """Put a dead-lettered delivery of this enterprise back in the queue."""
        ...


class NotificationsUnitOfWork(UnitOfWork, Protocol):
    subscriptions: SubscriptionRepository
