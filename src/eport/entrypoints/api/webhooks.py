"""Webhook subscriptions of the caller's enterprise, their deliveries and dead letters."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.params import Parameter
from pydantic import Field

from eport.adapters.db import views
from eport.datamodel.declaration import Model
from eport.identity import policy
from eport.identity.model import Principal, Role
from eport.kernel.errors import Forbidden, NotFound
from eport.notifications import commands as nc

from .common import eport_of, execute, json_body, read
from .openapi import request_body

ENTERPRISE_ROLES = {Role.TRADER, Role.BROKER, Role.CARRIER, Role.BANK}


def _enterprise(principal: Principal) -> str:
    policy.require_role(principal, policy.Action.MANAGE_WEBHOOKS, ENTERPRISE_ROLES)
    if principal.enterprise is None:
        raise Forbidden("Webhooks belong to an enterprise.")
    return principal.enterprise


class SubscribeBody(Model):
    url: str = Field(min_length=8, max_length=2000)
    event_types: list[str] = []


class WebhookController(Controller):
    path = "/api/v1/webhooks"
    tags = ["webhooks"]

    @post(
        "/",
        status_code=201,
        summary="Subscribe a URL to your enterprise's events",
        operation_class=request_body(SubscribeBody),
    )
    async def subscribe(
        self, request: Request[Any, Any, Any], principal: Principal
    ) -> dict[str, Any]:
        """Deliveries are POSTs signed `X-EPort-Signature: sha256=HMAC(secret, ts.body)`.

        The secret is shown once, in this answer.
        """
        enterprise = _enterprise(principal)
        body, _ = await json_body(request, SubscribeBody)
        result: dict[str, Any] = await execute(
            eport_of(request),
            nc.Subscribe(
                actor=principal.user_id,
                enterprise=enterprise,
                url=body.url,
                event_types=tuple(body.event_types),
            ),
        )
        return result

    @get("/", summary="Your subscriptions")
    async def list(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        enterprise = _enterprise(principal)
        return {
            "items": await read(eport_of(request), lambda c: views.subscriptions(c, enterprise))
        }

    @delete("/{subscription_id:str}", status_code=204, summary="Unsubscribe")
    async def unsubscribe(
        self, request: Request[Any, Any, Any], principal: Principal, subscription_id: str
    ) -> None:
        enterprise = _enterprise(principal)
        await execute(
            eport_of(request),
            nc.Unsubscribe(
                actor=principal.user_id, enterprise=enterprise, subscription_id=subscription_id
            ),
        )

    @get("/{subscription_id:str}/deliveries", summary="Deliveries (state=dead: dead letters)")
    async def deliveries(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        subscription_id: str,
        delivery_state: Annotated[str | None, Parameter(query="state")] = None,
    ) -> dict[str, Any]:
        enterprise = _enterprise(principal)

        def query(conn: Any) -> list[dict[str, Any]] | None:
            owned = {s["id"] for s in views.subscriptions(conn, enterprise, active_only=False)}
            if subscription_id not in owned:
                return None
            return views.deliveries(conn, enterprise, subscription_id, delivery_state)

        items = await read(eport_of(request), query)
        if items is None:
            raise NotFound("No such subscription.", id=subscription_id)
        return {"items": items}

    @post(
        "/deliveries/{delivery_id:int}/retry",
        status_code=202,
        summary="Send a dead-lettered delivery again",
    )
    async def retry(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        delivery_id: Annotated[int, Parameter(ge=1, le=2**62)],
    ) -> dict[str, Any]:
        enterprise = _enterprise(principal)
        await execute(
            eport_of(request),
            nc.RetryDelivery(
                actor=principal.user_id, enterprise=enterprise, delivery_id=delivery_id
            ),
        )
        eport_of(request).dispatcher and eport_of(request).dispatcher.notify()  # type: ignore[union-attr]
        return {"id": delivery_id, "state": "pending"}
