"""The Dashboard: every event's intake SLA, the ones needing action first.

The table is recomputed every minute (the countdown moves); SLA alerts are
raised in the background every few minutes and when something changes, listed
on the right and, where the desktop has a tray, shown there too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

from PySide6.QtCore import QItemSelectionModel, QPoint, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intake_app.core.errors import IntakeError
from intake_app.core.periods import period_range
from intake_app.core.sla import STAGE_PHRASES, AlertKind, Status
from intake_app.gui.dialogs.sla_dialogs import CorrectStampDialog, HandOverDialog, ReasonDialog
from intake_app.gui.item_models.board_model import (
    HEADERS,
    ROW_ROLE,
    SORT_ROLE,
    STATUS_COLOURS,
    BoardModel,
    Column,
    deadline_text,
)
from intake_app.gui.prompts import Prompts
from intake_app.gui.tasks import Task, TaskRunner
from intake_app.services.context import AppContext
from intake_app.services.events import EventService
from intake_app.services.notifications import NotificationRecord, NotificationService
from intake_app.services.reports import ReportService
from intake_app.services.sla import KIND_LABELS, BoardFilter, BoardRow, SlaService
from intake_app.services.team import TeamService

REFRESH_MS = 60_000  # the countdown moves by the minute
NOTIFY_MS = 5 * 60_000
SUMMARY_ORDER = (
    Status.OVERDUE, Status.DUE_SOON, Status.ON_TRACK, Status.WAITING, Status.UPCOMING,
    Status.MET_LATE, Status.MET,
)  # fmt: skip
KIND_MARK = {
    AlertKind.DUE_SOON: "◔",
    AlertKind.OVERDUE: "●",
    AlertKind.ESCALATION: "▲",
    AlertKind.REASSIGN: "⇄",
}


class DashboardPage(QWidget):
    """Every event's SLA status, the actions that stamp it, and the alerts.

    Signals:
        stamps_changed(): a handover, upload, correction or reassignment was recorded.
        notifications_raised(list): new unread SLA alerts (NotificationRecord).
        status_message(str): one line for the status bar.
    """

    stamps_changed = Signal()
    notifications_raised = Signal(list)
    status_message = Signal(str)

    def __init__(self, ctx: AppContext, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = prompts
        self.service = SlaService(ctx)
        self.notifier = NotificationService(ctx)
        self.runner = TaskRunner()
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.dialog: QDialog | None = None
        self._checking = False

        title = QLabel("Dashboard")
        title.setObjectName("pageTitle")
        self.moment_label = QLabel()
        self.moment_label.setObjectName("countLabel")
        self.review_label = QLabel()
        self.review_label.setObjectName("reviewDue")
        self.review_label.setWordWrap(True)
        self.review_label.hide()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("boardSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addSpacing(12)
        heading.addWidget(self.summary_label, 1)
        heading.addWidget(self.moment_label)

        self.owner_filter = QComboBox()
        self.owner_filter.setAccessibleName("Owner filter")
        self.type_filter = QComboBox()
        self.type_filter.setAccessibleName("Program type filter")
        self.type_filter.addItem("All types", None)
        for event_type in ctx.schema.event_types:
            self.type_filter.addItem(event_type.label, event_type.code)
        self.region_filter = QComboBox()
        self.region_filter.setAccessibleName("Region filter")
        self.region_filter.addItem("All regions", None)
        for region in [*ctx.schema.regions.names(), "Unassigned"]:
            self.region_filter.addItem(region, region)
        self.period_filter = QComboBox()
        self.period_filter.setAccessibleName("Period filter")
        for label, code in (
            ("Any time", "all"),
            ("Ended in the last 30 days", "30d"),
            ("This quarter", "quarter"),
            ("Last quarter", "last_quarter"),
            ("This year", "year"),
        ):
            self.period_filter.addItem(label, code)
        self.action_only = QCheckBox("Needs action only")
        self.action_only.setToolTip("Overdue, escalated and due-soon events")
        filters = QHBoxLayout()
        for label, combo in (
            ("Owner", self.owner_filter),
            ("Type", self.type_filter),
            ("Region", self.region_filter),
            ("Period", self.period_filter),
        ):
            caption = QLabel(label)
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo)
        filters.addWidget(self.action_only)
        filters.addStretch(1)

        self.handover_button = QPushButton("&Hand over to ops…")
        self.handover_button.setToolTip("Stamp the handover to marketing ops (stage 1 done)")
        self.uploaded_button = QPushButton("&Mark uploaded")
        self.uploaded_button.setToolTip("Stamp that the leads are in the MAP (entered)")
        self.correct_button = QPushButton("&Correct a stamp…")
        self.reassign_button = QPushButton("&Reassign…")
        self.reassign_button.setToolTip("Give the event to another ops owner")
        actions = QHBoxLayout()
        for button in (
            self.handover_button,
            self.uploaded_button,
            self.correct_button,
            self.reassign_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)

        self.model = BoardModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("boardTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.STATUS, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.EVENT, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(60)
        for column in (Column.LEADS, Column.ENDED, Column.TYPE):
            header.hideSection(column)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.empty_label = QLabel(
            "No events match. Create an event on the Events page (Ctrl+2); its intake"
            " deadline appears here as soon as it ends."
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()

        self.detail_label = QLabel()
        self.detail_label.setObjectName("boardDetail")
        self.detail_label.setTextFormat(Qt.TextFormat.RichText)
        self.detail_label.setWordWrap(True)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.notes_title = QLabel("Notifications")
        self.notes_title.setObjectName("sectionTitle")
        self.notes_list = QListWidget()
        self.notes_list.setObjectName("notifications")
        self.notes_list.setWordWrap(True)
        self.notes_list.setAccessibleName("SLA notifications")
        self.read_button = QPushButton("Mark all &read")
        notes_box = QWidget()
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        notes_head = QHBoxLayout()
        notes_head.addWidget(self.notes_title, 1)
        notes_head.addWidget(self.read_button)
        notes_layout.addLayout(notes_head)
        notes_layout.addWidget(self.notes_list, 1)

        board_box = QWidget()
        board_layout = QVBoxLayout(board_box)
        board_layout.setContentsMargins(0, 0, 0, 0)
        board_layout.addWidget(self.table, 1)
        board_layout.addWidget(self.empty_label, 1)
        board_layout.addWidget(self.detail_label)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("dashboardSplitter")
        self.splitter.addWidget(board_box)
        self.splitter.addWidget(notes_box)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([1000, 260])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(heading)
        layout.addWidget(self.review_label)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.splitter, 1)

        for combo in (self.owner_filter, self.type_filter, self.region_filter, self.period_filter):
            combo.currentIndexChanged.connect(self.refresh)
        self.action_only.toggled.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.hand_over())
        self.handover_button.clicked.connect(self.hand_over)
        self.uploaded_button.clicked.connect(self.mark_uploaded)
        self.correct_button.clicked.connect(self.correct_stamp)
        self.reassign_button.clicked.connect(self.reassign)
        self.read_button.clicked.connect(self.mark_all_read)
        self.notes_list.itemActivated.connect(self._note_activated)
        self.notes_list.itemClicked.connect(self._note_activated)

        self.refresh_timer = QTimer(self)
        self.refresh_timer.timeout.connect(self.refresh)
        self.refresh_timer.start(REFRESH_MS)
        self.notify_timer = QTimer(self)
        self.notify_timer.timeout.connect(self.check_notifications)
        self.notify_timer.start(NOTIFY_MS)
        self.reload_owners()
        self.refresh()
        self.load_notifications()

    # ------------------------------------------------------------ the board

    def filters(self) -> BoardFilter:
        start, end = period_range(str(self.period_filter.currentData()), self.clock().date())
        return BoardFilter(
            owner=self.owner_filter.currentData(),
            event_type=self.type_filter.currentData(),
            region=self.region_filter.currentData(),
            ended_from=start,
            ended_to=end,
            needs_action_only=self.action_only.isChecked(),
        )

    def reload_owners(self) -> None:
        current = self.owner_filter.currentData()
        owners = sorted({event.owner for event in EventService(self.ctx).list() if event.owner})
        self.owner_filter.blockSignals(True)
        self.owner_filter.clear()
        self.owner_filter.addItem("All owners", None)
        for owner in owners:
            self.owner_filter.addItem(owner, owner)
        index = self.owner_filter.findData(current)
        self.owner_filter.setCurrentIndex(max(index, 0))
        self.owner_filter.blockSignals(False)

    def refresh(self) -> None:
        """Recompute every event's SLA at the current moment, keeping the selection."""
        selected = self.selected_row()
        now = self.clock()
        try:
            every = self.service.board(now)
        except IntakeError as exc:
            self.prompts.error(self, "Dashboard", str(exc))
            return
        wanted = self.filters()
        rows = [row for row in every if wanted.admits(row)]
        self.model.set_rows(rows)
        self.table.setColumnWidth(Column.EVENT, max(220, self.table.columnWidth(Column.EVENT)))
        self.table.setVisible(bool(rows))
        self.empty_label.setVisible(not rows)
        self._summary(rows)
        self._reviews(now)
        self.moment_label.setText(f"Status at {now.astimezone():%a %d %b %H:%M}")
        if selected is not None:
            self.select_event(selected.event.id)
        self._selection_changed()

    def _reviews(self, now: datetime) -> None:
        """Reports whose review is overdue (once an owner is set or a review was made)."""
        due = [
            g
            for g in ReportService(self.ctx).overdue_reviews(now)
            if g.owner or g.last_reviewed_at is not None
        ]
        self.review_label.setVisible(bool(due))
        if due:
            self.review_label.setText(
                "⚠ Report review overdue: "
                + "; ".join(f"{g.title} ({g.describe(now)})" for g in due)
                + " Open Reports (Ctrl+6) and mark it reviewed."
            )

    def _summary(self, rows: list[BoardRow]) -> None:
        counts = Counter(row.status for row in rows)
        escalated = sum(1 for row in rows if row.state.escalated)
        parts = []
        for status in SUMMARY_ORDER:
            if counts[status]:
                background, colour = STATUS_COLOURS[status]
                parts.append(
                    f'<span style="background:{background}; color:{colour};">'
                    f"&nbsp;{counts[status]} {escape(status.label.lower())}&nbsp;</span>"
                )
        if escalated:
            parts.append(
                '<span style="background:#dc3545; color:#ffffff;">'
                f"&nbsp;{escalated} escalated&nbsp;</span>"
            )
        self.summary_label.setText("&nbsp; ".join(parts) or "No events")

    def select_event(self, event_id: int) -> bool:
        for number, row in enumerate(self.model.rows):
            if row.event.id == event_id:
                index = self.proxy.mapFromSource(self.model.index(number, 0))
                self.table.selectionModel().select(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(index)
                return True
        return False

    def visible_rows(self) -> list[BoardRow]:
        """The rows as the table shows them, in its sort order."""
        return [
            self.proxy.data(self.proxy.index(number, 0), ROW_ROLE)
            for number in range(self.proxy.rowCount())
        ]

    def selected_row(self) -> BoardRow | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        row = self.proxy.data(indexes[0], ROW_ROLE)
        return row if isinstance(row, BoardRow) else None

    def _column_menu(self, position: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for column in Column:
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column not in (Column.STATUS, Column.EVENT))
            action.toggled.connect(lambda shown, c=column: header.setSectionHidden(c, not shown))
        menu.popup(header.mapToGlobal(position))

    def _selection_changed(self) -> None:
        row = self.selected_row()
        state = row.state if row else None
        self.handover_button.setEnabled(
            bool(
                state
                and state.policy.two_stage
                and state.list_received
                and state.stamps.handed_over is None
                and state.stamps.entered is None
            )
        )
        self.uploaded_button.setEnabled(
            bool(state and state.list_received and state.stamps.entered is None)
        )
        self.correct_button.setEnabled(row is not None)
        self.reassign_button.setEnabled(bool(state and state.policy.two_stage))
        self.detail_label.setText(self._detail(row) if row else "Select an event to see its SLA.")

    def _detail(self, row: BoardRow) -> str:
        state = row.state
        zone = state.calendar.zone
        lines = [
            f"<b>{escape(row.event.name)}</b> · {escape(state.policy.label)}"
            f" · ended {state.event_end.astimezone(zone):%a %d %b %H:%M %Z}"
        ]
        if not state.list_received:
            lines.append("The lead list has not been imported yet.")
        if row.reassigned:
            who, when = row.reassigned
            lines.append(f"Reassigned to {escape(who)} on {when.astimezone(zone):%a %d %b %H:%M}.")
        for number, stage in enumerate(state.stages, start=1):
            done = ""
            if stage.done_at is not None:
                done = f", done {stage.done_at.astimezone(zone):%a %d %b %H:%M}"
            lines.append(
                f"Stage {number}, {escape(stage.label)}: <b>{stage.status.label}</b>,"
                f" due {escape(deadline_text(row, stage))}{done}"
                f"{' · ' + escape(stage.left_text()) if stage.left_text() else ''}"
            )
        try:
            history = self.service.history(row.event.id)
        except IntakeError:
            history = []
        if history:
            stamps = [
                f"{KIND_LABELS[s.kind]} {s.at.astimezone(zone):%d %b %H:%M} by {escape(s.by_user)}"
                + (f" to {escape(s.handed_to)}" if s.handed_to and s.kind == "handed_over" else "")
                + (f" ({escape(s.source)}: {escape(s.reason or '')})" if s.source != "app" else "")
                for s in history
                if s.effective
            ]
            lines.append("Stamps: " + "; ".join(stamps))
        return "<br>".join(lines)

    # ------------------------------------------------------------ actions

    def _people(self, role: str) -> list[str]:
        return [m.name for m in TeamService(self.ctx).list(role=role, active_only=True)]

    def hand_over(self) -> None:
        row = self.selected_row()
        if row is None or not self.handover_button.isEnabled():
            return
        dialog = HandOverDialog(row.event.name, self._people("ops"), row.event.ops_owner, self)
        dialog.accepted.connect(lambda: self._act(
            lambda: self.service.hand_over(row.event.id, dialog.person(), dialog.note()),
            f"Handed {row.event.name} over to {dialog.person()}.",
        ))  # fmt: skip
        self._open(dialog)

    def mark_uploaded(self) -> None:
        row = self.selected_row()
        if row is None or not self.uploaded_button.isEnabled():
            return
        if not self.prompts.confirm(
            self,
            "Mark uploaded",
            f"Record that the leads of {row.event.name} are now in the marketing automation"
            " platform? This stops the SLA clock.",
            "Mark uploaded",
        ):
            return
        self._act(
            lambda: self.service.mark_uploaded(row.event.id),
            f"Marked {row.event.name} as entered.",
        )

    def correct_stamp(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        stamps = row.state.stamps
        dialog = CorrectStampDialog(
            row.event.name,
            row.event.timezone,
            {"received": stamps.received, "handed_over": stamps.handed_over,
             "entered": stamps.entered},
            self,
        )  # fmt: skip
        dialog.accepted.connect(lambda: self._act(
            lambda: self.service.correct(
                row.event.id, dialog.kind(), dialog.moment(), dialog.reason()
            ),
            f"Corrected the {KIND_LABELS[dialog.kind()].lower()} stamp of {row.event.name}.",
        ))  # fmt: skip
        self._open(dialog)

    def reassign(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        people = [name for name in self._people("ops") if name != row.event.ops_owner]
        dialog = ReasonDialog(
            "Reassign to another ops owner",
            f"{row.event.name} is with {row.event.ops_owner or 'nobody yet'}. Give it to"
            " another ops owner; the change and its reason are audited.",
            "Reassign",
            self,
            people=people,
        )
        dialog.accepted.connect(lambda: self._act(
            lambda: self.service.reassign(row.event.id, dialog.person(), dialog.reason()),
            f"Reassigned {row.event.name} to {dialog.person()}.",
        ))  # fmt: skip
        self._open(dialog)

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.setModal(True)
        dialog.open()

    def _act(self, action: Callable[[], BoardRow], done: str) -> None:
        try:
            row = action()
        except IntakeError as exc:
            self.prompts.error(self, "Dashboard", str(exc))
            return
        self.status_message.emit(done)
        self.stamps_changed.emit()
        self.refresh()
        self.select_event(row.event.id)
        self.check_notifications()

    def events_changed(self) -> None:
        """Events were created, edited or imported into elsewhere in the window."""
        self.reload_owners()
        self.refresh()
        self.check_notifications()

    # ------------------------------------------------------------ notifications

    def check_notifications(self, background: bool = True) -> None:
        """Raise the SLA alerts now due (in the background: e-mail can be slow)."""
        if self._checking:
            return
        now = self.clock()
        if not background:
            self._raised(self.notifier.check(now))
            return
        self._checking = True
        task = Task(lambda _progress, _cancel: self.notifier.check(now))
        task.signals.finished.connect(self._raised)
        task.signals.failed.connect(self._check_failed)
        self.runner.start(task)

    def _raised(self, notes: object) -> None:
        self._checking = False
        records = [note for note in notes if isinstance(note, NotificationRecord)] if isinstance(
            notes, list
        ) else []  # fmt: skip
        self.load_notifications()
        fresh = [note for note in records if not note.read]
        if fresh:
            self.notifications_raised.emit(fresh)

    def _check_failed(self, error: object) -> None:
        self._checking = False
        self.status_message.emit(f"Could not check the SLA alerts: {error}")

    def load_notifications(self) -> None:
        self.notes_list.clear()
        notes = self.notifier.recent(limit=200)
        unread = 0
        for note in notes:
            when = note.raised_at.astimezone()
            item = QListWidgetItem(
                f"{KIND_MARK[note.kind]} {note.kind.label}: {STAGE_PHRASES[note.stage]}"
                f"\n{note.event_name} · {when:%d %b %H:%M}"
            )
            item.setData(Qt.ItemDataRole.UserRole, note.event_id)
            tip = note.message
            if note.emailed_to:
                tip += f"\nE-mailed to {note.emailed_to}."
            elif note.email_error:
                tip += f"\nNot e-mailed: {note.email_error}."
            item.setToolTip(tip)
            if not note.read:
                unread += 1
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.notes_list.addItem(item)
        self.notes_title.setText(f"Notifications ({unread} unread)" if unread else "Notifications")
        self.read_button.setEnabled(unread > 0)
        if not notes:
            empty = QListWidgetItem("No SLA alerts yet. Reminders, overdue alerts and escalations"
                                    " appear here.")  # fmt: skip
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.notes_list.addItem(empty)

    def _note_activated(self, item: QListWidgetItem) -> None:
        event_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(event_id, int):
            self.select_event(event_id)

    def mark_all_read(self) -> None:
        self.notifier.mark_read()
        self.load_notifications()

    def shutdown(self) -> None:
        self.refresh_timer.stop()
        self.notify_timer.stop()
        self.runner.wait(5000)
