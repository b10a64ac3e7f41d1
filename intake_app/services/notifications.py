"""SLA alerts: raised once per event, stage and moment, listed in the app, e-mailed if set up.

``check(now)`` looks at every event's SLA at ``now`` and raises each alert due
(due soon, overdue, escalation, reassignment suggested) that was not raised
before. The database's unique key makes that true across several copies of the
app sharing one database: whoever inserts first sends the e-mail. Alerts that
fell due more than a week ago are not raised (the Dashboard still shows the
event): opening the app after a holiday must not flood anyone's inbox.

Who is told: the person responsible for the stage (the event owner; the ops
owner for the second stage of a two-stage policy); an escalation copies their
manager; a reassignment suggestion goes to the manager, copying the ops owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError

from intake_app.core import sla
from intake_app.db.base import utcnow
from intake_app.db.models import Event, SlaNotification
from intake_app.services.context import AppContext
from intake_app.services.mailer import MailError, send_mail
from intake_app.services.settings_store import SettingsStore
from intake_app.services.sla import BoardRow, SlaService
from intake_app.services.team import TeamService

STALE_AFTER = timedelta(days=7)
_SEVERITY = {
    sla.AlertKind.DUE_SOON: 0,
    sla.AlertKind.OVERDUE: 1,
    sla.AlertKind.ESCALATION: 2,
    sla.AlertKind.REASSIGN: 3,
}


@dataclass(frozen=True)
class NotificationRecord:
    id: int
    event_id: int
    event_name: str
    stage: str
    kind: sla.AlertKind
    due_at: datetime
    raised_at: datetime
    message: str
    emailed_to: str | None
    email_error: str | None
    read: bool

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "event_id": self.event_id,
            "event_name": self.event_name,
            "stage": self.stage,
            "kind": self.kind.value,
            "due_at": self.due_at.isoformat(timespec="seconds"),
            "raised_at": self.raised_at.isoformat(timespec="seconds"),
            "message": self.message,
            "emailed_to": self.emailed_to,
            "email_error": self.email_error,
            "read": self.read,
        }


def responsible(row: BoardRow, stage: str) -> str | None:
    """Who must act on ``stage``: the ops owner for stage 2 of two stages, else the owner."""
    if stage == "enter" and row.state.policy.two_stage and row.event.ops_owner:
        return row.event.ops_owner
    return row.event.owner


def compose(row: BoardRow, alert: sla.Alert) -> str:
    """One sentence for the list, the tray and the e-mail subject line."""
    stage = next(item for item in row.state.stages if item.stage == alert.stage)
    when = sla.wall_clock_text(stage.deadline or alert.at, row.state.calendar.zone)
    what = sla.STAGE_PHRASES[alert.stage]
    name = row.event.name
    who = responsible(row, alert.stage) or "nobody (no owner set)"
    if alert.kind is sla.AlertKind.DUE_SOON:
        return f"{name}: {what} is due {when}; {stage.left_text()}. Owner: {who}."
    if alert.kind is sla.AlertKind.OVERDUE:
        return f"{name}: {what} was due {when} and is overdue. Owner: {who}."
    if alert.kind is sla.AlertKind.ESCALATION:
        return f"{name}: {what} is {stage.left_text()} (due {when}); escalated. Owner: {who}."
    return (
        f"{name}: {what} is {stage.left_text()} (due {when});"
        f" consider reassigning it. Owner: {who}."
    )


class NotificationService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def check(
        self, now: datetime | None = None, send_email: bool = True
    ) -> list[NotificationRecord]:
        """Raise the alerts due at ``now`` that were not raised yet; return the new ones."""
        moment = now or utcnow()
        rows = SlaService(self.ctx).board(moment)
        by_event = {row.event.id: row for row in rows}
        with self.ctx.db.read() as session:
            known = {
                (event_id, stage, kind, due_at)
                for event_id, stage, kind, due_at in session.execute(
                    select(
                        SlaNotification.event_id,
                        SlaNotification.stage,
                        SlaNotification.kind,
                        SlaNotification.due_at,
                    )
                )
            }
        fresh: list[tuple[BoardRow, sla.Alert]] = []
        for row in rows:
            for alert in sla.alerts(row.state):
                if moment - alert.at > STALE_AFTER:
                    continue
                if (row.event.id, alert.stage, alert.kind.value, alert.at) in known:
                    continue
                fresh.append((row, alert))
        # Of the alerts new at once for a stage, the most serious one is the news;
        # the others are kept for the record but already read.
        top: dict[tuple[int, str], int] = {}
        for row, alert in fresh:
            key = (row.event.id, alert.stage)
            top[key] = max(top.get(key, -1), _SEVERITY[alert.kind])
        raised: list[int] = []
        with self.ctx.db.write() as session:
            for row, alert in fresh:
                superseded = _SEVERITY[alert.kind] < top[(row.event.id, alert.stage)]
                try:
                    with session.begin_nested():
                        note = SlaNotification(
                            event_id=row.event.id,
                            stage=alert.stage,
                            kind=alert.kind.value,
                            due_at=alert.at,
                            raised_at=moment,
                            message=compose(row, alert),
                            read_at=moment if superseded else None,
                        )
                        session.add(note)
                        session.flush()
                    raised.append(note.id)
                except IntegrityError:
                    continue  # another copy of the app raised it first
        if send_email and raised:
            self._email(raised, by_event)
        return self._records(
            select(SlaNotification)
            .where(SlaNotification.id.in_(raised))
            .order_by(SlaNotification.id)
        )

    def _email(self, ids: list[int], rows: dict[int, BoardRow]) -> None:
        """E-mail the most serious new alert of each event and stage."""
        settings = SettingsStore(self.ctx).smtp()
        if not settings.enabled:
            return
        team = TeamService(self.ctx)
        with self.ctx.db.read() as session:
            notes = list(
                session.scalars(select(SlaNotification).where(SlaNotification.id.in_(ids)))
            )
            for note in notes:
                session.expunge(note)
        top: dict[tuple[int, str], SlaNotification] = {}
        for note in notes:
            if note.read_at is not None:
                continue  # superseded by a more serious alert raised with it
            key = (note.event_id, note.stage)
            kind = sla.AlertKind(note.kind)
            if key not in top or _SEVERITY[kind] > _SEVERITY[sla.AlertKind(top[key].kind)]:
                top[key] = note
        results: dict[int, tuple[str | None, str | None]] = {}
        for note in top.values():
            row = rows[note.event_id]
            kind = sla.AlertKind(note.kind)
            person = team.find(responsible(row, note.stage))
            manager = team.manager_of(person.name) if person else None
            ops = team.find(row.event.ops_owner)
            if kind is sla.AlertKind.REASSIGN:
                to = [manager.email] if manager and manager.email else []
                cc = [ops.email] if ops and ops.email else []
            else:
                to = [person.email] if person and person.email else []
                escalate = kind is sla.AlertKind.ESCALATION and manager and manager.email
                cc = [manager.email] if escalate and manager and manager.email else []
            try:
                send_mail(settings, to, f"[Intake SLA] {note.message}", _body(row, note), cc)
                results[note.id] = (", ".join(to + cc), None)
            except MailError as exc:
                results[note.id] = (None, str(exc))
        with self.ctx.db.write() as session:
            for note_id, (sent_to, error) in results.items():
                session.execute(
                    update(SlaNotification)
                    .where(SlaNotification.id == note_id)
                    .values(emailed_to=sent_to, email_error=error)
                )

    # ------------------------------------------------------------ the list

    def recent(self, limit: int = 100, unread_only: bool = False) -> list[NotificationRecord]:
        query = select(SlaNotification).order_by(
            SlaNotification.raised_at.desc(), SlaNotification.id.desc()
        )
        if unread_only:
            query = query.where(SlaNotification.read_at.is_(None))
        return self._records(query.limit(limit))

    def unread_count(self) -> int:
        with self.ctx.db.read() as session:
            count = session.scalar(
                select(func.count())
                .select_from(SlaNotification)
                .where(SlaNotification.read_at.is_(None))
            )
            return int(count or 0)

    def mark_read(self, ids: list[int] | None = None) -> None:
        """Mark the given notifications (or all of them) as read."""
        query = update(SlaNotification).where(SlaNotification.read_at.is_(None))
        if ids is not None:
            query = query.where(SlaNotification.id.in_(ids))
        with self.ctx.db.write() as session:
            session.execute(query.values(read_at=utcnow()))

    def _records(self, query: Select[SlaNotification]) -> list[NotificationRecord]:
        with self.ctx.db.read() as session:
            notes = list(session.scalars(query))
            wanted = {note.event_id for note in notes}
            names: dict[int, str] = {
                event_id: name
                for event_id, name in session.execute(
                    select(Event.id, Event.name).where(Event.id.in_(wanted))
                )
            }
            return [
                NotificationRecord(
                    id=note.id,
                    event_id=note.event_id,
                    event_name=names.get(note.event_id, ""),
                    stage=note.stage,
                    kind=sla.AlertKind(note.kind),
                    due_at=note.due_at,
                    raised_at=note.raised_at,
                    message=note.message,
                    emailed_to=note.emailed_to,
                    email_error=note.email_error,
                    read=note.read_at is not None,
                )
                for note in notes
            ]


def _body(row: BoardRow, note: SlaNotification) -> str:
    state = row.state
    zone = state.calendar.zone
    lines = [
        note.message,
        "",
        f"Event: {row.event.name} (id {row.event.id}), {row.event.event_type_label}",
        f"Ended: {state.event_end.astimezone(zone):%Y-%m-%d %H:%M %Z}",
        f"Policy: {state.policy.label}",
        f"Owner: {row.event.owner or '-'}; ops owner: {row.event.ops_owner or '-'}",
        "",
    ]
    for stage in state.stages:
        deadline = (
            sla.wall_clock_text(stage.deadline, zone, with_year=True) if stage.deadline else "-"
        )
        lines.append(
            f"- {stage.label}: {stage.status.label}, due {deadline} {stage.left_text()}".rstrip()
        )
    lines += ["", "Sent by Event Lead Intake. Open the Dashboard to hand over or mark uploaded."]
    return "\n".join(lines)
