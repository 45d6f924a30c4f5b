"""Alembic environment for Pennywise (async, batch mode, both SQLite and PostgreSQL).

Two ways in:

* in-process (``pennywise db upgrade``, the tests, first use of an empty database): the
  caller runs Alembic inside ``AsyncConnection.run_sync`` and hands the sync connection over
  as ``config.attributes["connection"]``;
* the ``alembic`` command line (developers writing a revision): a connection is made from
  ``PENNYWISE_DATABASE_URL`` or the embedded default.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import TypeDecorator
from sqlalchemy.engine import Connection

from pennywise_core.db import create_engine
from pennywise_core.models import Base
from pennywise_core.settings import get_settings

target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our TypeDecorators as their plain SQL types.

    A revision must not import application code: it has to keep working after the models
    move on. ``UTCDateTime`` is stored as ``DateTime(timezone=True)`` and ``DecimalText``
    as ``String``; the Python-side conversions do not belong in the schema history.
    """
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=render_item,
        render_as_batch=True,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_engine()  # PENNYWISE_DATABASE_URL, or the embedded default
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=get_settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
elif (connection := context.config.attributes.get("connection")) is not None:
    do_run_migrations(connection)
else:
    asyncio.run(run_async_migrations())
