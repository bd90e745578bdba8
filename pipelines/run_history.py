"""Dagster's run history on local SQLite files, written without waiting for the disk at each event.

Dagster's own SQLite event log opens a new database engine for every event it stores and commits
each one with the disk synchronised (SQLite's default ``synchronous=FULL``): a refresh stores about
800 events (each step's start, outputs and end, and two events per table check), and under load
that was 40 % of a demo refresh (51 s with, 31 s without, measured one after the other on this
2-core machine). ``QuickSqliteEventLogStorage`` keeps one engine per database file and sets
``synchronous=OFF`` on its connections: a commit hands the page to the operating system and goes
on. A killed run or Dagster process loses nothing (the operating system still writes what it was
given); only a crash of the machine itself during a write could damage the run history, never the
warehouse, the inbox or the published snapshot, which Relais writes itself. The journal stays
Dagster's (WAL, checkpointed into the run's ``.db`` file as each connection closes), so that the
UI's live view of a run, which watches that file, still sees each event. Production keeps
PostgreSQL (``deploy/dagster-postgres.yaml``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._serdes import ConfigurableClassData
from sqlalchemy.pool import NullPool

BUSY_TIMEOUT_SECONDS = 30
"""How long a write waits for another process's (Dagster's own SQLite storage waits as long)."""


def _without_sync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


class QuickSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log (one database per run and an index), its engines kept and its
    commits not synchronised with the disk. Configured like ``SqliteEventLogStorage`` (``base_dir``)."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: dict[str, sqlalchemy.Engine] = {}
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(  # ty: ignore[invalid-method-override]
        cls, inst_data: ConfigurableClassData | None, config_value: Any
    ) -> QuickSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> sqlalchemy.Engine:
        engine = self._engines.get(shard)
        if engine is None:
            engine = sqlalchemy.create_engine(
                self.conn_string_for_shard(shard),
                poolclass=NullPool,
                connect_args={"timeout": BUSY_TIMEOUT_SECONDS},
            )
            sqlalchemy.event.listen(engine, "connect", _without_sync)
            self._engines[shard] = engine
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Any]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn


def run_history_yaml(folder: Path) -> str:
    """The ``dagster.yaml`` block that stores an instance's events under ``folder`` (where Dagster's
    default SQLite storage puts them: ``history/runs``) through ``QuickSqliteEventLogStorage``."""
    base_dir = (folder / "history" / "runs").resolve()
    return (
        "event_log_storage:\n"
        f"  module: {__name__}\n"
        f"  class: {QuickSqliteEventLogStorage.__name__}\n"
        "  config:\n"
        f"    base_dir: {json.dumps(str(base_dir))}\n"
    )
