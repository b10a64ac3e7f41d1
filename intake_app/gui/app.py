"""Starting the desktop app: the QApplication, the database, the main window."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from intake_app import APP_ID, APP_NAME, __version__
from intake_app.core.errors import IntakeError
from intake_app.gui.errors import ErrorHandler
from intake_app.gui.main_window import MainWindow
from intake_app.gui.tasks import MainThreadGarbageCollector
from intake_app.gui.theme import apply_theme, follow_system
from intake_app.logs import configure as configure_logging
from intake_app.paths import resolve_database_url, resolve_schema_dir, resource
from intake_app.services.context import AppContext, open_context
from schemas import SchemaError

log = logging.getLogger(__name__)


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication with the app's name, icon and style sheet (reused if one exists)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv) if argv is not None else [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_ID)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("event-lead-intake")
    icon = resource("icons", "app.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    apply_theme(app)
    follow_system(app)
    return app


def run_gui(db_url: str, schema_dir: str | Path | None = None) -> int:
    """Open the database and show the main window until it is closed."""
    app = create_application()
    try:
        ctx: AppContext = open_context(db_url, schema_dir)
    except (IntakeError, SchemaError) as exc:
        QMessageBox.critical(None, f"{APP_NAME} cannot start", str(exc))
        return 1
    # From here on an unexpected error is written to the log and shown in the crash dialog.
    errors = ErrorHandler(lambda: ctx.db.backend, parent=app)
    errors.install()
    collector = MainThreadGarbageCollector(app)
    try:
        window = MainWindow(ctx)
        errors.window = window
        window.show()
        QTimer.singleShot(0, window, window.maybe_welcome)
        return app.exec()
    finally:
        errors.uninstall()
        collector.stop()
        ctx.close()


def main(argv: Sequence[str] | None = None) -> int:
    """The ``intake-gui`` script: ``intake-gui [--db URL] [--schema DIR]``."""
    parser = argparse.ArgumentParser(prog="intake-gui", description=f"Open {APP_NAME}.")
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy database URL")
    parser.add_argument("--schema", metavar="DIR", help="company schema folder")
    args, _qt_args = parser.parse_known_args(argv)
    configure_logging(logging.WARNING)
    return run_gui(resolve_database_url(args.db), resolve_schema_dir(args.schema))
