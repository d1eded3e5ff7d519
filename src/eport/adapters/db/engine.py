"""Engines for SQLite (WAL, durable commits) and PostgreSQL, and schema migration."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event

from eport.config import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def create_engines(settings: Settings) -> tuple[sa.Engine, sa.Engine]:
    """(write engine, read engine). On PostgreSQL both are one pooled engine."""
    url = settings.sqlalchemy_url
    if not settings.is_sqlite:
        engine = sa.create_engine(
            url,
            pool_size=10,
            max_overflow=10,
            pool_pre_ping=True,
            json_serializer=_json,
            json_deserializer=orjson.loads,
        )
        return engine, engine
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return _sqlite(url, immediate=True), _sqlite(url, immediate=False)


def _sqlite(url: str, *, immediate: bool) -> sa.Engine:
    engine = sa.create_engine(
        url,
        json_serializer=_json,
        json_deserializer=orjson.loads,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=8 if not immediate else 2,
        max_overflow=8,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, issue BEGIN, so SAVEPOINTs work (SQLAlchemy docs,
        # "Serializable isolation / Savepoints / Transactional DDL").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged commit survives power loss
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if immediate:
            # The writer never checkpoints inline; the Checkpointer thread does, off the
            # commit path (see adapters/db/checkpoint.py).
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(settings: Settings) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings.sqlalchemy_url), "head")


@contextlib.contextmanager
def temporary_schema(url: str, prefix: str = "t") -> Iterator[str]:
    """A fresh PostgreSQL schema for tests and benchmarks; yields a URL that uses it.

    The schema is selected through libpq's ``options=-csearch_path=...`` and dropped, with
    everything in it, on exit.
    """
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        sep = "&" if "?" in url else "?"
        try:
            yield f"{url}{sep}options=-csearch_path%3D{schema}"
        finally:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        admin.dispose()
