"""Bearer-token authentication: hashed tokens, a short in-process cache, every result logged."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import anyio.to_thread
from litestar import Request

from eport.adapters.db.repositories import principal_for_token
from eport.bootstrap import EPort
from eport.identity.handlers import hash_token
from eport.identity.model import Principal
from eport.kernel.errors import Unauthenticated

log = logging.getLogger("eport.access")


class TokenAuthenticator:
    """Resolves ``Authorization: Bearer <token>`` to a Principal.

    A resolved token is cached for ``ttl`` seconds; revoking a token through this process
    drops it at once, other processes within ``ttl``.
    """

    def __init__(self, eport: EPort) -> None:
        self.eport = eport
        self.ttl = eport.settings.token_cache_seconds
        self._cache: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def forget(self, token_id: str) -> None:
        with self._lock:
            for key in [k for k, (_, p) in self._cache.items() if p.token_id == token_id]:
                del self._cache[key]

    def forget_all(self) -> None:
        """Drop every cached token (e.g. after a certificate some tokens are bound to is
        revoked); other processes notice within ``ttl``."""
        with self._lock:
            self._cache.clear()

    def _lookup(self, token_hash: str) -> Principal | None:
        with self.eport.read_engine.connect() as conn:
            return principal_for_token(conn, token_hash, self.eport.clock())

    async def __call__(self, request: Request[Any, Any, Any]) -> Principal:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            log.info(
                "access deny",
                extra={
                    "who": None,
                    "action": "authenticate",
                    "target": request.url.path,
                    "rule": "no bearer token",
                    "allowed": False,
                },
            )
            raise Unauthenticated("Send Authorization: Bearer <token>.")
        return await self.resolve(token.strip(), request.url.path)

    async def resolve(self, token: str, target: str) -> Principal:
        """The principal of a session or API token (the portal's cookie holds one too)."""
        token_hash = hash_token(token)
        now = time.monotonic()
        cached = self._cache.get(token_hash)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        principal = await anyio.to_thread.run_sync(self._lookup, token_hash)
        if principal is None:
            log.info(
                "access deny",
                extra={
                    "who": None,
                    "action": "authenticate",
                    "target": target,
                    "rule": "unknown, expired or revoked token",
                    "allowed": False,
                },
            )
            raise Unauthenticated("The token is unknown, expired or revoked.")
        # Logged when the token is checked against the store; cached hits within ``ttl``
        # are covered by each action's own decision.
        log.info(
            "access allow",
            extra={
                "who": principal.user_id,
                "action": "authenticate",
                "target": target,
                "rule": "valid token",
                "allowed": True,
            },
        )
        with self._lock:
            self._cache[token_hash] = (now, principal)
        return principal
