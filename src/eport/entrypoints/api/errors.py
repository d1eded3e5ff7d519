"""The one place that maps E-Port's errors to HTTP statuses and RFC 9457 problem+json."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from eport.kernel import errors as k

log = logging.getLogger("eport.api")

PROBLEM = "application/problem+json"
TYPE_BASE = "https://e-port.dev/problems/"

_STATUS: list[tuple[type[k.EPortError], int, str]] = [
    (k.ValidationFailed, 422, "The request is not valid"),
    (k.NotFound, 404, "Not found"),
    (k.Unauthenticated, 401, "Authentication required"),
    (k.Forbidden, 403, "Forbidden"),
    (k.IdempotencyConflict, 409, "Idempotency-Key reused"),
    (k.Conflict, 409, "Conflict"),
    (k.Unavailable, 503, "Service unavailable"),
]


def problem(
    status: int,
    title: str,
    detail: str,
    code: str,
    instance: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Response[Any]:
    body = {
        "type": TYPE_BASE + code.replace(".", "/"),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    for key, value in (extra or {}).items():
        # An error's own fields never overwrite the RFC 9457 members: `status` -> `currentStatus`.
        body[key if key not in body else f"current{key.capitalize()}"] = value
    headers = {"WWW-Authenticate": 'Bearer realm="eport"'} if status == 401 else None
    return Response(body, status_code=status, media_type=PROBLEM, headers=headers)


def eport_error(request: Request[Any, Any, Any], exc: k.EPortError) -> Response[Any]:
    status, title = next(
        ((code, name) for cls, code, name in _STATUS if isinstance(exc, cls)), (500, "Error")
    )
    extra: dict[str, Any] = {}
    if isinstance(exc, k.ValidationFailed):
        extra["errors"] = [e.as_dict() for e in exc.errors]
    elif exc.fields and not isinstance(exc, k.Unavailable):
        extra.update({key: v for key, v in exc.fields.items() if key != "cause"})
    return problem(status, title, exc.message, exc.code, str(request.url.path), extra)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, ValidationException):
        errors = []
        for item in exc.extra if isinstance(exc.extra, list) else []:
            key = str(item.get("key", "")) if isinstance(item, dict) else ""
            errors.append(
                {
                    "pointer": "/" + key.replace(".", "/") if key else "",
                    "code": "parameter.invalid",
                    "detail": str(item.get("message", "")) if isinstance(item, dict) else str(item),
                }
            )
        return problem(
            400,
            "Bad request",
            exc.detail,
            "request.invalid",
            str(request.url.path),
            {"errors": errors},
        )
    codes = {
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "body.too_large",
        415: "media_type.unsupported",
        429: "rate_limited",
    }
    return problem(
        exc.status_code,
        exc.detail,
        exc.detail,
        codes.get(exc.status_code, "http_error"),
        str(request.url.path),
    )


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Last resort: log the trace, show none."""
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Internal error",
        "Something went wrong on our side; nothing was acknowledged.",
        "internal",
        str(request.url.path),
    )


HANDLERS: dict[Any, Any] = {
    k.EPortError: eport_error,
    HTTPException: http_error,
    Exception: internal_error,
}

__all__ = ["HANDLERS", "PROBLEM", "MediaType", "problem"]
