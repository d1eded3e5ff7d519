"""Handlers of the notifications context: subscribe, unsubscribe, retry a dead letter."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from eport.kernel.errors import ErrorList
from eport.kernel.ids import new_id
from eport.notifications import commands, errors, events
from eport.notifications.model import Subscription
from eport.notifications.ports import NotificationsUnitOfWork


def subscribe(cmd: commands.Subscribe, uow: NotificationsUnitOfWork) -> dict[str, Any]:
    """Create a subscription. Its signing secret is returned once, here."""
    parts = urlsplit(cmd.url)
    problems = ErrorList()
    if parts.scheme not in ("https", "http") or not parts.hostname:
        problems.add("/url", "url.invalid", "A webhook URL is an absolute http(s) URL.")
    if len(cmd.url) > 2000:
        problems.add("/url", "string.too_long", "At most 2000 characters.")
    problems.raise_if_any()
    sub = Subscription(
        new_id("WHK"), cmd.enterprise, cmd.url, "whsec_" + secrets.token_hex(24), cmd.event_types
    )
    uow.subscriptions.add(sub)
    uow.record(
        events.WebhookSubscribed(
            actor=cmd.actor, occurred_at=uow.now(), data={"id": sub.id, "url": sub.url}
        )
    )
    return {"id": sub.id, "url": sub.url, "secret": sub.secret, "eventTypes": list(sub.event_types)}


def unsubscribe(cmd: commands.Unsubscribe, uow: NotificationsUnitOfWork) -> None:
    sub = uow.subscriptions.get(cmd.subscription_id)
    if sub is None or sub.enterprise != cmd.enterprise:
        raise errors.SubscriptionNotFound("No such subscription.", id=cmd.subscription_id)
    uow.subscriptions.deactivate(sub.id)
    uow.record(
        events.WebhookUnsubscribed(actor=cmd.actor, occurred_at=uow.now(), data={"id": sub.id})
    )


def retry_delivery(cmd: commands.RetryDelivery, uow: NotificationsUnitOfWork) -> None:
    if not uow.subscriptions.requeue_dead(cmd.delivery_id, cmd.enterprise):
        raise errors.DeliveryNotFound("No such dead-lettered delivery.", id=cmd.delivery_id)
