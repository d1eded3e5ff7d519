"""Shared fixtures: an E-Port on SQLite or PostgreSQL, an HTTP client, demo tokens.

Integration and e2e tests that take ``backend`` run on SQLite always and on PostgreSQL when
``EPORT_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it); each PostgreSQL test gets an empty
schema of its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from eport.adapters.db.engine import temporary_schema
from eport.bootstrap import EPort, bootstrap
from eport.config import Settings
from eport.entrypoints.api.app import create_app
from eport.entrypoints.seed import USERS, issue_token, seed_demo

POSTGRES_URL = os.environ.get("EPORT_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Iterator[Settings]:
    base: dict[str, Any] = {
        "environment": "test",
        "data_dir": tmp_path / "data",
        "dispatcher_interval_seconds": 0.05,
        "webhook_backoff_seconds": 0.05,
        "webhook_timeout_seconds": 2.0,
        # Most tests lodge imports without a manifest; tests/integration/test_manifests.py
        # turns the check on.
        "manifest_required": False,
        # Selectivity would decide customs' task on some lodgements; tests of risk turn it on.
        "risk_enabled": False,
        # The factories' 6-digit HS codes have national lines under them; tests of duties and
        # the import flow turn assessment on with national codes.
        "tariff_enabled": False,
        # The factories cite licence numbers that are on no register; test_licences.py turns
        # the register on.
        "licences_enforced": False,
    }
    if backend == "postgres":
        assert POSTGRES_URL
        with temporary_schema(POSTGRES_URL) as url:
            yield Settings(**base, database_url=url)
    else:
        yield Settings(**base)


@pytest.fixture
def eport(settings: Settings) -> Iterator[EPort]:
    app = bootstrap(settings)
    seed_demo(app)
    yield app
    app.stop()


@dataclass
class Api:
    """An HTTP client with a bearer token per demo user."""

    client: TestClient[Any]
    tokens: dict[str, str]
    eport: EPort

    def headers(self, user: str, key: str | None = None, **extra: str) -> dict[str, str]:
        out = {"Authorization": f"Bearer {self.tokens[user]}", **extra}
        if key is not None:
            out["Idempotency-Key"] = key
        return out

    def lodge(self, user: str, doc: dict[str, Any], key: str | None = None) -> Any:
        return self.client.post(
            "/api/v1/declarations", json=doc, headers=self.headers(user, key or uuid.uuid4().hex)
        )

    def get(self, user: str, path: str, **params: Any) -> Any:
        return self.client.get(path, headers=self.headers(user), params=params)

    def post(self, user: str, path: str, body: Any = None, key: str | None = None) -> Any:
        return self.client.post(
            path, json=body if body is not None else {}, headers=self.headers(user, key)
        )

    def put_json(self, user: str, path: str, body: Any) -> Any:
        return self.client.put(path, json=body, headers=self.headers(user))

    def task_of(self, declaration_id: str, agency: str) -> dict[str, Any]:
        detail = self.get("trader@demo", f"/api/v1/declarations/{declaration_id}").json()
        return next(t for t in detail["agencies"] if t["agency"] == agency)

    def decide(
        self, agency_user: str, task_id: str, decision: str, reason: str | None = None
    ) -> Any:
        return self.post(
            agency_user,
            f"/api/v1/tasks/{task_id}/decision",
            {"decision": decision, "reason": reason},
        )

    def drain(self) -> None:
        """Run the outbox dispatcher until nothing is left (audit, webhooks)."""
        assert self.eport.dispatcher is not None
        while self.eport.dispatcher.run_once():
            pass


@pytest.fixture
def api(eport: EPort) -> Iterator[Api]:
    with TestClient(create_app(eport, manage_lifecycle=False)) as client:
        eport.start()
        tokens = {email: issue_token(eport, email) for email, *_ in USERS}
        yield Api(client, tokens, eport)
