"""A throwaway PostgreSQL server for the test suite, from the distribution's packages.

The suite runs every database test on SQLite and, through this module, on a real
PostgreSQL server: a new cluster in a temporary folder, on a free loopback port,
with ``trust`` authentication and durability switched off (it is thrown away).
Each test gets its own database, copied from a template that the app's migrations
have already brought to head, so a test costs one ``CREATE DATABASE``.

PostgreSQL refuses to run as root; under root (CI) the cluster belongs to the
distribution's ``postgres`` account.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

# The superuser: named like the test user (INTAKE_USER), as the database login is the user.
ADMIN = "tester"
TEMPLATE = "intake_template"


def find_bin_dir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: on PATH, or Debian's versioned folder."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def unavailable_reason() -> str | None:
    """Why no server can be started here, or None when one can."""
    if find_bin_dir() is None:
        return "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' account to run the server"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """A cluster started in :meth:`start` and removed in :meth:`stop`."""

    def __init__(self) -> None:
        bin_dir = find_bin_dir()
        if bin_dir is None:  # pragma: no cover - callers check unavailable_reason()
            raise RuntimeError("PostgreSQL is not installed")
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="intake-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_user: str | None = "postgres" if os.geteuid() == 0 else None
        self._counter = itertools.count(1)

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_user is not None:
            command = ["runuser", "-u", self.as_user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed ({result.returncode}): {result.stderr or result.stdout}"
            )

    def start(self) -> None:
        if self.as_user is not None:
            account = pwd.getpwnam(self.as_user)
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", ADMIN, "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {self.root}",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options,
            "-l", str(self.root / "server.log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres", user: str = ADMIN) -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def admin(self, *statements: str) -> None:
        """Run statements outside a transaction as the superuser (CREATE DATABASE and such)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=ADMIN, dbname="postgres", autocommit=True
        ) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    def prepare_template(self) -> None:
        """A database migrated to head, copied for each test."""
        from intake_app.db.session import open_database

        self.admin(f"CREATE DATABASE {TEMPLATE}")
        open_database(self.url(TEMPLATE)).dispose()

    def new_database(self, *, migrated: bool = True) -> str:
        """A new, empty or migrated database; returns its URL."""
        name = f"test_{os.getpid()}_{next(self._counter)}"
        source = TEMPLATE if migrated else "template0"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {source}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
