"""Alembic environment, configured in code by :func:`zkattest.service.storage.schema.migrate`.

``migrate`` passes an open connection, already inside the transaction that
holds the migration lock, as ``config.attributes["connection"]``; the whole
upgrade then commits or rolls back as one. Without one (a programmatic
``alembic.command`` call with only ``sqlalchemy.url`` set) an engine is made
from the URL. Offline mode (``--sql``) renders the DDL for the URL's dialect.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from zkattest.service.storage.engine import create_store_engine, writer
from zkattest.service.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection and no sqlalchemy.url given to the migrations")
    engine = create_store_engine(url)
    try:
        with writer(engine).connect() as own_connection:
            _run(own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
