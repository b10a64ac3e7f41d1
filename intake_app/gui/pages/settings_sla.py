"""Settings for the SLA clock and its reports: policies, the team, SLA e-mail, governance."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intake_app.core.errors import IntakeError
from intake_app.core.geo import country_choices
from intake_app.db.base import utcnow
from intake_app.gui.prompts import Prompts
from intake_app.gui.tasks import Task, TaskRunner, failure_text
from intake_app.services.context import AppContext
from intake_app.services.mailer import MailError, send_mail
from intake_app.services.reports import REPORTS, ReportService
from intake_app.services.schema_edit import SchemaEditService
from intake_app.services.settings_store import PASSWORD_VARIABLE, SettingsStore, SmtpSettings
from intake_app.services.team import ROLES, MemberRecord, TeamService
from schemas import SlaPolicy, SlaStage

UNITS = {"business_days": "business days", "hours": "hours"}
_ONE = {"business_days": "business day", "hours": "hour"}


def _stage_text(stage: SlaStage) -> str:
    unit = _ONE[stage.unit] if stage.amount == 1 else UNITS[stage.unit]
    return f"{stage.amount:g} {unit}"


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class _StageEditor(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.amount = QDoubleSpinBox()
        self.amount.setAccessibleName("Stage length")
        self.amount.setToolTip("How long the stage may take")
        self.amount.setRange(0.25, 60)
        self.amount.setSingleStep(0.5)
        self.amount.setDecimals(2)
        self.unit = QComboBox()
        self.unit.setAccessibleName("Stage unit")
        self.unit.setToolTip("Business days skip weekends and holidays; hours are elapsed time")
        for code, label in UNITS.items():
            self.unit.addItem(label, code)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.amount)
        row.addWidget(self.unit)
        row.addStretch(1)

    def load(self, stage: SlaStage | None) -> None:
        self.amount.setValue(stage.amount if stage else 1)
        self.unit.setCurrentIndex(self.unit.findData(stage.unit if stage else "business_days"))

    def stage(self, name: str) -> SlaStage:
        return SlaStage(name=name, amount=self.amount.value(), unit=self.unit.currentData())


class SlaPoliciesTab(QWidget):
    """The intake SLA per program type, edited and saved in the company schema folder."""

    changed = Signal(str)

    def __init__(self, ctx: AppContext, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = prompts
        self.editor = SchemaEditService(ctx)
        intro = QLabel(
            "How long field marketing has to get an event's leads in, counted from the"
            " event's end in its time zone. Business days skip weekends and public holidays."
            " Changes are saved in the company schema folder and apply to every event of the"
            " types that use the policy."
        )
        intro.setWordWrap(True)
        self.table = _table(
            ["Policy", "Used by", "Stage 1", "Stage 2 (ops)", "Holidays", "Reminder",
             "Escalate / reassign"],
            "slaPolicies",
        )  # fmt: skip
        self.label_edit = QLineEdit()
        self.label_edit.setAccessibleName("Policy label")
        self.stage1 = _StageEditor()
        self.two_stage = QCheckBox("A second stage: ops enters the leads after the handover")
        self.stage2 = _StageEditor()
        self.holidays = QComboBox()
        self.holidays.setAccessibleName("Holiday calendar")
        self.holidays.addItem("The event's country", "event_country")
        self.holidays.addItem("None (weekends only)", "none")
        for code, name in country_choices():
            self.holidays.addItem(f"Always {name} ({code})", code)
        self.reminder = QSpinBox()
        self.reminder.setRange(5, 95)
        self.reminder.setSuffix(" % of the time left")
        self.escalate = QDoubleSpinBox()
        self.escalate.setRange(0.25, 30)
        self.escalate.setSuffix(" business days after the deadline")
        self.reassign = QDoubleSpinBox()
        self.reassign.setRange(0.5, 60)
        self.reassign.setSuffix(" business days after the deadline")
        self.save_button = QPushButton("&Save policy")
        form_box = QGroupBox("Selected policy")
        form = QFormLayout(form_box)
        form.addRow("Label", self.label_edit)
        form.addRow("Stage 1: hand over or enter", self.stage1)
        form.addRow("", self.two_stage)
        form.addRow("Stage 2: ops enters", self.stage2)
        form.addRow("Holiday calendar", self.holidays)
        form.addRow("Reminder when", self.reminder)
        form.addRow("Escalate to the manager", self.escalate)
        form.addRow("Suggest reassigning", self.reassign)
        form.addRow("", self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(form_box)
        self.table.itemSelectionChanged.connect(self._load_selected)
        self.two_stage.toggled.connect(self.stage2.setEnabled)
        self.save_button.clicked.connect(self.save)
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        schema = self.ctx.schema
        self.table.setRowCount(len(schema.sla_policies))
        for row, policy in enumerate(schema.sla_policies):
            users = ", ".join(t.label for t in schema.event_types if t.sla_policy == policy.code)
            holidays = {"event_country": "event's country", "none": "none"}.get(
                policy.holiday_calendar, policy.holiday_calendar
            )
            cells = [
                policy.label,
                users,
                _stage_text(policy.stages[0]),
                _stage_text(policy.stages[1]) if policy.two_stage else "—",
                holidays,
                f"{policy.reminder_when_left:.0%} left",
                f"+{policy.escalate_after_business_days:g}"
                f" / +{policy.reassign_after_business_days:g} bd",
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, policy.code)
                self.table.setItem(row, column, item)
            if policy.code == select or (select is None and row == 0):
                self.table.selectRow(row)

    def selected_policy(self) -> SlaPolicy | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return (
            self.ctx.schema.sla_policy(str(item.data(Qt.ItemDataRole.UserRole))) if item else None
        )

    def _load_selected(self) -> None:
        policy = self.selected_policy()
        self.save_button.setEnabled(policy is not None)
        if policy is None:
            return
        self.label_edit.setText(policy.label)
        self.stage1.load(policy.stages[0])
        self.two_stage.setChecked(policy.two_stage)
        self.stage2.load(policy.stages[1] if policy.two_stage else None)
        self.stage2.setEnabled(policy.two_stage)
        self.holidays.setCurrentIndex(max(self.holidays.findData(policy.holiday_calendar), 0))
        self.reminder.setValue(round(policy.reminder_when_left * 100))
        self.escalate.setValue(policy.escalate_after_business_days)
        self.reassign.setValue(policy.reassign_after_business_days)

    def save(self) -> None:
        policy = self.selected_policy()
        if policy is None:
            return
        stages = [self.stage1.stage("hand_over" if self.two_stage.isChecked() else "enter")]
        if self.two_stage.isChecked():
            stages.append(self.stage2.stage("enter"))
        try:
            updated = SlaPolicy(
                code=policy.code,
                label=self.label_edit.text().strip() or policy.label,
                stages=tuple(stages),
                holiday_calendar=str(self.holidays.currentData()),
                reminder_when_left=self.reminder.value() / 100,
                escalate_after_business_days=self.escalate.value(),
                reassign_after_business_days=self.reassign.value(),
            )
        except ValueError as exc:
            self.prompts.error(self, "SLA policy", f"The policy is not valid: {exc}")
            return
        try:
            self.editor.save_sla_policy(updated)
        except IntakeError as exc:
            self.prompts.error(self, "SLA policy", str(exc))
            return
        self.refresh(select=policy.code)
        self.changed.emit(f"Saved the SLA policy {updated.label}.")


class TeamTab(QWidget):
    """Field marketers, ops owners and managers: who handovers go to, who escalations copy."""

    changed = Signal(str)

    def __init__(self, ctx: AppContext, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = prompts
        self.service = TeamService(ctx)
        intro = QLabel(
            "The people the SLA names. An event's owner is reminded before a deadline;"
            " an escalation copies their manager. Ops owners are offered when handing over."
        )
        intro.setWordWrap(True)
        self.table = _table(["Name", "Login", "Role", "E-mail", "Manager", "Active"], "teamTable")
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Name")
        self.login_edit = QLineEdit()
        self.login_edit.setAccessibleName("Login")
        self.login_edit.setPlaceholderText("their login, e.g. dana")
        self.login_edit.setToolTip(
            "Who they are to the app: INTAKE_USER or their computer login, or their"
            " PostgreSQL login on a team database. With it, their role decides what they"
            " may change: field marketers their own events; ops and managers everything."
        )
        self.role_combo = QComboBox()
        self.role_combo.setAccessibleName("Role")
        for code, label in ROLES.items():
            self.role_combo.addItem(label, code)
        self.email_edit = QLineEdit()
        self.email_edit.setAccessibleName("E-mail")
        self.email_edit.setPlaceholderText("name@company.com")
        self.manager_combo = QComboBox()
        self.manager_combo.setAccessibleName("Manager")
        self.active_check = QCheckBox("Active")
        self.active_check.setChecked(True)
        self.new_button = QPushButton("&New")
        self.save_button = QPushButton("&Save person")
        self.remove_button = QPushButton("&Remove")
        form_box = QGroupBox("Person")
        form = QFormLayout(form_box)
        form.addRow("Name", self.name_edit)
        form.addRow("Login", self.login_edit)
        form.addRow("Role", self.role_combo)
        form.addRow("E-mail", self.email_edit)
        form.addRow("Manager", self.manager_combo)
        form.addRow("", self.active_check)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        form.addRow("", buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(form_box)
        self.editing: int | None = None
        self.table.itemSelectionChanged.connect(self._load_selected)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        self.members = self.service.list()
        self.table.setRowCount(len(self.members))
        for row, member in enumerate(self.members):
            cells = [member.name, member.login or "", member.role_label, member.email or "",
                     member.manager or "", "yes" if member.active else "no"]  # fmt: skip
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
            if member.id == select:
                self.table.selectRow(row)
        current = self.manager_combo.currentData()
        self.manager_combo.clear()
        self.manager_combo.addItem("(none)", None)
        for member in self.members:
            if member.role == "manager":
                self.manager_combo.addItem(member.name, member.name)
        self.manager_combo.setCurrentIndex(max(self.manager_combo.findData(current), 0))
        self.remove_button.setEnabled(self.editing is not None)

    def selected_member(self) -> MemberRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.members[rows[0].row()] if rows else None

    def _load_selected(self) -> None:
        member = self.selected_member()
        if member is None:
            return
        self.editing = member.id
        self.name_edit.setText(member.name)
        self.login_edit.setText(member.login or "")
        self.role_combo.setCurrentIndex(self.role_combo.findData(member.role))
        self.email_edit.setText(member.email or "")
        self.manager_combo.setCurrentIndex(max(self.manager_combo.findData(member.manager), 0))
        self.active_check.setChecked(member.active)
        self.remove_button.setEnabled(True)

    def start_new(self) -> None:
        self.table.clearSelection()
        self.editing = None
        self.name_edit.clear()
        self.login_edit.clear()
        self.email_edit.clear()
        self.manager_combo.setCurrentIndex(0)
        self.active_check.setChecked(True)
        self.remove_button.setEnabled(False)
        self.name_edit.setFocus()

    def save(self) -> None:
        try:
            member = self.service.save(
                self.name_edit.text(),
                role=str(self.role_combo.currentData()),
                email=self.email_edit.text(),
                manager=self.manager_combo.currentData(),
                active=self.active_check.isChecked(),
                member_id=self.editing,
                login=self.login_edit.text(),
            )
        except IntakeError as exc:
            self.prompts.error(self, "Team", str(exc))
            return
        self.editing = member.id
        self.refresh(select=member.id)
        self.changed.emit(f"Saved {member.name} ({member.role_label}).")

    def remove(self) -> None:
        member = self.selected_member()
        if member is None:
            return
        if not self.prompts.confirm(
            self, "Remove a person", f"Remove {member.name} from the team?", "Remove"
        ):
            return
        try:
            self.service.remove(member.id)
        except IntakeError as exc:
            self.prompts.error(self, "Team", str(exc))
            return
        self.start_new()
        self.refresh()
        self.changed.emit(f"Removed {member.name}.")


class EmailTab(QWidget):
    """The SMTP server SLA reminders and escalations are sent through (optional)."""

    changed = Signal(str)

    def __init__(self, ctx: AppContext, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = prompts
        self.store = SettingsStore(ctx)
        self.runner = TaskRunner()
        intro = QLabel(
            "Optional. When set, the owner gets an e-mail when a deadline is near or passed,"
            " and an escalation copies their manager. Alerts always show on the Dashboard."
            f" The password is never stored: set the environment variable {PASSWORD_VARIABLE}"
            " on the computer that sends."
        )
        intro.setWordWrap(True)
        self.enabled_check = QCheckBox("Send SLA e-mail")
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("smtp.company.com")
        self.host_edit.setAccessibleName("SMTP server")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.security_combo = QComboBox()
        for code, label in (("starttls", "STARTTLS"), ("ssl", "SSL/TLS"), ("none", "None")):
            self.security_combo.addItem(label, code)
        self.username_edit = QLineEdit()
        self.sender_edit = QLineEdit()
        self.sender_edit.setPlaceholderText("marketing-ops@company.com")
        self.sender_edit.setAccessibleName("Sender address")
        self.test_edit = QLineEdit()
        self.test_edit.setPlaceholderText("Send a test message to…")
        self.test_edit.setAccessibleName("Test address")
        self.save_button = QPushButton("&Save e-mail settings")
        self.test_button = QPushButton("Send &test")
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        box = QGroupBox("SMTP server")
        form = QFormLayout(box)
        form.addRow("", self.enabled_check)
        form.addRow("Server", self.host_edit)
        form.addRow("Port", self.port_spin)
        form.addRow("Security", self.security_combo)
        form.addRow("User name", self.username_edit)
        form.addRow("Sender", self.sender_edit)
        form.addRow("", self.save_button)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_edit, 1)
        test_row.addWidget(self.test_button)
        form.addRow("Test", test_row)
        form.addRow("", self.result_label)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(box)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.send_test)
        self.load()

    def load(self) -> None:
        settings = self.store.smtp()
        self.enabled_check.setChecked(settings.enabled)
        self.host_edit.setText(settings.host)
        self.port_spin.setValue(settings.port)
        self.security_combo.setCurrentIndex(self.security_combo.findData(settings.security))
        self.username_edit.setText(settings.username)
        self.sender_edit.setText(settings.sender)

    def settings(self) -> SmtpSettings:
        return SmtpSettings(
            enabled=self.enabled_check.isChecked(),
            host=self.host_edit.text(),
            port=self.port_spin.value(),
            security=self.security_combo.currentData(),
            username=self.username_edit.text(),
            sender=self.sender_edit.text(),
        )

    def save(self) -> bool:
        try:
            self.store.save_smtp(self.settings())
        except IntakeError as exc:
            self.prompts.error(self, "E-mail", str(exc))
            return False
        self.changed.emit("Saved the e-mail settings.")
        return True

    def send_test(self) -> None:
        address = self.test_edit.text().strip()
        if not address:
            self.result_label.setText("Give the address to send the test message to.")
            return
        settings = self.settings()
        settings = SmtpSettings(**{**settings.__dict__, "enabled": True})
        self.result_label.setText(f"Sending to {address}…")
        self.test_button.setEnabled(False)

        def work(_progress: object, _cancel: object) -> str:
            send_mail(
                settings,
                [address],
                "[Intake SLA] Test message",
                "This is a test from Event Lead Intake: SLA e-mail reaches you.",
            )
            return f"Sent a test message to {address}."

        task = Task(work)
        task.signals.finished.connect(self._tested)
        task.signals.failed.connect(self._test_failed)
        self.runner.start(task)

    def _tested(self, text: object) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setText(str(text))

    def _test_failed(self, error: object) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setText(f"Not sent: {failure_text(error, MailError)}")

    def shutdown(self) -> None:
        self.runner.wait(20_000)


class ReportsTab(QWidget):
    """Who owns each report and how often it is reviewed (governance)."""

    changed = Signal(str)

    def __init__(self, ctx: AppContext, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = prompts
        self.service = ReportService(ctx)
        intro = QLabel(
            "Each report has an owner who reviews it every so many days; a review that is"
            " overdue shows on the Dashboard. Mark a review on the Reports page."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        self.owner_combos: dict[str, QComboBox] = {}
        self.cadence_spins: dict[str, QSpinBox] = {}
        self.state_labels: dict[str, QLabel] = {}
        for code, title in REPORTS.items():
            box = QGroupBox(title)
            form = QFormLayout(box)
            owner = QComboBox()
            owner.setEditable(True)
            owner.setAccessibleName(f"{title} owner")
            cadence = QSpinBox()
            cadence.setRange(1, 366)
            cadence.setSuffix(" days")
            cadence.setAccessibleName(f"{title} review cadence")
            state = QLabel()
            state.setWordWrap(True)
            save = QPushButton("Save")
            save.clicked.connect(lambda _checked=False, c=code: self.save(c))
            form.addRow("Owner", owner)
            form.addRow("Review every", cadence)
            form.addRow("", state)
            form.addRow("", save)
            self.owner_combos[code] = owner
            self.cadence_spins[code] = cadence
            self.state_labels[code] = state
            layout.addWidget(box)
        layout.addStretch(1)
        self.load()

    def load(self) -> None:
        people = [m.name for m in TeamService(self.ctx).list(active_only=True)]
        now = utcnow()
        for code in REPORTS:
            governance = self.service.governance(code)
            combo = self.owner_combos[code]
            combo.clear()
            combo.addItem("")
            combo.addItems(people)
            combo.setCurrentText(governance.owner or "")
            self.cadence_spins[code].setValue(governance.cadence_days)
            self.state_labels[code].setText(governance.describe(now))

    def save(self, code: str) -> None:
        try:
            governance = self.service.set_governance(
                code, self.owner_combos[code].currentText(), self.cadence_spins[code].value()
            )
        except IntakeError as exc:
            self.prompts.error(self, "Reports", str(exc))
            return
        self.load()
        self.changed.emit(f"Saved who reviews “{governance.title}” and how often.")
