"""A throwaway PostgreSQL server for the tests: Debian's binaries, data in a temp dir."""

from __future__ import annotations

import itertools
import os
import pwd
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.process import free_port

__all__ = [
    "PgServer",
    "PgTemplate",
    "activate",
    "database_url",
    "empty_database_url",
    "find_bin",
    "pg_template",
    "table_names",
]

_active: list[PgTemplate] = []  # the suite's PostgreSQL, when it runs on one


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for root in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (root / name).exists():
            return str(root / name)
    return None


class PgServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="mentorbot-pg-"))
        self.port = free_port()
        self._names = itertools.count(1)
        self._user = None
        if os.geteuid() == 0:  # the server refuses to run as root
            self._user = "postgres" if _has_user("postgres") else "nobody"
            shutil.chown(self.dir, self._user)

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self._user:
            cmd = ["runuser", "-u", self._user, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        data = self.dir / "data"
        self._run(
            find_bin("initdb") or "initdb",
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "mentor",
            "-E",
            "UTF8",
        )
        self._run(
            find_bin("pg_ctl") or "pg_ctl",
            "-D",
            str(data),
            "-w",
            "-l",
            str(self.dir / "log"),
            "-o",
            f"-p {self.port} -h 127.0.0.1 -k {self.dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            "start",
        )

    def stop(self) -> None:
        self._run(
            find_bin("pg_ctl") or "pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop"
        )
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://mentor@127.0.0.1:{self.port}/{database}"

    def new_name(self) -> str:
        return f"t{next(self._names)}"


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class PgTemplate:
    """A migrated template database; each test gets a copy (CREATE DATABASE … TEMPLATE)."""

    READY = 3  # copies made ahead, in a thread, while the tests run

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self._ready: queue.Queue[str] = queue.Queue(maxsize=self.READY)
        self._stop = threading.Event()
        self._maker: threading.Thread | None = None

    def _make_ahead(self) -> None:
        while not self._stop.is_set():
            name = self.server.new_name()
            self.psql(f"CREATE DATABASE {name} TEMPLATE template_mentorbot")
            while not self._stop.is_set():
                try:
                    self._ready.put(name, timeout=0.2)
                    break
                except queue.Full:
                    continue

    def close(self) -> None:
        self._stop.set()
        if self._maker is not None:
            self._maker.join()

    def psql(self, sql: str) -> None:
        subprocess.run(
            [
                find_bin("psql") or "psql",
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.server.port),
                "-U",
                "mentor",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def migrate_template(self) -> None:
        import asyncio

        from storage.db import Database
        from storage.migrate import upgrade

        self.psql("CREATE DATABASE template_mentorbot")

        async def run() -> None:
            db = Database(self.server.url("template_mentorbot"))
            await upgrade(db)
            await db.close()

        thread = threading.Thread(target=asyncio.run, args=(run(),))
        thread.start()
        thread.join()

    def empty_database(self) -> str:
        """A new database with no tables at all."""
        name = self.server.new_name()
        self.psql(f"CREATE DATABASE {name}")
        return self.server.url(name)

    def fresh_database(self) -> str:
        """A copy of the migrated template (CREATE DATABASE … TEMPLATE takes a few tenths of
        a second; a thread keeps a few ready)."""
        if self._maker is None:
            self._maker = threading.Thread(target=self._make_ahead, daemon=True)
            self._maker.start()
        return self.server.url(self._ready.get(timeout=60))


@contextmanager
def pg_template() -> Iterator[PgTemplate]:
    if find_bin("initdb") is None or find_bin("pg_ctl") is None or find_bin("psql") is None:
        message = "PostgreSQL is not installed (make postgres, or apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    server = PgServer()
    server.start()
    try:
        template = PgTemplate(server)
        template.migrate_template()
        try:
            yield template
        finally:
            template.close()
    finally:
        server.stop()


async def table_names(conn: AsyncConnection) -> list[str]:
    """Every table of the database, whichever engine it is."""
    return await conn.run_sync(lambda sync: inspect(sync).get_table_names())


def activate(template: PgTemplate) -> None:
    _active[:] = [template]


def database_url(tmp_path: Path, name: str = "test.db") -> str:
    """A test's own empty, migrated database: a SQLite file in `tmp_path`, or with
    MENTORBOT_TEST_DATABASE=postgresql a fresh PostgreSQL database."""
    if _active:
        return _active[0].fresh_database()
    return f"sqlite+aiosqlite:///{tmp_path / name}"


def empty_database_url(tmp_path: Path, name: str) -> str:
    """Like `database_url`, but with no tables at all: for tests that migrate step by step."""
    if _active:
        return _active[0].empty_database()
    return f"sqlite+aiosqlite:///{tmp_path / name}"
