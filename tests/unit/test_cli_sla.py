"""``intake sla`` and ``intake team`` through the command line contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_cli import add_event, assert_refused, run

BADGES = Path(__file__).resolve().parents[1] / "data" / "imports" / "badge_scan.csv"


@pytest.fixture
def db_arg(tmp_path: Path) -> list[str]:
    return ["--db", f"sqlite:///{(tmp_path / 'x.db').as_posix()}"]


def test_sla_status_at_a_moment_as_json(db_arg: list[str]) -> None:
    event = add_event(db_arg, "--timezone", "America/New_York", "--country", "US")
    at = ["--at", "2025-05-02T12:00-04:00"]
    result = run(*db_arg, "sla", "--event", str(event["id"]), *at, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["status"] == "on_track"
    first, second = data["stages"]
    # Ends Thursday 1 May (date only: 23:59:59); two business days: end of Monday 5 May.
    assert first["deadline"] == "2025-05-06T03:59:59+00:00"
    assert first["time_left"] == "1 bd 11 h left"
    assert second["status"] == "waiting"

    listing = run(*db_arg, "sla", *at)
    assert listing.code == 0
    assert "RSA 2025" in listing.out and "On track" in listing.out


def test_handover_upload_history_and_correction(db_arg: list[str]) -> None:
    event = add_event(db_arg)
    eid = str(event["id"])
    assert_refused(run(*db_arg, "sla", "handover", "--event", eid, "--to", "Sam"), "no leads yet")
    assert run(*db_arg, "import", str(BADGES), "--event", eid).code == 0

    handed = run(*db_arg, "sla", "handover", "--event", eid, "--to", "Sam Ops", "--json")
    assert handed.code == 0, handed.err
    assert handed.json()["ops_owner"] == "Sam Ops"
    assert handed.json()["handed_over"] is not None

    fixed = run(*db_arg, "sla", "correct", "--event", eid, "--stamp", "handed_over",
                "--at", "2025-05-02T10:00Z", "--reason", "sent by e-mail on Friday")  # fmt: skip
    assert fixed.code == 0, fixed.err
    assert run(*db_arg, "sla", "uploaded", "--event", eid).code == 0

    history = run(*db_arg, "sla", "history", "--event", eid, "--json").json()
    assert [(s["kind"], s["source"], s["in_force"]) for s in history] == [
        ("received", "app", True),
        ("handed_over", "app", False),
        ("handed_over", "correction", True),
        ("entered", "app", True),
    ]
    assert history[2]["reason"] == "sent by e-mail on Friday"
    status = run(*db_arg, "sla", "--event", eid, "--json").json()
    assert [stage["status"] for stage in status["stages"]] == ["met", "met_late"]


def test_bad_moments_and_stamps_are_refused(db_arg: list[str]) -> None:
    event = add_event(db_arg)
    assert_refused(run(*db_arg, "sla", "--at", "next friday"), "--at", "not a date-time")
    bad = run(*db_arg, "sla", "correct", "--event", str(event["id"]), "--stamp", "sent",
              "--at", "2025-05-02", "--reason", "x")  # fmt: skip
    assert bad.code == 2
    assert_refused(run(*db_arg, "sla", "--event", "99"), "no event with id 99")


def test_team_and_notify(db_arg: list[str]) -> None:
    added = run(*db_arg, "team", "add", "--name", "Maria", "--role", "manager",
                "--email", "maria@example.com", "--json")  # fmt: skip
    assert added.code == 0, added.err
    assert added.json()["role"] == "manager"
    assert "Maria" in run(*db_arg, "team", "list").out
    add_event(db_arg)
    raised = run(*db_arg, "sla", "notify", "--at", "2025-05-07T12:00Z", "--json")
    assert raised.code == 0, raised.err
    assert [note["kind"] for note in raised.json()] == ["due_soon", "overdue", "escalation"]
    again = run(*db_arg, "sla", "notify", "--at", "2025-05-07T12:00Z")
    assert again.out == "No new SLA alerts.\n"
