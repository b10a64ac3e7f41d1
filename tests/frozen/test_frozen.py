"""Smoke test of the frozen build: what a user of dist/intake/ does first, headless.

One PyInstaller build per session (``frozen_app`` in conftest.py); each test runs the
frozen executables as separate processes, with the test's own data and settings folders.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import intake_app
from schemas import load_schema
from tests.frozen.frozen_build import PROJECT_ROOT, FrozenApp
from tests.pg_server import PostgresServer

pytestmark = pytest.mark.frozen

SAMPLE = PROJECT_ROOT / "tests" / "data" / "imports" / "badge_scan.csv"
# DESIGN §6: the generic export's columns after the canonical fields.
GENERIC_TAIL = [
    "event_id", "event_name", "program_status", "person_id", "fit_score", "engagement_score",
    "lead_score", "grade", "treatment", "issues", "source_file", "source_rows",
]  # fmt: skip
GUI_START_TIMEOUT = 120  # seconds until the window's database is open
GUI_SETTLE = 5  # seconds the window then has to fail, if it is going to


def run(app: FrozenApp, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(app.executable("intake")), *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
    )


def run_json(app: FrozenApp, *argv: str) -> Any:
    result = run(app, *argv, "--json")
    assert result.returncode == 0, f"intake {' '.join(argv)} failed: {result.stderr}"
    return json.loads(result.stdout)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, which the frozen app migrates with its bundled migrations."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'smoke.db').as_posix()}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    url = server.new_database(migrated=False)
    try:
        yield url
    finally:
        server.drop_database(url)


def test_version_is_the_package_version(frozen_app: FrozenApp) -> None:
    result = run(frozen_app, "--version")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"intake {intake_app.__version__}"


def test_import_and_export_a_lead_file(frozen_app: FrozenApp, db_url: str, tmp_path: Path):
    db = ["--db", db_url]
    event = run_json(frozen_app, *db, "event", "add", "--name", "Smoke 2025", "--type",
                     "tradeshow", "--start", "2025-04-28", "--end", "2025-05-01")  # fmt: skip
    eid = str(event["id"])

    counts = run_json(frozen_app, *db, "import", str(SAMPLE), "--event", eid)
    assert {key: counts[key] for key in ("rows", "imported", "flagged", "rejected")} == {
        "rows": 7, "imported": 4, "flagged": 1, "rejected": 2,
    }  # fmt: skip
    assert (counts["duplicates_in_file"], counts["matched_existing"]) == (1, 0)

    out = tmp_path / "out.csv"
    exported = run_json(frozen_app, *db, "export", "--event", eid, "--format", "generic",
                        "--out", str(out))  # fmt: skip
    assert exported["rows"] == 4
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = {row["last_name"]: row for row in reader}
        header = reader.fieldnames
    assert header == [*load_schema().field_names(), *GENERIC_TAIL]
    assert set(rows) == {"Lovelace", "Hopper", "Turing", "Johnson"}
    ada = rows["Lovelace"]
    assert (ada["email"], ada["phone"], ada["country"]) == (
        "ada.lovelace@example.com", "+442079460018", "GB",
    )  # fmt: skip
    assert (ada["event_name"], ada["source_file"], ada["source_rows"]) == (
        "Smoke 2025", "badge_scan.csv", "5;8",
    )  # fmt: skip

    # The export comes back in through its own importer profile, as the same people.
    second = run_json(frozen_app, *db, "event", "add", "--name", "Round trip", "--type",
                      "webcast", "--start", "2025-05-02")  # fmt: skip
    again = run_json(frozen_app, *db, "import", str(out), "--event", str(second["id"]))
    assert again["profile"] == "intake_generic"
    assert (again["imported"], again["matched_existing"]) == (4, 4)


def _migrated(db_file: Path) -> bool:
    if not db_file.exists():
        return False
    try:
        with sqlite3.connect(f"file:{db_file.as_posix()}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    except sqlite3.Error:  # not created yet, or being written
        return False


def test_the_window_starts_headless(
    frozen_app: FrozenApp, tmp_path: Path, isolated_environment: Path
) -> None:
    """Opens its database and the main window, and is still running a few seconds later.

    ``intake-gui`` has no quit-after-start option, so the test ends it by its pid. A start-up
    failure shows a message box, which also keeps the process alive offscreen: hence the
    checks that the database was migrated and that no unexpected error was logged.
    """
    db_file = tmp_path / "gui.db"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    stderr_path = tmp_path / "gui.stderr"
    with stderr_path.open("w", encoding="utf-8") as stderr:
        window = subprocess.Popen(
            [str(frozen_app.executable("intake-gui")), "--db", f"sqlite:///{db_file.as_posix()}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
        try:
            deadline = time.monotonic() + GUI_START_TIMEOUT
            while not _migrated(db_file) and window.poll() is None:
                assert time.monotonic() < deadline, "the window did not open its database"
                time.sleep(0.5)
            if window.poll() is None:
                time.sleep(GUI_SETTLE)
            exit_code = window.poll()
        finally:
            window.terminate()
            try:
                window.wait(timeout=10)
            except subprocess.TimeoutExpired:
                window.kill()
                window.wait(timeout=10)
    errors = stderr_path.read_text(encoding="utf-8", errors="replace")
    assert exit_code is None, f"intake-gui exited with {exit_code}:\n{errors}"
    assert _migrated(db_file)
    assert "Traceback" not in errors, errors
    assert not (isolated_environment / "data" / "intake.log").exists(), errors


def _files(folder: Path, pattern: str = "**/*") -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.glob(pattern) if path.is_file()}


@pytest.mark.parametrize(
    ("source", "pattern", "bundled"),
    [
        ("resources", "**/*", "resources"),
        ("schemas/default", "*.yaml", "schemas/default"),
        ("importers/profiles", "*.yaml", "importers/profiles"),
        ("intake_app/db/migrations", "*", "intake_app/db/migrations"),
        ("intake_app/db/migrations/versions", "*.py", "intake_app/db/migrations/versions"),
    ],
)
def test_the_data_files_read_at_run_time_are_bundled(
    frozen_app: FrozenApp, source: str, pattern: str, bundled: str
) -> None:
    expected = _files(PROJECT_ROOT / source, pattern)
    assert expected, f"nothing matches {source}/{pattern}"
    assert expected <= _files(frozen_app.folder / "_internal" / bundled, pattern)


def test_the_folder_has_no_broken_links(frozen_app: FrozenApp) -> None:
    broken = [
        path.relative_to(frozen_app.folder).as_posix()
        for path in frozen_app.folder.rglob("*")
        if path.is_symlink() and not path.exists()
    ]
    assert broken == []
