"""Trader pages: the dashboard of the enterprise's own declarations and their combined status."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import Template

from eport.adapters.db import views
from eport.identity import policy
from eport.identity.model import Principal

from ..api.common import eport_of, read
from .pages import page

STATUSES = ("lodged", "under_review", "queried", "cleared", "released", "rejected", "cancelled")


class TraderPages(Controller):
    path = "/portal"
    include_in_schema = False

    @get("/", name="dashboard")
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        status: Annotated[str | None, Parameter(pattern="^[a-z_]{1,20}$")] = None,
        cursor: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> Template:
        """The enterprise's declarations (and those it lodged for others), newest first."""
        policy.permit_any_user(principal, policy.Action.LIST_DECLARATIONS, "own enterprise's")
        after = views.decode_cursor(cursor) if cursor else None
        owner = principal.enterprise
        listing: dict[str, Any] = {"items": [], "nextCursor": None}
        if owner is not None:
            listing = await read(
                eport_of(request),
                lambda c: views.list_declarations(
                    c, owner=owner, agency=None, status=status if status in STATUSES else None,
                    lodged_from=None, lodged_to=None, after=after, limit=25,
                ),
            )  # fmt: skip
        return page(
            request,
            "trader/dashboard.html",
            principal,
            items=listing["items"],
            next_cursor=listing["nextCursor"],
            status=status,
            statuses=STATUSES,
        )
