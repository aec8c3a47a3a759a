"""Create and migrate the database schema with Alembic, configured in code.

No ``alembic.ini`` is needed: :func:`alembic_config` points Alembic at the
``migrations`` directory inside this package. :func:`migrate` upgrades a
database to the newest revision in one transaction that first takes a
migration lock (a PostgreSQL advisory lock; SQLite's write lock through
``BEGIN IMMEDIATE``), so several service processes may start at once against
one empty database: one creates the schema, the others find it current.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.util.exc import CommandError
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from zkattest.service.storage.engine import create_store_engine, writer
from zkattest.service.storage.errors import StorageError

__all__ = ["HEAD_REVISION", "MIGRATIONS_DIR", "alembic_config", "current_revision", "migrate"]

MIGRATIONS_DIR: Final = Path(__file__).resolve().parent / "migrations"
#: The newest migration; :func:`migrate` brings a database to it.
HEAD_REVISION: Final = "0007"

# pg_advisory_xact_lock key: the first 8 bytes of SHA-256("zkattest.migrate"), signed.
_LOCK_KEY: Final = int.from_bytes(
    hashlib.sha256(b"zkattest.migrate").digest()[:8], "big", signed=True
)


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic configuration for this package's migrations (no ini file)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url is not None:
        # ConfigParser interpolation: a literal % in a password must be doubled.
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def migrate(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (the newest by default), atomically.

    Raises :class:`StorageError` if the database is unreachable or the
    upgrade fails; a failed upgrade leaves the schema as it was.
    """
    if isinstance(engine_or_url, str):
        engine = create_store_engine(engine_or_url)
        try:
            _migrate(engine, revision)
        finally:
            engine.dispose()
    else:
        _migrate(engine_or_url, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision a database is at, or None before the first migration."""
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        raise StorageError("cannot read the schema revision") from exc


def _migrate(engine: Engine, revision: str) -> None:
    try:
        with writer(engine).begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except (SQLAlchemyError, CommandError) as exc:
        raise StorageError("database schema migration failed") from exc
