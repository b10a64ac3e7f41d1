from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from intake_app.db.models import AuditEntry, Event, Lead, Person
from intake_app.gui.item_models.events_model import Column
from intake_app.gui.pages.events import EventsPage
from intake_app.services.context import AppContext
from intake_app.services.events import EventService

pytestmark = pytest.mark.gui


def _page(qtbot: QtBot, ctx: AppContext, prompts) -> EventsPage:
    page = EventsPage(ctx, prompts)
    qtbot.addWidget(page)
    page.resize(1000, 500)
    page.show()
    return page


def _names(page: EventsPage) -> list[str]:
    proxy = page.proxy
    return [proxy.index(row, Column.NAME).data() for row in range(proxy.rowCount())]


def _select(page: EventsPage, name: str) -> None:
    row = _names(page).index(name)
    page.table.selectRow(row)


def _add_lead(ctx: AppContext, event_id: int) -> None:
    with ctx.db.write() as session:
        person = Person(first_name="Ada", last_name="Lovelace", email="ada@example.com")
        session.add(person)
        session.flush()
        session.add(Lead(event_id=event_id, person_id=person.id, email="ada@example.com"))


def test_empty_database_shows_an_honest_empty_state(qtbot, ctx, prompts):
    page = _page(qtbot, ctx, prompts)
    assert page.stack.currentWidget() is page.empty_label
    assert "No events yet" in page.empty_label.text()
    assert page.count_label.text() == "0 events"
    assert not page.edit_button.isEnabled()
    assert not page.delete_button.isEnabled()


def test_create_event_through_the_dialog_stores_it(qtbot, ctx, prompts):
    page = _page(qtbot, ctx, prompts)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()

    qtbot.keyClicks(dialog.name_edit, "  Black Hat   USA 2025 ")
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("conference"))
    dialog.start_edit.date_edit.setDate(QDate(2025, 8, 2))
    dialog.end_edit.date_edit.setDate(QDate(2025, 8, 7))
    dialog.timezone_combo.setCurrentText("America/Los_Angeles")
    dialog.country_combo.setCurrentText("usa")
    qtbot.keyClicks(dialog.owner_edit, "Marcus Lee")
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
        )

    [stored] = EventService(ctx).list()
    assert stored.name == "Black Hat USA 2025"
    assert stored.event_type == "conference"
    assert stored.start.isoformat() == "2025-08-02"
    assert stored.end.isoformat() == "2025-08-07"
    assert stored.timezone == "America/Los_Angeles"
    assert stored.country == "US"
    assert stored.owner == "Marcus Lee"
    assert stored.sla_policy == "in-person"
    # The new event is shown and selected.
    assert _names(page) == ["Black Hat USA 2025"]
    assert page.selected_record() is not None and page.selected_record().id == stored.id
    assert page.count_label.text() == "1 event"


def test_save_is_disabled_until_the_event_has_a_name(qtbot, ctx, prompts):
    page = _page(qtbot, ctx, prompts)
    dialog = page.new_event()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "   ")
    assert not save.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Webinar")
    assert save.isEnabled()


def test_end_before_start_is_refused_and_nothing_is_stored(qtbot, ctx, prompts):
    page = _page(qtbot, ctx, prompts)
    dialog = page.new_event()
    qtbot.keyClicks(dialog.name_edit, "Backwards")
    dialog.start_edit.date_edit.setDate(QDate(2025, 5, 10))
    dialog.end_edit.date_edit.setDate(QDate(2025, 5, 9))
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "ends before it starts" in dialog.error_label.text()
    assert EventService(ctx).list() == []


def test_unknown_country_and_time_zone_are_explained(qtbot, ctx, prompts):
    page = _page(qtbot, ctx, prompts)
    dialog = page.new_event()
    qtbot.keyClicks(dialog.name_edit, "Somewhere")
    dialog.country_combo.setCurrentText("Atlantis")
    dialog.submit()
    assert "Country 'Atlantis'" in dialog.error_label.text()
    dialog.country_combo.setCurrentText("Germany")
    dialog.timezone_combo.setCurrentText("Mars/Olympus")
    dialog.submit()
    assert "Time zone 'Mars/Olympus'" in dialog.error_label.text()
    assert EventService(ctx).list() == []


def test_new_event_end_date_follows_a_later_start(qtbot, ctx, prompts):
    dialog = _page(qtbot, ctx, prompts).new_event()
    dialog.start_edit.date_edit.setDate(QDate(2030, 1, 15))
    assert dialog.end_edit.date_edit.date() == QDate(2030, 1, 15)


def test_edit_prefills_the_form_and_audits_the_change(qtbot, ctx, prompts, make_event):
    event = make_event(name="it-sa 2025", start="2025-10-07T09:00", end="2025-10-09T17:00")
    page = _page(qtbot, ctx, prompts)
    _select(page, "it-sa 2025")
    dialog = page.edit_selected()
    assert dialog is not None
    assert dialog.name_edit.text() == "it-sa 2025"
    assert dialog.start_edit.time_check.isChecked()
    assert dialog.start_edit.value().isoformat() == "2025-10-07T09:00"
    assert dialog.country_combo.currentData() == "US"

    dialog.owner_edit.clear()
    qtbot.keyClicks(dialog.owner_edit, "Jonas Becker")
    with qtbot.waitSignal(dialog.finished):
        dialog.submit()

    assert EventService(ctx).get(event.id).owner == "Jonas Becker"
    with ctx.db.read() as session:
        entry = session.query(AuditEntry).filter_by(action="update").one()
    assert entry.changes == {"owner": ["Dana Whitfield", "Jonas Becker"]}
    assert entry.user == "tester"


def test_changing_the_type_changes_the_sla_policy(qtbot, ctx, prompts, make_event):
    event = make_event(event_type="tradeshow")
    page = _page(qtbot, ctx, prompts)
    _select(page, event.name)
    dialog = page.edit_selected()
    assert "2 + 1 business days" in dialog.policy_label.text()
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("webcast"))
    assert "1 business day" in dialog.policy_label.text()
    with qtbot.waitSignal(dialog.finished):
        dialog.submit()
    assert EventService(ctx).get(event.id).sla_policy == "webcast"


def test_text_and_type_filters(qtbot, ctx, prompts, make_event):
    make_event(name="RSA 2025", owner="Dana")
    make_event(name="Zero Trust webinar", event_type="webcast", owner="Aisha", country="GB")
    make_event(name="Partner day", event_type="partner", owner="Claire", country="FR")
    page = _page(qtbot, ctx, prompts)
    assert page.count_label.text() == "3 events"

    qtbot.keyClicks(page.search_edit, "aisha")
    assert _names(page) == ["Zero Trust webinar"]
    assert page.count_label.text() == "1 of 3 events"
    page.search_edit.clear()

    page.type_filter.setCurrentIndex(page.type_filter.findData("partner"))
    assert _names(page) == ["Partner day"]
    qtbot.keyClicks(page.search_edit, "webinar")
    assert _names(page) == []
    assert page.stack.currentWidget() is page.no_match_label


def test_sorting_by_start_uses_dates_not_text(qtbot, ctx, prompts, make_event):
    make_event(name="October", start="2025-10-07", end="2025-10-09")
    make_event(name="March evening", start="2025-03-12T19:00", end="2025-03-12T22:00")
    make_event(name="June", start="2025-06-09", end="2025-06-11")
    page = _page(qtbot, ctx, prompts)
    assert _names(page) == ["October", "June", "March evening"]  # newest first by default
    page.table.sortByColumn(Column.START, Qt.SortOrder.AscendingOrder)
    assert _names(page) == ["March evening", "June", "October"]
    page.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert _names(page) == ["June", "March evening", "October"]


def test_delete_asks_first_and_keeps_the_event_when_declined(qtbot, ctx, prompts, make_event):
    event = make_event(name="Cancelled meetup")
    page = _page(qtbot, ctx, prompts)
    _select(page, "Cancelled meetup")
    assert page.delete_button.isEnabled()

    prompts.answers = [False]
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert "Cancelled meetup" in prompts.asked[0]
    assert EventService(ctx).get(event.id).name == "Cancelled meetup"

    prompts.answers = [True]
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert EventService(ctx).list() == []
    assert page.stack.currentWidget() is page.empty_label
    with ctx.db.read() as session:
        assert session.query(AuditEntry).filter_by(action="delete", entity_id=event.id).count()


def test_delete_key_deletes_the_selected_event(qtbot, ctx, prompts, make_event):
    make_event(name="Old")
    page = _page(qtbot, ctx, prompts)
    _select(page, "Old")
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.table.setFocus()
    prompts.answers = [True]
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert EventService(ctx).list() == []


def test_an_event_with_leads_cannot_be_deleted(qtbot, ctx, prompts, make_event):
    event = make_event(name="Busy show")
    _add_lead(ctx, event.id)
    page = _page(qtbot, ctx, prompts)
    _select(page, "Busy show")
    assert page.proxy.index(0, Column.LEADS).data() == "1"
    assert not page.delete_button.isEnabled()
    assert "1 lead" in page.delete_button.toolTip()
    page.delete_selected()  # even if triggered, nothing is asked or deleted
    assert prompts.asked == []
    with ctx.db.read() as session:
        assert session.get(Event, event.id) is not None


def test_header_menu_shows_hidden_columns_and_remembers_them(qtbot, ctx, prompts, make_event):
    make_event(name="RSA 2025", timezone="America/Los_Angeles", ops_owner="Priya Raman")
    page = _page(qtbot, ctx, prompts)
    header = page.table.horizontalHeader()
    assert header.isSectionHidden(Column.TIMEZONE)
    menu = page.column_menu()
    [timezone_action] = [a for a in menu.actions() if a.text() == "Time zone"]
    assert not timezone_action.isChecked()
    timezone_action.trigger()
    assert not header.isSectionHidden(Column.TIMEZONE)
    assert page.proxy.index(0, Column.TIMEZONE).data() == "America/Los_Angeles"
    assert "Name" not in [a.text() for a in menu.actions()]  # the name always stays
