"""The Events page: every event in a sortable, filterable table, with create, edit, delete."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intake_app.core.errors import IntakeError
from intake_app.core.events import EventDraft, EventInput
from intake_app.gui.dialogs.event_dialog import EventDialog
from intake_app.gui.item_models.events_model import (
    HEADERS,
    HIDDEN_BY_DEFAULT,
    Column,
    EventsFilterProxy,
    EventsTableModel,
    Role,
)
from intake_app.gui.prompts import Prompts
from intake_app.services.context import AppContext
from intake_app.services.events import EventRecord, EventService
from intake_app.services.team import TeamService


def _as_input(draft: EventDraft) -> EventInput:
    return EventInput(**draft.__dict__)


class EventsPage(QWidget):
    """Lists events and opens the event dialog.

    Signals:
        events_changed(): an event was created, edited or deleted.
        status_message(str): a short note for the window's status bar.
    """

    events_changed = Signal()
    status_message = Signal(str)

    def __init__(
        self, ctx: AppContext, prompts: Prompts | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = EventService(ctx)
        self.prompts = prompts or Prompts()
        self.dialog: EventDialog | None = None

        title = QLabel("Events")
        title.setObjectName("pageTitle")

        self.new_button = QPushButton("&New event…")
        self.new_button.setToolTip("Create an event (Ctrl+N)")
        self.edit_button = QPushButton("&Edit…")
        self.delete_button = QPushButton("&Delete")
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Filter by name, owner, country…")
        self.search_edit.setClearButtonEnabled(True)
        self.type_filter = QComboBox()
        self.type_filter.setAccessibleName("Event type filter")
        self.type_filter.setToolTip("Show only events of one type")
        self.type_filter.addItem("All types", None)
        for event_type in ctx.schema.event_types:
            self.type_filter.addItem(event_type.label, event_type.code)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")

        toolbar = QHBoxLayout()
        toolbar.addWidget(self.new_button)
        toolbar.addWidget(self.edit_button)
        toolbar.addWidget(self.delete_button)
        toolbar.addSpacing(16)
        toolbar.addWidget(self.search_edit, 1)
        toolbar.addWidget(self.type_filter)
        toolbar.addWidget(self.count_label)

        self.model = EventsTableModel()
        self.proxy = EventsFilterProxy()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("eventsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.START, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        for column in HIDDEN_BY_DEFAULT:
            header.hideSection(column)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)

        self.empty_label = QLabel(
            "No events yet.\n\nCreate the event your leads came from with New event (Ctrl+N):"
            " its name, type, dates and time zone set the intake deadline."
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.no_match_label = QLabel("No event matches the filter.")
        self.no_match_label.setObjectName("emptyState")
        self.no_match_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self.no_match_label)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(toolbar)
        layout.addWidget(self.stack, 1)

        self.delete_action = QAction("Delete event", self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.table.addAction(self.delete_action)

        self.new_button.clicked.connect(self.new_event)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.activated.connect(lambda _index: self.edit_selected())
        self.search_edit.textChanged.connect(self._apply_text_filter)
        self.type_filter.currentIndexChanged.connect(
            lambda _i: self._apply_type_filter(self.type_filter.currentData())
        )
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.refresh()

    # ------------------------------------------------------------ state

    def refresh(self, select_id: int | None = None) -> None:
        """Reload the events from the database, keeping or moving the selection."""
        keep = select_id if select_id is not None else self._selected_id()
        try:
            records = self.service.list()
        except IntakeError as exc:
            self.prompts.error(self, "Cannot load events", str(exc))
            records = []
        self.model.set_rows(records)
        if keep is not None:
            self.select_event(keep)
        self._update_view()

    def select_event(self, event_id: int) -> None:
        row = self.model.row_of(event_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.selectionModel().select(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)

    def selected_record(self) -> EventRecord | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        record = self.proxy.data(rows[0], Role.RECORD)
        return record if isinstance(record, EventRecord) else None

    def _selected_id(self) -> int | None:
        record = self.selected_record()
        return record.id if record else None

    def column_menu(self) -> QMenu:
        """A checkable entry per column; the name column always stays."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for column in Column:
            if column == Column.NAME:
                continue
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda shown, c=column: header.setSectionHidden(c, not shown))
        return menu

    def _column_menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))

    def _apply_text_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_view()

    def _apply_type_filter(self, code: str | None) -> None:
        self.proxy.set_event_type(code)
        self._update_view()

    def _update_view(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if total == 0:
            self.stack.setCurrentWidget(self.empty_label)
        elif shown == 0:
            self.stack.setCurrentWidget(self.no_match_label)
        else:
            self.stack.setCurrentWidget(self.table)
        self.count_label.setText(
            f"{total} event{'s' if total != 1 else ''}"
            if shown == total
            else f"{shown} of {total} events"
        )
        self._update_actions()

    def _update_actions(self) -> None:
        record = self.selected_record()
        self.edit_button.setEnabled(record is not None)
        can_delete = record is not None and record.lead_count == 0
        self.delete_button.setEnabled(can_delete)
        self.delete_action.setEnabled(can_delete)
        if record is not None and record.lead_count:
            self.delete_button.setToolTip(
                f"{record.name} has {record.lead_count} lead(s); an event with leads is kept."
            )
        else:
            self.delete_button.setToolTip("Delete the selected event (Del)")

    # ------------------------------------------------------------ actions

    def _owners(self) -> list[str]:
        names = {r.owner for r in map(self.model.record, range(self.model.rowCount()))}
        names |= {r.ops_owner for r in map(self.model.record, range(self.model.rowCount()))}
        # The team kept in Settings, so owners are spelled the same way everywhere.
        names |= {member.name for member in TeamService(self.ctx).list(active_only=True)}
        return sorted(name for name in names if name)

    def _open_dialog(self, record: EventRecord | None) -> EventDialog:
        initial = record.to_input() if record else None
        dialog = EventDialog(self.ctx.schema, initial, owners=self._owners(), parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda draft: self._save(dialog, record, draft))
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_event(self) -> EventDialog:
        return self._open_dialog(None)

    def edit_selected(self) -> EventDialog | None:
        record = self.selected_record()
        if record is None:
            return None
        return self._open_dialog(record)

    def _save(self, dialog: EventDialog, record: EventRecord | None, draft: EventDraft) -> None:
        try:
            if record is None:
                saved = self.service.create(_as_input(draft))
                message = f"Created event “{saved.name}”."
            else:
                saved = self.service.update(record.id, _as_input(draft))
                message = f"Saved event “{saved.name}”."
        except IntakeError as exc:
            dialog.show_error(str(exc), getattr(exc, "field", None))
            return
        dialog.accept()
        self.refresh(select_id=saved.id)
        self.events_changed.emit()
        self.status_message.emit(message)

    def delete_selected(self) -> None:
        record = self.selected_record()
        if record is None or record.lead_count:
            return
        question = (
            f"Delete the event “{record.name}” ({record.start.isoformat()})?\n\n"
            "It has no leads. Its history stays in the audit log."
        )
        if not self.prompts.confirm(self, "Delete event", question, "Delete"):
            return
        try:
            self.service.delete(record.id)
        except IntakeError as exc:
            self.prompts.error(self, "Cannot delete event", str(exc))
            self.refresh()
            return
        self.refresh()
        self.events_changed.emit()
        self.status_message.emit(f"Deleted event “{record.name}”.")

    def focus_filter(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()
