"""The intake SLA clock: deadlines, status, reminders and escalation, as pure functions.

Everything here is a function of a policy, an event, its stamps and a moment
``now``, so the Dashboard, the CLI, the notifier and the reports ask the same
question of any moment and get the same answer.

Business time. A stage of ``N business_days`` ends when N x 24 hours of
*business-day wall-clock time* have passed since it started, counted in the
event's time zone: the rest of the starting day if it is a business day, then
each whole business day, skipping weekends (the country's own weekend days)
and the policy's public holidays. So an event ending Friday 17:00 with two
business days to hand over is due on the next Tuesday 17:00 (the Wednesday
after a holiday Monday), and a date-only end (stored as 23:59:59) is due at the
end of the N-th business day after it. A stage counted in ``hours`` is plain
elapsed time. A wall-clock deadline that falls into a daylight-saving gap is
the moment the clock passes it; in an ambiguous hour it is the first of the two.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_data

from schemas import SlaPolicy, SlaStage

DAY = 86_400.0
_MAX_DAYS = 3_700  # about ten years: no real deadline is further than that


class Status(StrEnum):
    UPCOMING = "upcoming"  # the event has not ended: the clock has not started
    WAITING = "waiting"  # stage 2, before the handover starts its clock
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Status.UPCOMING: "Upcoming",
    Status.WAITING: "Waiting for handover",
    Status.ON_TRACK: "On track",
    Status.DUE_SOON: "Due soon",
    Status.OVERDUE: "Overdue",
    Status.MET: "Met",
    Status.MET_LATE: "Met late",
}

STAGE_LABELS = {"hand_over": "Hand over to ops", "enter": "Enter into the MAP"}
STAGE_PHRASES = {"hand_over": "hand over to ops", "enter": "enter into the MAP"}


class AlertKind(StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    REASSIGN = "reassign"

    @property
    def label(self) -> str:
        return {
            AlertKind.DUE_SOON: "Due soon",
            AlertKind.OVERDUE: "Overdue",
            AlertKind.ESCALATION: "Escalated to the manager",
            AlertKind.REASSIGN: "Reassignment suggested",
        }[self]


# ------------------------------------------------------------------ calendar


@lru_cache(maxsize=512)
def _country_calendar(country: str, year: int) -> tuple[frozenset[date], frozenset[int]] | None:
    try:
        table = holiday_data.country_holidays(country, years=year)
    except (NotImplementedError, KeyError):
        return None
    weekend = frozenset(getattr(table, "weekend", {5, 6}))
    return frozenset(table.keys()), weekend


@lru_cache(maxsize=512)
def _holiday_names(country: str, year: int) -> dict[date, str]:
    try:
        return dict(holiday_data.country_holidays(country, years=year).items())
    except (NotImplementedError, KeyError):
        return {}


@dataclass(frozen=True)
class BusinessCalendar:
    """Business days in one time zone: weekends and a country's public holidays skipped."""

    timezone: str
    country: str | None = None  # whose holidays (and weekend days); None: Sat/Sun only

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def knows_holidays(self) -> bool:
        return self.country is not None and _country_calendar(self.country, 2000) is not None

    def is_business_day(self, day: date) -> bool:
        if self.country:
            known = _country_calendar(self.country, day.year)
            if known is not None:
                days_off, weekend = known
                return day.weekday() not in weekend and day not in days_off
        return day.weekday() < 5

    def holiday(self, day: date) -> str | None:
        """The public holiday's name on ``day``, if it is one."""
        return _holiday_names(self.country, day.year).get(day) if self.country else None

    # -------------------------------------------------------------- time

    def local(self, instant: datetime) -> datetime:
        """An aware instant as naive wall-clock time in this zone."""
        return instant.astimezone(self.zone).replace(tzinfo=None)

    def instant(self, wall: datetime) -> datetime:
        """Naive wall-clock time in this zone as an aware UTC instant."""
        return wall.replace(tzinfo=self.zone, fold=0).astimezone(UTC)

    def add_business(self, start: datetime, days: float) -> datetime:
        """The instant ``days`` business days of wall-clock time after ``start``."""
        remaining = days * DAY
        cursor = self.local(start)
        for _ in range(_MAX_DAYS):
            midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
            if self.is_business_day(cursor.date()):
                available = (midnight - cursor).total_seconds()
                if remaining <= available:
                    return self.instant(cursor + timedelta(seconds=remaining))
                remaining -= available
            cursor = midnight
        raise ValueError("the deadline is more than ten years away")

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Business wall-clock seconds from ``start`` to ``end`` (negative if end is earlier)."""
        if end < start:
            return -self.business_seconds(end, start)
        cursor, stop = self.local(start), self.local(end)
        total = 0.0
        for _ in range(_MAX_DAYS):
            if cursor >= stop:
                break
            midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
            if self.is_business_day(cursor.date()):
                total += (min(midnight, stop) - cursor).total_seconds()
            cursor = midnight
        return total

    def add(self, start: datetime, amount: float, unit: str) -> datetime:
        if unit == "hours":
            return start + timedelta(hours=amount)
        return self.add_business(start, amount)

    def elapsed(self, start: datetime, end: datetime, unit: str) -> float:
        """Seconds from start to end in a stage's measure (business or elapsed)."""
        if unit == "hours":
            return (end - start).total_seconds()
        return self.business_seconds(start, end)


def calendar_for(policy: SlaPolicy, timezone: str, country: str | None) -> BusinessCalendar:
    """The calendar a policy counts an event's deadlines in."""
    if policy.holiday_calendar == "none":
        return BusinessCalendar(timezone, None)
    if policy.holiday_calendar == "event_country":
        return BusinessCalendar(timezone, country.upper() if country else None)
    return BusinessCalendar(timezone, policy.holiday_calendar)


# ------------------------------------------------------------------ status


@dataclass(frozen=True)
class Stamps:
    """The effective stamps of one event (aware UTC instants), after corrections."""

    received: datetime | None = None
    handed_over: datetime | None = None
    entered: datetime | None = None


@dataclass(frozen=True)
class StageStatus:
    stage: str  # hand_over | enter
    rule: SlaStage
    status: Status
    starts_at: datetime | None
    deadline: datetime | None
    reminder_at: datetime | None
    escalate_at: datetime | None
    reassign_at: datetime | None
    done_at: datetime | None
    # In the stage's measure (business seconds, or elapsed seconds for an hours
    # stage): positive is time left (or to spare, once met), negative is late.
    left_seconds: float | None
    escalated: bool = False
    reassign: bool = False

    @property
    def label(self) -> str:
        return STAGE_LABELS[self.stage]

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def left_text(self) -> str:
        """'1 bd 4 h left', '5 h late', 'met with 2 h to spare'."""
        if self.left_seconds is None:
            return ""
        span = describe_span(self.left_seconds, self.rule.unit)
        if self.done:
            return "on time" if self.left_seconds >= 0 else f"{span} late"
        return f"{span} left" if self.left_seconds >= 0 else f"{span} late"


@dataclass(frozen=True)
class EventSla:
    """The SLA state of one event at one moment."""

    policy: SlaPolicy
    calendar: BusinessCalendar
    event_end: datetime  # aware UTC
    stamps: Stamps
    stages: tuple[StageStatus, ...]
    now: datetime

    @property
    def current(self) -> StageStatus:
        """The stage that needs action: the first not done, else the last."""
        return next((stage for stage in self.stages if not stage.done), self.stages[-1])

    @property
    def status(self) -> Status:
        if all(stage.done for stage in self.stages):
            late = any(stage.status is Status.MET_LATE for stage in self.stages)
            return Status.MET_LATE if late else Status.MET
        return self.current.status

    @property
    def escalated(self) -> bool:
        return self.current.escalated and not self.current.done

    @property
    def reassign(self) -> bool:
        return self.current.reassign and not self.current.done

    @property
    def list_received(self) -> bool:
        return self.stamps.received is not None

    @property
    def attention(self) -> int:
        """Sort rank: lower needs action sooner."""
        if self.reassign:
            return 0
        if self.escalated:
            return 1
        return _ATTENTION[self.status]

    def left_text(self) -> str:
        return self.current.left_text()


_ATTENTION = {
    Status.OVERDUE: 2,
    Status.DUE_SOON: 3,
    Status.ON_TRACK: 4,
    Status.WAITING: 4,
    Status.UPCOMING: 5,
    Status.MET_LATE: 6,
    Status.MET: 7,
}


def event_end_instant(end_local: datetime, timezone: str) -> datetime:
    """The event's stored local end as an aware UTC instant."""
    return BusinessCalendar(timezone).instant(end_local)


def evaluate(
    policy: SlaPolicy,
    *,
    end_local: datetime,
    timezone: str,
    country: str | None,
    stamps: Stamps,
    now: datetime,
) -> EventSla:
    """The SLA state of an event at ``now`` (an aware instant).

    Stage 1 runs from the event's end. In a two-stage policy it is met by the
    handover, or by the entry when the leads were entered without one; stage 2
    runs from that moment and is met by the entry.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    calendar = calendar_for(policy, timezone, country)
    end = calendar.instant(end_local)
    stages: list[StageStatus] = []
    start: datetime | None = end
    for rule in policy.stages:
        # Entering the leads without a separate handover completes stage 1 too.
        done = (
            (stamps.handed_over or stamps.entered) if rule.name == "hand_over" else stamps.entered
        )
        stage = _stage(policy, calendar, rule, start, done, now)
        stages.append(stage)
        start = done
    return EventSla(policy, calendar, end, stamps, tuple(stages), now)


def _stage(
    policy: SlaPolicy,
    calendar: BusinessCalendar,
    rule: SlaStage,
    start: datetime | None,
    done: datetime | None,
    now: datetime,
) -> StageStatus:
    if start is None:
        return StageStatus(
            rule.name, rule, Status.WAITING, None, None, None, None, None, None, None
        )
    deadline = calendar.add(start, rule.amount, rule.unit)
    reminder = calendar.add(start, rule.amount * (1 - policy.reminder_when_left), rule.unit)
    escalate = calendar.add_business(deadline, policy.escalate_after_business_days)
    reassign = calendar.add_business(deadline, policy.reassign_after_business_days)
    if done is not None:
        late = done > deadline
        left = calendar.elapsed(done, deadline, rule.unit)
        return StageStatus(
            rule.name,
            rule,
            Status.MET_LATE if late else Status.MET,
            start,
            deadline,
            reminder,
            escalate,
            reassign,
            done,
            left,
            escalated=done >= escalate,
            reassign=done >= reassign,
        )
    if now < start:
        status = Status.UPCOMING
    elif now >= deadline:
        status = Status.OVERDUE
    elif now >= reminder:
        status = Status.DUE_SOON
    else:
        status = Status.ON_TRACK
    left = calendar.elapsed(max(now, start), deadline, rule.unit)
    return StageStatus(
        rule.name,
        rule,
        status,
        start,
        deadline,
        reminder,
        escalate,
        reassign,
        None,
        left,
        escalated=now >= escalate,
        reassign=now >= reassign,
    )


def describe_span(seconds: float, unit: str) -> str:
    """A span for people: '1 bd 4 h' in business time, '30 h' or '45 min' in hours."""
    size = abs(seconds)
    minutes = math.floor(size / 60)
    if unit == "business_days" and size >= DAY:
        days, rest = divmod(minutes, 24 * 60)
        hours = rest // 60
        return f"{days} bd {hours} h" if hours else f"{days} bd"
    if minutes >= 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest and hours < 10 else f"{hours} h"
    return f"{minutes} min"


def wall_clock_text(moment: datetime, zone: ZoneInfo, with_year: bool = False) -> str:
    """A deadline as people read it, in ``zone``: a midnight deadline is 24:00 of the day before."""
    local = moment.astimezone(zone)
    day_format = "%a %d %b %Y" if with_year else "%a %d %b"
    if local.hour == 0 and local.minute == 0 and local.second == 0:
        before = local - timedelta(days=1)
        return f"{before:{day_format}} 24:00 {local.tzname()}"
    return f"{local:{day_format} %H:%M} {local.tzname()}"


# ------------------------------------------------------------------ alerts


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    stage: str
    at: datetime  # when it became due


def alerts(sla: EventSla) -> list[Alert]:
    """Every alert due by ``sla.now`` for the stages not yet done, oldest first."""
    found: list[Alert] = []
    for stage in sla.stages:
        if stage.done or stage.deadline is None:
            continue
        moments: Iterable[tuple[AlertKind, datetime | None]] = (
            (AlertKind.DUE_SOON, stage.reminder_at),
            (AlertKind.OVERDUE, stage.deadline),
            (AlertKind.ESCALATION, stage.escalate_at),
            (AlertKind.REASSIGN, stage.reassign_at),
        )
        for kind, moment in moments:
            if moment is not None and sla.now >= moment:
                found.append(Alert(kind, stage.stage, moment))
    return found


def _amount(stage: SlaStage) -> str:
    number = f"{stage.amount:g}"
    if stage.unit == "hours":
        return f"{number} hour{'s' if stage.amount != 1 else ''}"
    return f"{number} business day{'s' if stage.amount != 1 else ''}"


def describe_policy(policy: SlaPolicy) -> str:
    """A policy in one paragraph, as the help and the event form tell it."""
    parts = []
    for at, stage in enumerate(policy.stages):
        start = "the event's end" if at == 0 else "the handover"
        parts.append(f"{STAGE_PHRASES[stage.name]} within {_amount(stage)} of {start}")
    calendar = {
        "event_country": "weekends and the public holidays of the event's country",
        "none": "weekends only",
    }.get(policy.holiday_calendar, f"weekends and the public holidays of {policy.holiday_calendar}")
    text = "; then ".join(parts)
    return (
        f"{text[0].upper()}{text[1:]}. A reminder comes when"
        f" {policy.reminder_when_left:.0%} of a stage's time is left; a stage"
        f" {policy.escalate_after_business_days:g} business day(s) late is escalated to the"
        f" owner's manager, and after {policy.reassign_after_business_days:g}, reassigning is"
        f" suggested. Business days skip {calendar}."
    )
