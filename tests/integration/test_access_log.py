"""Every access decision, allow and deny, lands in the access log as a JSON line."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from eport.adapters import access_log
from tests.conftest import Api
from tests.factories import import_declaration


def test_allow_and_deny_are_logged_with_who_what_and_rule(api: Api, tmp_path: Path) -> None:
    path = tmp_path / "access.log"
    listener = access_log.configure(path)
    logger = logging.getLogger("eport.access")
    try:
        did = api.lodge("trader@demo", import_declaration()).json()["id"]
        api.get("other@demo", f"/api/v1/declarations/{did}")
        api.client.get("/api/v1/declarations", headers={"Authorization": "Bearer nope"})
        api.get("other@demo", "/api/v1/me")
        api.get("other@demo", "/api/v1/declarations")
    finally:
        time.sleep(0.1)
        listener.stop()
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.propagate = True
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert {"who", "action", "target", "rule", "allowed", "at"} <= set(lines[0])
    assert any(x["action"] == "declaration.lodge" and x["allowed"] for x in lines)
    denied = [x for x in lines if x["action"] == "declaration.read" and not x["allowed"]]
    assert denied and denied[0]["target"] == did and denied[0]["rule"] == "not a party"
    assert any(x["action"] == "authenticate" and not x["allowed"] for x in lines)
    assert any(x["action"] == "identity.read_self" and x["allowed"] for x in lines)
    assert any(x["action"] == "declaration.list" and x["allowed"] for x in lines)
