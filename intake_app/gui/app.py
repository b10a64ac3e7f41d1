"""Starting the desktop app: the QApplication, the database, the main window."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from intake_app import APP_ID, APP_NAME, __version__
from intake_app.core.errors import IntakeError
from intake_app.gui.main_window import MainWindow
from intake_app.gui.tasks import MainThreadGarbageCollector
from intake_app.gui.theme import apply_theme, follow_system
from intake_app.paths import resolve_database_url, resolve_schema_dir, resource, user_data_dir
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


def _install_excepthook() -> None:
    """Log an unexpected error in full and tell the user in one box, instead of dying."""
    log_path = user_data_dir() / "intake.log"

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        try:
            with log_path.open("a", encoding="utf-8") as handle:
                handle.write(text + "\n")
        except OSError:
            pass
        log.error("Unexpected error:\n%s", text)
        QMessageBox.critical(
            None,
            f"{APP_NAME}: unexpected error",
            f"Something went wrong: {value}\n\nNothing was half-saved. The details are in"
            f" {log_path}.",
        )

    sys.excepthook = hook


def run_gui(db_url: str, schema_dir: str | Path | None = None) -> int:
    """Open the database and show the main window until it is closed."""
    app = create_application()
    try:
        ctx: AppContext = open_context(db_url, schema_dir)
    except (IntakeError, SchemaError) as exc:
        QMessageBox.critical(None, f"{APP_NAME} cannot start", str(exc))
        return 1
    _install_excepthook()
    collector = MainThreadGarbageCollector(app)
    window = MainWindow(ctx)
    window.show()
    QTimer.singleShot(0, window.maybe_welcome)
    try:
        return app.exec()
    finally:
        collector.stop()
        ctx.close()


def main(argv: Sequence[str] | None = None) -> int:
    """The ``intake-gui`` script: ``intake-gui [--db URL] [--schema DIR]``."""
    parser = argparse.ArgumentParser(prog="intake-gui", description=f"Open {APP_NAME}.")
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy database URL")
    parser.add_argument("--schema", metavar="DIR", help="company schema folder")
    args, _qt_args = parser.parse_known_args(argv)
    logging.basicConfig(level=logging.WARNING)
    return run_gui(resolve_database_url(args.db), resolve_schema_dir(args.schema))
