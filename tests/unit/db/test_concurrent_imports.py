"""Two programs importing overlapping lists at once lose nobody and duplicate nobody.

Runs on both engines (the ``db_url`` fixture): on SQLite the write transactions
queue on the database lock; on PostgreSQL on an advisory lock held by every
transaction that decides who is a new person.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from intake_app.db.models import Lead, Person
from intake_app.services.context import AppContext

ROOT = Path(__file__).resolve().parents[3]
PEOPLE = 900


def write_list(path: Path, people: range) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "Email", "Company", "Job Title", "Country"])
        for n in people:
            writer.writerow(
                [
                    f"Given{n:04d}",
                    f"Family{n * 7919 % 10007:05d}",
                    f"person{n:04d}@company{n % 37}.example",
                    f"Company {n % 37}",
                    "Engineer",
                    "US",
                ]
            )


def start_import(url: str, path: Path, event_id: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "intake_app",
            "--db",
            url,
            "import",
            str(path),
            "--event",
            str(event_id),
            "--json",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_programs_importing_overlapping_lists_at_once(
    tmp_path: Path, ctx: AppContext, db_url: str, make_event
) -> None:
    first_event = make_event(name="Booth, day 1").id
    second_event = make_event(name="Booth, day 2").id
    first = tmp_path / "day1.csv"
    second = tmp_path / "day2.csv"
    write_list(first, range(0, 600))  # people 0..599
    write_list(second, range(300, PEOPLE))  # people 300..899: 300 at both

    for _round in range(2):  # the second round imports the same files into new events
        programs = [
            start_import(db_url, first, first_event),
            start_import(db_url, second, second_event),
        ]
        results = [program.communicate(timeout=300) for program in programs]
        for program, (_out, err) in zip(programs, results, strict=True):
            assert program.returncode == 0, err
        first_event = make_event(name="Booth, day 1 again").id
        second_event = make_event(name="Booth, day 2 again").id

    with ctx.db.read() as session:
        live = Person.merged_into_id.is_(None)
        people = session.scalar(select(func.count()).select_from(Person).where(live))
        emails = session.execute(
            select(Person.email, func.count()).where(live).group_by(Person.email)
        ).all()
        leads = session.scalar(select(func.count()).select_from(Lead))
        lead_emails = set(session.scalars(select(Lead.email)))

    assert people == PEOPLE  # nobody created twice ...
    assert all(count == 1 for _email, count in emails)
    assert leads == 2 * (600 + 600)  # ... and nobody lost
    assert len(lead_emails) == PEOPLE
