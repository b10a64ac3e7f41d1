"""Erasing a person (GDPR Art. 17): every table, one transaction, nothing left in the file."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake_app.core.errors import NotFoundError, ValidationError
from intake_app.db.models import (
    AuditEntry,
    DuplicateCandidate,
    ExportedLead,
    ExportRun,
    Lead,
    MergeDecision,
    Person,
    SlaStamp,
    SourceRow,
)
from intake_app.db.session import checkpoint_wal, dirty_free_pages, sqlite_file, sqlite_files
from intake_app.services import audit
from intake_app.services.duplicates import DuplicateService
from intake_app.services.events import EventService
from intake_app.services.exports import ExportService
from intake_app.services.leads import LeadGridService, LeadService
from intake_app.services.privacy import PrivacyService
from tests.unit.helpers import import_text

ADDRESS = "zephyrine.quaxworth@quaxmail.example"
SECOND_ADDRESS = "zq.work@quaxworth-analytics.example"
# Everything that would identify her, as stored, as read or as JSON escapes it.
TRACES = (
    "zephyrine", "quaxworth", "quaxmail", "7946 0123", "442079460123", "Château", "Ch\\u00e2teau",
)  # fmt: skip

SHOW = (
    "First Name,Last Name,Email,Company,Phone,City,Rating,GDPR Consent,Consent Text,Notes\n"
    f"Zephyrine,Quaxworth,{ADDRESS},Quaxworth Analytics,020 7946 0123,Château-Gontier,Hot,"
    "Yes,I agree to hear from Acme,met Zephyrine at booth 7\n"
    "Robert,Smith,robert.smith@acme.com,Acme,,London,Warm,No,,\n"
    f"Zeph,Quaxworth,{SECOND_ADDRESS},Quaxworth Analytics,,,Warm,,,\n"
    f"Zephyrine,Quaxworth,{ADDRESS},VOID,,,,,,\n"
)
WEBINAR = (
    "First Name,Last Name,Email,Company\n"
    f"Zephyrine,Quaxworth,{ADDRESS},Quaxworth Analytics\n"
    "Alice,Jones,alice@globex.example,Globex\n"
)


def leads_by_name(ctx, event_id):
    return {lead.values["first_name"]: lead for lead in LeadService(ctx).for_event(event_id)}


def on_sqlite_file(ctx) -> bool:
    """The byte-level checks are about a SQLite file; the rest holds on any backend."""
    return sqlite_file(ctx.db.url) is not None


def traces_in(db_path: Path) -> dict[str, list[str]]:
    """Which of her traces each database file still holds (ignoring case)."""
    found: dict[str, list[str]] = {}
    for path in sqlite_files(db_path):
        data = path.read_bytes()
        hits = [t for t in TRACES if re.search(re.escape(t.encode()), data, re.IGNORECASE)]
        if hits:
            found[path.name] = hits
    return found


@pytest.fixture
def stored(ctx, make_event, tmp_path):
    """Her at a show (with a merged second address, a rejected row, an edit, an export,
    a history mention) and at a webinar (with a pair waiting for review)."""
    show = make_event(name="Security Expo", country="GB", timezone="Europe/London")
    webinar = make_event(name="Data Webinar", event_type="webcast")
    import_text(ctx, show.id, tmp_path, "show.csv", SHOW)
    summary = import_text(ctx, webinar.id, tmp_path, "webinar.csv", WEBINAR)
    assert summary.matched_existing == 1  # the same person at both events
    at_show = leads_by_name(ctx, show.id)
    her, zeph = at_show["Zephyrine"].id, at_show["Zeph"].id
    # The second address is hers: merged, so her identity carries both.
    with ctx.db.write() as session:
        DuplicateService.propose(session, her, zeph, 0.8, ["Zeph = Zephyrine"], show.id)
    [pair] = DuplicateService(ctx).pending(show.id)
    DuplicateService(ctx).merge(pair.id)
    LeadGridService(ctx).update([her], "job_title", "Chief Data Officer", reason="card")
    ExportService(ctx).write(ExportService(ctx).preview(show.id, "generic"), tmp_path / "x.csv")
    at_webinar = leads_by_name(ctx, webinar.id)
    with ctx.db.write() as session:
        DuplicateService.propose(
            session, at_webinar["Zephyrine"].id, at_webinar["Alice"].id, 0.75, ["same"], None
        )
        audit.record(
            session,
            user="tester",
            action="correct",
            entity="sla_stamp",
            entity_id=None,
            event_id=show.id,
            changes={"note": [None, f"list re-sent by {ADDRESS}"]},
            reason="Zephyrine Quaxworth sent the list late",
        )
    return show, webinar


def test_erasure_removes_her_from_every_table_and_keeps_the_counts(ctx, stored, db_path, tmp_path):
    show, webinar = stored
    events = EventService(ctx)
    counts_before = {e.id: e.lead_count for e in events.list()}
    robert_before = leads_by_name(ctx, show.id)["Robert"].to_json()
    with ctx.db.read() as session:
        stamps_before = session.scalar(select(func.count(SlaStamp.id)))
    if on_sqlite_file(ctx):
        assert traces_in(db_path)  # the search finds her before

    plan = PrivacyService(ctx).preview(f"  {ADDRESS.upper()} ")  # normalised as imports do
    assert plan.names[0] == f"Zephyrine Quaxworth <{ADDRESS}>"
    assert [name for _id, name in plan.events] == ["Security Expo", "Data Webinar"]
    assert [trace.files for trace in plan.exports] == [["x.csv"]]
    result = PrivacyService(ctx).erase_person(ADDRESS.upper())

    assert result.plan.person_ids == plan.person_ids and len(plan.person_ids) == 2  # + merged
    assert result.counts == {
        "persons": 2,
        "leads": 3,  # her two leads, and the merged-away one
        "source_rows": 4,  # three lead rows and the rejected VOID row
        "duplicate_candidates": 2,
        "merge_decisions": 1,
        "audit_log": 3,  # the merge, the edit, the mention in an SLA correction
        "exported_leads": 1,
    }
    assert result.counts == plan.counts  # the confirmation said exactly this
    if on_sqlite_file(ctx):
        assert (result.wal_truncated, result.vacuumed, result.remnants) == (True, False, [])
    else:
        assert (result.wal_truncated, result.vacuumed, result.remnants) == (None, False, [])

    with ctx.db.read() as session:
        leads = list(session.scalars(select(Lead).where(Lead.id.in_(result.plan.lead_ids))))
        assert {lead.status for lead in leads} == {"erased"}
        for lead in leads:
            assert lead.first_name is lead.email is lead.phone is lead.company is None
            assert lead.notes is lead.consent_text is lead.city is lead.job_title is None
            assert (lead.extra_fields, lead.raw_fields, lead.issues) == ({}, {}, [])
            assert (lead.consent, lead.engagement_level, lead.grade) == ("unknown", "Unknown", None)
        for person in session.scalars(select(Person).where(Person.id.in_(plan.person_ids))):
            assert person.erased_at is not None
            assert (person.first_name, person.email, person.email_key, person.name_key) == (
                None, None, None, None,
            )  # fmt: skip
        rows = list(session.scalars(select(SourceRow).where(SourceRow.outcome == "erased")))
        assert len(rows) == 4 and all(row.raw == {} and row.row_numbers == [] for row in rows)
        assert session.scalar(select(func.count(DuplicateCandidate.id))) == 0
        [decision] = session.scalars(select(MergeDecision))
        assert (decision.snapshot, decision.reasons) == ({"erased": True}, [])
        assert session.scalar(select(func.count(ExportedLead.lead_id))) == 1  # Robert's
        assert session.scalar(select(func.count(ExportRun.id))) == 1  # the export stays
        assert session.scalar(select(func.count(SlaStamp.id))) == stamps_before
        edit = session.scalars(select(AuditEntry).where(AuditEntry.action == "edit")).one()
        assert (edit.changes, edit.reason) == ({"job_title": [None, None]}, None)
        assert edit.user == "tester"  # who did what, and when, stay
        correction = session.scalars(select(AuditEntry).where(AuditEntry.action == "correct")).one()
        assert correction.changes == {"note": [None, "list re-sent by [erased]"]}
        assert correction.reason == "[erased] sent the list late"
        tombstone = session.get(AuditEntry, result.tombstone_id)
        assert tombstone is not None
        assert (tombstone.action, tombstone.entity, tombstone.user) == ("erase", "person", "tester")
        assert tombstone.changes["removed"][1] == result.counts
        assert tombstone.changes["events"][1] == [show.id, webinar.id]
        written = json.dumps([tombstone.changes, tombstone.reason]).casefold()
        assert "quaxworth" not in written and "zephyrine" not in written
        assert hashlib.sha256(ADDRESS.encode()).hexdigest() not in written  # no plain hash
        assert re.fullmatch("[0-9a-f]{64}", tombstone.changes["address_mark"][1])

    # Event counts and the other people stay as they were; the lists leave her out.
    assert {e.id: e.lead_count for e in events.list()} == counts_before
    assert list(leads_by_name(ctx, show.id)) == ["Robert"]
    assert list(leads_by_name(ctx, webinar.id)) == ["Alice"]
    assert leads_by_name(ctx, show.id)["Robert"].to_json() == robert_before
    assert DuplicateService(ctx).pending() == []
    assert DuplicateService(ctx).merges() == []

    # Outside the database: the export already written is named, not touched.
    assert "zephyrine" in (tmp_path / "x.csv").read_text(encoding="utf-8").casefold()
    if on_sqlite_file(ctx):
        # The acceptance test: her address, name and phone are nowhere in the file's bytes.
        assert traces_in(db_path) == {}
        assert not (db_path.with_name(db_path.name + "-wal")).stat().st_size  # checkpointed
        checkpoint_wal(ctx.db.engine)
        assert dirty_free_pages(db_path) == 0


def test_the_merged_from_address_finds_the_surviving_person_too(ctx, stored):
    show, _webinar = stored
    plan = PrivacyService(ctx).preview(SECOND_ADDRESS)
    assert len(plan.person_ids) == 2 and plan.counts["leads"] == 3
    PrivacyService(ctx).erase_person(SECOND_ADDRESS)
    assert list(leads_by_name(ctx, show.id)) == ["Robert"]


def test_nobody_with_the_address_writes_nothing(ctx, stored):
    with ctx.db.read() as session:
        entries = session.scalar(select(func.count(AuditEntry.id)))
    with pytest.raises(NotFoundError, match="nothing was erased"):
        PrivacyService(ctx).erase_person("nobody@example.com")
    with pytest.raises(NotFoundError):
        PrivacyService(ctx).preview("nobody@example.com")
    with ctx.db.read() as session:
        assert session.scalar(select(func.count(AuditEntry.id))) == entries
        assert session.scalar(select(func.count(Lead.id)).where(Lead.status == "erased")) == 0


def test_a_later_import_flags_her_instead_of_bringing_her_back_silently(ctx, stored, tmp_path):
    _show, webinar = stored
    erased = PrivacyService(ctx).erase_person(ADDRESS)

    again = import_text(ctx, webinar.id, tmp_path, "webinar.csv", WEBINAR, force=True)
    assert (again.erased_before, again.erased_from_file) == (1, 1)
    assert any("erased" in note for note in again.notes)
    assert again.to_json()["erased_before"] == 1
    back = leads_by_name(ctx, webinar.id)["Zephyrine"]
    [issue] = [i for i in back.issues if i["code"] == "erased_before"]
    assert issue["field"] == "email" and issue["severity"] == "warning"
    assert back.person_id not in erased.plan.person_ids  # a new identity, not the erased one


def test_without_the_reimport_check_nothing_points_to_her(ctx, stored, tmp_path):
    _show, webinar = stored
    result = PrivacyService(ctx).erase_person(ADDRESS, reimport_check=False)
    with ctx.db.read() as session:
        tombstone = session.get(AuditEntry, result.tombstone_id)
        assert tombstone is not None and tombstone.changes["address_mark"] == [None, None]
    # A new list with her address is not recognised; a file imported before still is.
    fresh = import_text(
        ctx, webinar.id, tmp_path, "new.csv", f"Email,First Name\n{ADDRESS},Zephyrine\n"
    )
    assert (fresh.erased_before, fresh.erased_from_file) == (0, 0)
    again = import_text(ctx, webinar.id, tmp_path, "webinar.csv", WEBINAR, force=True)
    assert again.erased_from_file == 1


def test_free_pages_from_before_secure_delete_are_vacuumed(ctx, stored, db_path):
    if not on_sqlite_file(ctx):
        pytest.skip("free pages and VACUUM are about a SQLite file")
    # An older app (or another tool) deleted rows without secure_delete: they linger.
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
        conn.execute("PRAGMA secure_delete = OFF")
        conn.execute("CREATE TABLE scratch (value TEXT)")
        conn.executemany(
            "INSERT INTO scratch VALUES (?)", [(f"{ADDRESS} {'x' * 400}",) for _ in range(60)]
        )
        conn.execute("DROP TABLE scratch")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert dirty_free_pages(db_path) > 0

    result = PrivacyService(ctx).erase_person(ADDRESS)

    assert result.vacuumed and result.remnants == []
    assert traces_in(db_path) == {}
    assert dirty_free_pages(db_path) == 0


def test_an_export_preview_made_before_the_erasure_is_refused(ctx, stored, tmp_path):
    show, _webinar = stored
    exports = ExportService(ctx)
    stale = exports.preview(show.id, "generic")
    PrivacyService(ctx).erase_person(ADDRESS)
    with pytest.raises(ValidationError, match="erased since it was made"):
        exports.write(stale, tmp_path / "stale.csv")
    assert not (tmp_path / "stale.csv").exists()
    fresh = exports.preview(show.id, "generic")
    assert [row.lead.values["first_name"] for row in fresh.plan.rows] == ["Robert"]
