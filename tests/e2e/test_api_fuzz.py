"""Property-based fuzzing of every API operation from its own OpenAPI document (schemathesis).

Whatever the generated input, valid or not, E-Port never answers with a server error, and
every error is problem+json. It runs against a real app on SQLite, with the demo data and a
trader's, an officer's and an administrator's tokens.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from eport.bootstrap import bootstrap
from eport.config import Settings
from eport.entrypoints.api.app import create_app
from eport.entrypoints.seed import issue_token, seed_demo

# schemathesis parametrizes at collection time, so the app exists from import on; the store
# behind it is only started by the fixture below.
_TMP = tempfile.TemporaryDirectory(prefix="eport-fuzz-")
_EPORT = bootstrap(Settings(data_dir=Path(_TMP.name), environment="test", dispatcher_enabled=False))
APP = create_app(_EPORT, manage_lifecycle=False)
schema = schemathesis.openapi.from_asgi("/api/docs/openapi.json", APP)


@pytest.fixture(scope="module")
def tokens() -> Iterator[dict[str, str]]:
    seed_demo(_EPORT)
    _EPORT.ensure_ca()
    _EPORT.start()
    try:
        yield {u: issue_token(_EPORT, u) for u in ("trader@demo", "customs@demo", "admin@demo")}
    finally:
        _EPORT.stop()
        _TMP.cleanup()


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_operation_answers_with_a_server_error(case: Any, tokens: dict[str, str]) -> None:
    for user, token in tokens.items():
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"fuzz-{user}"}
        response = case.call(headers=headers)
        assert response.status_code < 500, (user, case.method, case.path, response.text[:500])
        if response.status_code >= 400:
            content_type = response.headers.get("content-type", [""])[0]
            assert content_type.startswith("application/problem+json"), (
                user,
                case.method,
                case.path,
                response.status_code,
            )
