"""In production the API never migrates: ``pennywise db upgrade`` is the one-shot step that
does (compose.yaml's ``migrate`` service, Render's and Railway's pre-deploy command). A
worker that finds an empty database refuses to start, saying which command to run, and
leaves the database as it found it; several workers racing to create one schema is what
the one-shot step is there to prevent. Development still creates the embedded database on
first use.
"""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import inspect

from pennywise_api.app import create_app
from pennywise_core import db
from pennywise_core.errors import SchemaOutOfDateError
from pennywise_core.settings import Settings


async def _tables(url: str) -> list[str]:
    engine = db.create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await engine.dispose()


def _settings(environment: str, url: str) -> Settings:
    return Settings(
        environment=environment,  # type: ignore[arg-type]
        database_url=url,
        jwt_secret=secrets.token_urlsafe(32),
    )


async def test_production_refuses_an_empty_database_and_leaves_it_empty(
    fresh_database_url: str,
) -> None:
    app = create_app(_settings("production", fresh_database_url))
    with pytest.raises(SchemaOutOfDateError, match="pennywise db upgrade"):
        async with app.router.lifespan_context(app):
            pass
    assert await _tables(fresh_database_url) == []


async def test_production_starts_on_a_migrated_database(fresh_database_url: str) -> None:
    engine = db.create_engine(fresh_database_url)
    try:
        await db.upgrade(engine)  # what `pennywise db upgrade` does
    finally:
        await engine.dispose()
    app = create_app(_settings("production", fresh_database_url))
    async with app.router.lifespan_context(app):
        assert app.state.engine is not None


async def test_development_still_creates_the_schema_on_first_use(
    fresh_database_url: str,
) -> None:
    app = create_app(_settings("development", fresh_database_url))
    async with app.router.lifespan_context(app):
        pass
    assert "alembic_version" in await _tables(fresh_database_url)
