from __future__ import annotations

import pytest
from sqlalchemy import func, select

from intake_app.core.errors import ValidationError
from intake_app.db.models import DuplicateCandidate, Lead, Person, SourceRow
from intake_app.services.duplicates import DuplicateService
from intake_app.services.imports import ImportService
from intake_app.services.leads import LeadService


def import_text(ctx, event_id, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    service = ImportService(ctx)
    return service.run(service.preview(path), event_id, force=True)


def lead_ids(ctx, event_id):
    return {lead.values["first_name"]: lead.id for lead in LeadService(ctx).for_event(event_id)}


def propose(ctx, first, second, event_id, score=0.8, reasons=("Bob = Robert", "same company")):
    with ctx.db.write() as session:
        return DuplicateService.propose(session, first, second, score, list(reasons), event_id)


@pytest.fixture
def booth(ctx, make_event, tmp_path):
    event = make_event(name="Expo")
    import_text(
        ctx, event.id, tmp_path, "scans.csv",
        "First Name,Last Name,Email,Company,Phone,Rating\n"
        "Robert,Smith,robert.smith@acme.com,Acme,,Warm\n"
        "Alice,Jones,alice@globex.example,Globex,+1 415 555 0101,Hot\n"
        "Grace,Hopper,grace@example.org,Compilers Inc,,\n",
    )  # fmt: skip
    return event


def test_a_same_event_merge_keeps_both_rows_and_is_undone(ctx, booth):
    ids = lead_ids(ctx, booth.id)
    assert propose(ctx, ids["Robert"], ids["Alice"], booth.id)
    assert not propose(ctx, ids["Alice"], ids["Robert"], booth.id)  # once, in either order
    service = DuplicateService(ctx)
    [pair] = service.pending(booth.id)
    assert pair.reasons == ["Bob = Robert", "same company"]
    assert "email" in pair.differing() and "phone" in pair.differing()

    decision = service.merge(pair.id, take_second={"email"})
    leads = LeadService(ctx).for_event(booth.id)
    assert len(leads) == 2
    robert = next(lead for lead in leads if lead.values["email"] != "grace@example.org")
    assert robert.values["first_name"] == "Robert"  # kept
    assert robert.values["email"] == "alice@globex.example"  # chosen
    assert robert.values["phone"] == "+14155550101"  # a value beats an empty one
    assert robert.values["engagement_level"] == "High"  # the highest wins
    assert robert.source_rows == [2, 3]  # both file rows, on the surviving lead
    assert service.pending(booth.id) == []
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) == 3  # nothing deleted

    service.unmerge(decision)
    leads = {lead.values["first_name"]: lead for lead in LeadService(ctx).for_event(booth.id)}
    assert set(leads) == {"Robert", "Alice", "Grace"}
    assert leads["Robert"].values["email"] == "robert.smith@acme.com"
    assert leads["Robert"].source_rows == [2]
    assert leads["Alice"].source_rows == [3]
    assert leads["Robert"].values["engagement_level"] == "Medium"
    assert [p.id for p in service.pending(booth.id)] == [pair.id]  # to decide again


def test_people_at_two_events_become_one_person(ctx, booth, make_event, tmp_path):
    webinar = make_event(name="Webinar", event_type="webcast")
    import_text(
        ctx, webinar.id, tmp_path, "webinar.csv",
        "First Name,Last Name,Email\nGrace,Hopper,g.hopper@home.example\n",
    )  # fmt: skip
    booth_grace = lead_ids(ctx, booth.id)["Grace"]
    web_grace = lead_ids(ctx, webinar.id)["Grace"]
    propose(ctx, booth_grace, web_grace, None, reasons=("same name", "same city"))
    service = DuplicateService(ctx)
    [pair] = service.pending()
    decision = service.merge(pair.id)
    booth_lead = LeadService(ctx).for_event(booth.id)
    web_lead = LeadService(ctx).for_event(webinar.id)
    grace_booth = next(lead for lead in booth_lead if lead.values["first_name"] == "Grace")
    assert grace_booth.person_id == web_lead[0].person_id  # one person, two memberships
    with ctx.db.read() as session:
        folded = session.scalar(select(Person).where(Person.merged_into_id.is_not(None)))
        assert folded is not None
    service.unmerge(decision)
    assert LeadService(ctx).for_event(webinar.id)[0].person_id != grace_booth.person_id


def test_not_the_same_person_is_remembered(ctx, booth):
    ids = lead_ids(ctx, booth.id)
    propose(ctx, ids["Robert"], ids["Grace"], booth.id, 0.71, ("same company domain",))
    service = DuplicateService(ctx)
    [pair] = service.pending(booth.id)
    service.keep_apart(pair.id)
    assert service.pending(booth.id) == []
    assert not propose(ctx, ids["Grace"], ids["Robert"], booth.id)  # never proposed again
    with pytest.raises(ValidationError, match="decided already"):
        service.merge(pair.id)


def test_raw_rows_are_never_deleted(ctx, booth):
    ids = lead_ids(ctx, booth.id)
    propose(ctx, ids["Robert"], ids["Alice"], booth.id)
    with ctx.db.read() as session:
        before = session.scalar(select(func.count()).select_from(SourceRow))
    service = DuplicateService(ctx)
    service.merge(service.pending(booth.id)[0].id)
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(SourceRow)) == before
        statuses = list(session.scalars(select(DuplicateCandidate.status)))
    assert statuses == ["merged"]
