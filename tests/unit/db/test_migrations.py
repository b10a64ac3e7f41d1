from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect, select, text

from intake_app.core.errors import DatabaseError
from intake_app.db.base import Base, UTCDateTime
from intake_app.db.models import AuditEntry
from intake_app.db.session import Database, head_revision, open_database
from intake_app.paths import migrations_dir

TABLES = {
    "events",
    "import_batches",
    "source_rows",
    "persons",
    "leads",
    "duplicate_candidates",
    "merge_decisions",
    "audit_log",
    "sla_stamps",
    "mapping_templates",
    "team_members",
    "sla_notifications",
    "app_settings",
    "exports",
    "exported_leads",
}


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    try:
        yield database
    finally:
        database.dispose()


def raw_tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def stored_revision(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]


def backups_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.*.bak"))


# ----------------------------------------------------------------- migrations


def test_open_creates_every_table_through_alembic(db_path: Path, db: Database) -> None:
    assert raw_tables(db_path) >= TABLES | {"alembic_version"}
    assert stored_revision(db_path) == [head_revision()]
    assert head_revision() == "0006"
    assert backups_of(db_path) == []  # a new file has nothing to back up


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)

    assert differences == []


def test_models_declare_every_migrated_table(db: Database) -> None:
    assert set(Base.metadata.tables) == TABLES
    assert set(inspect(db.engine).get_table_names()) == TABLES | {"alembic_version"}


def test_reopening_an_up_to_date_database_changes_nothing(db_path: Path, db_url: str) -> None:
    open_database(db_url).dispose()
    open_database(db_url).dispose()

    assert backups_of(db_path) == []
    assert stored_revision(db_path) == [head_revision()]


def test_downgrade_then_reopen_upgrades_again_after_a_backup(db_path: Path, db_url: str) -> None:
    database = open_database(db_url)
    try:
        with database.engine.connect() as conn:
            config = Config()
            config.set_main_option("script_location", str(migrations_dir()))
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
            conn.commit()
    finally:
        database.dispose()
    assert raw_tables(db_path) == {"alembic_version"}
    assert stored_revision(db_path) == []

    open_database(db_url).dispose()

    assert raw_tables(db_path) >= TABLES
    assert stored_revision(db_path) == [head_revision()]
    backups = backups_of(db_path)
    assert len(backups) == 1
    assert backups[0].parent == db_path.parent
    assert f"before-{head_revision()}" in backups[0].name
    # The backup is a copy of the database as it was: downgraded, no app tables.
    assert raw_tables(backups[0]) == {"alembic_version"}


def test_database_from_a_newer_version_is_refused(db_path: Path, db_url: str) -> None:
    open_database(db_url).dispose()
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
        conn.commit()

    with pytest.raises(DatabaseError) as caught:
        open_database(db_url)

    assert "newer version" in str(caught.value)
    assert "ffff_future" in str(caught.value)
    assert stored_revision(db_path) == ["ffff_future"]  # left alone
    assert backups_of(db_path) == []


def test_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    garbage = bytes(range(256)) * 64
    path.write_bytes(garbage)

    with pytest.raises(DatabaseError) as caught:
        open_database(f"sqlite:///{path.as_posix()}")

    assert str(path) in str(caught.value)
    assert path.read_bytes() == garbage  # untouched


def test_invalid_url_is_refused() -> None:
    with pytest.raises(DatabaseError):
        open_database("not a url")


# ----------------------------------------------------------------- connections


@pytest.mark.sqlite_only
def test_session_connections_use_wal_and_foreign_keys(db: Database) -> None:
    with db.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    with db.write() as session:
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def _try_begin_immediate(path: Path) -> None:
    """BEGIN IMMEDIATE from a separate connection, giving up after 0.1 s."""
    with closing(sqlite3.connect(path, timeout=0.1, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")


def test_write_session_takes_the_write_lock_up_front(db_path: Path, db: Database) -> None:
    with db.write() as session:
        session.execute(text("SELECT 1"))  # starts the transaction; nothing written yet
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            _try_begin_immediate(db_path)


def test_read_session_does_not_take_the_write_lock(db_path: Path, db: Database) -> None:
    with db.read() as session:
        session.execute(select(AuditEntry)).all()
        _try_begin_immediate(db_path)  # does not raise


def test_write_session_commits_as_a_whole_or_not_at_all(db: Database) -> None:
    with pytest.raises(RuntimeError), db.write() as session:
        session.add(AuditEntry(user="tester", action="create", entity="event"))
        session.flush()
        raise RuntimeError("boom")
    with db.read() as session:
        assert session.scalars(select(AuditEntry)).all() == []

    with db.write() as session:
        session.add(AuditEntry(user="tester", action="create", entity="event"))
    with db.read() as session:
        assert len(session.scalars(select(AuditEntry)).all()) == 1


# ----------------------------------------------------------------- UTCDateTime


def test_utc_datetime_round_trips_aware_datetimes(db: Database) -> None:
    berlin_summer = timezone(timedelta(hours=2))
    at = datetime(2025, 4, 28, 18, 30, 5, 123456, tzinfo=berlin_summer)

    with db.write() as session:
        session.add(AuditEntry(at=at, user="tester", action="create", entity="event"))
    with db.read() as session:
        stored = session.scalars(select(AuditEntry.at)).one()
        naive_in_file = session.execute(text("SELECT at FROM audit_log")).scalar()

    assert stored == at
    assert stored.tzinfo is UTC
    assert stored.hour == 16
    assert str(naive_in_file).startswith("2025-04-28 16:30:05")  # stored as naive UTC


def test_utc_datetime_refuses_naive_datetimes(db: Database) -> None:
    naive = datetime(2025, 4, 28, 18, 30)

    with pytest.raises(ValueError, match="aware"):
        UTCDateTime().process_bind_param(naive, db.engine.dialect)
    with pytest.raises(sa_exc.StatementError) as caught, db.write() as session:
        session.add(AuditEntry(at=naive, user="tester", action="create", entity="event"))
        session.flush()
    assert isinstance(caught.value.orig, ValueError)
    with db.read() as session:
        assert session.scalars(select(AuditEntry)).all() == []


def test_utc_datetime_passes_none_through(db: Database) -> None:
    column_type = UTCDateTime()

    assert column_type.process_bind_param(None, db.engine.dialect) is None
    assert column_type.process_result_value(None, db.engine.dialect) is None


def test_a_database_from_the_previous_version_is_backed_up_upgraded_and_kept(
    db_path: Path, db_url: str
) -> None:
    from alembic import command

    from intake_app.db.session import _alembic_config, create_db_engine

    database = open_database(db_url)
    database.dispose()
    engine = create_db_engine(db_url)
    with engine.connect() as conn:
        command.downgrade(_alembic_config(conn), "0001")
        conn.commit()
    engine.dispose()
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute(
            "INSERT INTO events (name, event_type, start_at, start_has_time, end_at, end_has_time,"
            " timezone, sla_policy, created_at, created_by, updated_at) VALUES ('Kept', 'webcast',"
            " '2025-01-01 00:00:00', 0, '2025-01-01 23:59:59', 0, 'UTC', 'webcast',"
            " '2025-01-01 00:00:00', 'old', '2025-01-01 00:00:00')"
        )
        conn.commit()
    assert stored_revision(db_path) == ["0001"]

    reopened = open_database(db_url)
    reopened.dispose()

    assert stored_revision(db_path) == [head_revision()]
    assert "mapping_templates" in raw_tables(db_path)
    [backup] = backups_of(db_path)
    assert f"before-{head_revision()}" in backup.name
    assert stored_revision(backup) == ["0001"]
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT name FROM events").fetchall() == [("Kept",)]
