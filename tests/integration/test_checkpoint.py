"""SQLite: the writer never checkpoints inline; the Checkpointer copies the WAL back."""

from __future__ import annotations

import pytest

from tests.conftest import Api
from tests.factories import import_declaration


def test_checkpointer_moves_the_whole_wal_into_the_database(api: Api) -> None:
    checkpointer = api.eport.checkpointer
    if checkpointer is None:
        pytest.skip("PostgreSQL has no WAL file to checkpoint")
    for i in range(20):
        assert (
            api.lodge("trader@demo", import_declaration(traderReference=f"W{i}")).status_code == 201
        )
    result = checkpointer.checkpoint()
    assert result is not None
    busy, wal_pages, moved = result
    assert busy == 0 and wal_pages > 0 and moved == wal_pages
    with api.eport.write_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
