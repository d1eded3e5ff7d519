"""What every route module uses: the running E-Port, the principal, running commands."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import anyio.to_thread
import sqlalchemy as sa
from litestar import Request
from pydantic import BaseModel, ValidationError

from eport.bootstrap import EPort
from eport.datamodel.validation import errors_from_pydantic
from eport.kernel.errors import FieldError, ValidationFailed
from eport.kernel.messages import Command

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

JSON_TYPES = ("application/json",)


def eport_of(request: Request[Any, Any, Any]) -> EPort:
    eport: EPort = request.app.state.eport
    return eport


async def execute(eport: EPort, command: Command) -> Any:
    """Run a command through the group-commit writer; returns after the commit."""
    return await asyncio.wrap_future(eport.submit(command))


async def read(eport: EPort, query: Callable[[sa.Connection], T]) -> T:
    """Run a read-only query on a pooled connection, off the event loop."""

    def _run() -> T:
        with eport.read_engine.connect() as conn:
            return query(conn)

    return await anyio.to_thread.run_sync(_run)


def is_json(request: Request[Any, Any, Any]) -> bool:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media in JSON_TYPES


async def json_body(
    request: Request[Any, Any, Any], model: type[M], *, allow_empty: bool = False
) -> tuple[M, bytes]:
    """Parse a JSON body into ``model``; problem+json pointers on failure."""
    from litestar.exceptions import HTTPException

    raw = await request.body()
    if allow_empty and not raw.strip():
        return model.model_validate({}), raw
    if not is_json(request):
        raise HTTPException(status_code=415, detail="Send Content-Type: application/json.")
    try:
        return model.model_validate_json(raw, by_alias=True), raw
    except ValidationError as exc:
        raise ValidationFailed(errors_from_pydantic(exc)) from None


def parse_time(value: str | None, pointer: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(
            [FieldError(pointer, "datetime.invalid", "Use an ISO 8601 date or date-time.")]
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
