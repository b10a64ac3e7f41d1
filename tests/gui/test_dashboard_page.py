"""The Dashboard, driven as a person would: import, hand over, mark uploaded, correct."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from intake_app.core.sla import Status
from intake_app.gui.item_models.board_model import Column
from intake_app.gui.pages.dashboard import DashboardPage, period_range
from intake_app.gui.pages.import_page import ImportPage
from intake_app.services.notifications import NotificationService
from intake_app.services.sla import SlaService
from intake_app.services.team import TeamService

pytestmark = pytest.mark.gui

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def cell(page: DashboardPage, event_name: str, column: Column) -> str:
    for number in range(page.proxy.rowCount()):
        if page.proxy.index(number, Column.EVENT).data() == event_name:
            return str(page.proxy.index(number, column).data())
    raise AssertionError(f"{event_name} is not on the board")


def test_import_handover_and_upload_show_on_the_dashboard_at_once(
    qtbot, window, ctx, make_event, prompts
):
    TeamService(ctx).save("Priya Raman", role="ops", email="priya@example.com")
    end = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    event = make_event(name="Security Expo", start=end, end=end, timezone="UTC")
    window.events_page.refresh(select_id=event.id)
    window.dashboard_page.events_changed()
    page = window.dashboard_page
    assert cell(page, "Security Expo", Column.RECEIVED) == "not yet"

    # Import through the wizard: the Dashboard shows the list as received.
    window.import_file(DATA / "badge_scan.csv")
    importer = window.import_page
    qtbot.waitUntil(lambda: importer.current_step() == ImportPage.STEP_MAPPING, timeout=15_000)
    importer.show_preview()
    qtbot.mouseClick(importer.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: importer.summary is not None, timeout=15_000)
    assert cell(page, "Security Expo", Column.RECEIVED) != "not yet"

    window.show_page("dashboard")
    assert page.select_event(event.id)
    assert page.handover_button.isEnabled()
    qtbot.mouseClick(page.handover_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.person_combo.currentText() == "Priya Raman"  # the ops team is offered
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert cell(page, "Security Expo", Column.STAGE) == "2/2 Enter into the MAP"
    assert cell(page, "Security Expo", Column.OPS_OWNER) == "Priya Raman"
    assert "Handed Security Expo over to Priya Raman" in window.statusBar().currentMessage()
    assert window.events_page.selected_record().ops_owner == "Priya Raman"

    page.select_event(event.id)
    prompts.answers.append(True)
    qtbot.mouseClick(page.uploaded_button, Qt.MouseButton.LeftButton)
    assert cell(page, "Security Expo", Column.STATUS) == "Met"
    assert cell(page, "Security Expo", Column.STAGE) == "Done"
    assert not page.uploaded_button.isEnabled()


def test_the_board_orders_colours_filters_and_explains(qtbot, window, ctx, make_event):
    page = window.dashboard_page
    page.clock = lambda: datetime(2025, 9, 4, 17, 0, tzinfo=UTC)
    make_event(name="Done", start="2025-08-01", end="2025-08-01", owner="Ana")
    make_event(name="Late", start="2025-08-25", end="2025-08-25", owner="Ben", country="DE",
               timezone="Europe/Berlin")  # fmt: skip
    make_event(name="Soon", event_type="webcast", start="2025-09-03T12:00",
               end="2025-09-03T13:00", owner="Ana")  # fmt: skip
    make_event(name="Future", start="2025-10-01", end="2025-10-02", owner="Ben")
    SlaService(ctx).correct(1, "entered", datetime(2025, 8, 4, 9, tzinfo=UTC), "by hand")
    page.events_changed()

    assert [row.event.name for row in page.visible_rows()] == ["Late", "Soon", "Future", "Done"]
    assert cell(page, "Late", Column.STATUS) == "Overdue · reassign"
    assert cell(page, "Soon", Column.STATUS) == "Due soon"
    assert cell(page, "Done", Column.LEFT) == "on time"
    colour = page.proxy.index(0, Column.STATUS).data(Qt.ItemDataRole.BackgroundRole).color()
    assert colour.name() == "#dc3545"  # escalated: red
    assert "4 overdue" not in page.summary_label.text()
    assert "1 overdue" in page.summary_label.text()

    page.owner_filter.setCurrentIndex(page.owner_filter.findData("Ana"))
    assert [row.event.name for row in page.visible_rows()] == ["Soon", "Done"]
    page.owner_filter.setCurrentIndex(0)
    page.region_filter.setCurrentIndex(page.region_filter.findData("EMEA"))
    assert [row.event.name for row in page.visible_rows()] == ["Late"]
    page.region_filter.setCurrentIndex(0)
    page.action_only.setChecked(True)
    assert [row.event.name for row in page.visible_rows()] == ["Late", "Soon"]
    page.action_only.setChecked(False)

    # Sorting by the deadline puts the soonest first.
    page.table.sortByColumn(Column.DEADLINE, Qt.SortOrder.AscendingOrder)
    assert next(row.event.name for row in page.visible_rows()) == "Done"

    page.select_event(2)
    assert "Late" in page.detail_label.text()
    assert "Stage 1, Hand over to ops: <b>Overdue</b>" in page.detail_label.text()
    assert not page.handover_button.isEnabled()  # nothing imported yet


def test_notifications_are_listed_and_marked_read(qtbot, window, ctx, make_event):
    page = window.dashboard_page
    page.clock = lambda: datetime(2025, 9, 5, 12, 0, tzinfo=UTC)
    make_event(name="Late show", start="2025-08-28", end="2025-08-29",
               timezone="America/New_York")  # fmt: skip
    raised: list[list[object]] = []
    page.notifications_raised.connect(raised.append)
    page.check_notifications(background=False)

    assert raised and raised[0][-1].kind.value == "escalation"  # type: ignore[attr-defined]
    assert page.notes_title.text() == "Notifications (1 unread)"
    first = page.notes_list.item(0).text()
    assert "Escalated to the manager: hand over to ops" in first
    assert "Late show" in first
    assert "SLA:" in window.statusBar().currentMessage()
    qtbot.mouseClick(page.read_button, Qt.MouseButton.LeftButton)
    assert page.notes_title.text() == "Notifications"
    assert NotificationService(ctx).unread_count() == 0


def test_a_stamp_is_corrected_with_a_reason(qtbot, window, ctx, make_event, prompts):
    event = make_event(name="Expo", start="2025-04-28", end="2025-05-01")
    page = window.dashboard_page
    page.events_changed()
    page.select_event(event.id)
    qtbot.mouseClick(page.correct_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("entered"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "reason" in dialog.error_label.text()
    qtbot.keyClicks(dialog.reason_edit, "uploaded by hand before the app existed")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    stamps = SlaService(ctx).history(event.id)
    assert [(s.kind, s.source) for s in stamps] == [("entered", "correction")]
    assert cell(page, "Expo", Column.STATUS) == "Met late"


def test_period_filters() -> None:
    today = datetime(2025, 5, 20).date()
    assert period_range("quarter", today) == (datetime(2025, 4, 1).date(), None)
    assert period_range("last_quarter", today) == (
        datetime(2025, 1, 1).date(),
        datetime(2025, 3, 31).date(),
    )
    assert period_range("all", today) == (None, None)
    assert Status.MET.label == "Met"


def test_settings_edit_a_policy_and_the_team(qtbot, window, ctx, prompts, make_event):
    settings = window.settings_page
    window.show_page("settings")
    settings.tabs.setCurrentWidget(settings.policies_tab)
    tab = settings.policies_tab
    for row in range(tab.table.rowCount()):
        if tab.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == "webcast":
            tab.table.selectRow(row)
    tab.stage1.amount.setValue(2)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert prompts.errors == []
    assert ctx.schema.sla_policy("webcast").stages[0].amount == 2  # type: ignore[union-attr]
    assert (settings.editor.target_dir() / "sla_policies.yaml").is_file()

    team = settings.team_tab
    settings.tabs.setCurrentWidget(team)
    qtbot.keyClicks(team.name_edit, "Maria Alvarez")
    team.role_combo.setCurrentIndex(team.role_combo.findData("manager"))
    qtbot.keyClicks(team.email_edit, "maria@example.com")
    qtbot.mouseClick(team.save_button, Qt.MouseButton.LeftButton)
    team.start_new()
    qtbot.keyClicks(team.name_edit, "Dana Whitfield")
    qtbot.keyClicks(team.email_edit, "not an address")
    team.manager_combo.setCurrentIndex(team.manager_combo.findData("Maria Alvarez"))
    qtbot.mouseClick(team.save_button, Qt.MouseButton.LeftButton)
    assert prompts.errors and "not an e-mail" in prompts.errors[-1]
    team.email_edit.setText("dana@example.com")
    qtbot.mouseClick(team.save_button, Qt.MouseButton.LeftButton)
    manager = TeamService(ctx).manager_of("Dana Whitfield")
    assert manager is not None and manager.name == "Maria Alvarez"
    assert team.table.rowCount() == 2


def test_email_settings_send_a_test_through_a_local_server(qtbot, window, smtp_inbox):
    inbox, port = smtp_inbox
    tab = window.settings_page.email_tab
    tab.enabled_check.setChecked(True)
    tab.host_edit.setText("127.0.0.1")
    tab.port_spin.setValue(port)
    tab.security_combo.setCurrentIndex(tab.security_combo.findData("none"))
    tab.sender_edit.setText("intake@example.com")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    tab.test_edit.setText("ops@example.com")
    qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.result_label.text().startswith("Sent"), timeout=10_000)
    assert inbox.messages[-1][0] == ["ops@example.com"]
