"""A locked, read-only or damaged SQLite file: one clear sentence, and the file left as it was."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.unit.helpers import child_env, start_writer
from tests.unit.helpers import run_cli as run
from tests.unit.helpers import sqlite_url as url

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data"


def refused(*argv: str) -> str:
    """Exit 1, nothing on stdout, one sentence on stderr; returns the sentence."""
    code, out, err = run(*argv)
    assert (code, out) == (1, ""), err
    assert err.startswith("intake: ") and err.count("\n") == 1, err
    assert "unexpected" not in err and "Traceback" not in err, err
    return err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def new_event(path: Path, name: str = "Expo") -> int:
    code, out, err = run(
        "--db", url(path), "event", "add", "--name", name, "--type", "tradeshow",
        "--start", "2025-03-12", "--json",
    )  # fmt: skip
    assert code == 0, err
    return int(json.loads(out)["id"])


def event_names(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM events ORDER BY id")]


# ----------------------------------------------------------------- (a) locked


@pytest.fixture
def locked_database(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A database with one event, another process holding a write transaction on it."""
    path = tmp_path / "shared.db"
    new_event(path)
    locker = start_writer(path)
    try:
        yield path, locker
    finally:
        if locker.poll() is None:
            locker.communicate("\n", timeout=10)


def release(locker: subprocess.Popen[str]) -> None:
    locker.communicate("\n", timeout=10)
    assert locker.returncode == 0


def test_a_write_to_a_database_locked_by_another_program_is_refused_after_the_timeout(
    locked_database: tuple[Path, subprocess.Popen[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, locker = locked_database
    monkeypatch.setenv("INTAKE_SQLITE_BUSY_TIMEOUT", "0.2")

    started = time.monotonic()
    message = refused(
        "--db", url(path), "event", "add", "--name", "Second", "--type", "webcast",
        "--start", "2025-04-01",
    )  # fmt: skip
    waited = time.monotonic() - started
    importing = refused(
        "--db", url(path), "import", str(DATA / "imports" / "badge_scan.csv"), "--event", "1"
    )

    assert message == (
        f"intake: The database {path} is locked by another program that is writing to it;"
        " nothing was written, try again when it has finished.\n"
    )
    assert importing == message
    assert 0.2 <= waited < 10
    # Reading is not blocked by a writer (WAL).
    code, out, _ = run("--db", url(path), "event", "list", "--json")
    assert code == 0 and [event["name"] for event in json.loads(out)] == ["Expo"]
    release(locker)
    assert event_names(path) == ["Expo"]
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT count(*) FROM import_batches").fetchone() == (0,)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_write_waits_for_a_short_lock_instead_of_failing(
    locked_database: tuple[Path, subprocess.Popen[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, locker = locked_database
    monkeypatch.setenv("INTAKE_SQLITE_BUSY_TIMEOUT", "20")
    threading.Timer(0.3, release, [locker]).start()

    code, _out, err = run(
        "--db", url(path), "event", "add", "--name", "Second", "--type", "webcast",
        "--start", "2025-04-01",
    )  # fmt: skip

    assert code == 0, err
    assert event_names(path) == ["Expo", "Second"]


def test_a_bad_busy_timeout_is_a_clear_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTAKE_SQLITE_BUSY_TIMEOUT", "soon")

    message = refused("--db", url(tmp_path / "x.db"), "event", "list")

    assert "INTAKE_SQLITE_BUSY_TIMEOUT must be a number of seconds" in message
    assert not (tmp_path / "x.db").exists()


# ----------------------------------------------------------------- (b) read-only


def test_a_database_opened_read_only_by_its_url_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    new_event(path)
    before = digest(path)
    read_only = f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true"

    code, out, err = run("--db", read_only, "event", "list", "--json")
    message = refused(
        "--db", read_only, "event", "add", "--name", "Second", "--type", "webcast",
        "--start", "2025-04-01",
    )  # fmt: skip

    assert code == 0, err
    assert [event["name"] for event in json.loads(out)] == ["Expo"]
    assert message == (
        f"intake: The database {path} is read-only (check the permissions of the file and its"
        " folder); nothing was written.\n"
    )
    assert digest(path) == before


def _without_root_powers() -> list[str] | None:
    """How to run a child that file permissions bind, or None when it cannot be done here.

    Root ignores permission bits (CAP_DAC_OVERRIDE): a child is started by
    ``setpriv`` with that capability (and its read-only sibling) dropped, so the
    owner's ``r--`` binds it like anyone else.
    """
    if os.name != "posix":
        return None
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def run_bound_by_permissions(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    prefix = _without_root_powers()
    if prefix is None:
        pytest.skip("running as root without setpriv: permission bits do not bind this process")
    return subprocess.run(
        [*prefix, sys.executable, "-m", "intake_app", *argv],
        capture_output=True,
        text=True,
        env=child_env(tmp_path / "child"),
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def read_only_file(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "share"
    folder.mkdir()
    path = folder / "shared.db"
    new_event(path)
    path.chmod(0o444)
    try:
        yield path
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)


def test_a_read_only_file_is_read_but_not_written(read_only_file: Path, tmp_path: Path) -> None:
    before = digest(read_only_file)

    listed = run_bound_by_permissions(tmp_path, "--db", url(read_only_file), "event", "list")
    added = run_bound_by_permissions(
        tmp_path, "--db", url(read_only_file), "event", "add", "--name", "Second",
        "--type", "webcast", "--start", "2025-04-01",
    )  # fmt: skip

    assert listed.returncode == 0, listed.stderr
    assert "Expo" in listed.stdout
    assert (added.returncode, added.stdout) == (1, "")
    assert added.stderr == (
        f"intake: The database {read_only_file} is read-only (check the permissions of the file"
        " and its folder); nothing was written.\n"
    )
    assert digest(read_only_file) == before
    assert event_names(read_only_file) == ["Expo"]


def test_a_read_only_file_in_a_read_only_folder_is_refused_whole(
    read_only_file: Path, tmp_path: Path
) -> None:
    before = digest(read_only_file)
    read_only_file.parent.chmod(0o555)  # no -wal and -shm files can be made beside it

    listed = run_bound_by_permissions(tmp_path, "--db", url(read_only_file), "event", "list")

    assert (listed.returncode, listed.stdout) == (1, "")
    assert listed.stderr == (
        f"intake: The database {read_only_file} is read-only (check the permissions of the file"
        " and its folder); nothing was written.\n"
    )
    assert digest(read_only_file) == before


# ----------------------------------------------------------------- (c) damaged


@pytest.fixture(scope="module")
def stored_leads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed database with an event and a few thousand leads: pages to damage."""
    folder = tmp_path_factory.mktemp("damaged")
    leads = folder / "leads.csv"
    lines = ["First Name,Last Name,Email,Company"]
    lines += [
        f"Ada{n},Lovelace{n},ada{n}@engines{n % 50}.example,Engines {n % 50}" for n in range(3000)
    ]
    leads.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = folder / "stored.db"
    event = new_event(path)
    code, _out, err = run("--db", url(path), "import", str(leads), "--event", str(event))
    assert code == 0, err
    assert not Path(f"{path}-wal").exists()
    return path


def damaged(stored: Path, tmp_path: Path, how: str) -> Path:
    data = bytearray(stored.read_bytes())
    page = 4096
    pages = len(data) // page
    if how == "garbage":  # not a database at all
        data = bytearray(bytes(range(256)) * (len(data) // 256))
    elif how == "truncated":  # cut off half-way, e.g. a copy that did not finish
        data = data[: pages // 2 * page]
    elif how == "garbled":  # a run of pages in the middle overwritten
        start = pages * 2 // 5 * page
        data[start : start + pages // 5 * page] = b"\x5a" * (pages // 5 * page)
    path = tmp_path / f"{how}.db"
    path.write_bytes(bytes(data))
    return path


def assert_damage_message(message: str, path: Path) -> None:
    assert message.startswith(f"intake: The {'file' if 'not a SQLite' in message else 'database'}")
    assert str(path) in message
    assert "intake db restore" in message


@pytest.mark.parametrize("how", ["garbage", "truncated", "garbled"])
def test_a_damaged_database_is_named_with_the_way_out_and_left_as_it_is(
    stored_leads: Path, tmp_path: Path, how: str
) -> None:
    path = damaged(stored_leads, tmp_path, how)
    before = digest(path)

    listing = refused("--db", url(path), "leads", "--event", "1")
    importing = refused(
        "--db", url(path), "import", str(DATA / "imports" / "badge_scan.csv"), "--event", "1",
        "--force",
    )  # fmt: skip
    code, out, err = run("--db", url(path), "db", "check", "--json")
    backing_up = refused("--db", url(path), "db", "backup")

    for message in (listing, importing, backing_up):
        assert_damage_message(message, path)
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False and report["integrity"] == "failed"
    assert report["problems"]
    assert "intake db restore" in err
    assert digest(path) == before
    backups = tmp_path / "data" / "backups"  # the data folder of the isolated environment
    assert not backups.exists() or not any(backups.iterdir())


def test_a_file_that_is_not_a_database_gets_one_sentence(
    stored_leads: Path, tmp_path: Path
) -> None:
    path = damaged(stored_leads, tmp_path, "garbage")

    message = refused("--db", url(path), "event", "list")

    assert message == (
        f"intake: The file {path} is not a SQLite database, or is damaged beyond reading"
        " (file is not a database); it was left as it is: restore a backup with"
        " `intake db restore BACKUP`.\n"
    )


def test_a_file_that_is_not_a_database_keeps_the_log_beside_it(
    stored_leads: Path, tmp_path: Path
) -> None:
    path = damaged(stored_leads, tmp_path, "garbage")
    log = Path(f"{path}-wal")
    log.write_bytes(b"whatever was being written when the file broke")
    before = digest(log)

    refused("--db", url(path), "event", "list")
    refused("--db", url(path), "db", "backup")
    run("--db", url(path), "db", "check")

    assert digest(log) == before  # SQLite deletes it if it opens the file read-write
