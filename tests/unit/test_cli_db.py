"""``intake db check|backup|restore``: output, JSON, exit codes and confirmation."""

from __future__ import annotations

import io
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest

from intake_app.db.session import head_revision
from tests.unit.test_cli import ACCEPTANCE_ADD, assert_refused, run


class Terminal(io.StringIO):
    """Standard input as a person at a terminal, who types ``answer``."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "x.db"
    result = run("--db", f"sqlite:///{path.as_posix()}", *ACCEPTANCE_ADD)
    assert result.code == 0, result.err
    return path


def db(path: Path) -> list[str]:
    return ["--db", f"sqlite:///{path.as_posix()}"]


def event_names(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM events ORDER BY id")]


def test_check_prints_ok(db_file: Path) -> None:
    result = run(*db(db_file), "db", "check")

    assert (result.code, result.err) == (0, "")
    assert result.out == (
        f"Database      {db_file} (sqlite {sqlite3.sqlite_version})\n"
        f"Schema        revision {head_revision()} (up to date)\n"
        "Integrity     ok\n"
        "Foreign keys  ok\n"
        "ok\n"
    )


def test_check_json(db_file: Path) -> None:
    result = run(*db(db_file), "db", "check", "--json")

    assert result.code == 0
    report = result.json()
    assert report["ok"] is True
    assert (report["integrity"], report["foreign_keys"]) == ("ok", "ok")
    assert report["revision"] == report["head"] == head_revision()
    assert report["problems"] == []


def test_check_lists_each_problem_and_exits_1(db_file: Path) -> None:
    with closing(sqlite3.connect(db_file)) as connection:
        for _ in range(2):
            connection.execute(
                "INSERT INTO persons (merged_into_id, created_at, updated_at)"
                " VALUES (999, '2025-01-01', '2025-01-01')"
            )
        connection.commit()

    result = run(*db(db_file), "db", "check")

    assert result.code == 1
    problems = [line for line in result.out.splitlines() if line.startswith("Problem: ")]
    assert problems == [
        "Problem: Foreign key: persons row 1 refers to a persons row that does not exist",
        "Problem: Foreign key: persons row 2 refers to a persons row that does not exist",
    ]
    assert result.err == f"intake: The database {db_file} has 2 problems (listed above).\n"


def test_check_of_a_missing_file_does_not_create_it(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"

    result = run(*db(missing), "db", "check")

    assert result.code == 1
    assert f"Problem: There is no database file at {missing}." in result.out
    assert not missing.exists()


def test_backup_prints_the_path_and_json_names_it(db_file: Path, tmp_path: Path) -> None:
    result = run(*db(db_file), "db", "backup")
    target = tmp_path / "monday.db"
    as_json = run(*db(db_file), "db", "backup", "--out", str(target), "--json")

    assert result.code == 0, result.err
    assert result.out.startswith(f"Backed up {db_file} to {tmp_path / 'data' / 'backups'}")
    assert result.out.endswith(" bytes, checked)\n")
    assert as_json.code == 0, as_json.err
    data = as_json.json()
    assert data["backup"] == str(target)
    assert (data["integrity"], data["revision"]) == ("ok", head_revision())
    assert event_names(target) == ["RSA 2025"]


def test_backup_of_a_server_database_prints_the_pg_dump_command(tmp_path: Path) -> None:
    result = run("--db", "postgresql://intake:secret@db.example.org/leads", "db", "backup")

    assert_refused(result, "pg_dump --host=db.example.org --username=intake --format=custom")
    assert "secret" not in result.err
    assert not (tmp_path / "data" / "backups").exists()


def test_restore_without_yes_and_no_terminal_is_refused(
    db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = tmp_path / "monday.db"
    assert run(*db(db_file), "db", "backup", "--out", str(backup)).code == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # a pipe, not a person

    result = run(*db(db_file), "db", "restore", str(backup))

    assert_refused(result, "add --yes to confirm")
    assert not list(tmp_path.glob("x.db.before-restore-*"))


@pytest.mark.parametrize(("answer", "restored"), [("y\n", True), ("\n", False)])
def test_restore_asks_at_a_terminal(
    db_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    restored: bool,
) -> None:
    backup = tmp_path / "monday.db"
    assert run(*db(db_file), "db", "backup", "--out", str(backup)).code == 0
    add = run(*db(db_file), "event", "add", "--name", "Later", "--type", "webcast",
              "--start", "2025-06-01")  # fmt: skip
    assert add.code == 0
    monkeypatch.setattr(sys, "stdin", Terminal(answer))

    result = run(*db(db_file), "db", "restore", str(backup))

    assert f"Replace everything in {db_file} with {backup}?" in capsys.readouterr().err
    if restored:
        assert result.code == 0, result.err
        assert result.out.startswith(f"Restored {db_file} from {backup}")
        assert "The database as it was is kept in" in result.out
        assert event_names(db_file) == ["RSA 2025"]
    else:
        assert_refused(result, "Not restored; nothing was changed.")
        assert event_names(db_file) == ["RSA 2025", "Later"]


def test_restore_yes_json(db_file: Path, tmp_path: Path) -> None:
    backup = tmp_path / "monday.db"
    assert run(*db(db_file), "db", "backup", "--out", str(backup)).code == 0

    result = run(*db(db_file), "db", "restore", str(backup), "--yes", "--json")

    assert result.code == 0, result.err
    data = result.json()
    assert data["restored_from"] == str(backup)
    assert data["safety_backup"].startswith(str(db_file) + ".before-restore-")
    assert (data["revision"], data["upgrade_needed"]) == (head_revision(), False)


def test_restore_refuses_a_backup_from_a_newer_version(db_file: Path, tmp_path: Path) -> None:
    backup = tmp_path / "future.db"
    assert run(*db(db_file), "db", "backup", "--out", str(backup)).code == 0
    with closing(sqlite3.connect(backup)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
        connection.commit()

    result = run(*db(db_file), "db", "restore", str(backup), "--yes")

    assert_refused(result, "newer version", "ffff_future", str(backup))


def test_db_without_an_action_shows_its_help() -> None:
    result = run("db")

    assert result.code == 2
    assert "check" in result.err and "restore" in result.err
