"""Engines for the verifier's database: SQLite by default, PostgreSQL by URL.

SQLite (``sqlite:///./zkattest.sqlite3``) needs no set-up. Each connection
runs in WAL mode (readers never block the writer) with a busy timeout and
foreign keys on. SQLAlchemy, not the ``sqlite3`` module, emits BEGIN: a plain
(deferred) BEGIN for reads, ``BEGIN IMMEDIATE`` for writes, so a write
transaction holds the database's write lock from its first statement and
concurrent writers queue behind it (for up to the busy timeout) instead of
failing with "database is locked" halfway through.

PostgreSQL (``postgresql+psycopg://user:password@host:port/db``; a bare
``postgresql://`` URL is given the psycopg 3 driver) is for several service
processes sharing one database. Transactions run at READ COMMITTED whatever
the server default; the conditional UPDATE that consumes a challenge takes its
row lock, and a concurrent loser re-checks the condition after the winner
commits and updates nothing.

Only these two back ends are accepted; in-memory SQLite is refused, since
every pooled connection would see a different, empty database.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from zkattest.service.storage.errors import StorageError

__all__ = [
    "DEFAULT_DATABASE_URL",
    "SQLITE_BUSY_TIMEOUT_MS",
    "create_store_engine",
    "parse_database_url",
    "writer",
]

#: The zero-set-up default: a SQLite file in the working directory.
DEFAULT_DATABASE_URL: Final = "sqlite:///./zkattest.sqlite3"
#: How long a SQLite writer waits for the write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS: Final = 5000

_WRITE_OPTION: Final = "zkattest_write"


def writer(engine: Engine) -> Engine:
    """The same engine and pool, with write transactions (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(**{_WRITE_OPTION: True})


def parse_database_url(database_url: str) -> URL:
    """Parse and check a database URL; raise :class:`StorageError` if it is unusable."""
    try:
        url = make_url(database_url)
    except (ArgumentError, ValueError, TypeError):
        raise StorageError("database URL is not a valid SQLAlchemy URL") from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        if url.get_driver_name() != "psycopg":
            if "+" in url.drivername:
                raise StorageError(
                    "PostgreSQL URLs must use the psycopg driver (postgresql+psycopg)"
                )
            url = url.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        if url.drivername != "sqlite":
            raise StorageError("SQLite URLs must use the standard driver (sqlite:///path)")
        if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
            raise StorageError("in-memory SQLite is not supported; give a file path")
    else:
        raise StorageError("database URL must be sqlite:/// or postgresql+psycopg://")
    return url


def create_store_engine(database_url: str) -> Engine:
    """Create an engine configured as the module docstring describes."""
    url = parse_database_url(database_url)
    try:
        if url.get_backend_name() == "sqlite":
            if sqlite3.sqlite_version_info < (3, 35, 0):
                raise StorageError("SQLite 3.35 or newer is required (UPDATE ... RETURNING)")
            engine = create_engine(
                url,
                connect_args={
                    "check_same_thread": False,
                    "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                },
                pool_size=5,
                max_overflow=10,
                pool_timeout=30,
            )
            _configure_sqlite(engine)
        else:
            engine = create_engine(
                url,
                isolation_level="READ COMMITTED",
                pool_pre_ping=True,
                pool_size=10,
                max_overflow=20,
                pool_timeout=30,
                pool_recycle=1800,
                connect_args={"connect_timeout": 10},
            )
    except (ArgumentError, NoSuchModuleError, ImportError, TypeError, ValueError):
        raise StorageError("cannot create a database engine for this URL") from None
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN (see _on_begin) instead of the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS:d}")
            cursor.execute("PRAGMA foreign_keys = ON")
            _use_wal(cursor)
            # In WAL mode NORMAL never corrupts the database; a power cut may lose the
            # last few commits (never half of one). It spares an fsync per admission.
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(_WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def _use_wal(cursor: Any) -> None:
    """Switch the database file to WAL mode (persistent; a no-op once done).

    Switching needs a moment with no other connection holding a lock, and
    SQLite answers "database is locked" at once rather than waiting, so
    several processes opening a new database together retry here, for up to
    the busy timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            (mode,) = cursor.execute("PRAGMA journal_mode").fetchone()
            if str(mode).lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
