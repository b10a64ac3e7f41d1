"""The SQLite file itself: owner-only permissions, secure_delete, the freelist check.

These are about SQLite files, so they open their own instead of the suite's database.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from intake_app.db.session import (
    backup_sqlite,
    checkpoint_wal,
    dirty_free_pages,
    open_database,
    sqlite_files,
)
from intake_app.paths import default_database_path, user_data_dir
from tests.unit.helpers import sqlite_url as file_url

posix_only = pytest.mark.skipif(
    sys.platform == "win32", reason="Windows keeps the profile folder's ACL, not POSIX modes"
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def relaxed_umask():
    """A umask that would leave files world-readable, as on many desktops."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@posix_only
def test_a_new_database_and_its_wal_files_are_owner_only(tmp_path, relaxed_umask):
    db_path = tmp_path / "private.db"
    database = open_database(file_url(db_path))
    try:
        with database.write() as session:
            session.execute(text("SELECT 1"))
        files = sqlite_files(db_path)
        assert {path.name for path in files} == {
            db_path.name, f"{db_path.name}-wal", f"{db_path.name}-shm",
        }  # fmt: skip
        assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
    finally:
        database.dispose()


@posix_only
def test_the_default_data_folder_is_owner_only(tmp_path, monkeypatch, relaxed_umask):
    monkeypatch.setenv("INTAKE_DATA_DIR", str(tmp_path / "fresh" / "EventLeadIntake"))
    folder = user_data_dir()
    assert mode(folder) == 0o700
    database = open_database(file_url(default_database_path()))
    database.dispose()
    assert mode(default_database_path()) == 0o600


@posix_only
def test_a_folder_made_for_a_database_elsewhere_is_owner_only(tmp_path, relaxed_umask):
    target = tmp_path / "team" / "leads.db"
    open_database(file_url(target)).dispose()
    assert (mode(target.parent), mode(target)) == (0o700, 0o600)


@posix_only
def test_backups_are_owner_only(tmp_path, relaxed_umask):
    db_path = tmp_path / "private.db"
    open_database(file_url(db_path)).dispose()
    backup = backup_sqlite(db_path, "before-test")
    assert mode(backup) == 0o600
    with closing(sqlite3.connect(backup)) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)


def test_every_connection_turns_on_secure_delete(tmp_path):
    database = open_database(file_url(tmp_path / "private.db"))
    try:
        for _ in range(3):
            with database.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        with database.read() as session:
            assert session.execute(text("PRAGMA secure_delete")).scalar() == 1
    finally:
        database.dispose()


def test_dirty_free_pages_sees_what_plain_deletes_leave(tmp_path):
    for setting, expected_dirty in (("OFF", True), ("ON", False)):
        path = tmp_path / f"free-{setting}.db"
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA secure_delete = {setting}")
            conn.execute("CREATE TABLE t (value TEXT)")
            conn.executemany("INSERT INTO t VALUES (?)", [("secret " * 80,) for _ in range(100)])
            conn.execute("DELETE FROM t")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            assert conn.execute("PRAGMA freelist_count").fetchone()[0] > 0
        assert (dirty_free_pages(path) > 0) is expected_dirty
        assert (b"secret" in path.read_bytes()) is expected_dirty


def test_checkpoint_empties_the_wal(tmp_path):
    db_path = tmp_path / "private.db"
    database = open_database(file_url(db_path))
    try:
        with database.write() as session:
            session.execute(text("CREATE TABLE scratch (v TEXT)"))
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.stat().st_size > 0
        assert checkpoint_wal(database.engine) is True
        assert wal.stat().st_size == 0
    finally:
        database.dispose()


def test_checkpoint_on_memory_or_other_backends_says_no():
    database = open_database("sqlite://")
    try:
        assert checkpoint_wal(database.engine) is False
    finally:
        database.dispose()
