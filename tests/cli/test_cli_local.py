"""What only local mode has: the embedded file, the schema check, backups; and the
command line itself (help, version, debug, lazy imports)."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from clitools import Cli

from pennywise_cli import errors
from pennywise_cli.errors import NameNotFoundError
from pennywise_core import db


@pytest.fixture
def local() -> Cli:
    """``pennywise`` in local mode on the default database: $PENNYWISE_HOME's SQLite file."""
    return Cli(mode="local")


class TestEmbeddedDatabase:
    def test_first_use_creates_the_file_and_the_local_user(
        self, local: Cli, cli_environment: Path
    ) -> None:
        group = local("group", "create", "Me")
        assert (cli_environment / "pennywise.sqlite3").is_file()
        assert local("group", "show", "Me")["members"][0]["display_name"] == "Ann"
        # The same local user on every run.
        assert local("group", "create", "Flat")["my_member_id"] != group["my_member_id"]
        assert [g["name"] for g in local("group", "list")] == ["Flat", "Me"]

    def test_a_schema_behind_the_code_is_refused_until_upgraded(
        self, local: Cli, fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        base = ScriptDirectory.from_config(db.alembic_config()).get_base()
        assert base is not None

        async def migrate_to_base() -> None:
            engine = db.create_engine(fresh_database_url)
            await db.upgrade(engine, base)
            await engine.dispose()

        asyncio.run(migrate_to_base())
        monkeypatch.setenv("PENNYWISE_DATABASE_URL", fresh_database_url)

        result = local.fails("group", "list", code=errors.SCHEMA)
        assert "pennywise db upgrade" in result.stderr
        assert local("db", "current")["current"] is False
        upgraded = local("db", "upgrade")
        assert (upgraded["previous"], upgraded["current"]) == (base, True)
        assert local("group", "list") == []
        assert local("db", "upgrade")["previous"] == upgraded["head"]


class TestBackup:
    def test_a_consistent_copy_while_a_writer_holds_the_database(
        self, local: Cli, cli_environment: Path, tmp_path: Path
    ) -> None:
        local("group", "create", "Trip")
        local("tx", "add", "Trip", "10.00", "Coffee")
        target = tmp_path / "backups" / "copy.sqlite3"
        database = cli_environment / "pennywise.sqlite3"
        with closing(sqlite3.connect(database, isolation_level=None)) as writer:
            writer.execute("BEGIN IMMEDIATE")  # holds the write lock, uncommitted
            writer.execute("UPDATE groups SET name = 'Uncommitted'")
            record = local("db", "backup", str(target))
            writer.execute("ROLLBACK")
        assert record["check"] == "ok"
        assert record["bytes"] == target.stat().st_size > 0
        copy = Cli(mode="local")
        url = f"sqlite+aiosqlite:///{target}"
        assert [g["name"] for g in copy("--database-url", url, "group", "list")] == ["Trip"]
        assert [t["description"] for t in copy("--database-url", url, "tx", "list")] == ["Coffee"]

    def test_an_existing_file_is_kept_unless_forced(self, local: Cli, tmp_path: Path) -> None:
        local("group", "create", "Trip")
        target = tmp_path / "copy.sqlite3"
        target.write_text("precious")
        result = local.fails("db", "backup", str(target), code=errors.USER_ERROR)
        assert "--force" in result.stderr
        assert target.read_text() == "precious"
        assert local("db", "backup", str(target), "--force")["check"] == "ok"

    def test_postgresql_without_pg_dump_says_what_to_install(
        self, local: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
        result = local.fails(
            "db",
            "backup",
            str(tmp_path / "dump"),
            "--database-url",
            "postgresql+asyncpg://u:secret@127.0.0.1:1/pennywise",
            code=errors.USER_ERROR,
        )
        assert "pg_dump is not on PATH" in result.stderr
        assert "secret" not in result.stderr

    def test_either_database(
        self,
        local: Cli,
        fresh_database_url: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("PENNYWISE_DATABASE_URL", fresh_database_url)
        local("group", "create", "Trip")
        target = tmp_path / "backup"
        if fresh_database_url.startswith("postgresql") and shutil.which("pg_dump") is None:
            pytest.fail("pg_dump is not installed next to the PostgreSQL server")
        record = local("db", "backup", str(target))
        assert record["bytes"] == target.stat().st_size > 0
        if fresh_database_url.startswith("postgresql"):
            assert target.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
        else:
            assert record["check"] == "ok"


class TestCommandLine:
    def test_help_lists_the_nouns_and_the_exit_codes(self, local: Cli) -> None:
        result = local.run("--help")
        assert result.exit_code == 0
        for noun in ("group", "member", "tx", "balances", "settle", "activity", "report", "db"):
            assert noun in result.stdout
        assert "Exit codes" in result.stdout
        assert "7 server or database unreachable" in " ".join(result.stdout.split())

    def test_version(self, local: Cli) -> None:
        result = local.run("--version")
        assert result.exit_code == 0
        assert result.stdout.startswith("pennywise ")

    def test_a_user_error_has_no_traceback_unless_debugging(self, local: Cli) -> None:
        result = local.fails("group", "show", "Nowhere", code=errors.NOT_FOUND)
        assert result.stderr.startswith("error: no group 'Nowhere'")
        with pytest.raises(NameNotFoundError):
            local.run("group", "show", "Nowhere", env={"PENNYWISE_DEBUG": "1"})

    def test_remote_commands_need_a_server(self, local: Cli) -> None:
        for command in (["token", "list"], ["logout"]):
            result = local.fails(*command, code=errors.USER_ERROR)
            assert "PENNYWISE_API_URL" in result.stderr
        assert local.run("login").exit_code == errors.USAGE

    def test_help_and_import_stay_light(self) -> None:
        """``pennywise --help`` loads no database, HTTP, validation or rendering library."""
        script = (
            "import sys\n"
            "from pennywise_cli.main import run\n"
            "sys.argv = ['pennywise', '--help']\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
            "heavy = ['sqlalchemy', 'alembic', 'pydantic', 'httpx', 'rich', 'uvicorn',\n"
            "         'fastapi', 'pennywise_core.services', 'pennywise_api']\n"
            "print([m for m in heavy if m in sys.modules])\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip().splitlines()[-1] == "[]"
