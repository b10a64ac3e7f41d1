"""Stamps recorded by the app, corrections audited, the board, and SLA alerts by e-mail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from intake_app.core.errors import ValidationError
from intake_app.core.sla import Status
from intake_app.db.models import AuditEntry, SlaNotification
from intake_app.services.context import AppContext
from intake_app.services.imports import ImportService
from intake_app.services.notifications import NotificationService
from intake_app.services.settings_store import SettingsStore, SmtpSettings
from intake_app.services.sla import BoardFilter, SlaService
from intake_app.services.team import TeamService

DATA = Path(__file__).resolve().parents[2] / "data" / "imports"


def import_badges(ctx: AppContext, event_id: int, name: str = "badge_scan.csv") -> None:
    service = ImportService(ctx)
    service.run(service.preview(DATA / name), event_id)


def audit_actions(ctx: AppContext, event_id: int) -> list[tuple[str, str | None]]:
    with ctx.db.read() as session:
        return [
            (entry.action, entry.reason)
            for entry in session.scalars(
                select(AuditEntry)
                .where(AuditEntry.event_id == event_id, AuditEntry.entity == "sla_stamp")
                .order_by(AuditEntry.id)
            )
        ]


def test_import_handover_and_upload_stamp_the_stages(ctx: AppContext, make_event) -> None:
    event = make_event(start="2025-04-28", end="2025-05-01")
    service = SlaService(ctx)
    assert service.status(event.id).state.stamps.received is None

    import_badges(ctx, event.id)
    row = service.status(event.id)
    assert row.state.stamps.received is not None
    assert row.state.stamps.handed_over is None

    row = service.hand_over(event.id, "Sam Ops")
    assert row.event.ops_owner == "Sam Ops"
    assert row.state.stamps.handed_over is not None
    assert row.state.stages[1].starts_at == row.state.stamps.handed_over

    row = service.mark_uploaded(event.id)
    assert row.state.stamps.entered is not None
    assert row.status is Status.MET_LATE  # the show ended in 2025
    history = service.history(event.id)
    assert [(stamp.kind, stamp.by_user) for stamp in history] == [
        ("received", "tester"),
        ("handed_over", "tester"),
        ("entered", "tester"),
    ]
    assert history[1].handed_to == "Sam Ops"


def test_a_second_import_does_not_move_received(ctx: AppContext, make_event) -> None:
    event = make_event()
    import_badges(ctx, event.id)
    first = SlaService(ctx).status(event.id).state.stamps.received
    import_badges(ctx, event.id, "second_show.csv")
    assert SlaService(ctx).status(event.id).state.stamps.received == first


def test_actions_are_refused_when_they_make_no_sense(ctx: AppContext, make_event) -> None:
    event = make_event()
    service = SlaService(ctx)
    with pytest.raises(ValidationError, match="no leads yet"):
        service.hand_over(event.id, "Sam Ops")
    with pytest.raises(ValidationError, match="no leads yet"):
        service.mark_uploaded(event.id)
    import_badges(ctx, event.id)
    with pytest.raises(ValidationError, match="Name the ops owner"):
        service.hand_over(event.id, "  ")
    service.hand_over(event.id, "Sam Ops")
    with pytest.raises(ValidationError, match="already handed over to Sam Ops"):
        service.hand_over(event.id, "Kim Ops")
    service.mark_uploaded(event.id)
    with pytest.raises(ValidationError, match="already entered"):
        service.mark_uploaded(event.id)


def test_a_correction_replaces_the_stamp_keeps_the_original_and_is_audited(
    ctx: AppContext, make_event
) -> None:
    event = make_event(start="2025-04-28", end="2025-05-01")
    import_badges(ctx, event.id)
    service = SlaService(ctx)
    service.hand_over(event.id, "Sam Ops")
    real = datetime(2025, 5, 2, 17, 0, tzinfo=UTC)

    with pytest.raises(ValidationError, match="reason"):
        service.correct(event.id, "handed_over", real, "")
    with pytest.raises(ValidationError, match="future"):
        service.correct(event.id, "handed_over", datetime.now(UTC) + timedelta(days=1), "typo")
    row = service.correct(event.id, "handed_over", real, "handed over by e-mail on Friday")

    assert row.state.stamps.handed_over == real
    assert row.state.stages[0].status is Status.MET
    history = service.history(event.id)
    original, correction = (stamp for stamp in history if stamp.kind == "handed_over")
    assert not original.effective and correction.effective
    assert correction.replaces_id == original.id
    assert correction.handed_to == "Sam Ops"
    assert ("correct", "handed over by e-mail on Friday") in audit_actions(ctx, event.id)

    row = service.withdraw(event.id, "handed_over", "handed to the wrong team")
    assert row.state.stamps.handed_over is None
    assert row.state.stages[0].status is Status.OVERDUE
    assert ("withdraw", "handed to the wrong team") in audit_actions(ctx, event.id)
    # After a withdrawal the handover can be recorded again.
    assert service.hand_over(event.id, "Kim Ops").state.stamps.handed_over is not None


def test_board_puts_events_needing_action_first_and_filters(ctx: AppContext, make_event) -> None:
    now = datetime(2025, 9, 4, 17, 0, tzinfo=UTC)
    done = make_event(name="Done", start="2025-08-01", owner="Ana")
    make_event(name="Late", start="2025-08-25", owner="Ben", country="DE",
                      timezone="Europe/Berlin")  # fmt: skip
    make_event(name="Soon", event_type="webcast", start="2025-09-03T12:00", owner="Ana")
    make_event(name="Future", start="2025-10-01", owner="Ben")
    import_badges(ctx, done.id)
    SlaService(ctx).correct(done.id, "entered", datetime(2025, 8, 4, 9, tzinfo=UTC), "by hand")

    rows = SlaService(ctx).board(now)
    assert [row.event.name for row in rows] == ["Late", "Soon", "Future", "Done"]
    assert [row.status for row in rows] == [
        Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING, Status.MET,
    ]  # fmt: skip
    assert rows[0].state.reassign
    assert [row.region for row in rows] == ["EMEA", "AMER", "AMER", "AMER"]

    def names(**kwargs: Any) -> list[str]:
        return [row.event.name for row in SlaService(ctx).board(now, BoardFilter(**kwargs))]

    assert names(owner="Ana") == ["Soon", "Done"]
    assert names(region="EMEA") == ["Late"]
    assert names(event_type="webcast") == ["Soon"]
    assert names(needs_action_only=True) == ["Late", "Soon"]
    assert names(ended_from=datetime(2025, 9, 1).date()) == ["Soon", "Future"]


# ------------------------------------------------------------------ e-mail


def test_alerts_are_raised_once_and_emailed_to_owner_then_manager(
    ctx: AppContext, make_event, smtp_inbox: tuple[Any, int]
) -> None:
    inbox, port = smtp_inbox
    SettingsStore(ctx).save_smtp(
        SmtpSettings(enabled=True, host="127.0.0.1", port=port, security="none",
                     sender="intake@example.com")
    )  # fmt: skip
    team = TeamService(ctx)
    team.save("Maria Manager", role="manager", email="maria@example.com")
    team.save("Dana Field", role="field_marketer", email="dana@example.com",
              manager="Maria Manager")  # fmt: skip
    event = make_event(start="2025-08-29T09:00", end="2025-08-29T17:00",
                       timezone="America/New_York")  # fmt: skip
    import_badges(ctx, event.id)
    notifier = NotificationService(ctx)
    ny = "America/New_York"

    def at(*parts: int) -> datetime:
        from zoneinfo import ZoneInfo

        return datetime(*parts, tzinfo=ZoneInfo(ny)).astimezone(UTC)  # type: ignore[misc]

    assert notifier.check(at(2025, 9, 2, 9)) == []  # on track
    due = notifier.check(at(2025, 9, 3, 6))
    assert [note.kind.value for note in due] == ["due_soon"]
    assert notifier.check(at(2025, 9, 3, 7)) == []  # raised once
    assert inbox.messages[-1][0] == ["dana@example.com"]
    assert "due Wed 03 Sep 17:00 EDT" in inbox.messages[-1][1]["Subject"]

    escalated = notifier.check(at(2025, 9, 4, 18))
    assert [note.kind.value for note in escalated] == ["overdue", "escalation"]
    rcpts, message = inbox.messages[-1]
    assert rcpts == ["dana@example.com", "maria@example.com"]
    assert message["Cc"] == "maria@example.com"
    assert "escalated" in message["Subject"]
    assert len(inbox.messages) == 2  # only the most serious new alert is mailed
    assert escalated[-1].emailed_to == "dana@example.com, maria@example.com"

    assert [note.read for note in escalated] == [True, False]  # overdue is old news

    assert notifier.unread_count() == 2
    notifier.mark_read([due[0].id])
    assert notifier.unread_count() == 1
    assert [n.kind.value for n in notifier.recent(unread_only=True)] == ["escalation"]
    assert [n.kind.value for n in notifier.recent()] == ["escalation", "overdue", "due_soon"]


def test_a_failing_smtp_server_is_recorded_not_raised(ctx: AppContext, make_event) -> None:
    SettingsStore(ctx).save_smtp(
        SmtpSettings(enabled=True, host="127.0.0.1", port=9, security="none",
                     sender="intake@example.com")
    )  # fmt: skip
    TeamService(ctx).save("Dana Field", role="field_marketer", email="dana@example.com")
    event = make_event(start="2025-08-29T09:00", end="2025-08-29T17:00")
    raised = NotificationService(ctx).check(datetime(2025, 9, 4, 2, tzinfo=UTC))
    assert [note.kind.value for note in raised] == ["due_soon", "overdue"]
    assert raised[-1].emailed_to is None
    assert "127.0.0.1:9" in (raised[-1].email_error or "")
    with ctx.db.read() as session:
        assert session.scalar(select(SlaNotification.event_id)) == event.id


def test_stale_alerts_are_not_raised(ctx: AppContext, make_event) -> None:
    make_event(start="2025-01-06", end="2025-01-07")
    assert NotificationService(ctx).check(datetime(2025, 9, 1, tzinfo=UTC)) == []


def test_smtp_settings_are_validated_and_never_hold_a_password(ctx: AppContext) -> None:
    store = SettingsStore(ctx)
    with pytest.raises(ValidationError, match="SMTP server"):
        store.save_smtp(SmtpSettings(enabled=True, host="", sender=""))
    saved = store.save_smtp(SmtpSettings(enabled=True, host=" smtp.example.com ",
                                         sender="intake@example.com", username="bot"))  # fmt: skip
    assert saved.host == "smtp.example.com"
    assert store.smtp() == saved
    assert "password" not in SmtpSettings.__dataclass_fields__


def test_team_members_need_unique_names_and_real_addresses(ctx: AppContext) -> None:
    team = TeamService(ctx)
    team.save("Maria Manager", role="manager", email="Maria@Example.com")
    with pytest.raises(ValidationError, match="already has someone"):
        team.save("maria manager", role="ops")
    with pytest.raises(ValidationError, match="not an e-mail"):
        team.save("Sam", role="ops", email="sam at example")
    with pytest.raises(ValidationError, match="before naming them a manager"):
        team.save("Sam", role="ops", manager="Nobody")
    sam = team.save("Sam", role="ops", manager="Maria Manager")
    assert team.manager_of("sam").name == "Maria Manager"  # type: ignore[union-attr]
    assert [m.name for m in team.list(role="ops")] == [sam.name]


def test_a_reassignment_answers_the_suggestion_and_is_audited(ctx: AppContext, make_event) -> None:
    event = make_event(start="2025-08-25", end="2025-08-25", ops_owner="Sam Ops")
    service = SlaService(ctx)
    late = datetime(2025, 9, 10, 12, tzinfo=UTC)
    assert service.status(event.id, late).reassign_suggested
    with pytest.raises(ValidationError, match="already the ops owner"):
        service.reassign(event.id, "Sam Ops", "no change")
    service.reassign(event.id, "Kim Ops", "Sam is on leave")
    row = service.status(event.id, datetime.now(UTC))
    assert row.event.ops_owner == "Kim Ops"
    assert row.reassigned is not None and row.reassigned[0] == "Kim Ops"
    assert not row.reassign_suggested
    assert row.to_json()["reassigned_to"] == "Kim Ops"
    with ctx.db.read() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "reassign"))
        assert entry is not None and entry.changes == {"ops_owner": ["Sam Ops", "Kim Ops"]}
        assert entry.reason == "Sam is on leave"
