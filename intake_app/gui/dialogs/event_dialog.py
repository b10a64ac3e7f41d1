"""Create or edit an event, checked by the same rules as the command line."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from intake_app.core.errors import ValidationError
from intake_app.core.events import EventDraft, EventInput, When, validate_event
from intake_app.core.geo import country_choices, local_timezone_name, timezone_names
from schemas import CorporateSchema

_ERROR_STYLE = "border: 1px solid #c62828;"


class WhenEdit(QWidget):
    """A date with an optional time of day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDate(QDate.currentDate())
        self.time_check = QCheckBox("at")
        self.time_check.setToolTip("Give a time of day as well")
        self.time_edit = QTimeEdit()
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setTime(QTime(9, 0))
        self.time_edit.setEnabled(False)
        self.time_check.toggled.connect(self.time_edit.setEnabled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.date_edit, 1)
        layout.addWidget(self.time_check)
        layout.addWidget(self.time_edit)

    def value(self) -> When:
        day = self.date_edit.date()
        if self.time_check.isChecked():
            clock = self.time_edit.time()
            moment = datetime(day.year(), day.month(), day.day(), clock.hour(), clock.minute())
            return When(moment, has_time=True)
        return When(datetime(day.year(), day.month(), day.day()), has_time=False)

    def set_value(self, when: When) -> None:
        moment = when.value
        self.date_edit.setDate(QDate(moment.year, moment.month, moment.day))
        self.time_check.setChecked(when.has_time)
        if when.has_time:
            self.time_edit.setTime(QTime(moment.hour, moment.minute))


def _searchable(combo: QComboBox) -> None:
    """An editable combo box whose completer finds an item by any part of its text."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(combo.model(), combo)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)


class EventDialog(QDialog):
    """The event form. Emits ``submitted`` with a validated draft; stays open on an error.

    Signals:
        submitted(EventDraft): the form passed validation; the caller saves it and
            closes the dialog with :meth:`accept` (or shows a save error with
            :meth:`show_error`).
    """

    submitted = Signal(object)

    def __init__(
        self,
        schema: CorporateSchema,
        initial: EventInput | None = None,
        owners: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.schema = schema
        self.setWindowTitle("Edit event" if initial else "New event")
        self.setMinimumWidth(520)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. RSA Conference 2025")
        self.name_edit.setMaxLength(200)

        self.type_combo = QComboBox()
        for event_type in schema.event_types:
            self.type_combo.addItem(event_type.label, event_type.code)

        self.policy_label = QLabel()
        self.policy_label.setObjectName("policyHint")
        self.policy_label.setStyleSheet("color: #5b6b79;")

        self.start_edit = WhenEdit()
        self.end_edit = WhenEdit()

        self.timezone_combo = QComboBox()
        self.timezone_combo.addItems(timezone_names())
        _searchable(self.timezone_combo)
        self.timezone_combo.setCurrentText(local_timezone_name())

        self.country_combo = QComboBox()
        self.country_combo.addItem("", None)
        for code, name in country_choices():
            self.country_combo.addItem(f"{name} ({code})", code)
        _searchable(self.country_combo)

        self.owner_edit = QLineEdit()
        self.owner_edit.setPlaceholderText("Field marketer responsible")
        self.ops_owner_edit = QLineEdit()
        self.ops_owner_edit.setPlaceholderText("Marketing-ops resource (two-stage SLAs)")
        if owners:
            for edit in (self.owner_edit, self.ops_owner_edit):
                completer = QCompleter(owners, edit)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                edit.setCompleter(completer)
        self.campaign_edit = QLineEdit()
        self.campaign_edit.setPlaceholderText("MAP program or CRM campaign id")
        self.description_edit = QPlainTextEdit()
        self.description_edit.setFixedHeight(60)

        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("&Type", self.type_combo)
        form.addRow("", self.policy_label)
        form.addRow("&Start", self.start_edit)
        form.addRow("&End", self.end_edit)
        form.addRow("Time &zone", self.timezone_combo)
        form.addRow("&Country", self.country_combo)
        form.addRow("&Owner", self.owner_edit)
        form.addRow("O&ps owner", self.ops_owner_edit)
        form.addRow("Ca&mpaign ID", self.campaign_edit)
        form.addRow("&Description", self.description_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self._field_widgets: dict[str, QWidget] = {
            "name": self.name_edit,
            "event_type": self.type_combo,
            "start": self.start_edit.date_edit,
            "end": self.end_edit.date_edit,
            "timezone": self.timezone_combo,
            "country": self.country_combo,
            "sla_policy": self.type_combo,
        }
        # The policy a loaded event has; kept only while its type is unchanged.
        self._sla_policy: str | None = None
        self._loaded_type: str | None = None
        if initial is not None:
            self._load(initial)
        else:
            # A new event ends the day it starts until told otherwise.
            self.start_edit.date_edit.dateChanged.connect(self._follow_start)
        self.name_edit.textChanged.connect(self._update_save_enabled)
        self.type_combo.currentIndexChanged.connect(lambda _i: self._show_policy())
        self._update_save_enabled()
        self._show_policy()

    def _policy_code(self) -> str | None:
        code = str(self.type_combo.currentData())
        if self._sla_policy and code == self._loaded_type:
            return self._sla_policy
        event_type = self.schema.event_type(code)
        return event_type.sla_policy if event_type else None

    def _show_policy(self) -> None:
        policy = self.schema.sla_policy(self._policy_code() or "")
        self.policy_label.setText(f"Intake SLA: {policy.label}" if policy else "")

    def _follow_start(self, day: QDate) -> None:
        if self.end_edit.date_edit.date() < day:
            self.end_edit.date_edit.setDate(day)

    def _load(self, data: EventInput) -> None:
        self.name_edit.setText(data.name)
        index = self.type_combo.findData(data.event_type)
        if index < 0:  # a type the company schema no longer lists: keep it visible
            self.type_combo.addItem(data.event_type, data.event_type)
            index = self.type_combo.count() - 1
        self.type_combo.setCurrentIndex(index)
        self.start_edit.set_value(data.start)
        self.end_edit.set_value(data.end or data.start)
        if data.timezone:
            self.timezone_combo.setCurrentText(data.timezone)
        index = self.country_combo.findData(data.country) if data.country else 0
        self.country_combo.setCurrentIndex(max(index, 0))
        self.owner_edit.setText(data.owner or "")
        self.ops_owner_edit.setText(data.ops_owner or "")
        self.campaign_edit.setText(data.campaign_id or "")
        self.description_edit.setPlainText(data.description or "")
        # Keep a policy the event already has, even if its type's default differs.
        self._sla_policy = data.sla_policy
        self._loaded_type = data.event_type

    def _update_save_enabled(self) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(bool(self.name_edit.text().strip()))

    def _country_text(self) -> str:
        text = self.country_combo.currentText().strip()
        index = self.country_combo.findText(text)
        if index > 0:
            return str(self.country_combo.itemData(index))
        return text

    def form_input(self) -> EventInput:
        """What the form holds now, unvalidated."""
        return EventInput(
            name=self.name_edit.text(),
            event_type=str(self.type_combo.currentData()),
            start=self.start_edit.value(),
            end=self.end_edit.value(),
            timezone=self.timezone_combo.currentText(),
            country=self._country_text() or None,
            owner=self.owner_edit.text(),
            ops_owner=self.ops_owner_edit.text(),
            campaign_id=self.campaign_edit.text(),
            sla_policy=self._policy_code(),
            description=self.description_edit.toPlainText(),
        )

    def submit(self) -> None:
        """Validate; on success emit :attr:`submitted`, else show what is wrong."""
        try:
            draft: EventDraft = validate_event(self.form_input(), self.schema)
        except ValidationError as exc:
            self.show_error(str(exc), exc.field)
            return
        # Normalised country shown back, e.g. "usa" -> "United States (US)".
        if draft.country:
            self.country_combo.setCurrentIndex(max(self.country_combo.findData(draft.country), 0))
        self.show_error(None)
        self.submitted.emit(draft)

    def show_error(self, message: str | None, field: str | None = None) -> None:
        for widget in self._field_widgets.values():
            widget.setStyleSheet("")
        if not message:
            self.error_label.hide()
            return
        self.error_label.setText(message)
        self.error_label.show()
        culprit = self._field_widgets.get(field or "")
        if culprit is not None:
            # A type selector, so the border does not spill onto child widgets.
            culprit.setStyleSheet(f"{culprit.metaObject().className()} {{ {_ERROR_STYLE} }}")
            culprit.setFocus()
