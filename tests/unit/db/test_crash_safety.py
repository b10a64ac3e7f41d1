"""An import is one transaction: SIGKILL part-way through leaves nothing behind.

Each round copies a database holding one event, starts ``python -m intake_app
import`` on a generated lead file in a child process, waits until the child is
writing the batch (its write-ahead log grows), kills it with SIGKILL at a random
moment of the write, and then checks the file as the next program to open it
would find it: integrity and foreign keys sound, no batch, lead, person, source
row, SLA stamp or audit entry from the killed run, and the same file imports
again with the counts of an uninterrupted run.

``ImportService.run`` writes the batch, its persons, leads, source rows, review
pairs, the "list received" stamp and the audit entry in one ``BEGIN IMMEDIATE``
transaction; SQLite ignores the uncommitted frames a killed writer left in the
WAL. The only later transaction is ``--save-mapping``'s template, a convenience
that the batch does not depend on.

The default suite runs a few rounds; ``pytest -m slow`` runs twenty. A restore
(``intake db restore``, one write transaction through SQLite's backup API) is
killed the same way and must leave the old database or the whole backup.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.unit.helpers import child_env
from tests.unit.helpers import run_cli as _cli
from tests.unit.helpers import sqlite_url as _url

ROOT = Path(__file__).resolve().parents[3]  # the checkout: the child imports this code
ROWS = 5000  # long enough to kill well inside the write, short enough for twenty rounds
WRITING = 64 * 1024  # a WAL this big means the batch's transaction is spilling pages
TABLES = (
    "import_batches", "source_rows", "persons", "leads", "duplicate_candidates",
    "sla_stamps", "audit_log", "events",
)  # fmt: skip
COUNTS = ("rows", "imported", "flagged", "rejected", "duplicates_in_file", "matched_existing")

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX; Windows has no such signal"
)


def _write_leads(path: Path, rows: int) -> None:
    """Distinct people with a few repeats (folded) and a few rows with no contact (rejected)."""
    rnd = random.Random(20250428)
    syllables = ["ka", "lo", "mi", "ren", "sto", "va", "dri", "bel", "tor", "nim", "quo", "zef"]
    first = ["Ada", "Grace", "Alan", "Katherine", "Margaret", "Hedy", "Mary", "Linus", "Chloé"]
    titles = ["CTO", "VP Engineering", "Security Architect", "IT Manager", "Developer", "CISO"]
    seen: set[tuple[str, str]] = set()
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["First Name", "Last Name", "Email", "Company", "Job Title", "Country"])
        previous: list[str] = []
        for number in range(rows):
            if number % 400 == 399:  # the same person scanned twice
                writer.writerow(previous)
                continue
            while True:
                last = "".join(rnd.choice(syllables) for _ in range(4)).capitalize()
                name = rnd.choice(first)
                if (name, last) not in seen:
                    seen.add((name, last))
                    break
            company = "".join(rnd.choice(syllables) for _ in range(2)).capitalize()
            address = f"{name.lower()}.{last.lower()}@{company.lower()}.example"
            email = "" if number % 500 == 250 else address
            previous = [
                name, last, email, f"{company} Ltd", rnd.choice(titles), rnd.choice(["US", "DE"]),
            ]  # fmt: skip
            writer.writerow(previous)


@pytest.fixture(scope="session")
def lead_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "booth-scans.csv"
    _write_leads(path, ROWS)
    return path


def table_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in TABLES
        }


def soundness(path: Path) -> tuple[list[str], list[Any]]:
    with closing(sqlite3.connect(path)) as connection:
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        foreign_keys = connection.execute("PRAGMA foreign_key_check").fetchall()
    return integrity, foreign_keys


def wal_size(path: Path) -> int:
    try:
        return Path(f"{path}-wal").stat().st_size
    except FileNotFoundError:
        return 0


@dataclass
class Child:
    process: subprocess.Popen[str]

    def wait_for_wal(self, database: Path, size: int, timeout: float = 120) -> int:
        """Poll until the child's WAL holds ``size`` bytes; return the size seen, 0 if it ended.

        The WAL grows only inside the batch's write transaction: nothing is written
        before it, and SQLite spills pages there as the transaction outgrows its cache.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return 0
            seen = wal_size(database)
            if seen >= size:
                return seen
            time.sleep(0.002)
        raise AssertionError(f"the import's WAL did not reach {size} bytes within {timeout} s")


def start_import(database: Path, lead_file: Path, event_id: int, home: Path) -> Child:
    command = [
        sys.executable, "-m", "intake_app", "--db", _url(database),
        "import", str(lead_file), "--event", str(event_id), "--json",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=child_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Child(process)


@dataclass
class Reference:
    counts: dict[str, Any]
    tables: dict[str, int]
    spilled: list[int]  # the WAL sizes seen while the write was under way, before the commit


@pytest.fixture
def event_database(tmp_path: Path) -> tuple[Path, int]:
    """A database with one event (and nothing else), closed, its WAL folded in."""
    path = tmp_path / "template.db"
    code, out, err = _cli(
        "--db", _url(path), "event", "add", "--name", "Crash Expo", "--type", "tradeshow",
        "--start", "2025-03-12", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert not Path(f"{path}-wal").exists()
    return path, int(json.loads(out)["id"])


def reference_run(template: Path, event_id: int, lead_file: Path, tmp_path: Path) -> Reference:
    """An uninterrupted import: the counts to expect, and how its WAL grows."""
    database = tmp_path / "reference.db"
    shutil.copyfile(template, database)
    child = start_import(database, lead_file, event_id, tmp_path)
    sizes = [child.wait_for_wal(database, WRITING)]
    assert sizes[0], child.process.communicate()[1]
    # Until the child, closing the database, folds the WAL in and removes it.
    while child.process.poll() is None and (size := wal_size(database)):
        if size != sizes[-1]:
            sizes.append(size)
        time.sleep(0.002)
    out, err = child.process.communicate(timeout=300)
    assert child.process.returncode == 0, err
    counts = json.loads(out)
    # The last growth is the commit itself (the pages still in the cache, the commit frame).
    spilled = sorted(set(sizes))[:-1]
    assert spilled, f"the WAL grew only at the commit ({sizes}); make ROWS bigger"
    return Reference({key: counts[key] for key in COUNTS}, table_counts(database), spilled)


@dataclass
class Outcome:
    kind: str  # "killed mid-write", "killed after the commit"
    wal_at_kill: int
    wal_bytes_left: int


def kill_round(
    template: Path,
    event_id: int,
    lead_file: Path,
    tmp_path: Path,
    reference: Reference,
    aim: tuple[int, float],
    label: str,
) -> Outcome:
    database = tmp_path / "round.db"
    for leftover in tmp_path.glob("round.db*"):
        leftover.unlink()
    shutil.copyfile(template, database)
    before = table_counts(database)
    child = start_import(database, lead_file, event_id, tmp_path)
    target, delay = aim
    seen = child.wait_for_wal(database, target)
    assert seen, f"{label}: the import ended before the kill: {child.process.communicate()}"
    time.sleep(delay)
    child.process.send_signal(signal.SIGKILL)
    _out, err = child.process.communicate(timeout=120)
    assert child.process.returncode == -signal.SIGKILL, f"{label}: {err}"
    left = wal_size(database)

    # What the next program to open the file finds (SQLite recovers the WAL here).
    integrity, foreign_keys = soundness(database)
    assert integrity == ["ok"], f"{label}: {integrity}"
    assert foreign_keys == [], f"{label}: {foreign_keys}"
    after = table_counts(database)
    if after["import_batches"] != 0:
        # The kill came after the commit: the batch must then be whole.
        assert after == reference.tables, f"{label}: {after}"
        return Outcome("killed after the commit", seen, left)
    assert after == before, f"{label}: a partial batch is left: {after} (was {before})"
    code, out, err = _cli(
        "--db", _url(database), "import", str(lead_file), "--event", str(event_id), "--json"
    )  # fmt: skip
    assert code == 0, f"{label}: the re-import failed: {err}"
    assert {key: json.loads(out)[key] for key in COUNTS} == reference.counts, label
    assert table_counts(database) == reference.tables, label
    assert soundness(database) == (["ok"], []), label
    return Outcome("killed mid-write", seen, left)


def kill_imports(
    event_database: tuple[Path, int], lead_file: Path, tmp_path: Path, rounds: int
) -> list[Outcome]:
    template, event_id = event_database
    reference = reference_run(template, event_id, lead_file, tmp_path)
    seed = int(os.environ.get("INTAKE_KILL_SEED") or random.SystemRandom().randrange(2**32))
    rnd = random.Random(seed)
    outcomes = []
    for number in range(1, rounds + 1):
        # A random point of the write, by how far its WAL has grown (not by the clock,
        # which a busy machine stretches), then a random few milliseconds more.
        aim = (rnd.randint(WRITING, reference.spilled[-1]), rnd.uniform(0.0, 0.03))
        label = f"round {number} (INTAKE_KILL_SEED={seed}, WAL {aim[0]} B + {aim[1]:.3f} s)"
        outcomes.append(kill_round(template, event_id, lead_file, tmp_path, reference, aim, label))
    mid_write = [outcome for outcome in outcomes if outcome.kind == "killed mid-write"]
    # A kill that comes just after the commit is sound too, but most must land inside.
    assert len(mid_write) >= max(1, rounds // 2), (seed, outcomes)
    # The killed writers had put uncommitted pages in the WAL, and none of them was seen.
    assert all(outcome.wal_bytes_left >= WRITING for outcome in mid_write), outcomes
    return outcomes


def test_an_import_killed_part_way_leaves_nothing_and_imports_again(
    event_database: tuple[Path, int], lead_file: Path, tmp_path: Path
) -> None:
    kill_imports(event_database, lead_file, tmp_path, rounds=3)


def _slow_selected(config: pytest.Config) -> bool:
    expression = str(config.getoption("markexpr") or "")
    return "slow" in expression and "not slow" not in expression


@pytest.mark.slow
def test_twenty_imports_killed_at_random_moments(
    event_database: tuple[Path, int],
    lead_file: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    if not _slow_selected(request.config):
        pytest.skip("twenty killed imports take a couple of minutes; run them with -m slow")
    kill_imports(event_database, lead_file, tmp_path, rounds=20)


# ----------------------------------------------------------------- a killed restore


def _grow(path: Path, entries: int) -> None:
    """Make the database big enough that a copy into it spills pages before committing."""
    note = json.dumps({"note": [None, "x" * 2000]})
    with closing(sqlite3.connect(path)) as connection:
        connection.executemany(
            "INSERT INTO audit_log (at, user, action, entity, changes)"
            " VALUES ('2025-01-01 00:00:00', 'tester', 'note', 'event', ?)",
            [(note,) for _ in range(entries)],
        )
        connection.commit()


def test_a_restore_killed_part_way_leaves_the_database_as_it_was(
    event_database: tuple[Path, int], tmp_path: Path
) -> None:
    template, _event_id = event_database
    backup = tmp_path / "big-backup.db"
    shutil.copyfile(template, backup)
    _grow(backup, 3000)
    old = table_counts(template)
    new = table_counts(backup)
    rnd = random.Random()
    outcomes = []
    for _round in range(3):
        live = tmp_path / "live.db"
        for leftover in tmp_path.glob("live.db*"):
            leftover.unlink()
        shutil.copyfile(template, live)
        command = [
            sys.executable, "-m", "intake_app", "--db", _url(live), "db", "restore", str(backup),
            "--yes",
        ]  # fmt: skip
        child = Child(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=child_env(tmp_path),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
        assert child.wait_for_wal(live, rnd.randint(WRITING, 2 * WRITING))
        child.process.send_signal(signal.SIGKILL)
        child.process.communicate(timeout=60)

        assert soundness(live) == (["ok"], [])
        counts = table_counts(live)
        assert counts in (old, new)  # the old database or the whole backup, never a mixture
        outcomes.append(counts == old)
        assert list(tmp_path.glob("live.db.before-restore-*.bak"))  # the safety copy came first
    assert any(outcomes), "every kill came after the restore's commit"
