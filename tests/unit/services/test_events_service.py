from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from intake_app.core.errors import NotFoundError, ValidationError
from intake_app.core.events import parse_when
from intake_app.db.models import AuditEntry, Event, Lead, Person
from intake_app.services.context import AppContext
from intake_app.services.events import EventService


@dataclass(frozen=True)
class Audited:
    action: str
    entity: str
    entity_id: int | None
    event_id: int | None
    user: str
    at: datetime
    changes: dict[str, Any]


def audit_entries(ctx: AppContext) -> list[Audited]:
    """The audit log, oldest first, copied out of the (rolled back) read session."""
    with ctx.db.read() as session:
        return [
            Audited(e.action, e.entity, e.entity_id, e.event_id, e.user, e.at, e.changes)
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def event_count(ctx: AppContext) -> int:
    with ctx.db.read() as session:
        return len(session.scalars(select(Event.id)).all())


def add_lead(ctx: AppContext, event_id: int) -> None:
    with ctx.db.write() as session:
        person = Person(first_name="Ada", last_name="Lovelace", email="ada@example.com")
        session.add(person)
        session.flush()
        session.add(Lead(event_id=event_id, person_id=person.id, email="ada@example.com"))


# ----------------------------------------------------------------- create / get


def test_create_stores_the_event(ctx: AppContext, make_event) -> None:
    created = make_event(name=" RSA   2025 ", start="2025-04-28", end="2025-05-01", country="usa")

    assert isinstance(created.id, int)
    assert created.name == "RSA 2025"
    assert created.event_type == "tradeshow"
    assert created.event_type_label == "Tradeshow"
    assert created.start.isoformat() == "2025-04-28"
    assert created.end.isoformat() == "2025-05-01"
    assert created.country == "US"
    assert created.sla_policy == "in-person"
    assert created.created_by == "tester"
    assert created.created_at.tzinfo is not None
    assert (created.lead_count, created.batch_count) == (0, 0)

    fetched = EventService(ctx).get(created.id)
    assert fetched == created


def test_create_keeps_times(ctx: AppContext, make_event) -> None:
    created = make_event(event_type="webcast", start="2025-06-03T16:00", end="2025-06-03T17:30")

    fetched = EventService(ctx).get(created.id)
    assert fetched.start.has_time
    assert fetched.start.value == datetime(2025, 6, 3, 16, 0)
    assert fetched.end.isoformat() == "2025-06-03T17:30"
    assert fetched.sla_policy == "webcast"


def test_same_day_date_only_end_with_a_timed_start_can_be_stored(
    ctx: AppContext, make_event
) -> None:
    created = make_event(start="2025-06-03T16:00", end="2025-06-03")

    assert EventService(ctx).get(created.id).end.isoformat() == "2025-06-03"


def test_invalid_event_writes_nothing(ctx: AppContext, make_event) -> None:
    with pytest.raises(ValidationError):
        make_event(event_type="expo")

    assert event_count(ctx) == 0
    assert audit_entries(ctx) == []


def test_get_of_a_missing_id_raises_not_found(ctx: AppContext) -> None:
    with pytest.raises(NotFoundError, match="no event with id 4711"):
        EventService(ctx).get(4711)


def test_create_is_audited(ctx: AppContext, make_event) -> None:
    created = make_event(owner="Dana Field")

    [entry] = audit_entries(ctx)
    assert (entry.action, entry.entity, entry.entity_id, entry.event_id) == (
        "create",
        "event",
        created.id,
        created.id,
    )
    assert entry.user == "tester"
    assert entry.at.tzinfo is not None
    assert entry.changes["name"] == [None, "RSA 2025"]
    assert entry.changes["owner"] == [None, "Dana Field"]
    assert entry.changes["start_at"] == [None, "2025-04-28T00:00:00"]
    # Fields still empty after creation are not changes.
    assert "campaign_id" not in entry.changes


# ----------------------------------------------------------------- list


def test_list_is_newest_start_first(ctx: AppContext, make_event) -> None:
    early = make_event(name="Early", start="2025-01-10")
    late = make_event(name="Late", start="2025-09-01")
    middle = make_event(name="Middle", start="2025-05-05")

    assert [record.id for record in EventService(ctx).list()] == [late.id, middle.id, early.id]


def test_list_searches_name_and_owner(ctx: AppContext, make_event) -> None:
    rsa = make_event(name="RSA 2025", owner="Dana Field")
    summit = make_event(name="Cloud Summit", owner="Rob Stone", event_type="conference")
    service = EventService(ctx)

    assert [r.id for r in service.list(search="rsa")] == [rsa.id]
    assert [r.id for r in service.list(search="  SUMMIT ")] == [summit.id]
    assert [r.id for r in service.list(search="stone")] == [summit.id]
    assert service.list(search="nothing like it") == []
    assert {r.id for r in service.list(search="   ")} == {rsa.id, summit.id}


def test_list_filters_by_type(ctx: AppContext, make_event) -> None:
    make_event(name="RSA 2025", event_type="tradeshow")
    webinar = make_event(name="Launch webinar", event_type="webcast")
    service = EventService(ctx)

    assert [r.id for r in service.list(event_type="webcast")] == [webinar.id]
    assert service.list(event_type="partner") == []
    assert service.list(search="RSA", event_type="webcast") == []


def test_list_counts_leads(ctx: AppContext, make_event) -> None:
    with_lead = make_event(name="With lead")
    make_event(name="Without lead")
    add_lead(ctx, with_lead.id)

    counts = {r.name: r.lead_count for r in EventService(ctx).list()}

    assert counts == {"With lead": 1, "Without lead": 0}
    assert EventService(ctx).get(with_lead.id).lead_count == 1


# ----------------------------------------------------------------- update


def test_update_changes_the_event_and_audits_only_changed_fields(
    ctx: AppContext, make_event
) -> None:
    created = make_event(owner="Dana Field", end="2025-05-01")
    service = EventService(ctx)
    data = replace(created.to_input(), owner="Rob Stone", end=parse_when("2025-05-02", "End"))

    updated = service.update(created.id, data)

    assert updated.owner == "Rob Stone"
    assert updated.end.isoformat() == "2025-05-02"
    assert service.get(created.id).owner == "Rob Stone"
    entries = audit_entries(ctx)
    assert [e.action for e in entries] == ["create", "update"]
    update = entries[-1]
    assert update.user == "tester"
    assert update.entity_id == created.id
    assert update.changes == {
        "owner": ["Dana Field", "Rob Stone"],
        # A date-only end is stored as the last second of its day.
        "end_at": ["2025-05-01T23:59:59", "2025-05-02T23:59:59"],
    }


def test_update_without_a_change_writes_no_audit_entry(ctx: AppContext, make_event) -> None:
    created = make_event()
    service = EventService(ctx)

    updated = service.update(created.id, created.to_input())

    assert [e.action for e in audit_entries(ctx)] == ["create"]
    assert updated.updated_at == created.updated_at


def test_update_validates(ctx: AppContext, make_event) -> None:
    created = make_event()
    service = EventService(ctx)

    with pytest.raises(ValidationError):
        service.update(created.id, replace(created.to_input(), country="Atlantis"))

    assert service.get(created.id) == created
    assert [e.action for e in audit_entries(ctx)] == ["create"]


def test_update_of_a_missing_id_raises_not_found(ctx: AppContext, make_event) -> None:
    created = make_event()

    with pytest.raises(NotFoundError):
        EventService(ctx).update(created.id + 1, created.to_input())


# ----------------------------------------------------------------- delete


def test_delete_removes_the_event_and_audits_it(ctx: AppContext, make_event) -> None:
    created = make_event(owner="Dana Field")
    kept = make_event(name="Kept")
    service = EventService(ctx)

    service.delete(created.id)

    with pytest.raises(NotFoundError):
        service.get(created.id)
    assert [r.id for r in service.list()] == [kept.id]
    entry = audit_entries(ctx)[-1]
    assert (entry.action, entry.entity_id, entry.event_id, entry.user) == (
        "delete",
        created.id,
        created.id,
        "tester",
    )
    assert entry.changes["name"] == ["RSA 2025", None]
    assert entry.changes["owner"] == ["Dana Field", None]


def test_delete_of_an_event_with_leads_is_refused(ctx: AppContext, make_event) -> None:
    created = make_event()
    add_lead(ctx, created.id)
    service = EventService(ctx)

    with pytest.raises(ValidationError, match="1 lead"):
        service.delete(created.id)

    assert service.get(created.id).lead_count == 1
    assert [e.action for e in audit_entries(ctx)] == ["create"]
    with ctx.db.read() as session:
        assert len(session.scalars(select(Lead)).all()) == 1
        assert len(session.scalars(select(Person)).all()) == 1


def test_delete_of_a_missing_id_raises_not_found(ctx: AppContext) -> None:
    with pytest.raises(NotFoundError):
        EventService(ctx).delete(1)
