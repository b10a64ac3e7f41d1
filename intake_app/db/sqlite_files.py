"""A SQLite database as a file: read-only opening, integrity checks, copying back.

What ``intake db check|backup|restore`` need below the services: nothing here
writes to a database it is asked to inspect, and a restore is one write
transaction (or one rename), never a half-copied file.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

SQLITE_MAGIC = b"SQLite format 3\x00"
PROBLEM_LIMIT = 50  # integrity_check stops after this many; the first ones tell the story


def has_sqlite_header(path: Path) -> bool:
    """Whether the file starts as every SQLite database does (an empty file counts too).

    Worth asking before SQLite opens a file read-write: on a file that is not a
    database, SQLite deletes a ``-wal`` file beside it when it closes.
    """
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    return head in (b"", SQLITE_MAGIC)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only (0600).

    Raises:
        FileExistsError: there is a file at ``path`` already; it is left alone.
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _uri(path: Path, *, immutable: bool) -> str:
    # as_uri() percent-encodes the path, so "?" or "#" in a folder name cannot end it early.
    return path.resolve().as_uri() + ("?immutable=1" if immutable else "?mode=ro")


def connect_readonly(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection that cannot write ``path`` (nor create it if missing).

    Args:
        path: the database file.
        immutable: the file is a copy nobody writes (a backup): read it without
            locks and without creating ``-wal``/``-shm`` files beside it. Only
            when it has no ``-wal`` file of its own, which would then be ignored.

    Raises:
        sqlite3.OperationalError: the file cannot be opened.
    """
    if immutable and Path(f"{path}-wal").exists():
        immutable = False
    return sqlite3.connect(_uri(path, immutable=immutable), uri=True, isolation_level=None)


def readonly_engine(path: Path, *, immutable: bool = False) -> Engine:
    """A SQLAlchemy engine over :func:`connect_readonly`, e.g. for the migration state."""
    return create_engine(
        "sqlite://",
        creator=lambda: connect_readonly(path, immutable=immutable),
        poolclass=NullPool,
    )


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA integrity_check`` finds (at most :data:`PROBLEM_LIMIT`); empty when ok."""
    rows = [str(row[0]) for row in connection.execute(f"PRAGMA integrity_check({PROBLEM_LIMIT})")]
    if rows == ["ok"]:
        return []
    # SQLite may put several findings in one row, under a "*** in database main ***" title.
    lines = (line.strip() for row in rows for line in row.splitlines())
    return [line for line in lines if line and not line.startswith("*** in database")]


def foreign_key_problems(connection: sqlite3.Connection) -> list[str]:
    """Each row whose foreign key points at nothing (at most :data:`PROBLEM_LIMIT`)."""
    problems: list[str] = []
    total = 0
    for table, rowid, parent, _fk in connection.execute("PRAGMA foreign_key_check"):
        total += 1
        if len(problems) < PROBLEM_LIMIT:
            problems.append(f"{table} row {rowid} refers to a {parent} row that does not exist")
    if total > len(problems):
        problems.append(f"… and {total - len(problems)} more rows with a broken foreign key")
    return problems


def page_size(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA page_size").fetchone()[0])


def _copy_into(source: sqlite3.Connection, target: Path) -> None:
    with closing(sqlite3.connect(target)) as copy:
        source.backup(copy)


def _lock_or_fail(connection: sqlite3.Connection) -> None:
    """Wait (the busy timeout) for the write lock and let it go again.

    ``Connection.backup`` retries for ever while the target is locked; checking
    first turns a long-held lock into a clear "locked" error instead.
    """
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("ROLLBACK")


def restore_in_place(backup: Path, live: Path, busy_timeout: float) -> None:
    """Copy ``backup`` over the live database with the online backup API.

    The copy is one write transaction on ``live``: other programs with the
    database open see the old content or the new, never a mixture, and a crash
    half-way leaves the old content. Both files must have the same page size
    (a WAL database cannot change it).

    Raises:
        sqlite3.Error: the live database is locked, read-only or damaged; it is unchanged.
    """
    with (
        closing(connect_readonly(backup, immutable=True)) as source,
        closing(sqlite3.connect(live, timeout=busy_timeout, isolation_level=None)) as target,
    ):
        _lock_or_fail(target)
        source.backup(target)


def restore_by_rename(backup: Path, live: Path, *, live_is_database: bool) -> None:
    """Write ``backup`` to a new file beside ``live`` and rename it over ``live``.

    For a live file that is missing, not a database, or of another page size.
    When it is a database, switching it out of WAL mode proves that no other
    connection has it open (SQLite refuses the switch otherwise) and an exclusive
    lock keeps newcomers out until the rename.

    Raises:
        sqlite3.OperationalError: another program has the live database open.
    """
    temporary = live.with_name(f".{live.name}.restoring-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    create_private_file(temporary)
    try:
        if live.exists():
            os.chmod(temporary, stat.S_IMODE(live.stat().st_mode))
        with closing(connect_readonly(backup, immutable=True)) as source:
            _copy_into(source, temporary)
        with closing(connect_readonly(temporary, immutable=True)) as check:
            problems = integrity_problems(check)
        if problems:
            raise sqlite3.DatabaseError(f"the copy of the backup fails its check: {problems[0]}")
        if live_is_database:
            _rename_over_idle(temporary, live)
        else:
            # Nothing can use a file that is not a database; its WAL (kept in the
            # safety copy) must not be replayed onto the restored file.
            _remove_side_files(live)
            os.replace(temporary, live)
    finally:
        temporary.unlink(missing_ok=True)


def _rename_over_idle(temporary: Path, live: Path) -> None:
    with closing(sqlite3.connect(live, timeout=1, isolation_level=None)) as connection:
        mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise sqlite3.OperationalError("database is locked (open in another program)")
        connection.execute("BEGIN EXCLUSIVE")
        if os.name != "posix":  # Windows cannot rename over a file that is open
            connection.execute("ROLLBACK")
            connection.close()
        _remove_side_files(live)
        os.replace(temporary, live)


def _remove_side_files(live: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
