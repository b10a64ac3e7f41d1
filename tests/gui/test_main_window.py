from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from intake_app.gui.main_window import NAVIGATION, MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, ctx, prompts):
    win = MainWindow(ctx, prompts)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_navigation_lists_every_page_and_starts_on_events(window):
    titles = [window.nav.item(row).text() for row in range(window.nav.count())]
    assert titles == [
        "Dashboard", "Events", "Import", "Leads", "Duplicates", "Reports", "Export", "Settings",
    ]  # fmt: skip
    assert window.current_page_key() == "events"
    assert window.stack.currentWidget() is window.events_page


def test_status_bar_names_the_open_database(window, ctx):
    assert window.database_label.text() == f"Database: {ctx.db.display_name}"
    assert ctx.db.display_name.endswith("gui.db")
    assert window.user_label.text() == "User: tester"


def test_keyboard_shortcuts_switch_pages_and_open_the_event_form(qtbot, window):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "import"
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "events"
    assert window.events_page.dialog is not None
    assert window.events_page.dialog.windowTitle() == "New event"
    window.events_page.dialog.reject()


def test_clicking_the_navigation_changes_page(qtbot, window):
    item = window.nav.item(NAVIGATION.index("reports"))
    rect = window.nav.visualItemRect(item)
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page_key() == "reports"


def test_window_geometry_and_page_are_remembered(qtbot, ctx, prompts):
    first = MainWindow(ctx, prompts)
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 540)
    first.show_page("duplicates")
    closed_size = first.size()
    assert closed_size.width() < 1180  # not the default size
    first.close()

    second = MainWindow(ctx, prompts)
    qtbot.addWidget(second)
    second.show()
    assert second.size() == closed_size
    assert second.current_page_key() == "duplicates"


def test_no_shortcut_is_bound_twice(window):
    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        key = action.shortcut().toString()
        if key:
            assert key not in seen, f"{key} is bound to {seen[key]} and {action.text()}"
            seen[key] = action.text()
    assert seen["Ctrl+N"] == "&New event…"
    assert seen["Ctrl+2"] == "Events"


def test_every_control_has_an_accessible_name(window):
    from PySide6.QtWidgets import QWidget

    from intake_app.gui.accessibility import needs_name

    unnamed = [
        (type(widget).__name__, widget.objectName(), widget.parentWidget().objectName())
        for widget in window.findChildren(QWidget)
        if needs_name(widget)
    ]
    assert unnamed == []
    names = {w.accessibleName() for w in window.findChildren(QWidget) if w.accessibleName()}
    assert {"Pages", "Event type filter", "Database URL"} <= names
    # Unnamed controls take the text of the label beside them, which becomes their buddy.
    assert "Owner" in names and "Period" in names


def test_splitters_and_columns_are_remembered(qtbot, ctx, prompts):
    from PySide6.QtWidgets import QSplitter

    first = MainWindow(ctx, prompts)
    qtbot.addWidget(first)
    first.resize(1200, 760)
    first.show()
    first.show_page("dashboard")
    splitter = first.findChild(QSplitter, "dashboardSplitter")
    splitter.setSizes([300, 700])
    sizes = splitter.sizes()
    share = sizes[0] / sum(sizes)
    header = first.events_page.table.horizontalHeader()
    header.moveSection(1, 3)
    header.hideSection(4)
    first.close()

    second = MainWindow(ctx, prompts)
    qtbot.addWidget(second)
    second.show()
    second.show_page("dashboard")
    restored = second.findChild(QSplitter, "dashboardSplitter").sizes()
    assert abs(restored[0] / sum(restored) - share) < 0.02  # the same split, at any width
    assert abs(share - 0.5) > 0.1
    header = second.events_page.table.horizontalHeader()
    assert header.visualIndex(1) == 3
    assert header.isSectionHidden(4)
    second.close()
