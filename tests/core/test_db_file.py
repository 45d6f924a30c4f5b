"""The embedded SQLite database is a private file: it holds every password hash and token."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text

from pennywise_core import db


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_database_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "pennywise.sqlite3"
    engine = await db.open_database(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE scratch (x INTEGER)"))
            await connection.execute(text("INSERT INTO scratch VALUES (1)"))
            # SQLite gives the write-ahead log and its index the database file's mode.
            journal = [p for p in path.parent.iterdir() if p != path]
            assert journal, "expected the -wal and -shm files while a writer is open"
            assert {p.name: _mode(p) for p in journal} == {p.name: 0o600 for p in journal}
    finally:
        await engine.dispose()
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700  # the directory it created, too


async def test_an_existing_file_keeps_the_mode_its_owner_gave_it(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    engine = await db.open_database(f"sqlite+aiosqlite:///{path}")
    await engine.dispose()
    path.chmod(0o640)
    engine = await db.open_database(f"sqlite+aiosqlite:///{path}")
    await engine.dispose()
    assert _mode(path) == 0o640
