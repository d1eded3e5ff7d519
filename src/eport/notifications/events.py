"""Events of the notifications context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eport.kernel.messages import Event


@dataclass(frozen=True, kw_only=True)
class WebhookSubscribed(Event):
    name: ClassVar[str] = "webhook.subscribed"


@dataclass(frozen=True, kw_only=True)
class WebhookUnsubscribed(Event):
    name: ClassVar[str] = "webhook.unsubscribed"
