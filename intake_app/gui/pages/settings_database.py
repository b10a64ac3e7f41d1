"""Settings → Database: which database is open, who you are in it, a team database, backups.

A laptop uses the SQLite file in the user's data folder; a team shares one
PostgreSQL database. Connecting is tried first (in the background, so a server
that does not answer never freezes the window), then remembered for the next
start. Passwords are never stored.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_app.core.errors import IntakeError
from intake_app.db.session import describe_url, parse_url, sqlite_file
from intake_app.gui.prompts import Prompts
from intake_app.gui.tasks import Task, TaskRunner, failure_text
from intake_app.paths import default_database_url, saved_database_url
from intake_app.services import connection, maintenance
from intake_app.services.context import AppContext

_SQLITE_NOTE = (
    "A file on this computer. The roles in Settings → Team are applied by the app, but"
    " anyone who can open the file can change it: for a team, use a PostgreSQL database,"
    " where the database itself enforces them."
)
_PG_NOTE = (
    "A team database. The database enforces the roles itself: field marketers change"
    " their own events only; marketing ops and managers change everything."
)


class DatabaseTab(QWidget):
    """The database in use, and choosing another one (a team's PostgreSQL database)."""

    changed = Signal(str)

    def __init__(self, ctx: AppContext, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = prompts
        self.runner = TaskRunner()

        in_use = QGroupBox("In use")
        in_use_form = QFormLayout(in_use)
        self.name_label = QLabel()
        self.name_label.setObjectName("databaseName")
        self.server_label = QLabel()
        self.user_label = QLabel()
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        in_use_form.addRow("Database", self.name_label)
        in_use_form.addRow("Server", self.server_label)
        in_use_form.addRow("You are", self.user_label)
        in_use_form.addRow("", self.note_label)

        team = QGroupBox("Team database (PostgreSQL)")
        team_form = QFormLayout(team)
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("databaseUrl")
        self.url_edit.setAccessibleName("Database URL")
        self.url_edit.setPlaceholderText("postgresql://your-login@db-server/intake")
        self.url_edit.setToolTip(
            "postgresql://LOGIN@SERVER[:PORT]/DATABASE. Ask marketing ops for it; your"
            " login decides what you may change."
        )
        self.password_edit = QLineEdit()
        self.password_edit.setAccessibleName("Password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("only to test; never stored")
        self.test_button = QPushButton("&Test connection")
        self.use_button = QPushButton("&Use this database")
        self.use_button.setToolTip("Open this database from the next start on")
        self.local_button = QPushButton("Use the &file on this computer")
        self.result_label = QLabel()
        self.result_label.setObjectName("connectionResult")
        self.result_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.use_button)
        buttons.addStretch(1)
        buttons.addWidget(self.local_button)
        help_label = QLabel(
            "The password is not stored: put it in your ~/.pgpass file (or the PGPASSWORD"
            " variable), as for psql. The app upgrades the database's tables when it opens it."
        )
        help_label.setWordWrap(True)
        team_form.addRow("URL", self.url_edit)
        team_form.addRow("Password", self.password_edit)
        team_form.addRow("", buttons)
        team_form.addRow("", self.result_label)
        team_form.addRow("", help_label)

        care = QGroupBox("Checks and backups")
        care_layout = QVBoxLayout(care)
        self.check_button = QPushButton("&Check the database")
        self.check_button.setToolTip(
            "Read every page and reference without changing anything (intake db check)"
        )
        self.backup_button = QPushButton("&Back up…")
        self.backup_button.setToolTip("A checked copy of the database, readable by you only")
        self.restore_button = QPushButton("Res&tore a backup…")
        self.restore_button.setToolTip(
            "Put a backup back in place; the current database is copied beside itself first"
        )
        care_buttons = QHBoxLayout()
        care_buttons.addWidget(self.check_button)
        care_buttons.addWidget(self.backup_button)
        care_buttons.addWidget(self.restore_button)
        care_buttons.addStretch(1)
        self.care_label = QLabel()
        self.care_label.setObjectName("maintenanceResult")
        self.care_label.setWordWrap(True)
        self.care_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        care_layout.addLayout(care_buttons)
        care_layout.addWidget(self.care_label)

        layout = QVBoxLayout(self)
        layout.addWidget(in_use)
        layout.addWidget(team)
        layout.addWidget(care)
        layout.addStretch(1)
        self.check_button.clicked.connect(self.check_database)
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button.clicked.connect(self.restore)
        self.test_button.clicked.connect(self.test_connection)
        self.url_edit.returnPressed.connect(self.test_connection)
        self.use_button.clicked.connect(self.use_database)
        self.local_button.clicked.connect(self.use_local_file)
        self.load()

    def load(self) -> None:
        try:
            current = connection.current(self.ctx)
        except IntakeError as exc:
            self.name_label.setText(self.ctx.db.display_name)
            self.server_label.setText(str(exc))
            return
        self.name_label.setText(current.name)
        self.server_label.setText(current.server)
        self.user_label.setText(current.user)
        self.note_label.setText(_PG_NOTE if current.backend == "postgresql" else _SQLITE_NOTE)
        saved = saved_database_url()
        if saved and not self.url_edit.text():
            self.url_edit.setText(saved)
        self.local_button.setEnabled(saved is not None)

    def test_connection(self) -> None:
        url = self.url_edit.text().strip()
        if not url:
            self.result_label.setText("Give the database's URL first.")
            return
        password = self.password_edit.text() or None
        self.result_label.setText("Connecting…")
        self.test_button.setEnabled(False)

        def work(_progress: object, _cancel: object) -> str:
            return connection.probe(url, password).describe()

        task = Task(work)
        task.signals.finished.connect(self._tested)
        task.signals.failed.connect(self._test_failed)
        self.runner.start(task)

    def _tested(self, text: object) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setText(str(text))

    def _test_failed(self, error: object) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setText(f"Not connected. {failure_text(error)}")

    def use_database(self) -> None:
        url = self.url_edit.text().strip()
        if not url:
            self.result_label.setText("Give the database's URL first.")
            return
        try:
            connection.save_choice(url)
        except IntakeError as exc:
            self.prompts.error(self, "Database", str(exc))
            return
        self.local_button.setEnabled(True)
        self.prompts.info(
            self,
            "Database",
            "The app opens this database from its next start. Quit and start it again to"
            " switch now.",
        )
        self.changed.emit("The team database is used from the next start.")

    def use_local_file(self) -> None:
        connection.save_choice(None)
        self.local_button.setEnabled(False)
        self.prompts.info(
            self,
            "Database",
            "The app opens the file on this computer"
            f" ({describe_url(parse_url(default_database_url()))}) from its"
            " next start.",
        )
        self.changed.emit("The file on this computer is used from the next start.")

    # ------------------------------------------------------------ checks and backups

    def check_database(self) -> None:
        self.care_label.setText("Checking…")
        self.check_button.setEnabled(False)
        url = self.ctx.db.url

        def work(_progress: object, _cancel: object) -> maintenance.CheckReport:
            return maintenance.check_database(url)

        task = Task(work)
        task.signals.finished.connect(self._checked)
        task.signals.failed.connect(self._care_failed)
        self.runner.start(task)

    def _checked(self, report: object) -> None:
        self.check_button.setEnabled(True)
        if not isinstance(report, maintenance.CheckReport):
            return
        if report.ok:
            details = ", ".join(
                part
                for part in (
                    f"integrity {report.integrity}" if report.integrity != "not checked" else "",
                    f"references {report.foreign_keys}"
                    if report.foreign_keys != "not checked"
                    else "",
                    f"schema revision {report.revision}",
                )
                if part
            )
            text = f"The database is sound: {details}."
        else:
            text = "Problems found: " + " ".join(report.problems)
        notes = " ".join(report.notes)
        self.care_label.setText(f"{text} {notes}".strip())

    def _care_failed(self, error: object) -> None:
        self.check_button.setEnabled(True)
        self.care_label.setText(failure_text(error))

    def back_up(self) -> None:
        url = self.ctx.db.url
        path = sqlite_file(url)
        if path is None:  # a server: its own tool makes the backup
            command = maintenance.server_backup_command(url)
            self.care_label.setText(
                f"A database server is backed up with its own tool. Run: {command}"
            )
            return
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            "Back up the database",
            str(maintenance.default_backup_path(path)),
            "SQLite databases (*.db)",
        )
        if not chosen:
            return
        try:
            result = maintenance.backup_database(url, Path(chosen))
        except IntakeError as exc:
            self.care_label.setText(str(exc))
            return
        self.care_label.setText(
            f"Backed up to {result.path} ({result.size:,} bytes, checked, readable by you only)."
        )
        self.changed.emit(f"Backed up the database to {result.path.name}.")

    def restore(self) -> None:
        url = self.ctx.db.url
        path = sqlite_file(url)
        if path is None:  # a server: restored with its own tool, not through the app
            command = maintenance.server_tool_command(url, "pg_restore", "BACKUP.dump")
            self.care_label.setText(
                f"A database server is restored with its own tool. Run: {command}"
            )
            return
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            "Restore a backup",
            str(maintenance.default_backup_path(path).parent),
            "SQLite databases (*.db *.bak);;All files (*)",
        )
        if not chosen:
            return
        if not self.prompts.confirm(
            self,
            "Restore a backup",
            f"Replace the database {self.ctx.db.display_name} with {Path(chosen).name}? The"
            " current database is copied beside itself first; quit and start the app again"
            " afterwards to see the restored data everywhere.",
            "Restore",
        ):
            return
        try:
            result = maintenance.restore_database(url, Path(chosen))
        except IntakeError as exc:
            self.care_label.setText(str(exc))
            return
        kept = ""
        if result.safety_backup is not None:
            kept = f" The database as it was is kept in {result.safety_backup}."
        self.care_label.setText(
            f"Restored {result.restored_from.name}.{kept} Quit and start the app again to see"
            " the restored data everywhere."
        )
        self.changed.emit(f"Restored {result.restored_from.name}.")

    def shutdown(self) -> None:
        self.runner.wait(20_000)
