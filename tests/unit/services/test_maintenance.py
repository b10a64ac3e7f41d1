"""check_database, backup_database, restore_database: the service behind ``intake db``."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command

from intake_app.core.errors import DatabaseError, ValidationError
from intake_app.core.events import EventInput, parse_when
from intake_app.db.session import _alembic_config, create_db_engine, head_revision, open_database
from intake_app.services.context import open_context
from intake_app.services.events import EventService
from intake_app.services.maintenance import (
    ServerToolNeededError,
    backup_database,
    check_backup,
    check_database,
    restore_database,
)
from tests.unit.helpers import sqlite_url, start_writer


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_event(path: Path, name: str) -> None:
    ctx = open_context(sqlite_url(path))
    try:
        EventService(ctx).create(
            EventInput(name=name, event_type="webcast", start=parse_when("2025-05-02", "Start"))
        )
    finally:
        ctx.close()


def event_names(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM events ORDER BY id")]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A closed database at the app's schema with one event."""
    path = tmp_path / "intake.db"
    add_event(path, "Kept")
    return path


def set_revision(path: Path, revision: str) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        connection.commit()


def downgrade(path: Path, revision: str) -> None:
    engine = create_db_engine(sqlite_url(path))
    try:
        with engine.connect() as connection:
            command.downgrade(_alembic_config(connection), revision)
            connection.commit()
    finally:
        engine.dispose()


# ----------------------------------------------------------------- check


def test_a_sound_database_checks_ok_and_is_not_touched(database: Path) -> None:
    before = digest(database)

    report = check_database(sqlite_url(database))

    assert report.ok
    assert (report.integrity, report.foreign_keys) == ("ok", "ok")
    assert (report.revision, report.head) == (head_revision(), head_revision())
    assert report.backend == "sqlite"
    assert report.server_version == sqlite3.sqlite_version
    assert report.to_json()["up_to_date"] is True
    assert digest(database) == before


def test_broken_foreign_keys_are_listed(database: Path) -> None:
    with closing(sqlite3.connect(database)) as connection:  # foreign keys off, as a bug might
        connection.execute(
            "INSERT INTO persons (merged_into_id, created_at, updated_at)"
            " VALUES (999, '2025-01-01', '2025-01-01')"
        )
        connection.commit()

    report = check_database(sqlite_url(database))

    assert not report.ok
    assert report.foreign_keys == "failed"
    assert report.problems == (
        "Foreign key: persons row 1 refers to a persons row that does not exist",
    )


def test_an_older_schema_is_a_note_and_is_not_upgraded_by_the_check(database: Path) -> None:
    downgrade(database, "0003")

    report = check_database(sqlite_url(database))

    assert report.ok
    assert report.revision == "0003"
    assert "upgrades it" in report.notes[0]
    assert check_database(sqlite_url(database)).revision == "0003"


def test_a_newer_schema_is_a_problem(database: Path) -> None:
    set_revision(database, "ffff_future")

    report = check_database(sqlite_url(database))

    assert not report.ok
    assert "newer version" in report.problems[0]
    assert "ffff_future" in report.problems[0]


def test_a_database_of_another_program_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE notes (text)")

    report = check_database(sqlite_url(path))

    assert not report.ok
    assert "not a database of Event Lead Intake" in report.problems[0]


def test_a_missing_file_is_a_problem_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "none.db"

    report = check_database(sqlite_url(path))

    assert not report.ok
    assert report.problems == (f"There is no database file at {path}.",)
    assert not path.exists()


def test_an_unreachable_server_is_a_problem_not_a_crash() -> None:
    pytest.importorskip("psycopg")

    report = check_database("postgresql+psycopg://intake:secret@127.0.0.1:1/leads")

    assert not report.ok
    assert report.backend == "postgresql"
    assert report.connection == "failed"
    assert report.problems[0].startswith("Cannot connect to leads on 127.0.0.1:1 as intake:")
    assert "secret" not in " ".join(report.problems)


# ----------------------------------------------------------------- backup


def test_backup_goes_to_the_backups_folder_readable_by_the_owner_only(
    database: Path, isolated_env: Path
) -> None:
    result = backup_database(sqlite_url(database), now=datetime(2025, 5, 2, 9, 30))

    assert result.path == isolated_env / "backups" / "intake-20250502-093000.db"
    assert result.revision == head_revision()
    assert result.size == result.path.stat().st_size
    assert event_names(result.path) == ["Kept"]
    if os.name == "posix":
        assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(result.path.parent.stat().st_mode) == 0o700
    again = backup_database(sqlite_url(database), now=datetime(2025, 5, 2, 9, 30))
    assert again.path.name == "intake-20250502-093000-2.db"  # never over an earlier one


def test_backup_to_a_chosen_file_never_overwrites(database: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    backup_database(sqlite_url(database), target)
    first = digest(target)

    with pytest.raises(ValidationError, match="exists already"):
        backup_database(sqlite_url(database), target)
    with pytest.raises(ValidationError, match="does not exist"):
        backup_database(sqlite_url(database), tmp_path / "no-folder" / "copy.db")

    assert digest(target) == first


@contextmanager
def another_program_writing(path: Path) -> Iterator[None]:
    """Another program in the middle of a write transaction on the database."""
    process = start_writer(path)
    try:
        yield
    finally:
        process.communicate("\n", timeout=10)


def test_backup_works_while_another_program_writes_and_takes_only_committed_data(
    database: Path, tmp_path: Path
) -> None:
    with another_program_writing(database):
        result = backup_database(sqlite_url(database), tmp_path / "copy.db")

    assert event_names(result.path) == ["Kept"]


def test_a_server_database_gets_the_pg_dump_command_and_nothing_is_written(
    isolated_env: Path,
) -> None:
    with pytest.raises(ServerToolNeededError) as caught:
        backup_database(
            "postgresql://intake:secret@db.example.org:5433/leads",
            now=datetime(2025, 5, 2, 9, 30),
        )

    assert caught.value.command == (
        "pg_dump --host=db.example.org --port=5433 --username=intake --format=custom"
        " --file=leads-20250502-093000.dump leads"
    )
    assert caught.value.command in str(caught.value)
    assert "secret" not in str(caught.value)
    assert not (isolated_env / "backups").exists()


def test_backup_of_a_missing_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="There is no database file"):
        backup_database(sqlite_url(tmp_path / "none.db"))
    assert not (tmp_path / "none.db").exists()


# ----------------------------------------------------------------- restore


def test_restore_brings_back_the_backup_and_keeps_the_database_as_it_was(
    database: Path, tmp_path: Path
) -> None:
    backup = backup_database(sqlite_url(database), tmp_path / "monday.db").path
    add_event(database, "Added later")

    result = restore_database(sqlite_url(database), backup)

    assert event_names(database) == ["Kept"]
    assert result.safety_backup is not None
    assert result.safety_backup.parent == database.parent
    assert ".before-restore-" in result.safety_backup.name
    assert event_names(result.safety_backup) == ["Kept", "Added later"]
    assert (result.revision, result.upgrade_needed) == (head_revision(), False)
    assert check_database(sqlite_url(database)).ok
    open_database(sqlite_url(database)).dispose()  # the app opens it as usual


def test_restore_reaches_programs_that_have_the_database_open(
    database: Path, tmp_path: Path
) -> None:
    backup = backup_database(sqlite_url(database), tmp_path / "monday.db").path
    add_event(database, "Added later")
    with closing(sqlite3.connect(database)) as other:  # e.g. the window, idle
        assert other.execute("SELECT count(*) FROM events").fetchone() == (2,)

        restore_database(sqlite_url(database), backup)

        assert other.execute("SELECT name FROM events").fetchall() == [("Kept",)]


def test_restore_waits_for_a_writer_then_refuses_and_changes_nothing(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = backup_database(sqlite_url(database), tmp_path / "monday.db").path
    add_event(database, "Added later")
    monkeypatch.setenv("INTAKE_SQLITE_BUSY_TIMEOUT", "0.2")

    with another_program_writing(database), pytest.raises(DatabaseError, match="locked"):
        restore_database(sqlite_url(database), backup)

    assert event_names(database) == ["Kept", "Added later"]


def test_a_backup_from_a_newer_version_is_refused(database: Path, tmp_path: Path) -> None:
    backup = backup_database(sqlite_url(database), tmp_path / "future.db").path
    set_revision(backup, "ffff_future")
    before = digest(database)

    with pytest.raises(ValidationError, match="newer version") as caught:
        restore_database(sqlite_url(database), backup)

    assert "ffff_future" in str(caught.value)
    assert digest(database) == before
    assert not list(database.parent.glob("*.before-restore-*"))


@pytest.mark.parametrize("kind", ["missing", "not sqlite", "other program", "damaged", "itself"])
def test_a_backup_that_is_not_a_sound_database_of_this_app_is_refused(
    database: Path, tmp_path: Path, kind: str
) -> None:
    backup = tmp_path / "backup.db"
    if kind == "not sqlite":
        backup.write_text("First Name,Email\nAda,ada@example.org\n", encoding="utf-8")
    elif kind == "other program":
        with closing(sqlite3.connect(backup)) as connection:
            connection.execute("CREATE TABLE notes (text)")
    elif kind == "damaged":
        backup_database(sqlite_url(database), backup)
        data = bytearray(backup.read_bytes())
        data[4096 * 3 : 4096 * 6] = b"\xff" * (4096 * 3)
        backup.write_bytes(bytes(data))
    elif kind == "itself":
        backup = database
    before = digest(database)

    with pytest.raises(ValidationError) as caught:
        restore_database(sqlite_url(database), backup)

    assert str(backup) in str(caught.value)
    assert digest(database) == before
    assert not list(database.parent.glob("*.before-restore-*"))


def test_restore_over_a_file_that_is_not_a_database_keeps_its_bytes(
    database: Path, tmp_path: Path
) -> None:
    backup = backup_database(sqlite_url(database), tmp_path / "monday.db").path
    garbage = bytes(range(256)) * 64
    database.write_bytes(garbage)
    Path(f"{database}-wal").write_bytes(b"stale log of the old file")

    result = restore_database(sqlite_url(database), backup)

    assert event_names(database) == ["Kept"]
    assert result.safety_backup is not None
    assert result.safety_backup.read_bytes() == garbage
    assert Path(f"{result.safety_backup}-wal").read_bytes() == b"stale log of the old file"
    assert not Path(f"{database}-wal").exists() or check_database(sqlite_url(database)).ok
    assert "replaced whole" in result.notes[0]
    assert check_database(sqlite_url(database)).ok


def test_restore_into_a_missing_database_creates_it(database: Path, tmp_path: Path) -> None:
    backup = backup_database(sqlite_url(database), tmp_path / "monday.db").path
    new = tmp_path / "new" / "intake.db"
    new.parent.mkdir()

    result = restore_database(sqlite_url(new), backup)

    assert result.safety_backup is None
    assert event_names(new) == ["Kept"]


def test_an_older_backup_is_restored_and_upgraded_when_next_opened(
    database: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.db"
    backup_database(sqlite_url(database), old)
    downgrade(old, "0004")

    result = restore_database(sqlite_url(database), old)

    assert (result.revision, result.upgrade_needed) == ("0004", True)
    open_database(sqlite_url(database)).dispose()
    assert check_database(sqlite_url(database)).revision == head_revision()
    assert list(database.parent.glob(f"intake.db.before-{head_revision()}-*.bak"))


def _with_page_size(source: Path, target: Path, size: int) -> None:
    with closing(sqlite3.connect(target, isolation_level=None)) as copy:
        copy.execute(f"PRAGMA page_size = {size}")
        with closing(sqlite3.connect(source)) as original:
            original.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
        copy.execute(f"PRAGMA page_size = {size}")
        copy.execute("VACUUM")


def test_a_backup_of_another_page_size_replaces_the_file_when_no_one_has_it_open(
    database: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "big-pages.db"
    _with_page_size(database, backup, 8192)
    add_event(database, "Added later")

    with closing(sqlite3.connect(database)) as other, pytest.raises(DatabaseError, match="locked"):
        other.execute("SELECT count(*) FROM events").fetchone()
        restore_database(sqlite_url(database), backup)
    assert event_names(database) == ["Kept", "Added later"]

    restore_database(sqlite_url(database), backup)

    assert event_names(database) == ["Kept"]
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("PRAGMA page_size").fetchone() == (8192,)
    assert check_database(sqlite_url(database)).ok


def test_check_backup_names_the_revision(database: Path, tmp_path: Path) -> None:
    backup = backup_database(sqlite_url(database), tmp_path / "monday.db").path

    assert check_backup(backup) == head_revision()
