from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from intake_app.core.errors import ValidationError
from intake_app.db.models import AuditEntry, Lead
from intake_app.services.imports import ImportService
from intake_app.services.leads import LeadGridService, LeadQuery

DATA = Path(__file__).resolve().parents[2] / "data" / "imports"


@pytest.fixture
def event_id(ctx, make_event) -> int:
    event = make_event(event_type="tradeshow")
    service = ImportService(ctx)
    service.run(service.preview(DATA / "badge_scan.csv"), event.id)
    return event.id


def test_pages_count_sort_and_filter_in_sql(ctx, event_id):
    grid = LeadGridService(ctx)
    everyone = LeadQuery(event_id)
    assert grid.count(everyone) == 4
    by_name = grid.page(LeadQuery(event_id, sort="last_name"), 0, 10)
    assert [row.values["last_name"] for row in by_name] == [
        "Hopper",
        "Johnson",
        "Lovelace",
        "Turing",
    ]
    backwards = grid.page(LeadQuery(event_id, sort="last_name", descending=True), 1, 2)
    assert [row.values["last_name"] for row in backwards] == ["Lovelace", "Johnson"]
    assert [r.values["last_name"] for r in grid.page(LeadQuery(event_id, text="compil"), 0, 9)] == [
        "Hopper"
    ]
    flagged = grid.page(LeadQuery(event_id, only_issues=True), 0, 10)
    assert {row.values["last_name"] for row in flagged} >= {"Johnson"}
    assert all(row.issues for row in flagged)
    assert grid.count(LeadQuery(event_id, text="100%_x")) == 0  # wildcards are literal


def test_an_edit_is_checked_stored_audited_and_undone(ctx, event_id):
    grid = LeadGridService(ctx)
    johnson = grid.page(LeadQuery(event_id, text="Johnson"), 0, 1)[0]
    assert any(issue["field"] == "country" for issue in johnson.issues)

    [edit] = grid.update([johnson.id], "country", "United States")
    assert (edit.old, edit.new) == (None, "US")
    record, history = grid.details(johnson.id)
    assert record.values["country"] == "US"
    assert not any(issue["field"] == "country" for issue in record.issues)
    assert history[0].action == "edit" and history[0].changes == {"country": [None, "US"]}

    grid.revert([edit])
    record, history = grid.details(johnson.id)
    assert record.values["country"] is None
    assert any(issue["field"] == "country" for issue in record.issues)
    assert [entry.action for entry in history] == ["undo", "edit"]


def test_bulk_engagement_is_set_by_hand(ctx, event_id):
    grid = LeadGridService(ctx)
    ids = [row.id for row in grid.page(LeadQuery(event_id), 0, 10)]
    edits = grid.update(ids, "engagement_level", "high", reason="talked at the booth")
    assert len(edits) == 3 and {edit.new for edit in edits} == {"High"}  # Ada was High already
    with ctx.db.read() as session:
        rows = session.execute(
            select(Lead.last_name, Lead.engagement_level, Lead.engagement_detail)
        )
        outcome = {name: (level, detail) for name, level, detail in rows}
        reasons = set(session.scalars(select(AuditEntry.reason).where(AuditEntry.action == "edit")))
    assert outcome["Lovelace"] == ("High", "rated 'Hot' at the booth")
    assert outcome["Turing"] == ("High", "set by hand by tester")
    assert reasons == {"talked at the booth"}


@pytest.mark.parametrize(
    ("field", "text", "fragment"),
    [
        ("email", "not an address", "cannot be stored as email"),
        ("job_level", "Wizard", "choose one of"),
        ("country", "Atlantis", "cannot be stored as country"),
        ("issues", "x", "cannot be edited"),
    ],
)
def test_an_invalid_edit_is_refused_and_nothing_changes(ctx, event_id, field, text, fragment):
    grid = LeadGridService(ctx)
    row = grid.page(LeadQuery(event_id), 0, 1)[0]
    with pytest.raises(ValidationError, match=fragment):
        grid.update([row.id], field, text)
    with ctx.db.read() as session:
        assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "edit")) is None
