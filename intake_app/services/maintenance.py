"""Looking after the database: check it, back it up, restore a backup.

Plain functions over a database URL, for ``intake db`` and (later) a Settings
page. None of them opens the database the usual way: a damaged, locked or newer
database must still be checked, and a restore must work when the current file
does not open at all. Nothing here migrates a database.

SQLite files are checked and copied here; a PostgreSQL server is checked (the
connection, its version, the schema revision) and left to its own tools for
backups, whose exact command the refusal names.
"""

from __future__ import annotations

import shlex
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from intake_app import APP_NAME
from intake_app.core.errors import DatabaseError, ValidationError
from intake_app.db.session import (
    RESTORE_HINT,
    backup_sqlite,
    create_db_engine,
    describe_url,
    friendly_error,
    head_revision,
    is_damage,
    migration_state,
    not_a_database,
    parse_url,
    sqlite_busy_timeout,
    sqlite_file,
)
from intake_app.db.sqlite_files import (
    connect_readonly,
    create_private_file,
    foreign_key_problems,
    has_sqlite_header,
    integrity_problems,
    page_size,
    readonly_engine,
    restore_by_rename,
    restore_in_place,
)
from intake_app.paths import user_data_dir

BACKUP_FOLDER = "backups"


class ServerToolNeededError(DatabaseError):
    """A server database (PostgreSQL) is backed up or restored with the server's tools.

    ``command`` is the command line to run, without the password.
    """

    def __init__(self, message: str, command: str) -> None:
        super().__init__(message)
        self.command = command


@dataclass(frozen=True)
class CheckReport:
    """What ``check_database`` found; ``problems`` empty means the database is sound."""

    database: str
    backend: str
    server_version: str | None
    revision: str | None
    head: str
    integrity: str  # "ok", "failed", or "not checked" (a server, or a file that did not open)
    foreign_keys: str
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    connection: str = "ok"  # a server: "ok" or "failed"; a file that did not open: "failed"

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "backend": self.backend,
            "server_version": self.server_version,
            "revision": self.revision,
            "head": self.head,
            "up_to_date": self.revision == self.head,
            "integrity": self.integrity,
            "foreign_keys": self.foreign_keys,
            "connection": self.connection,
            "ok": self.ok,
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class BackupResult:
    database: str
    path: Path
    size: int
    revision: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "backup": str(self.path),
            "bytes": self.size,
            "revision": self.revision,
            "integrity": "ok",
        }


@dataclass(frozen=True)
class RestoreResult:
    database: str
    restored_from: Path
    safety_backup: Path | None
    revision: str
    head: str
    notes: list[str] = field(default_factory=list)

    @property
    def upgrade_needed(self) -> bool:
        return self.revision != self.head

    def to_json(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "restored_from": str(self.restored_from),
            "safety_backup": None if self.safety_backup is None else str(self.safety_backup),
            "revision": self.revision,
            "head": self.head,
            "upgrade_needed": self.upgrade_needed,
            "notes": self.notes,
        }


def _parse(url: str | URL) -> URL:
    return parse_url(url) if isinstance(url, str) else url


def database_name(url: str | URL) -> str:
    """The database as named to a person: the file path, or the URL without its password."""
    return describe_url(_parse(url))


def _sqlite_path(url: URL, doing: str) -> Path:
    path = sqlite_file(url)
    if path is None:
        raise ValidationError(
            f"Only a SQLite database file can be {doing}, not {describe_url(url)}."
        )
    return path


# ----------------------------------------------------------------- check


def check_database(url: str | URL) -> CheckReport:
    """Check the database at ``url`` without changing it.

    SQLite: ``PRAGMA integrity_check``, ``PRAGMA foreign_key_check`` and the
    schema revision, on a read-only connection. A server: the connection, the
    server's version and the schema revision.
    """
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        return _check_sqlite(_sqlite_path(parsed, "checked"), describe_url(parsed))
    return _check_server(parsed)


def _revision_findings(
    engine_state: tuple[str | None, bool], head: str, name: str
) -> tuple[list[str], list[str]]:
    revision, has_tables = engine_state
    problems: list[str] = []
    notes: list[str] = []
    if revision is None:
        if has_tables:
            problems.append(
                f"{name} has tables but no schema revision: it is not a database of {APP_NAME}."
            )
        else:
            notes.append(f"{name} is empty; {APP_NAME} creates its tables when it first opens it.")
    elif revision != head:
        notes.append(
            f"Schema revision {revision} is older than the app's ({head}); the app upgrades it,"
            " after a backup, when it next opens it."
        )
    return problems, notes


def _check_sqlite(path: Path, name: str) -> CheckReport:
    head = head_revision()

    def report(
        problems: list[str],
        integrity: str = "not checked",
        fks: str = "not checked",
        *,
        connection: str = "ok",
        revision: str | None = None,
        notes: tuple[str, ...] = (),
    ) -> CheckReport:
        return CheckReport(
            database=name,
            backend="sqlite",
            server_version=sqlite3.sqlite_version,
            revision=revision,
            head=head,
            integrity=integrity,
            foreign_keys=fks,
            problems=tuple(problems),
            notes=notes,
            connection=connection,
        )

    if not path.is_file():
        return report([f"There is no database file at {name}."], connection="failed")
    try:
        if not has_sqlite_header(path):
            return report(
                [f"{name} is not a SQLite database (its first bytes are not SQLite's)."], "failed"
            )
        with closing(connect_readonly(path)) as connection:
            integrity = integrity_problems(connection)
            fks = [] if integrity else foreign_key_problems(connection)
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            # Damage in a page the check itself needs stops it: there is no list, only this.
            return report([f"Integrity: {_text(exc)} (the check stopped there)."], "failed")
        return report([f"{name} cannot be read: {_text(exc)}."], connection="failed")
    except OSError as exc:
        return report([f"{name} cannot be read: {exc.strerror or exc}."], connection="failed")
    if integrity:
        return report([f"Integrity: {line}" for line in integrity], "failed")
    problems = [f"Foreign key: {line}" for line in fks]
    try:
        state = _read_revision(path, name)
    except DatabaseError as exc:  # written by a newer version
        return report([*problems, str(exc)], "ok", "failed" if fks else "ok")
    more, notes = _revision_findings(state, head, name)
    return report(
        problems + more,
        "ok",
        "failed" if fks else "ok",
        revision=state[0],
        notes=tuple(notes),
    )


def _read_revision(path: Path, name: str, *, immutable: bool = False) -> tuple[str | None, bool]:
    """The stored schema revision and whether the file has any tables.

    Raises:
        DatabaseError: the revision is one this app does not know (a newer version).
    """
    engine = readonly_engine(path, immutable=immutable)
    try:
        state = migration_state(engine, name=name)
        has_tables = bool(inspect(engine).get_table_names())
    except SQLAlchemyError as exc:
        raise friendly_error(exc, name, opening=True) from exc
    finally:
        engine.dispose()
    return state.current, has_tables


def _check_server(url: URL) -> CheckReport:
    name = describe_url(url)
    head = head_revision()
    problems: list[str] = []
    notes: list[str] = []
    version: str | None = None
    revision: str | None = None
    connected = False

    def report() -> CheckReport:
        return CheckReport(
            database=name,
            backend=url.get_backend_name(),
            server_version=version,
            revision=revision,
            head=head,
            integrity="not checked",
            foreign_keys="not checked",
            problems=tuple(problems),
            notes=tuple(notes),
            connection="ok" if connected else "failed",
        )

    try:
        engine = create_db_engine(url)
    except DatabaseError as exc:  # e.g. the driver is not installed
        problems.append(str(exc))
        return report()
    try:
        with engine.connect() as connection:
            connected = True
            info = connection.dialect.server_version_info
            version = ".".join(str(part) for part in info) if info else None
            has_tables = bool(inspect(connection).get_table_names())
        revision = migration_state(engine, name=name).current
        problems, notes = _revision_findings((revision, has_tables), head, name)
    except DatabaseError as exc:  # a revision this app does not know
        problems.append(str(exc))
    except SQLAlchemyError as exc:
        problems.append(f"Cannot connect to {name}: {_text(exc)}.")
    finally:
        engine.dispose()
    return report()


def _text(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig) if orig is not None else str(exc)
    return next(iter(text.splitlines()), "").strip().rstrip(".") or type(exc).__name__


# ----------------------------------------------------------------- backup


def server_tool_command(url: URL, tool: str, file: str) -> str:
    """The command that backs up (``pg_dump``) or restores (``pg_restore``) a server database.

    Host, port, user and database come from the URL; the password never appears
    (the tool asks for it, or reads ``PGPASSWORD``/``~/.pgpass``).
    """
    words = [tool]
    if url.host:
        words.append(f"--host={url.host}")
    if url.port:
        words.append(f"--port={url.port}")
    if url.username:
        words.append(f"--username={url.username}")
    database = url.database or ""
    if tool == "pg_dump":
        words += ["--format=custom", f"--file={file}", database]
    else:
        words += ["--clean", "--if-exists", f"--dbname={database}", file]
    return shlex.join(words)


def server_backup_command(url: URL, now: datetime | None = None) -> str:
    """The ``pg_dump`` command that backs up a server database to a dated file."""
    return server_tool_command(url, "pg_dump", f"{url.database or 'intake'}-{_stamp(now)}.dump")


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


def default_backup_path(database: Path, now: datetime | None = None) -> Path:
    """``backups/<name>-<date>-<time>.db`` in the user data folder; never an existing file."""
    folder = user_data_dir() / BACKUP_FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    base = f"{database.stem}-{_stamp(now)}"
    candidate = folder / f"{base}.db"
    number = 1
    while candidate.exists():
        number += 1
        candidate = folder / f"{base}-{number}.db"
    return candidate


def backup_database(
    url: str | URL, out: Path | None = None, *, now: datetime | None = None
) -> BackupResult:
    """Copy the SQLite database at ``url`` to ``out`` (default: the backups folder).

    The copy is made with SQLite's online backup API (consistent while other
    programs write), created readable by its owner only, and checked with
    ``PRAGMA integrity_check``; a copy that fails the check is deleted.

    Raises:
        ServerToolNeededError: the database is on a server; nothing was written.
        DatabaseError: there is no database, it is damaged, or the copy failed.
        ValidationError: ``out`` exists already or its folder does not.
    """
    parsed = _parse(url)
    if parsed.get_backend_name() != "sqlite":
        command = server_backup_command(parsed, now)
        raise ServerToolNeededError(
            f"{describe_url(parsed)} is on a database server, which intake does not copy;"
            f" back it up with the server's tool: {command} (it asks for the password).",
            command,
        )
    path = _sqlite_path(parsed, "backed up")
    name = describe_url(parsed)
    if not path.is_file():
        raise DatabaseError(f"There is no database file at {name} to back up.")
    if not has_sqlite_header(path):
        raise not_a_database(name)
    if out is not None:
        if out.exists():
            raise ValidationError(f"{out} exists already; a backup never overwrites a file.")
        if not out.parent.is_dir():
            raise ValidationError(f"The folder {out.parent} for the backup does not exist.")
    target = out if out is not None else default_backup_path(path, now)
    try:
        backup_sqlite(path, "backup", target=target)
    except FileExistsError as exc:
        raise ValidationError(
            f"{target} exists already; a backup never overwrites a file."
        ) from exc
    except sqlite3.Error as exc:
        raise friendly_error(exc, name, opening=True) from exc
    except OSError as exc:
        raise DatabaseError(f"Cannot write the backup {target}: {exc.strerror or exc}.") from exc
    try:
        with closing(connect_readonly(target, immutable=True)) as copy:
            problems = integrity_problems(copy)
        revision = None if problems else _read_revision(target, str(target), immutable=True)[0]
    except (sqlite3.Error, DatabaseError) as exc:
        problems = [_text(exc)]
    if problems:
        target.unlink(missing_ok=True)
        raise DatabaseError(
            f"The database {name} is damaged ({problems[0]}), so no backup was made:"
            f" {RESTORE_HINT}, or list the problems with `intake db check`."
        )
    return BackupResult(database=name, path=target, size=target.stat().st_size, revision=revision)


# ----------------------------------------------------------------- restore


def check_backup(backup: Path) -> str:
    """Make sure ``backup`` is a sound SQLite database of this app; return its revision.

    Raises:
        ValidationError: it is missing, not a SQLite database, damaged, not this
            app's, or from a newer version of the app.
    """
    if not backup.is_file():
        raise ValidationError(f"There is no backup file at {backup}.")
    try:
        if not has_sqlite_header(backup) or backup.stat().st_size == 0:
            raise ValidationError(f"{backup} is not a SQLite database, so it cannot be restored.")
        with closing(connect_readonly(backup, immutable=True)) as connection:
            problems = integrity_problems(connection) or foreign_key_problems(connection)
    except (sqlite3.Error, OSError) as exc:
        raise ValidationError(f"{backup} cannot be read as a database: {_text(exc)}.") from exc
    if problems:
        raise ValidationError(f"The backup {backup} is damaged ({problems[0]}); it was not used.")
    try:
        revision, _tables = _read_revision(backup, f"backup {backup}", immutable=True)
    except DatabaseError as exc:  # from a newer version of the app
        raise ValidationError(str(exc)) from exc
    if revision is None:
        raise ValidationError(
            f"{backup} is not a database of {APP_NAME} (it has no schema revision);"
            " it was not restored."
        )
    return revision


def _safety_copy(live: Path) -> Path:
    """Keep the current database before it is replaced: a SQLite copy, else its bytes."""
    if has_sqlite_header(live):  # (SQLite would delete the -wal of a file that is not its own)
        try:
            return backup_sqlite(live, "before-restore")
        except sqlite3.Error:
            pass  # damaged beyond copying page by page: keep the bytes as they are
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = live.with_name(f"{live.name}.before-restore-{stamp}.bak")
    create_private_file(target)
    shutil.copyfile(live, target)
    wal = Path(f"{live}-wal")
    if wal.exists():
        create_private_file(Path(f"{target}-wal"))
        shutil.copyfile(wal, Path(f"{target}-wal"))
    return target


def _how_to_restore(live: Path, backup: Path) -> str:
    """How the live file takes the backup.

    ``"new"``: there is none; ``"in place"``: it opens and takes the backup page by
    page; ``"rename"``: it is a database of another page size; ``"replace"``: it
    does not open as a database.
    """
    if not live.exists():
        return "new"
    try:
        if not has_sqlite_header(live):
            return "replace"
        with (
            closing(connect_readonly(live)) as current,
            closing(connect_readonly(backup, immutable=True)) as source,
        ):
            current.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return "in place" if page_size(current) == page_size(source) else "rename"
    except sqlite3.Error:
        return "replace"


def restore_database(url: str | URL, backup: Path) -> RestoreResult:
    """Replace the SQLite database at ``url`` with ``backup``, keeping a safety copy first.

    The backup is checked first (sound, this app's, not newer). The current
    database, if any, is copied beside itself (``<name>.before-restore-<time>.bak``).
    A database that opens takes the backup in one write transaction (the online
    backup API); a missing or unreadable file is replaced by renaming a checked
    copy over it. A backup older than the app is upgraded when the app next opens it.

    Raises:
        ServerToolNeededError: the database is on a server; nothing was changed.
        ValidationError: the backup cannot be used; nothing was changed.
        DatabaseError: the database is locked or read-only; nothing was changed.
    """
    parsed = _parse(url)
    if parsed.get_backend_name() != "sqlite":
        command = server_tool_command(parsed, "pg_restore", str(backup))
        raise ServerToolNeededError(
            f"{describe_url(parsed)} is on a database server, which intake does not restore;"
            f" restore a pg_dump backup with the server's tool: {command}.",
            command,
        )
    live = _sqlite_path(parsed, "restored")
    name = describe_url(parsed)
    revision = check_backup(backup)
    if live.exists() and live.resolve() == backup.resolve():
        raise ValidationError(f"{backup} is the database itself; choose a backup file.")
    if not live.parent.is_dir():
        raise ValidationError(f"The folder {live.parent} of the database does not exist.")
    how = _how_to_restore(live, backup)
    notes: list[str] = []
    try:
        safety = _safety_copy(live) if how != "new" else None
        if how == "in place":
            try:
                restore_in_place(backup, live, sqlite_busy_timeout())
            except sqlite3.DatabaseError as exc:
                if not is_damage(exc):
                    raise
                how = "replace"  # damaged where the copy needs to read: replace it whole
        if how != "in place":
            restore_by_rename(backup, live, live_is_database=how == "rename")
        if how == "replace":
            notes.append(f"{name} did not open as a database; it was replaced whole.")
    except sqlite3.Error as exc:
        raise friendly_error(exc, name) from exc
    except OSError as exc:
        raise DatabaseError(f"Cannot restore {name}: {exc.strerror or exc}.") from exc
    if safety is not None:
        notes.append(f"The database as it was is kept in {safety}.")
    head = head_revision()
    if revision != head:
        notes.append(
            f"The backup has schema revision {revision}; the app upgrades it to {head}"
            " (after a backup) when it next opens it."
        )
    return RestoreResult(
        database=name,
        restored_from=backup,
        safety_backup=safety,
        revision=revision,
        head=head,
        notes=notes,
    )
