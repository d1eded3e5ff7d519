"""Prepared INSERTs for the lodge path: SQL built once per dialect, rows sent in one executemany.

SQLAlchemy's own type processors (UTC datetimes, JSON) convert the values, so what is stored is
exactly what ``conn.execute(table.insert(), rows)`` would store; only the per-call statement
machinery is skipped (ARCHITECTURE §6: keep the lodge path lean). The rows go through the
connection's DBAPI cursor inside the caller's transaction.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

Processor = Callable[[Any], Any] | None  # SQLAlchemy's bind processor for one column


class FastInsert:
    def __init__(
        self,
        table: sa.Table,
        columns: Sequence[str] | None = None,
        *,
        ignore_conflicts: bool = False,
    ) -> None:
        self.table = table
        self.columns = tuple(columns or (c.name for c in table.columns))
        # ON CONFLICT DO NOTHING (SQLite >= 3.24, PostgreSQL): a clash is skipped, not raised.
        self.suffix = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
        self._prepared: dict[str, tuple[str, list[Processor]]] = {}

    def _prepare(self, dialect: sa.Dialect) -> tuple[str, list[Processor]]:
        prepared = self._prepared.get(dialect.name)
        if prepared is None:
            quote = dialect.identifier_preparer.quote
            marker = "?" if dialect.paramstyle == "qmark" else "%s"
            # Names come from our own Table objects, quoted by the dialect; values are bound.
            names = ", ".join(quote(c) for c in self.columns)
            markers = ", ".join([marker] * len(self.columns))
            sql = f"INSERT INTO {quote(self.table.name)} ({names}) VALUES ({markers})"  # noqa: S608
            sql += self.suffix
            processors: list[Processor] = [
                self.table.c[c].type.dialect_impl(dialect).bind_processor(dialect)
                for c in self.columns
            ]
            prepared = (sql, processors)
            self._prepared[dialect.name] = prepared
        return prepared

    def _values(
        self, processors: list[Processor], rows: Iterable[Mapping[str, Any]]
    ) -> list[list[Any]]:
        getter = operator.itemgetter(*self.columns)
        convert = [(i, p) for i, p in enumerate(processors) if p is not None]
        values = []
        for row in rows:
            picked = getter(row)
            value = list(picked) if len(self.columns) > 1 else [picked]
            for i, process in convert:
                if value[i] is not None:
                    value[i] = process(value[i])
            values.append(value)
        return values

    def __call__(self, conn: sa.Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        sql, processors = self._prepare(conn.dialect)
        values = self._values(processors, rows)
        if not values:
            return
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(sql, values)
        finally:
            cursor.close()

    def one(self, conn: sa.Connection, row: Mapping[str, Any]) -> bool:
        """Insert one row; False if ``ignore_conflicts`` skipped it."""
        sql, processors = self._prepare(conn.dialect)
        [value] = self._values(processors, [row])
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, value)
            return bool(cursor.rowcount == 1)
        finally:
            cursor.close()
