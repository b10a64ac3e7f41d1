"""The SLA clock: deadline arithmetic across weekends, holidays, time zones and DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from intake_app.core import sla
from intake_app.core.sla import AlertKind, BusinessCalendar, Stamps, Status, evaluate
from schemas import SlaPolicy, SlaStage, load_schema

SCHEMA = load_schema()
WEBCAST = SCHEMA.sla_policy("webcast")
IN_PERSON = SCHEMA.sla_policy("in-person")
THIRD_PARTY = SCHEMA.sla_policy("third-party")
assert WEBCAST and IN_PERSON and THIRD_PARTY


def local(zone: str, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


def deadlines(policy: SlaPolicy, end: datetime, zone: str, country: str | None) -> datetime:
    state = evaluate(
        policy, end_local=end, timezone=zone, country=country, stamps=Stamps(), now=end.replace(
            tzinfo=ZoneInfo(zone)
        ),
    )  # fmt: skip
    deadline = state.stages[0].deadline
    assert deadline is not None
    return deadline.astimezone(ZoneInfo(zone))


# (what, policy, local end, zone, country, expected local deadline of stage 1)
CASES = [
    (
        "tradeshow ends Friday before US Labor Day: Tue is day 1, Wed day 2",
        IN_PERSON, datetime(2025, 8, 29, 17, 0), "America/New_York", "US",
        local("America/New_York", 2025, 9, 3, 17, 0),
    ),
    (
        "same show with no holiday calendar: Mon, Tue",
        IN_PERSON.model_copy(update={"holiday_calendar": "none"}),
        datetime(2025, 8, 29, 17, 0), "America/New_York", "US",
        local("America/New_York", 2025, 9, 2, 17, 0),
    ),
    (
        "webcast ends 22:30 Friday in Tokyo, Monday 24 Nov is a substitute holiday",
        WEBCAST, datetime(2025, 11, 21, 22, 30), "Asia/Tokyo", "JP",
        local("Asia/Tokyo", 2025, 11, 25, 22, 30),
    ),
    (
        "webcast ends 23:45 Wednesday in Tokyo: Thursday 23:45, not a UTC day",
        WEBCAST, datetime(2025, 6, 11, 23, 45), "Asia/Tokyo", "JP",
        local("Asia/Tokyo", 2025, 6, 12, 23, 45),
    ),
    (
        "date-only end (23:59:59) on a Thursday: end of Friday",
        WEBCAST, datetime(2025, 5, 1, 23, 59, 59), "Europe/London", "GB",
        local("Europe/London", 2025, 5, 2, 23, 59, 59),
    ),
    (
        "event ends on a Saturday: the clock runs from Monday 00:00",
        IN_PERSON, datetime(2025, 3, 8, 18, 0), "Europe/Paris", "FR",
        local("Europe/Paris", 2025, 3, 12, 0, 0),
    ),
    (
        "Berlin event ends during the spring-forward night (Sun 30 Mar 2025)",
        WEBCAST, datetime(2025, 3, 30, 2, 30), "Europe/Berlin", "DE",
        local("Europe/Berlin", 2025, 4, 1, 0, 0),
    ),
    (
        "New York event ends Friday before the autumn switch; deadline in EST",
        IN_PERSON, datetime(2025, 10, 31, 16, 0), "America/New_York", "US",
        local("America/New_York", 2025, 11, 4, 16, 0),
    ),
    (
        "sponsorship list: 5 business days across Christmas in Germany (25, 26 Dec off)",
        THIRD_PARTY, datetime(2025, 12, 19, 12, 0), "Europe/Berlin", "DE",
        local("Europe/Berlin", 2025, 12, 30, 12, 0),
    ),
    (
        "Dubai: a Friday end counts Friday as a business day (weekend is Sat/Sun since 2022)",
        WEBCAST, datetime(2025, 5, 16, 15, 0), "Asia/Dubai", "AE",
        local("Asia/Dubai", 2025, 5, 19, 15, 0),
    ),
    (
        "Israel: the weekend is Friday and Saturday",
        WEBCAST, datetime(2025, 6, 5, 15, 0), "Asia/Jerusalem", "IL",
        local("Asia/Jerusalem", 2025, 6, 8, 15, 0),
    ),
    (
        "a country the holidays package does not know: weekends only",
        WEBCAST, datetime(2025, 6, 6, 10, 0), "Antarctica/Troll", "AQ",
        local("Antarctica/Troll", 2025, 6, 9, 10, 0),
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("policy", "end", "zone", "country", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_stage_one_deadline(
    policy: SlaPolicy, end: datetime, zone: str, country: str, expected: datetime
) -> None:
    assert deadlines(policy, end, zone, country) == expected


def test_hours_are_elapsed_time_across_a_dst_switch() -> None:
    policy = SlaPolicy(
        code="hours", label="48 h", stages=(SlaStage(name="enter", amount=48, unit="hours"),)
    )
    # Ends Saturday 12:00 CET; 48 real hours later the clock shows Monday 13:00 CEST.
    got = deadlines(policy, datetime(2025, 3, 29, 12, 0), "Europe/Berlin", "DE")
    assert got == local("Europe/Berlin", 2025, 3, 31, 13, 0)


def test_business_seconds_skip_weekend_and_holiday() -> None:
    calendar = BusinessCalendar("America/New_York", "US")
    start = local("America/New_York", 2025, 8, 29, 17, 0)  # Friday before Labor Day
    end = local("America/New_York", 2025, 9, 2, 12, 0)  # Tuesday noon
    # Friday 17:00-24:00 (7 h) + Tuesday 00:00-12:00 (12 h)
    assert calendar.business_seconds(start, end) == 19 * 3600
    assert calendar.business_seconds(end, start) == -19 * 3600
    assert calendar.holiday(datetime(2025, 9, 1).date()) == "Labor Day"


def at(zone: str, *parts: int) -> datetime:
    return local(zone, *parts).astimezone(UTC)


NY = "America/New_York"
SHOW_END = datetime(2025, 8, 29, 17, 0)  # stage 1 due Wed 3 Sep 17:00, stage 2 from handover


def show(now: datetime, **stamps: datetime) -> sla.EventSla:
    assert IN_PERSON is not None
    return evaluate(
        IN_PERSON, end_local=SHOW_END, timezone=NY, country="US", stamps=Stamps(**stamps), now=now
    )


# (what, now, stamps, overall status, stage-1 status, stage-2 status, escalated, reassign)
STATUS_CASES = [
    ("before the end", at(NY, 2025, 8, 29, 9), {}, Status.UPCOMING, Status.UPCOMING,
     Status.WAITING, False, False),
    ("Tuesday: on track", at(NY, 2025, 9, 2, 9), {}, Status.ON_TRACK, Status.ON_TRACK,
     Status.WAITING, False, False),
    # The reminder comes with a quarter left: 1.5 bd in, Wednesday 05:00.
    ("Wednesday 06:00: due soon", at(NY, 2025, 9, 3, 6), {}, Status.DUE_SOON, Status.DUE_SOON,
     Status.WAITING, False, False),
    ("Wednesday 17:00: overdue", at(NY, 2025, 9, 3, 17), {}, Status.OVERDUE, Status.OVERDUE,
     Status.WAITING, False, False),
    ("Thursday 17:00: escalated", at(NY, 2025, 9, 4, 17), {}, Status.OVERDUE, Status.OVERDUE,
     Status.WAITING, True, False),
    ("Friday 17:00: reassignment", at(NY, 2025, 9, 5, 17), {}, Status.OVERDUE, Status.OVERDUE,
     Status.WAITING, True, True),
    ("handed over Tuesday, ops has until Wednesday", at(NY, 2025, 9, 2, 15),
     {"handed_over": at(NY, 2025, 9, 2, 10)}, Status.ON_TRACK, Status.MET, Status.ON_TRACK,
     False, False),
    ("handed over late, ops within its day", at(NY, 2025, 9, 10, 9),
     {"handed_over": at(NY, 2025, 9, 4, 10), "entered": at(NY, 2025, 9, 5, 9)},
     Status.MET_LATE, Status.MET_LATE, Status.MET, False, False),
    ("entered without a handover meets both stages", at(NY, 2025, 9, 10, 9),
     {"entered": at(NY, 2025, 9, 2, 11)}, Status.MET, Status.MET, Status.MET, False, False),
    ("ops late after an on-time handover", at(NY, 2025, 9, 4, 12),
     {"handed_over": at(NY, 2025, 9, 2, 10)}, Status.OVERDUE, Status.MET, Status.OVERDUE,
     True, False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("now", "stamps", "overall", "first", "second", "escalated", "reassign"),
    [case[1:] for case in STATUS_CASES],
    ids=[case[0] for case in STATUS_CASES],
)
def test_status_at_a_moment(
    now: datetime,
    stamps: dict[str, datetime],
    overall: Status,
    first: Status,
    second: Status,
    escalated: bool,
    reassign: bool,
) -> None:
    state = show(now, **stamps)
    assert state.status is overall
    assert [stage.status for stage in state.stages] == [first, second]
    assert state.escalated is escalated
    assert state.reassign is reassign


def test_time_left_and_late_in_business_days_and_hours() -> None:
    state = show(at(NY, 2025, 9, 2, 9))  # Tue 09:00, due Wed 17:00: 1 bd 8 h
    assert state.current.left_seconds == (24 + 8) * 3600
    assert state.left_text() == "1 bd 8 h left"
    late = show(at(NY, 2025, 9, 5, 20))  # Fri 20:00: 2 bd 3 h over
    assert late.left_text() == "2 bd 3 h late"
    weekend = show(at(NY, 2025, 9, 6, 20))  # Saturday does not add lateness
    # Friday's last 4 hours count; Saturday adds nothing.
    assert weekend.current.left_seconds == late.current.left_seconds - 4 * 3600


def test_stage_two_counts_from_the_actual_handover() -> None:
    handed = at(NY, 2025, 9, 2, 10)
    state = show(at(NY, 2025, 9, 2, 11), handed_over=handed)
    assert state.stages[1].starts_at == handed
    assert state.stages[1].deadline == at(NY, 2025, 9, 3, 10)


def test_alerts_follow_the_deadline_and_stop_when_done() -> None:
    kinds = [alert.kind for alert in sla.alerts(show(at(NY, 2025, 9, 5, 17)))]
    assert kinds == [
        AlertKind.DUE_SOON,
        AlertKind.OVERDUE,
        AlertKind.ESCALATION,
        AlertKind.REASSIGN,
    ]
    assert sla.alerts(show(at(NY, 2025, 9, 2, 9))) == []
    done = show(at(NY, 2025, 9, 5, 17), entered=at(NY, 2025, 9, 4, 9))
    assert sla.alerts(done) == []


def test_attention_orders_the_board() -> None:
    ranks = {
        name: show(now, **stamps).attention
        for name, now, stamps in [
            ("reassign", at(NY, 2025, 9, 5, 17), {}),
            ("escalated", at(NY, 2025, 9, 4, 17), {}),
            ("overdue", at(NY, 2025, 9, 3, 18), {}),
            ("due soon", at(NY, 2025, 9, 3, 6), {}),
            ("on track", at(NY, 2025, 9, 2, 9), {}),
            ("upcoming", at(NY, 2025, 8, 29, 9), {}),
            ("met", at(NY, 2025, 9, 10, 9), {"entered": at(NY, 2025, 9, 2, 11)}),
        ]
    }
    assert sorted(ranks, key=ranks.__getitem__) == list(ranks)


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        show(datetime(2025, 9, 2, 9))


@pytest.mark.parametrize(
    ("seconds", "unit", "text"),
    [
        (90 * 60, "business_days", "1 h 30 min"),
        (86_400 + 5 * 3600, "business_days", "1 bd 5 h"),
        (2 * 86_400, "business_days", "2 bd"),
        (30 * 3600, "hours", "30 h"),
        (-45 * 60, "hours", "45 min"),
    ],
)
def test_describe_span(seconds: float, unit: str, text: str) -> None:
    assert sla.describe_span(seconds, unit) == text


def test_a_policy_must_escalate_before_it_reassigns() -> None:
    with pytest.raises(ValueError, match="reassignment"):
        SlaPolicy(
            code="x",
            label="x",
            stages=(SlaStage(name="enter", amount=1, unit="business_days"),),
            escalate_after_business_days=2,
            reassign_after_business_days=1,
        )


def test_deadline_never_lands_on_a_day_off() -> None:
    calendar = BusinessCalendar("America/New_York", "US")
    start = at(NY, 2025, 1, 1, 12)
    for days in range(1, 40):
        due = calendar.add_business(start, days).astimezone(ZoneInfo(NY))
        # A deadline at midnight is the end of the business day before it.
        day = due.date() - timedelta(days=1) if due.time() == datetime.min.time() else due.date()
        assert calendar.is_business_day(day), (days, due)
        assert due - start.astimezone(ZoneInfo(NY)) >= timedelta(days=days)


def test_a_policy_is_told_in_words() -> None:
    from intake_app.core.sla import describe_policy
    from schemas import load_schema

    policy = load_schema(None).sla_policy("in-person")
    assert policy is not None
    assert describe_policy(policy) == (
        "Hand over to ops within 2 business days of the event's end; then enter into the MAP"
        " within 1 business day of the handover. A reminder comes when 25% of a stage's time is"
        " left; a stage 1 business day(s) late is escalated to the owner's manager, and after 2,"
        " reassigning is suggested. Business days skip weekends and the public holidays of the"
        " event's country."
    )
