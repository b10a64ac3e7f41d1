"""Opening the database: engine set-up, migrations on open, read and write sessions.

SQLite is the embedded default. Every connection turns on WAL (for file
databases), foreign keys and ``secure_delete`` (deleted content is overwritten
with zeros, so erased personal data does not linger in free space); write
sessions start with ``BEGIN IMMEDIATE`` so a writer takes the lock up front
instead of failing half-way with "database is locked". The database file, and
the backups made before upgrades, are created readable by their owner only
(0600; SQLite gives its -wal and -shm files the database's permissions). Any
other SQLAlchemy URL (PostgreSQL for a team) works through the same code; all
column types are portable.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError
from sqlalchemy.orm import Session, sessionmaker

from intake_app import APP_NAME
from intake_app.core.errors import DatabaseError, PermissionDeniedError
from intake_app.db.sqlite_files import create_private_file as create_new_private_file
from intake_app.db.sqlite_files import has_sqlite_header
from intake_app.paths import migrations_dir

log = logging.getLogger(__name__)

_WRITE_OPTION = "intake_write"
# The advisory lock key of "exclusive" write transactions on PostgreSQL ("INTK").
PEOPLE_LOCK = 0x494E544B
SQLITE_BUSY_TIMEOUT_S = 30
PG_CONNECT_TIMEOUT_S = 10
# How long a SQLite connection waits for another program's write lock, in seconds.
BUSY_TIMEOUT_ENV = "INTAKE_SQLITE_BUSY_TIMEOUT"
RESTORE_HINT = "restore a backup with `intake db restore BACKUP`"


def is_pg(url: URL) -> bool:
    return url.get_backend_name() == "postgresql"


# Owner only: the file holds personal data (names, e-mail addresses, phones).
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


@dataclass(frozen=True)
class MigrationState:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def parse_url(url: str) -> URL:
    """The URL as SQLAlchemy takes it; a plain ``postgresql://`` uses the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"Database URL {url!r} is not a valid SQLAlchemy URL.") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_file(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for other backends and in-memory databases."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def describe_url(url: URL) -> str:
    """How the database is named to a person: the file path, or the URL without password."""
    path = sqlite_file(url)
    database = url.database or ""
    if path is None and url.get_backend_name() == "sqlite" and database.startswith("file:"):
        # A SQLite URI, e.g. file:/path/x.db?mode=ro: name the file.
        path = Path(database.removeprefix("file:").removeprefix("//"))
    if path is not None:
        try:
            return str(Path("~") / path.resolve().relative_to(Path.home()))
        except ValueError:  # not below the home folder
            return str(path)
    if url.host:  # a server: "intake on db-server:5432 as dana", never the password
        where = f"{url.host}:{url.port}" if url.port else url.host
        login = f" as {url.username}" if url.username else ""
        return f"{url.database or '(default database)'} on {where}{login}"
    return url.render_as_string(hide_password=True)


def sqlite_busy_timeout() -> float:
    """Seconds a SQLite connection waits for a lock: ``INTAKE_SQLITE_BUSY_TIMEOUT``, else 30."""
    text = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not text:
        return float(SQLITE_BUSY_TIMEOUT_S)
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 24 * 3600:
        raise DatabaseError(
            f"{BUSY_TIMEOUT_ENV} must be a number of seconds between 0 and 86400, not {text!r}."
        )
    return seconds


def _install_sqlite_hooks(engine: Engine, is_file: bool, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below decide how transactions start,
        # instead of pysqlite's implicit deferred BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            # Overwrite deleted content with zeros (many builds leave it in free pages).
            cursor.execute("PRAGMA secure_delete = ON")
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            if is_file:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(_WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty and readable by its owner only, unless it exists.

    Returns:
        True if the file was created here.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True


def sqlite_files(path: Path) -> list[Path]:
    """The database file and the -wal and -shm files SQLite keeps beside it (those that exist)."""
    candidates = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return [candidate for candidate in candidates if candidate.exists()]


def _prepare_sqlite_file(path: Path) -> None:
    """The folder (0700 when made here) and an empty owner-only file, before SQLite opens it."""
    try:
        path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"Cannot create the folder {path.parent} for the database: {exc.strerror or exc}."
        ) from exc
    try:
        create_private_file(path)
    except OSError as exc:
        raise DatabaseError(f"Cannot create the database {path}: {exc.strerror or exc}.") from exc


def checkpoint_wal(engine: Engine) -> bool:
    """Copy the WAL into a SQLite file database and truncate it to zero bytes.

    Returns:
        True when the WAL was emptied; False when another connection was still
        reading (its old pages stay in the WAL until the next checkpoint) or the
        database is not a SQLite file.
    """
    if sqlite_file(engine.url) is None:
        return False
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            row = cursor.fetchone()
        finally:
            cursor.close()
    finally:
        raw.close()
    # (busy, WAL frames, frames checkpointed); busy is 1 when a reader held it back.
    return row is not None and not row[0]


def dirty_free_pages(path: Path) -> int:
    """How many pages on a SQLite file's freelist still hold bytes other than zeros.

    With ``secure_delete`` on, SQLite zeroes a page as it frees it; a page freed
    before (by an older version of the app, or another tool) may still hold what
    was deleted. Read from the file's own format: the header names the first
    freelist trunk page, each trunk lists its leaf pages and the next trunk.
    Checkpoint the WAL first, or the file may not show the latest freelist.
    """
    with path.open("rb") as handle:
        header = handle.read(100)
        if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
            return 0
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = max(path.stat().st_size // page_size, 1)

        def page(number: int) -> bytes:
            handle.seek((number - 1) * page_size)
            return handle.read(page_size)

        dirty = 0
        trunk = int.from_bytes(header[32:36], "big")
        seen: set[int] = set()
        while 0 < trunk <= pages and trunk not in seen:
            seen.add(trunk)
            data = page(trunk)
            count = min(int.from_bytes(data[4:8], "big"), (page_size - 8) // 4)
            leaves = [int.from_bytes(data[8 + 4 * n : 12 + 4 * n], "big") for n in range(count)]
            if any(data[8 + 4 * count :]):
                dirty += 1
            dirty += sum(1 for leaf in leaves if 0 < leaf <= pages and any(page(leaf)))
            trunk = int.from_bytes(data[0:4], "big")
    return dirty


def vacuum_sqlite(engine: Engine) -> None:
    """Rebuild a SQLite file database, dropping its free pages, then empty the WAL.

    It rewrites the whole file: time and a temporary copy in proportion to its size.
    """
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute("VACUUM")  # the connection is in autocommit: no open transaction
        finally:
            cursor.close()
    finally:
        raw.close()
    checkpoint_wal(engine)


def create_db_engine(url: str | URL) -> Engine:
    """An engine for ``url`` with the app's connection settings."""
    parsed = parse_url(url) if isinstance(url, str) else url
    path = sqlite_file(parsed)
    try:
        if parsed.get_backend_name() == "sqlite":
            busy_timeout = sqlite_busy_timeout()  # a bad setting refused before any file is made
            if path is not None:
                _prepare_sqlite_file(path)
            engine = create_engine(parsed, connect_args={"timeout": busy_timeout})
            _install_sqlite_hooks(engine, is_file=path is not None, busy_timeout=busy_timeout)
        else:
            # A dropped connection (server restart, laptop asleep) is replaced before
            # use; an unreachable server fails in seconds, not minutes.
            connect_args = {"connect_timeout": PG_CONNECT_TIMEOUT_S} if is_pg(parsed) else {}
            engine = create_engine(
                parsed, pool_pre_ping=True, pool_recycle=1800, connect_args=connect_args
            )
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"Cannot use database {describe_url(parsed)}: {exc}.") from exc
    return engine


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise DatabaseError("The app's database migrations are missing.")
    return head


def known_revisions() -> set[str]:
    """Every schema revision this version of the app has a migration for."""
    script = ScriptDirectory.from_config(_alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


def migration_state(engine: Engine, *, name: str | None = None) -> MigrationState:
    """Where the database stands against the app's migrations.

    Args:
        engine: the database.
        name: how to name it in a message (default: from the engine's URL).

    Raises:
        DatabaseError: the database carries a revision this app does not know,
            that is, it was written by a newer version.
    """
    with engine.connect() as connection:
        current_heads = MigrationContext.configure(connection).get_current_heads()
    head = head_revision()
    current = current_heads[0] if current_heads else None
    known = known_revisions()
    unknown = [revision for revision in current_heads if revision not in known]
    if unknown:
        raise DatabaseError(
            f"The database {name or describe_url(engine.url)} was written by a newer version of"
            f" {APP_NAME} (schema revision {unknown[0]}); install that version to open it."
        )
    return MigrationState(current=current, head=head)


def backup_sqlite(path: Path, reason: str, *, target: Path | None = None) -> Path:
    """Copy a SQLite database (WAL included) with the online backup API.

    The copy is one consistent snapshot even while other programs write, and is
    created readable by its owner only: it holds the same personal data.

    Args:
        path: the database file.
        reason: why the copy is made; names the default target.
        target: where to write the copy; it must not exist yet.

    Returns:
        The path of the copy; by default beside the original:
        ``<name>.<reason>-<time>.bak``.
    """
    if target is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = path.with_name(f"{path.name}.{reason}-{stamp}.bak")
    create_new_private_file(target)  # a copy of personal data: owner only
    try:
        source = sqlite3.connect(path)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def sqlite_backups(path: Path) -> list[Path]:
    """The copies :func:`backup_sqlite` left beside ``path``, oldest first."""
    return sorted(path.parent.glob(f"{path.name}.*.bak"))


def _has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


def upgrade(engine: Engine) -> Path | None:
    """Bring the database to the app's schema; back up an existing SQLite file first.

    Returns:
        The backup file made before upgrading, or None when none was needed.
    """
    state = migration_state(engine)
    if state.up_to_date:
        return None
    backup = None
    path = sqlite_file(engine.url)
    if path is not None and path.exists() and _has_tables(engine):
        backup = backup_sqlite(path, f"before-{state.head}")
        log.info("Backed up %s to %s before upgrading it", path, backup)
    with engine.execution_options(**{_WRITE_OPTION: True}).connect() as connection:
        command.upgrade(_alembic_config(connection), "head")
        connection.commit()
    return backup


class Database:
    """An open, migrated database with short read and write sessions.

    Sessions are not thread-safe: a background worker opens its own.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(
            engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
        )

    @property
    def display_name(self) -> str:
        return describe_url(self.url)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; closing it ends its transaction without writing.

        Objects loaded in it stay readable (detached, not expired) afterwards.
        """
        with self._read() as session:
            try:
                yield session
            except SQLAlchemyDatabaseError as exc:
                failure = self._failure(exc)
                if failure is exc:
                    raise
                raise failure from exc

    @contextmanager
    def write(self, *, exclusive: bool = False) -> Iterator[Session]:
        """A session whose work commits as one transaction, or not at all.

        ``exclusive`` is for work that decides who is a new person (imports, merges,
        erasure): such transactions run one at a time, so two people importing the
        same names at once cannot both create them. SQLite runs every write that
        way already (``BEGIN IMMEDIATE``); on PostgreSQL the transaction waits for an
        advisory lock, released when it commits or rolls back.
        """
        with self._write() as session:
            try:
                with session.begin():
                    if exclusive and self.backend == "postgresql":
                        session.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": PEOPLE_LOCK}
                        )
                    yield session
            except SQLAlchemyDatabaseError as exc:
                failure = self._failure(exc)
                if failure is exc:
                    raise
                raise failure from exc

    def _failure(self, exc: SQLAlchemyDatabaseError) -> Exception:
        """What a failed command becomes: the database's refusal, a sentence, or itself."""
        refusal = _refused(exc)
        if refusal is not None:
            return refusal
        return _friendly_or(exc, self.display_name, sqlite=self.backend == "sqlite")

    def login(self) -> str | None:
        """The database login on a server (PostgreSQL); None for SQLite, which has none."""
        if self.backend != "postgresql":
            return None
        with self.read() as session:
            return str(session.scalar(text("SELECT current_user")))

    def server_version(self) -> str:
        """What the server says it is, e.g. "PostgreSQL 15.18" or "SQLite 3.45.1"."""
        if self.backend == "postgresql":
            with self.read() as session:
                version = str(session.scalar(text("SHOW server_version")))
            return f"PostgreSQL {version.split()[0]}"
        return f"SQLite {sqlite3.sqlite_version}"

    def dispose(self) -> None:
        self.engine.dispose()


def _refused(exc: DBAPIError) -> PermissionDeniedError | None:
    """The database's own refusal (PostgreSQL roles and row-level security), in words."""
    if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
        return None
    detail = str(exc.orig).splitlines()[0]
    return PermissionDeniedError(
        f"The database refused: {detail}; your role does not allow this change."
    )


def _driver_text(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig) if orig is not None else str(exc)
    return next(iter(text.splitlines()), "").strip().rstrip(".")


def is_damage(exc: BaseException) -> bool:
    """Whether a database error says the file is damaged or is not a database at all."""
    text = _driver_text(exc).lower()
    return any(sign in text for sign in ("malformed", "not a database", "corrupt"))


def friendly_error(
    exc: BaseException, name: str, *, opening: bool = False, sqlite: bool = True
) -> DatabaseError:
    """One sentence for a failure of the database itself: locked, read-only, damaged, other.

    Args:
        exc: the driver's error (SQLAlchemy's, or ``sqlite3``'s).
        name: the database as shown to a person (:func:`describe_url`).
        opening: the failure came while opening the database, before any command.
        sqlite: the database is a SQLite file (the advice is about files and backups).
    """
    text = _driver_text(exc)
    lower = text.lower()
    if sqlite and ("locked" in lower or "busy" in lower):
        return DatabaseError(
            f"The database {name} is locked by another program that is writing to it;"
            " nothing was written, try again when it has finished."
        )
    if "readonly" in lower or "read-only" in lower:
        where = " (check the permissions of the file and its folder)" if sqlite else ""
        return DatabaseError(f"The database {name} is read-only{where}; nothing was written.")
    if sqlite and "not a database" in lower:
        return not_a_database(name, text)
    if sqlite and is_damage(exc):
        return DatabaseError(
            f"The database {name} is damaged ({text}); nothing was written:"
            f" {RESTORE_HINT}, or list the problems with `intake db check`."
        )
    if opening:
        return DatabaseError(f"Cannot open the database {name}: {text}.")
    return DatabaseError(f"The database {name} failed: {text}.")


def not_a_database(name: str, detail: str = "file is not a database") -> DatabaseError:
    return DatabaseError(
        f"The file {name} is not a SQLite database, or is damaged beyond reading"
        f" ({detail}); it was left as it is: {RESTORE_HINT}."
    )


def _friendly_or(exc: SQLAlchemyDatabaseError, name: str, *, sqlite: bool) -> Exception:
    """The friendly error for a failure of the database; other errors (a broken rule) as they are.

    An ``IntegrityError`` is a constraint the caller may expect and handle; only an
    operational failure or a damaged file becomes a :class:`DatabaseError`.
    """
    if isinstance(exc, IntegrityError):
        return exc
    if isinstance(exc, OperationalError) or (sqlite and is_damage(exc)):
        return friendly_error(exc, name, sqlite=sqlite)
    return exc


def open_database(url: str | URL, *, migrate: bool = True) -> Database:
    """Open ``url``, upgrading its schema (after a backup) when ``migrate`` is true.

    Raises:
        DatabaseError: the database cannot be reached, is newer than the app, is
            not a database, or is behind and ``migrate`` is false.
    """
    engine = create_db_engine(url)
    name = describe_url(engine.url)
    path = sqlite_file(engine.url)
    try:
        if path is not None and path.is_file() and not has_sqlite_header(path):
            # Refused before SQLite opens it: closing it would delete a -wal file beside it.
            raise not_a_database(name)
        if migrate:
            upgrade(engine)
        elif not migration_state(engine).up_to_date:
            raise DatabaseError(f"The database {name} needs an upgrade; open it with the app.")
    except DatabaseError:
        engine.dispose()
        raise
    except (SQLAlchemyError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        sqlite = engine.url.get_backend_name() == "sqlite"
        raise friendly_error(exc, name, opening=True, sqlite=sqlite) from exc
    return Database(engine)
