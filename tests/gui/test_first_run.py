"""The first start as a newcomer lives it: welcome, sample data, help, shortcuts, themes."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from intake_app.gui.dialogs.welcome import WelcomeChoice
from intake_app.gui.pages.import_page import ImportPage
from intake_app.gui.state import window_settings
from intake_app.services.events import EventService
from intake_app.services.leads import LeadService


def answer_welcome(window, button: str) -> None:
    """Click ``button`` of the welcome dialog once it is open."""

    def click() -> None:
        dialog = getattr(window, "welcome_dialog", None)
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, click)
            return
        getattr(dialog, button).click()

    QTimer.singleShot(0, click)


def test_a_newcomer_loads_the_samples_imports_one_and_removes_them(qtbot, window, ctx, prompts):
    assert not window.sample_banner.isVisible()
    answer_welcome(window, "samples_button")
    window.maybe_welcome()  # the app calls it once the window shows

    # The samples arrive marked, and the wizard waits on the badge scan.
    assert window.sample_banner.isVisible()
    events = EventService(ctx).list()
    assert sorted(e.name for e in events) == [
        "Cloud Security Summit 2026 (sample)",
        "Zero Trust in Practice webinar (sample)",
    ]
    assert window.event_label.text() == "Event: Cloud Security Summit 2026 (sample)"
    page = window.import_page
    assert window.current_page_key() == "import"
    qtbot.waitUntil(lambda: page.current_step() == ImportPage.STEP_MAPPING, timeout=15_000)
    assert page.mapping_combo("Email").currentData() == "email"
    qtbot.mouseClick(page.to_preview_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert window.work_label.text().startswith("Importing cloud-summit-badge-scans.csv")
    qtbot.waitUntil(lambda: page.summary is not None, timeout=15_000)
    assert window.work_label.text() == ""
    summit = next(e for e in events if e.name.startswith("Cloud"))
    assert len(LeadService(ctx).for_event(summit.id)) == page.summary.imported > 25
    assert not window.load_samples_action.isEnabled()

    prompts.answers.append(True)
    qtbot.mouseClick(window.remove_samples_button, Qt.MouseButton.LeftButton)
    assert "Your own events are not touched" in prompts.asked[-1]
    assert EventService(ctx).list() == []
    assert not window.sample_banner.isVisible()
    assert window.event_label.text() == ""
    assert window.load_samples_action.isEnabled()


def test_the_welcome_can_start_an_own_event_and_stay_away(qtbot, window, monkeypatch):
    opened = []
    monkeypatch.setattr(window.events_page, "new_event", lambda: opened.append(True))

    def answer() -> None:
        window.welcome_dialog.show_check.setChecked(False)
        window.welcome_dialog.own_button.click()

    QTimer.singleShot(0, lambda: QTimer.singleShot(50, answer))
    assert window.show_welcome() is WelcomeChoice.OWN_EVENT
    assert opened == [True]
    assert str(window_settings().value("welcome/show_at_start")).lower() == "false"
    window.welcome_dialog = None
    window.maybe_welcome()  # turned off: nothing opens
    assert window.welcome_dialog is None


def test_there_is_no_welcome_when_events_exist(window, make_event):
    make_event()
    window.welcome_dialog = None
    window.maybe_welcome()
    assert window.welcome_dialog is None


def test_f1_opens_the_help_of_the_screen_with_the_sla_rules(qtbot, window):
    window.show_page("dashboard")
    seen = {}

    def read() -> None:
        dialog = window.help_dialog
        seen["title"] = dialog.windowTitle()
        seen["text"] = dialog.browser.toPlainText()
        dialog.topics.setCurrentRow(3)  # Leads
        seen["leads"] = dialog.browser.toPlainText()
        dialog.reject()

    QTimer.singleShot(50, read)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert seen["title"] == "Help: Dashboard"
    assert "The SLA rules in force" in seen["text"]
    assert "Hand over to ops within 2 business days of the event's end" in seen["text"]
    assert "Tradeshow" in seen["text"]
    assert seen["leads"].startswith("Leads")


def test_the_shortcuts_sheet_lists_the_windows_keys_and_where(qtbot, window):
    seen = {}

    def read() -> None:
        table = window.shortcuts_dialog.table
        seen["rows"] = [
            tuple(table.item(row, column).text() for column in range(3))
            for row in range(table.rowCount())
        ]
        window.shortcuts_dialog.reject()

    QTimer.singleShot(50, read)
    window.show_shortcuts()
    rows = seen["rows"]
    assert ("Ctrl+N", "New event", "Anywhere") in rows
    assert ("Ctrl+M", "Merge", "Duplicates") in rows
    assert ("Ctrl+E", "Export", "Export") in rows
    assert any(keys == "F1" for keys, _what, _where in rows)
    assert not any(keys.startswith("Alt+") for keys, _what, _where in rows)


def test_the_theme_is_chosen_in_the_view_menu_and_remembered(window):
    app = QApplication.instance()
    dark = next(a for a in window.theme_actions.actions() if a.data() == "dark")
    dark.trigger()
    assert app.property("intake_dark") is True
    assert app.palette().window().color().lightness() < 60
    assert window_settings().value("appearance/theme") == "dark"
    light = next(a for a in window.theme_actions.actions() if a.data() == "light")
    light.trigger()
    assert app.property("intake_dark") is False
    assert app.palette().window().color().lightness() > 200
