"""The intake SLA of each event: stamps recorded by the app, status, and the board.

Stamps are never typed in. The app records them: *received* at the first
import into an event, *handed over* by the "Hand over to ops" action,
*entered* by a MAP export or "Mark uploaded". A correction (a different time)
or a withdrawal (it did not happen) adds a stamp that replaces the earlier
one, with a reason, and is audited; the original stays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake_app.core import sla
from intake_app.core.errors import NotFoundError, ValidationError
from intake_app.core.lead_values import clean_text
from intake_app.db.base import utcnow
from intake_app.db.models import AuditEntry, Event, SlaStamp
from intake_app.services import access, audit
from intake_app.services.context import AppContext
from intake_app.services.events import EventRecord, EventService
from schemas import SlaPolicy

KINDS = ("received", "handed_over", "entered")
KIND_LABELS = {"received": "List received", "handed_over": "Handed over", "entered": "Entered"}


@dataclass(frozen=True)
class StampRecord:
    id: int
    kind: str
    at: datetime
    by_user: str
    source: str  # app, correction or withdrawn
    reason: str | None
    handed_to: str | None
    note: str | None
    replaces_id: int | None
    effective: bool


def effective_stamps(stamps: Iterable[SlaStamp]) -> dict[str, SlaStamp]:
    """Per kind, the stamp in force: not replaced, not withdrawn, the earliest left."""
    rows = list(stamps)
    replaced = {stamp.replaces_id for stamp in rows if stamp.replaces_id is not None}
    found: dict[str, SlaStamp] = {}
    for stamp in rows:
        if stamp.id in replaced or stamp.source == "withdrawn":
            continue
        best = found.get(stamp.kind)
        if best is None or stamp.at < best.at:
            found[stamp.kind] = stamp
    return found


def _as_core(found: dict[str, SlaStamp]) -> sla.Stamps:
    return sla.Stamps(
        received=found["received"].at if "received" in found else None,
        handed_over=found["handed_over"].at if "handed_over" in found else None,
        entered=found["entered"].at if "entered" in found else None,
    )


def record_stamp(
    session: Session,
    event_id: int,
    kind: str,
    *,
    user: str,
    note: str,
    handed_to: str | None = None,
    at: datetime | None = None,
) -> bool:
    """Record ``kind`` for an event inside the caller's transaction, if not recorded yet.

    Returns True when a stamp was added (the first import, the first export ...).
    """
    stamps = session.scalars(
        select(SlaStamp).where(SlaStamp.event_id == event_id, SlaStamp.kind == kind)
    )
    if kind in effective_stamps(stamps):
        return False
    session.add(
        SlaStamp(
            event_id=event_id,
            kind=kind,
            at=at or utcnow(),
            by_user=user,
            source="app",
            note=note,
            handed_to=handed_to,
        )
    )
    return True


@dataclass(frozen=True)
class BoardRow:
    """One event on the Dashboard: the event and its SLA state at the board's moment."""

    event: EventRecord
    region: str
    state: sla.EventSla
    # The last reassignment to another ops owner: (who, when), if any.
    reassigned: tuple[str, datetime] | None = None

    @property
    def status(self) -> sla.Status:
        return self.state.status

    @property
    def flag(self) -> str | None:
        """What to say beside the status: reassign, reassigned or escalated (first that holds)."""
        if self.reassign_suggested:
            return "reassign"
        if self.reassigned and not self.state.current.done:
            return "reassigned"
        if self.state.escalated:
            return "escalated"
        return None

    @property
    def reassign_suggested(self) -> bool:
        """Past the reassignment moment and not reassigned since."""
        stage = self.state.current
        if not self.state.reassign or stage.reassign_at is None:
            return False
        return self.reassigned is None or self.reassigned[1] < stage.reassign_at

    def to_json(self) -> dict[str, object]:
        state = self.state
        return {
            "event_id": self.event.id,
            "event_name": self.event.name,
            "type": self.event.event_type,
            "owner": self.event.owner,
            "ops_owner": self.event.ops_owner,
            "region": self.region,
            "policy": state.policy.code,
            "event_end": _iso(state.event_end),
            "status": state.status.value,
            "escalated": state.escalated,
            "reassign_suggested": self.reassign_suggested,
            "reassigned_to": self.reassigned[0] if self.reassigned else None,
            "reassigned_at": _iso(self.reassigned[1]) if self.reassigned else None,
            "time_left": state.left_text(),
            "list_received": _iso(state.stamps.received),
            "handed_over": _iso(state.stamps.handed_over),
            "entered": _iso(state.stamps.entered),
            "holiday_calendar": state.calendar.country,
            "stages": [
                {
                    "stage": stage.stage,
                    "status": stage.status.value,
                    "unit": stage.rule.unit,
                    "amount": stage.rule.amount,
                    "starts_at": _iso(stage.starts_at),
                    "deadline": _iso(stage.deadline),
                    "reminder_at": _iso(stage.reminder_at),
                    "escalate_at": _iso(stage.escalate_at),
                    "reassign_at": _iso(stage.reassign_at),
                    "done_at": _iso(stage.done_at),
                    "seconds_left": (
                        None if stage.left_seconds is None else round(stage.left_seconds)
                    ),
                    "time_left": stage.left_text(),
                    "escalated": stage.escalated,
                    "reassign_suggested": stage.reassign,
                }
                for stage in state.stages
            ],
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


@dataclass(frozen=True)
class BoardFilter:
    owner: str | None = None
    event_type: str | None = None
    region: str | None = None
    # Events that ended in [ended_from, ended_to], by local date.
    ended_from: date | None = None
    ended_to: date | None = None
    needs_action_only: bool = False

    def admits(self, row: BoardRow) -> bool:
        event = row.event
        end_day = event.end_local.date()
        return (
            (not self.owner or (event.owner or "") == self.owner)
            and (not self.event_type or event.event_type == self.event_type)
            and (not self.region or row.region == self.region)
            and (self.ended_from is None or end_day >= self.ended_from)
            and (self.ended_to is None or end_day <= self.ended_to)
            and (not self.needs_action_only or row.state.attention <= 3)
        )


class SlaService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------ status

    def policy_for(self, event: EventRecord) -> SlaPolicy:
        policy = self.ctx.schema.sla_policy(event.sla_policy)
        if policy is None:
            raise ValidationError(
                f"Event {event.id} ({event.name}) names SLA policy {event.sla_policy!r},"
                " which the schema in force does not define."
            )
        return policy

    def evaluate(self, event: EventRecord, stamps: list[SlaStamp], now: datetime) -> sla.EventSla:
        return sla.evaluate(
            self.policy_for(event),
            end_local=event.end_local,
            timezone=event.timezone,
            country=event.country,
            stamps=_as_core(effective_stamps(stamps)),
            now=now,
        )

    def board(
        self, now: datetime | None = None, filters: BoardFilter | None = None
    ) -> list[BoardRow]:
        """Every event's SLA state at ``now``, the ones needing action first."""
        moment = now or utcnow()
        events = EventService(self.ctx).list()
        stamps: dict[int, list[SlaStamp]] = defaultdict(list)
        with self.ctx.db.read() as session:
            for stamp in session.scalars(select(SlaStamp)):
                session.expunge(stamp)
                stamps[stamp.event_id].append(stamp)
        regions = self.ctx.schema.regions
        moved = self._reassignments()
        rows = [
            BoardRow(
                event,
                regions.region_of(event.country),
                self.evaluate(event, stamps[event.id], moment),
                moved.get(event.id),
            )
            for event in events
            if self.ctx.schema.sla_policy(event.sla_policy) is not None
        ]
        if filters is not None:
            rows = [row for row in rows if filters.admits(row)]
        far = datetime.max.replace(tzinfo=moment.tzinfo)
        rows.sort(
            key=lambda row: (
                row.state.attention,
                row.state.current.deadline or far,
                row.event.id,
            )
        )
        return rows

    def status(self, event_id: int, now: datetime | None = None) -> BoardRow:
        event = EventService(self.ctx).get(event_id)
        moment = now or utcnow()
        with self.ctx.db.read() as session:
            stamps = list(session.scalars(select(SlaStamp).where(SlaStamp.event_id == event_id)))
            for stamp in stamps:
                session.expunge(stamp)
        region = self.ctx.schema.regions.region_of(event.country)
        moved = self._reassignments(event_id)
        return BoardRow(event, region, self.evaluate(event, stamps, moment), moved.get(event_id))

    def _reassignments(self, event_id: int | None = None) -> dict[int, tuple[str, datetime]]:
        """The latest reassignment of each event, from the audit log."""
        query = (
            select(AuditEntry.event_id, AuditEntry.changes, AuditEntry.at)
            .where(AuditEntry.action == "reassign", AuditEntry.entity == "event")
            .order_by(AuditEntry.at, AuditEntry.id)
        )
        if event_id is not None:
            query = query.where(AuditEntry.event_id == event_id)
        found: dict[int, tuple[str, datetime]] = {}
        with self.ctx.db.read() as session:
            for owner_event, changes, at in session.execute(query):
                change = (changes or {}).get("ops_owner") or [None, None]
                if owner_event is not None and change[1]:
                    found[owner_event] = (str(change[1]), at)
        return found

    def history(self, event_id: int) -> list[StampRecord]:
        """Every stamp of an event, oldest first, with which are in force."""
        with self.ctx.db.read() as session:
            if session.get(Event, event_id) is None:
                raise NotFoundError(f"There is no event with id {event_id}.")
            stamps = list(
                session.scalars(
                    select(SlaStamp)
                    .where(SlaStamp.event_id == event_id)
                    .order_by(SlaStamp.created_at, SlaStamp.id)
                )
            )
            current = {stamp.id for stamp in effective_stamps(stamps).values()}
            return [
                StampRecord(
                    id=stamp.id,
                    kind=stamp.kind,
                    at=stamp.at,
                    by_user=stamp.by_user,
                    source=stamp.source,
                    reason=stamp.reason,
                    handed_to=stamp.handed_to,
                    note=stamp.note,
                    replaces_id=stamp.replaces_id,
                    effective=stamp.id in current,
                )
                for stamp in stamps
            ]

    # ------------------------------------------------------------ actions

    def hand_over(self, event_id: int, to: str, note: str | None = None) -> BoardRow:
        """Record that the leads went to the ops owner ``to`` (who becomes the ops owner)."""
        access.require_event(self.ctx, event_id, "change the SLA stamps of")
        name = clean_text(to)
        if not name:
            raise ValidationError("Name the ops owner the leads are handed over to.", "to")
        with self.ctx.db.write() as session:
            event, found = self._received(session, event_id)
            if "handed_over" in found:
                raise ValidationError(
                    f"Event {event_id} ({event.name}) was already handed over to"
                    f" {found['handed_over'].handed_to or 'ops'}"
                    f" on {found['handed_over'].at:%Y-%m-%d %H:%M} UTC."
                )
            if "entered" in found:
                raise ValidationError(
                    f"The leads of event {event_id} ({event.name}) are already entered;"
                    " there is nothing left to hand over."
                )
            if event.ops_owner != name:
                audit.record(
                    session,
                    user=self.ctx.user,
                    action="update",
                    entity="event",
                    entity_id=event.id,
                    event_id=event.id,
                    changes={"ops_owner": [event.ops_owner, name]},
                    reason="hand over to ops",
                )
                event.ops_owner = name
            session.add(
                SlaStamp(
                    event_id=event_id,
                    kind="handed_over",
                    at=utcnow(),
                    by_user=self.ctx.user,
                    source="app",
                    handed_to=name,
                    note=clean_text(note or "") or "Hand over to ops",
                )
            )
            self._audit_stamp(session, event_id, "handed_over", f"to {name}")
        return self.status(event_id)

    def mark_uploaded(self, event_id: int, note: str | None = None) -> BoardRow:
        """Record that the leads are in the MAP (uploaded outside the app's export)."""
        access.require_event(self.ctx, event_id, "change the SLA stamps of")
        with self.ctx.db.write() as session:
            event, found = self._received(session, event_id)
            if "entered" in found:
                raise ValidationError(
                    f"The leads of event {event_id} ({event.name}) were already entered"
                    f" on {found['entered'].at:%Y-%m-%d %H:%M} UTC."
                )
            session.add(
                SlaStamp(
                    event_id=event_id,
                    kind="entered",
                    at=utcnow(),
                    by_user=self.ctx.user,
                    source="app",
                    note=clean_text(note or "") or "Mark uploaded",
                )
            )
            self._audit_stamp(session, event_id, "entered", "mark uploaded")
        return self.status(event_id)

    def correct(self, event_id: int, kind: str, at: datetime, reason: str) -> BoardRow:
        """Put a stamp at a different moment (or add a missing one), with a reason."""
        access.require_event(self.ctx, event_id, "change the SLA stamps of")
        why = self._reason(reason)
        self._kind(kind)
        if at.tzinfo is None:
            raise ValidationError("A corrected time needs a time zone.", "at")
        if at > utcnow():
            raise ValidationError("A stamp cannot be corrected to a time in the future.", "at")
        with self.ctx.db.write() as session:
            self._event(session, event_id)
            previous = self._effective(session, event_id).get(kind)
            session.add(
                SlaStamp(
                    event_id=event_id,
                    kind=kind,
                    at=at,
                    by_user=self.ctx.user,
                    source="correction",
                    reason=why,
                    replaces_id=previous.id if previous else None,
                    handed_to=previous.handed_to if previous else None,
                    note="correction",
                )
            )
            audit.record(
                session,
                user=self.ctx.user,
                action="correct",
                entity="sla_stamp",
                entity_id=previous.id if previous else None,
                event_id=event_id,
                changes={kind: [audit.plain(previous.at) if previous else None, audit.plain(at)]},
                reason=why,
            )
        return self.status(event_id)

    def withdraw(self, event_id: int, kind: str, reason: str) -> BoardRow:
        """Take back a stamp that should not have been recorded, with a reason."""
        access.require_event(self.ctx, event_id, "change the SLA stamps of")
        why = self._reason(reason)
        self._kind(kind)
        with self.ctx.db.write() as session:
            event = self._event(session, event_id)
            previous = self._effective(session, event_id).get(kind)
            if previous is None:
                raise ValidationError(
                    f"Event {event_id} ({event.name}) has no {KIND_LABELS[kind].lower()} stamp"
                    " to withdraw."
                )
            session.add(
                SlaStamp(
                    event_id=event_id,
                    kind=kind,
                    at=utcnow(),
                    by_user=self.ctx.user,
                    source="withdrawn",
                    reason=why,
                    replaces_id=previous.id,
                    note="withdrawn",
                )
            )
            audit.record(
                session,
                user=self.ctx.user,
                action="withdraw",
                entity="sla_stamp",
                entity_id=previous.id,
                event_id=event_id,
                changes={kind: [audit.plain(previous.at), None]},
                reason=why,
            )
        return self.status(event_id)

    def reassign(self, event_id: int, to: str, reason: str) -> BoardRow:
        """Give the event to another ops owner (the last step after an escalation)."""
        access.require_admin(self.ctx, "reassign an event's ops owner")
        name = clean_text(to)
        if not name:
            raise ValidationError("Name the ops owner the event is reassigned to.", "to")
        why = self._reason(reason)
        with self.ctx.db.write() as session:
            event = self._event(session, event_id)
            if event.ops_owner == name:
                raise ValidationError(f"{name} is already the ops owner of event {event_id}.")
            audit.record(
                session,
                user=self.ctx.user,
                action="reassign",
                entity="event",
                entity_id=event.id,
                event_id=event.id,
                changes={"ops_owner": [event.ops_owner, name]},
                reason=why,
            )
            event.ops_owner = name
        return self.status(event_id)

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _event(session: Session, event_id: int) -> Event:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFoundError(f"There is no event with id {event_id}.")
        return event

    def _received(self, session: Session, event_id: int) -> tuple[Event, dict[str, SlaStamp]]:
        """The event and its stamps in force; refused while no list has been imported."""
        event = self._event(session, event_id)
        found = self._effective(session, event_id)
        if "received" not in found:
            raise ValidationError(
                f"Event {event_id} ({event.name}) has no leads yet: import its list first."
            )
        return event, found

    @staticmethod
    def _effective(session: Session, event_id: int) -> dict[str, SlaStamp]:
        return effective_stamps(
            session.scalars(select(SlaStamp).where(SlaStamp.event_id == event_id))
        )

    @staticmethod
    def _reason(reason: str) -> str:
        why = clean_text(reason or "")
        if len(why) < 3:
            raise ValidationError("Give the reason for the correction.", "reason")
        return why

    @staticmethod
    def _kind(kind: str) -> None:
        if kind not in KINDS:
            raise ValidationError(
                f"{kind!r} is not a stamp; use one of {', '.join(KINDS)}.", "stamp"
            )

    def _audit_stamp(self, session: Session, event_id: int, kind: str, what: str) -> None:
        audit.record(
            session,
            user=self.ctx.user,
            action="stamp",
            entity="sla_stamp",
            entity_id=None,
            event_id=event_id,
            changes={kind: [None, what]},
        )
