"""Errors of the notifications context."""

from __future__ import annotations

from eport.kernel.errors import NotFound


class SubscriptionNotFound(NotFound):
    code = "webhook.not_found"


class DeliveryNotFound(NotFound):
    code = "webhook.delivery_not_found"
