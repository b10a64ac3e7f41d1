"""Events: create, list, show, edit and delete, each change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from intake_app.core.errors import NotFoundError, ValidationError
from intake_app.core.events import EventDraft, EventInput, When, validate_event
from intake_app.core.geo import country_name
from intake_app.db.models import Event, ImportBatch, Lead
from intake_app.services import access, audit
from intake_app.services.context import AppContext


@dataclass(frozen=True)
class EventRecord:
    """An event as shown and printed; detached from any session."""

    id: int
    name: str
    event_type: str
    event_type_label: str
    start: When
    end: When
    timezone: str
    country: str | None
    owner: str | None
    ops_owner: str | None
    campaign_id: str | None
    sla_policy: str
    description: str | None
    created_at: datetime
    created_by: str
    updated_at: datetime
    lead_count: int
    batch_count: int

    @property
    def end_local(self) -> datetime:
        """The stored end: the moment in the event's zone its SLA clock starts."""
        return _stored_end(self.end)

    @property
    def country_label(self) -> str:
        return f"{country_name(self.country)} ({self.country})" if self.country else ""

    def to_input(self) -> EventInput:
        """The event as the edit form starts from."""
        return EventInput(
            name=self.name,
            event_type=self.event_type,
            start=self.start,
            end=self.end,
            timezone=self.timezone,
            country=self.country,
            owner=self.owner,
            ops_owner=self.ops_owner,
            campaign_id=self.campaign_id,
            sla_policy=self.sla_policy,
            description=self.description,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.event_type,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "timezone": self.timezone,
            "country": self.country,
            "owner": self.owner,
            "ops_owner": self.ops_owner,
            "campaign_id": self.campaign_id,
            "sla_policy": self.sla_policy,
            "description": self.description,
            "lead_count": self.lead_count,
            "batch_count": self.batch_count,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "created_by": self.created_by,
            "updated_at": self.updated_at.isoformat(timespec="seconds"),
        }


def _stored_end(end: When) -> datetime:
    """A date-only end is stored as the last second of that day: the event is over then.

    That keeps ``end_at >= start_at`` true for a one-day event with a timed start,
    and gives the SLA clock the moment the event really ended.
    """
    if end.has_time:
        return end.value
    return datetime.combine(end.value.date(), time(23, 59, 59))


def _loaded_end(end_at: datetime, has_time: bool) -> When:
    return When(end_at, True) if has_time else When.of_date(end_at.date())


def _columns(draft: EventDraft) -> dict[str, Any]:
    return {
        "name": draft.name,
        "event_type": draft.event_type,
        "start_at": draft.start.value,
        "start_has_time": draft.start.has_time,
        "end_at": _stored_end(draft.end),
        "end_has_time": draft.end.has_time,
        "timezone": draft.timezone,
        "country": draft.country,
        "owner": draft.owner,
        "ops_owner": draft.ops_owner,
        "campaign_id": draft.campaign_id,
        "sla_policy": draft.sla_policy,
        "description": draft.description,
    }


def _snapshot(event: Event) -> dict[str, Any]:
    return {key: getattr(event, key) for key in _AUDITED}


_AUDITED = (
    "name", "event_type", "start_at", "start_has_time", "end_at", "end_has_time", "timezone",
    "country", "owner", "ops_owner", "campaign_id", "sla_policy", "description",
)  # fmt: skip


class EventService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def _record(self, event: Event, lead_count: int, batch_count: int) -> EventRecord:
        event_type = self.ctx.schema.event_type(event.event_type)
        return EventRecord(
            id=event.id,
            name=event.name,
            event_type=event.event_type,
            # A type a company schema no longer has still shows, by its code.
            event_type_label=event_type.label if event_type else event.event_type,
            start=When(event.start_at, event.start_has_time),
            end=_loaded_end(event.end_at, event.end_has_time),
            timezone=event.timezone,
            country=event.country,
            owner=event.owner,
            ops_owner=event.ops_owner,
            campaign_id=event.campaign_id,
            sla_policy=event.sla_policy,
            description=event.description,
            created_at=event.created_at,
            created_by=event.created_by,
            updated_at=event.updated_at,
            lead_count=lead_count,
            batch_count=batch_count,
        )

    @staticmethod
    def _counts(session: Session, event_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
        if not event_ids:
            return {}, {}
        # Rows unpack like tuples (Result.tuples() is deprecated since SQLAlchemy 2.1).
        leads: dict[int, int] = {
            event_id: count
            for event_id, count in session.execute(
                select(Lead.event_id, func.count())
                .where(Lead.event_id.in_(event_ids))
                .group_by(Lead.event_id)
            )
        }
        batches: dict[int, int] = {
            event_id: count
            for event_id, count in session.execute(
                select(ImportBatch.event_id, func.count())
                .where(ImportBatch.event_id.in_(event_ids))
                .group_by(ImportBatch.event_id)
            )
        }
        return leads, batches

    def create(self, data: EventInput) -> EventRecord:
        access.require_event_owner(self.ctx, data.owner)
        draft = validate_event(data, self.ctx.schema)
        with self.ctx.db.write() as session:
            event = Event(**_columns(draft), created_by=self.ctx.user)
            session.add(event)
            session.flush()
            audit.record(
                session,
                user=self.ctx.user,
                action="create",
                entity="event",
                entity_id=event.id,
                event_id=event.id,
                changes=audit.diff({}, _snapshot(event)),
            )
            return self._record(event, 0, 0)

    def list(self, search: str | None = None, event_type: str | None = None) -> list[EventRecord]:
        """Events, most recent start first, optionally filtered by text and type."""
        query = select(Event).order_by(Event.start_at.desc(), Event.id.desc())
        if search and search.strip():
            pattern = f"%{search.strip()}%"
            query = query.where(
                or_(
                    Event.name.ilike(pattern),
                    Event.owner.ilike(pattern),
                    Event.campaign_id.ilike(pattern),
                )
            )
        if event_type:
            query = query.where(Event.event_type == event_type)
        with self.ctx.db.read() as session:
            events = list(session.scalars(query))
            leads, batches = self._counts(session, [event.id for event in events])
            return [
                self._record(event, leads.get(event.id, 0), batches.get(event.id, 0))
                for event in events
            ]

    def get(self, event_id: int) -> EventRecord:
        with self.ctx.db.read() as session:
            event = session.get(Event, event_id)
            if event is None:
                raise NotFoundError(f"There is no event with id {event_id}.")
            leads, batches = self._counts(session, [event_id])
            return self._record(event, leads.get(event_id, 0), batches.get(event_id, 0))

    def update(self, event_id: int, data: EventInput) -> EventRecord:
        access.require_event(self.ctx, event_id, "edit")
        access.require_event_owner(self.ctx, data.owner, "edit events")
        draft = validate_event(data, self.ctx.schema)
        with self.ctx.db.write() as session:
            event = session.get(Event, event_id)
            if event is None:
                raise NotFoundError(f"There is no event with id {event_id}.")
            before = _snapshot(event)
            for key, value in _columns(draft).items():
                setattr(event, key, value)
            changes = audit.diff(before, _snapshot(event))
            if changes:
                session.flush()
                audit.record(
                    session,
                    user=self.ctx.user,
                    action="update",
                    entity="event",
                    entity_id=event.id,
                    event_id=event.id,
                    changes=changes,
                )
            leads, batches = self._counts(session, [event_id])
            return self._record(event, leads.get(event_id, 0), batches.get(event_id, 0))

    def delete(self, event_id: int) -> None:
        """Delete an event that has no leads.

        Raises:
            NotFoundError: no such event.
            ValidationError: the event has leads; they must not be lost.
        """
        access.require_event(self.ctx, event_id, "delete")
        with self.ctx.db.write() as session:
            event = session.get(Event, event_id)
            if event is None:
                raise NotFoundError(f"There is no event with id {event_id}.")
            lead_count = session.scalar(
                select(func.count()).select_from(Lead).where(Lead.event_id == event_id)
            )
            if lead_count:
                raise ValidationError(
                    f"Event {event_id} ({event.name}) has {lead_count} lead(s) and cannot be"
                    " deleted."
                )
            audit.record(
                session,
                user=self.ctx.user,
                action="delete",
                entity="event",
                entity_id=event.id,
                event_id=event.id,
                changes=audit.diff(_snapshot(event), {}),
            )
            session.delete(event)
