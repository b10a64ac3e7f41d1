"""Small dialogs of the SLA clock: hand over to ops, correct a stamp, give a reason."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_app.services.sla import KIND_LABELS, KINDS


class _Form(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.rejected.connect(self.reject)
        self.buttons.accepted.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def problem(self) -> str | None:
        return None

    def _check(self) -> None:
        text = self.problem()
        if text:
            self.show_error(text)
            return
        self.accept()

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()


class HandOverDialog(_Form):
    """Name the ops owner the leads go to (team members with the ops role first)."""

    def __init__(
        self, event_name: str, ops_people: list[str], current: str | None, parent: QWidget | None
    ) -> None:
        super().__init__(
            "Hand over to ops",
            f"Hand the leads of <b>{event_name}</b> over to marketing ops. This stamps the"
            " handover now and starts the ops stage of the SLA.",
            parent,
        )
        self.ok_button.setText("Hand over")
        self.person_combo = QComboBox()
        self.person_combo.setEditable(True)
        self.person_combo.setAccessibleName("Ops owner")
        self.person_combo.addItems(ops_people)
        self.person_combo.setCurrentText(current or (ops_people[0] if ops_people else ""))
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Optional: where the file went, e.g. the ops ticket")
        self.form.addRow("&Ops owner", self.person_combo)
        self.form.addRow("&Note", self.note_edit)

    def problem(self) -> str | None:
        return None if self.person_combo.currentText().strip() else "Name the ops owner."

    def person(self) -> str:
        return self.person_combo.currentText().strip()

    def note(self) -> str:
        return self.note_edit.text().strip()


class ReasonDialog(_Form):
    """Ask for a reason (and optionally a person) before an audited change."""

    def __init__(
        self,
        title: str,
        intro: str,
        action: str,
        parent: QWidget | None,
        people: list[str] | None = None,
    ) -> None:
        super().__init__(title, intro, parent)
        self.ok_button.setText(action)
        self.person_combo: QComboBox | None = None
        if people is not None:
            self.person_combo = QComboBox()
            self.person_combo.setEditable(True)
            self.person_combo.setAccessibleName("Person")
            self.person_combo.addItems(people)
            self.form.addRow("&To", self.person_combo)
        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName("Reason")
        self.reason_edit.setPlaceholderText("Why: it goes into the audit log")
        self.form.addRow("&Reason", self.reason_edit)

    def problem(self) -> str | None:
        if self.person_combo is not None and not self.person_combo.currentText().strip():
            return "Name the person."
        return None if len(self.reason_edit.text().strip()) >= 3 else "Give the reason."

    def person(self) -> str:
        return self.person_combo.currentText().strip() if self.person_combo else ""

    def reason(self) -> str:
        return self.reason_edit.text().strip()


class CorrectStampDialog(_Form):
    """Put a stamp at the moment it really happened, in the event's time zone."""

    def __init__(
        self, event_name: str, timezone: str, current: dict[str, datetime | None], parent: QWidget
    ) -> None:
        super().__init__(
            "Correct an SLA stamp",
            f"Stamps of <b>{event_name}</b> are recorded by the app. If one is wrong (the"
            " list came by e-mail before it was imported, say), give the real time and the"
            " reason; the original stays in the history.",
            parent,
        )
        self.ok_button.setText("Correct")
        self.zone = ZoneInfo(timezone)
        self.current = current
        self.kind_combo = QComboBox()
        for kind in KINDS:
            self.kind_combo.addItem(KIND_LABELS[kind], kind)
        self.when_edit = QDateTimeEdit()
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when_edit.setTimeZone(QTimeZone(timezone.encode()))
        self.when_edit.setAccessibleName("Corrected time")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("Why: it goes into the audit log")
        self.form.addRow("&Stamp", self.kind_combo)
        self.form.addRow(f"&When ({timezone})", self.when_edit)
        self.form.addRow("&Reason", self.reason_edit)
        self.kind_combo.currentIndexChanged.connect(self._load_current)
        self._load_current()

    def _load_current(self) -> None:
        moment = self.current.get(self.kind()) or datetime.now(UTC)
        local = moment.astimezone(self.zone)
        self.when_edit.setDateTime(
            QDateTime.fromSecsSinceEpoch(int(local.timestamp()), QTimeZone(self.zone.key.encode()))
        )

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.when_edit.dateTime().toSecsSinceEpoch(), UTC)

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def problem(self) -> str | None:
        if len(self.reason()) < 3:
            return "Give the reason for the correction."
        if self.moment() > datetime.now(UTC):
            return "A stamp cannot be put in the future."
        return None
