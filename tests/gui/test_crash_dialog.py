"""The crash dialog, driven as a person would: an error in a slot, Details, Copy, Continue."""

from __future__ import annotations

import sys
import threading
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton, QToolButton

from intake_app import APP_NAME, __version__
from intake_app.gui import errors as errors_module
from intake_app.gui.errors import MAX_KEPT, ErrorHandler
from intake_app.gui.main_window import NAVIGATION
from intake_app.logs import log_file

pytestmark = pytest.mark.gui


@pytest.fixture
def errors(qtbot, window, ctx):
    """The app's error handler on the test window, with Quit and the file manager recorded."""
    quits: list[bool] = []
    opened: list[QUrl] = []
    handler = ErrorHandler(
        lambda: ctx.db.backend, quit_app=lambda: quits.append(True), open_url=opened.append
    )
    handler.window = window
    handler.install()
    yield SimpleNamespace(handler=handler, quits=quits, opened=opened)
    handler.uninstall()
    if handler.dialog is not None:
        handler.dialog.reject()


def exploding_button(window, message="no picklist value 'Tradeshow ' for event_type"):
    """A button whose slot fails, as a bug in a page would."""
    button = QPushButton("Explode", window)

    def on_click() -> None:
        raise ValueError(message)

    button.clicked.connect(on_click)
    return button


def crash(qtbot, errors, button):
    with qtbot.waitSignal(errors.handler.dialog_shown, timeout=5000) as shown:
        button.click()
    return shown.args[0]


def test_an_error_in_a_slot_shows_the_dialog_copies_the_details_and_the_app_goes_on(
    qtbot, window, errors
):
    dialog = crash(qtbot, errors, exploding_button(window))

    assert dialog.isVisible()
    assert dialog.windowTitle() == f"{APP_NAME}: unexpected error"
    assert dialog.summary_label.text() == (
        "ValueError: no picklist value 'Tradeshow ' for event_type"
    )
    assert not dialog.count_label.isVisible()
    assert not dialog.details_edit.isVisible()
    assert dialog.continue_button.isDefault()

    qtbot.mouseClick(dialog.details_button, Qt.MouseButton.LeftButton)
    assert dialog.details_edit.isVisible()
    details = dialog.details_edit.toPlainText()
    assert "Traceback (most recent call last):" in details
    assert "in on_click" in details

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert copied == details
    assert f"{APP_NAME} {__version__}" in copied
    for part in ("Python 3.", "Qt 6.", "PySide6 ", "SQLAlchemy 2.", "Operating system: "):
        assert part in copied
    assert "Database: SQLite" in copied
    assert "gui.db" not in copied  # the database by its kind only, no file or login
    assert "ValueError: no picklist value 'Tradeshow ' for event_type" in copied

    # Written to the rotating log before the box opened.
    log = log_file().read_text(encoding="utf-8")
    assert "ERROR intake_app.crash: Unexpected error in MainThread: ValueError" in log
    assert "Traceback (most recent call last):" in log
    assert "in on_click" in log
    assert dialog.log_label.text().startswith("Written to the log: ")
    assert dialog.log_label.text().endswith("intake.log")

    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: errors.handler.dialog is None)
    assert not dialog.isVisible()
    assert errors.quits == []
    # The window still works.
    assert window.isVisible()
    item = window.nav.item(NAVIGATION.index("import"))
    rect = window.nav.visualItemRect(item)
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page_key() == "import"


def test_more_errors_while_the_box_is_open_are_counted_in_the_same_box(qtbot, window, errors):
    button = exploding_button(window)
    first = crash(qtbot, errors, button)
    second = crash(qtbot, errors, button)
    third = crash(qtbot, errors, exploding_button(window, "another one"))

    assert first is second is third
    dialogs = [w for w in QApplication.topLevelWidgets() if w.objectName() == "crashDialog"]
    assert [d for d in dialogs if d.isVisible()] == [first]
    assert first.summary_label.text().startswith("ValueError: no picklist value")
    assert first.count_label.isVisible()
    assert first.count_label.text() == (
        "3 errors happened since this box opened; Details lists each, the log has them all."
    )
    details = first.details_text()
    assert "Error 1 of 3" in details
    assert "Error 3 of 3" in details
    assert "ValueError: another one" in details

    for _ in range(MAX_KEPT):
        crash(qtbot, errors, button)
    count = 3 + MAX_KEPT
    assert f"{count} errors happened" in first.count_label.text()
    assert f"Details lists the first {MAX_KEPT}" in first.count_label.text()
    assert f"… and {count - MAX_KEPT} more; the log has them." in first.details_text()
    assert log_file().read_text(encoding="utf-8").count("Traceback") == count

    first.reject()  # Escape or the title bar's close button: the same as Continue
    qtbot.waitUntil(lambda: errors.handler.dialog is None)
    again = crash(qtbot, errors, button)
    assert again is not first
    assert not again.count_label.isVisible()


def test_an_error_on_a_worker_thread_is_shown_on_the_gui_thread(qtbot, window, errors):
    def work() -> None:
        raise RuntimeError("lost the connection to the SMTP server")

    worker = threading.Thread(target=work, name="sla-mailer")
    with qtbot.waitSignal(errors.handler.dialog_shown, timeout=5000) as shown:
        worker.start()
        worker.join()
    dialog = shown.args[0]

    assert dialog.thread() is QApplication.instance().thread()
    assert dialog.summary_label.text() == "RuntimeError: lost the connection to the SMTP server"
    assert "in sla-mailer:" in dialog.details_text()
    log = log_file().read_text(encoding="utf-8")
    assert "Unexpected error in sla-mailer: RuntimeError" in log
    assert "in work" in log


def test_quit_closes_the_box_and_quits(qtbot, window, errors):
    dialog = crash(qtbot, errors, exploding_button(window))

    qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)

    assert errors.quits == [True]
    qtbot.waitUntil(lambda: errors.handler.dialog is None)


def test_open_log_folder_shows_the_folder_of_the_log(qtbot, window, errors):
    dialog = crash(qtbot, errors, exploding_button(window))

    qtbot.mouseClick(dialog.open_log_button, Qt.MouseButton.LeftButton)

    assert errors.opened == [QUrl.fromLocalFile(str(log_file().parent))]
    assert dialog.isVisible()


def test_without_a_writable_log_the_box_says_so(qtbot, window, errors, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("INTAKE_LOG_DIR", str(blocker / "logs"))

    dialog = crash(qtbot, errors, exploding_button(window))

    assert dialog.log_label.text() == (
        "The log file could not be written: use Copy details to keep them."
    )
    assert "Log file: not written" in dialog.details_text()


def test_every_control_has_a_tooltip_and_an_accessible_name(qtbot, window, errors):
    dialog = crash(qtbot, errors, exploding_button(window))

    controls = [
        *dialog.findChildren(QPushButton),
        *dialog.findChildren(QToolButton),
        *dialog.findChildren(QPlainTextEdit),
    ]
    assert len(controls) == 6
    for control in controls:
        assert control.toolTip(), control
        assert control.accessibleName(), control


def test_a_box_that_cannot_be_built_stops_showing_but_errors_are_still_logged(
    qtbot, window, errors, monkeypatch
):
    def broken(_parent):
        raise RuntimeError("no dialog today")

    monkeypatch.setattr(errors_module, "CrashDialog", broken)
    button = exploding_button(window)
    for _ in range(3):
        with qtbot.waitSignal(errors.handler.reported):
            button.click()
    qtbot.waitUntil(lambda: errors.handler._broken)

    log = log_file().read_text(encoding="utf-8")
    assert log.count("The crash dialog could not be shown") == 1
    assert log.count("Unexpected error in MainThread: ValueError: no picklist value") == 3
    assert errors.handler.dialog is None


def test_the_hooks_are_handed_back_and_ctrl_c_is_not_a_crash(qtbot, window, ctx):
    button = exploding_button(window)
    with qtbot.capture_exceptions() as escaped:
        handler = ErrorHandler(lambda: ctx.db.backend)
        handler.window = window
        before = (sys.excepthook, threading.excepthook)
        handler.install()
        assert sys.excepthook == handler.excepthook
        assert threading.excepthook == handler.thread_excepthook

        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
        assert [kind for kind, _value, _tb in escaped] == [KeyboardInterrupt]

        with qtbot.waitSignal(handler.dialog_shown):
            button.click()
        assert len(escaped) == 1  # the crash went to the dialog, not past it
        handler.dialog.reject()

        handler.uninstall()
        assert (sys.excepthook, threading.excepthook) == before
        button.click()
        assert [kind for kind, _value, _tb in escaped] == [KeyboardInterrupt, ValueError]
        escaped.clear()  # seen: the test is about where they went
