"""Unexpected errors in the window: write them to the log, then show one crash dialog.

:class:`ErrorHandler` takes over ``sys.excepthook`` (which PySide6 calls for an
exception raised in a slot or an overridden Qt method) and ``threading.excepthook``
(plain Python threads). Work run through :mod:`intake_app.gui.tasks` never gets
here: a task hands its exception to its page through the ``failed`` signal.

The error is written to the log file first, on whatever thread it happened; the
dialog is then shown on the GUI thread through a queued signal. While the dialog
is open, further errors are counted and added to its details instead of opening
more boxes.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QWidget

from intake_app.gui.dialogs.crash_dialog import CrashDialog
from intake_app.gui.environment import (
    backend_label,
    display_path,
    operating_system,
    versions,
)
from intake_app.logs import exception_summary, write_exception
from intake_app.paths import user_log_dir

SysHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]
ThreadHook = Callable[[threading.ExceptHookArgs], Any]

MAX_KEPT = 10  # errors whose traceback the open dialog lists; the log has every one


@dataclass(frozen=True)
class CrashReport:
    """One unexpected error as text (no live traceback: its frames would keep objects alive)."""

    summary: str
    traceback: str
    thread: str
    when: datetime
    log_file: Path | None


def crash_report(exc: BaseException, thread: str) -> CrashReport:
    """Write ``exc`` to the log and describe it."""
    written = write_exception(exc, f"Unexpected error in {thread}")
    return CrashReport(
        summary=exception_summary(exc),
        traceback="".join(traceback.format_exception(exc)).rstrip(),
        thread=thread,
        when=datetime.now(UTC),
        log_file=written,
    )


def details_text(reports: list[CrashReport], count: int, backend: str | None) -> str:
    """What Copy details copies: versions, system, database backend, each traceback.

    The database is named by its kind only (``SQLite``, ``PostgreSQL``): no file, server,
    login or password.
    """
    lines = [f"{name} {version}" for name, version in versions()]
    lines.append(f"Operating system: {operating_system()}")
    lines.append(f"Database: {backend_label(backend) if backend else 'not open'}")
    written = next((r.log_file for r in reports if r.log_file is not None), None)
    lines.append(f"Log file: {display_path(written) if written else 'not written'}")
    for number, report in enumerate(reports, start=1):
        lines.append("")
        heading = f"Error {number} of {count}" if count > 1 else "Error"
        lines.append(f"{heading}, {report.when:%Y-%m-%d %H:%M:%S} UTC, in {report.thread}:")
        lines.append(report.traceback)
    if count > len(reports):
        lines.append("")
        lines.append(f"… and {count - len(reports)} more; the log has them.")
    return "\n".join(lines) + "\n"


def quit_application() -> None:
    """Close every window (each saves its state and stops its work), then leave the loop."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.closeAllWindows()
        app.quit()


class ErrorHandler(QObject):
    """Logs unexpected errors and shows them in one :class:`CrashDialog`.

    Args:
        backend: gives the database backend's name (``sqlite``) for the details.
        quit_app: what Quit does (default: close the windows and end the event loop).
        open_url: opens the log folder (default: the desktop's file manager).

    Signals:
        reported(object): a :class:`CrashReport`, delivered queued on the GUI thread.
        dialog_shown(object): the :class:`CrashDialog` that now shows the errors.
    """

    reported = Signal(object)
    dialog_shown = Signal(object)

    def __init__(
        self,
        backend: Callable[[], str | None] = lambda: None,
        *,
        quit_app: Callable[[], None] = quit_application,
        open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self.quit_app = quit_app
        self.open_url = open_url
        self.window: QWidget | None = None  # the dialog's parent, once the window is built
        self.dialog: CrashDialog | None = None
        self.reports: list[CrashReport] = []
        self.count = 0
        self._broken = False
        self._previous: tuple[SysHook, ThreadHook] | None = None
        # Queued even on the GUI thread: the box opens once the failing slot has unwound.
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------ hooks

    def install(self) -> None:
        if self._previous is None:
            self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        """Give the hooks back to whoever had them before :meth:`install`."""
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def excepthook(
        self, kind: type[BaseException], value: BaseException | None, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt) and self._previous is not None:
            self._previous[0](kind, value or kind(), tb)  # Ctrl+C in a terminal is not a crash
            return
        exc = value if value is not None else kind()
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        self.handle(exc, threading.current_thread().name)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):
            return  # as Python's own hook: a thread may end itself that way
        exc = args.exc_value if args.exc_value is not None else args.exc_type()
        if exc.__traceback__ is None and args.exc_traceback is not None:
            exc = exc.with_traceback(args.exc_traceback)
        name = args.thread.name if args.thread is not None else "a background thread"
        self.handle(exc, name)

    def handle(self, exc: BaseException, thread: str = "MainThread") -> None:
        """Log ``exc`` now (any thread) and show it in the dialog (on the GUI thread)."""
        try:
            report = crash_report(exc, thread)
        except Exception:  # the hook must never raise
            return
        self.reported.emit(report)

    # ------------------------------------------------------------ the dialog

    def _show(self, report: CrashReport) -> None:
        if self._broken:
            return
        try:
            self._add(report)
        except Exception as exc:  # a failing box must not raise in a loop
            # Showing the box failed (it would fail again for the next error): from now on
            # errors are only logged.
            self._broken = True
            write_exception(exc, "The crash dialog could not be shown")

    def _add(self, report: CrashReport) -> None:
        self.count += 1
        if len(self.reports) < MAX_KEPT:
            self.reports.append(report)
        dialog = self.dialog
        if dialog is None:
            dialog = self.dialog = CrashDialog(self.window)
            dialog.copy_button.clicked.connect(dialog.copy_details)
            dialog.open_log_button.clicked.connect(self.open_log_folder)
            dialog.quit_button.clicked.connect(self._quit)
            dialog.finished.connect(self._closed)
        dialog.set_summary(self.reports[0].summary, self.count, len(self.reports))
        dialog.set_details(details_text(self.reports, self.count, self._backend()))
        written = next((r.log_file for r in self.reports if r.log_file is not None), None)
        dialog.set_log_file(display_path(written) if written else None)
        if not dialog.isVisible():
            dialog.fit()
            dialog.show()
            dialog.activateWindow()
        elif self.count == 2:  # the count line appears
            dialog.fit()
        self.dialog_shown.emit(dialog)

    def _backend(self) -> str | None:
        try:
            return self.backend()
        except Exception:  # the details go out without it
            return None

    def open_log_folder(self) -> None:
        written = next((r.log_file for r in self.reports if r.log_file is not None), None)
        try:
            folder = written.parent if written is not None else user_log_dir()
        except OSError:
            return
        self.open_url(QUrl.fromLocalFile(str(folder)))

    def _closed(self, _result: int) -> None:
        dialog, self.dialog = self.dialog, None
        self.reports = []
        self.count = 0
        if dialog is not None:
            dialog.deleteLater()

    def _quit(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.quit_app()
