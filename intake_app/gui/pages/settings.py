"""Settings: the company schema (picklists, synonyms, SLA policies), team, e-mail, database.

Picklist values and the spellings that mean them are the part of the corporate
schema that changes most: a new industry, "Cyber Defence" meaning Technology.
This page lists each picklist with its synonyms and adds either, saved as YAML in
the company schema folder (see :class:`SchemaEditService`); the import and the
Leads page use the change at once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from intake_app.core.errors import IntakeError
from intake_app.gui.pages.settings_database import DatabaseTab
from intake_app.gui.pages.settings_sla import EmailTab, ReportsTab, SlaPoliciesTab, TeamTab
from intake_app.gui.prompts import Prompts
from intake_app.paths import personal_schema_dir
from intake_app.services.context import AppContext
from intake_app.services.schema_edit import SchemaEditService

EDITABLE_PICKLISTS = {
    "industry": "Industry",
    "job_level": "Job level",
    "job_function": "Job function",
    "lead_source": "Lead source",
    "engagement_level": "Engagement level",
    "consent": "Consent",
}


def _shown(path: Path) -> str:
    """A folder as a person reads it: under the home folder as ``~/...``."""
    try:
        return "~/" + path.resolve().relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)


class SettingsPage(QWidget):
    """The Settings page.

    Signals:
        schema_changed(): a picklist value, synonym or SLA policy was saved.
        team_changed(): a team member was added, changed or removed.
        governance_changed(): a report's owner or review cadence was saved.
        status_message(str): one line for the status bar.
    """

    schema_changed = Signal()
    team_changed = Signal()
    governance_changed = Signal()
    status_message = Signal(str)

    def __init__(self, ctx: AppContext, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = prompts
        self.editor = SchemaEditService(ctx)

        title = QLabel("Settings")
        title.setObjectName("pageTitle")
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        schema_box = QGroupBox("Corporate schema")
        schema_form = QFormLayout(schema_box)
        schema_form.addRow("Company folder", self.folder_label)

        self.picklist_combo = QComboBox()
        self.picklist_combo.setAccessibleName("Picklist")
        for name, label in EDITABLE_PICKLISTS.items():
            if name in ctx.schema.picklists:
                self.picklist_combo.addItem(label, name)
        self.values_table = QTableWidget(0, 2)
        self.values_table.setObjectName("picklistValues")
        self.values_table.setHorizontalHeaderLabels(["Value", "Also read from"])
        self.values_table.verticalHeader().hide()
        self.values_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.values_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.values_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.values_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.new_value = QLineEdit()
        self.new_value.setPlaceholderText("A new value, e.g. Aerospace")
        self.new_value.setAccessibleName("New picklist value")
        self.add_value_button = QPushButton("Add &value")
        self.new_synonym = QLineEdit()
        self.new_synonym.setPlaceholderText("A spelling that means the selected value")
        self.new_synonym.setAccessibleName("New synonym")
        self.add_synonym_button = QPushButton("Add &synonym to the selected value")

        picklist_box = QGroupBox("Picklists and synonyms")
        box = QVBoxLayout(picklist_box)
        top = QHBoxLayout()
        top.addWidget(QLabel("Picklist"))
        top.addWidget(self.picklist_combo)
        top.addStretch(1)
        box.addLayout(top)
        box.addWidget(self.values_table, 1)
        value_row = QHBoxLayout()
        value_row.addWidget(self.new_value, 1)
        value_row.addWidget(self.add_value_button)
        synonym_row = QHBoxLayout()
        synonym_row.addWidget(self.new_synonym, 1)
        synonym_row.addWidget(self.add_synonym_button)
        box.addLayout(value_row)
        box.addLayout(synonym_row)

        schema_tab = QWidget()
        schema_layout = QVBoxLayout(schema_tab)
        schema_layout.addWidget(schema_box)
        schema_layout.addWidget(picklist_box, 1)
        self.policies_tab = SlaPoliciesTab(ctx, prompts)
        self.team_tab = TeamTab(ctx, prompts)
        self.email_tab = EmailTab(ctx, prompts)
        self.reports_tab = ReportsTab(ctx, prompts)
        self.database_tab = DatabaseTab(ctx, prompts)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.tabs.addTab(schema_tab, "&Picklists")
        self.tabs.addTab(self.policies_tab, "SLA &policies")
        self.tabs.addTab(self.team_tab, "&Team")
        self.tabs.addTab(self.email_tab, "&E-mail")
        self.tabs.addTab(self.reports_tab, "&Reports")
        self.tabs.addTab(self.database_tab, "&Database")
        self.policies_tab.changed.connect(self._policy_changed)
        self.team_tab.changed.connect(lambda _message: self.team_changed.emit())
        self.team_tab.changed.connect(self.status_message.emit)
        self.email_tab.changed.connect(self.status_message.emit)
        self.reports_tab.changed.connect(self.status_message.emit)
        self.database_tab.changed.connect(self.status_message.emit)
        self.team_tab.changed.connect(lambda _message: self.database_tab.load())
        self.reports_tab.changed.connect(lambda _message: self.governance_changed.emit())
        self.team_tab.changed.connect(lambda _message: self.reports_tab.load())

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)

        self.picklist_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.add_value_button.clicked.connect(self.add_value)
        self.new_value.returnPressed.connect(self.add_value)
        self.add_synonym_button.clicked.connect(self.add_synonym)
        self.new_synonym.returnPressed.connect(self.add_synonym)
        self.refresh()

    def current_picklist(self) -> str:
        return str(self.picklist_combo.currentData())

    def refresh(self, select: str | None = None) -> None:
        folder = self.editor.company_dir
        self.folder_label.setText(
            _shown(folder)
            if folder
            else "None: the default schema is in force. The first change made here creates"
            f" the company folder {_shown(personal_schema_dir())}, which the app and the command"
            " line then use (or start them with --schema DIR to use another)."
        )
        picklist = self.current_picklist()
        values = self.editor.picklists().get(picklist, ())
        synonyms = self.editor.synonyms(picklist)
        self.values_table.setRowCount(len(values))
        for row, value in enumerate(values):
            self.values_table.setItem(row, 0, QTableWidgetItem(value))
            words = QTableWidgetItem(", ".join(synonyms.get(value, ())))
            words.setToolTip("\n".join(synonyms.get(value, ())))
            self.values_table.setItem(row, 1, words)
            if value == select:
                self.values_table.selectRow(row)

    def selected_value(self) -> str | None:
        rows = self.values_table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.values_table.item(rows[0].row(), 0)
        return item.text() if item else None

    def add_value(self) -> None:
        text = self.new_value.text()
        try:
            self.editor.add_value(self.current_picklist(), text)
        except IntakeError as exc:
            self.prompts.error(self, "Add a value", str(exc))
            return
        self.new_value.clear()
        self._changed(f"Added {text.strip()!r} to {self.picklist_combo.currentText()}.", text)

    def add_synonym(self) -> None:
        value = self.selected_value()
        if value is None:
            self.prompts.info(self, "Add a synonym", "Select the value the synonym means first.")
            return
        text = self.new_synonym.text()
        try:
            self.editor.add_synonym(self.current_picklist(), value, text)
        except IntakeError as exc:
            self.prompts.error(self, "Add a synonym", str(exc))
            return
        self.new_synonym.clear()
        self._changed(f"{text.strip()!r} now means {value!r}.", value)

    def _policy_changed(self, message: str) -> None:
        self.refresh()
        self.schema_changed.emit()
        self.status_message.emit(message + " Saved in the company schema folder.")

    def shutdown(self) -> None:
        self.email_tab.shutdown()
        self.database_tab.shutdown()

    def _changed(self, message: str, select: str) -> None:
        self.refresh(select=select.strip())
        self.schema_changed.emit()
        self.status_message.emit(message + " Saved in the company schema folder.")
