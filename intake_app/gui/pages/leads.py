"""The Leads page: an event's stored leads, their issues, edits with undo, and details.

The grid pages through the event's leads in SQL (:class:`LeadsTableModel`). A
flagged cell is tinted and says why in its tooltip; "Only with issues" narrows
the list to the leads that need a look. Double-click a cell (or press F2) to edit
it: picklist fields offer their values, every edit is checked by the same rules
as the import, stored with an audit entry, and undone with Ctrl+Z. Select several
rows to set their engagement level at once. The pane on the right shows the
selected lead's values as read and as stored, where its consent came from, its
issues and its history. *Erase person…* (right-click a lead, or the Edit menu)
removes everything stored about the lead's person after a confirmation that says
what goes and what stays.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from intake_app.core.errors import IntakeError
from intake_app.gui.dialogs.erase_dialog import ErasePersonDialog
from intake_app.gui.item_models.leads_model import LABELS, LeadsTableModel
from intake_app.gui.prompts import Prompts
from intake_app.services import consent
from intake_app.services.context import AppContext
from intake_app.services.events import EventService
from intake_app.services.leads import (
    EDITABLE,
    PICKLIST_FIELDS,
    Edit,
    LeadGridService,
    LeadQuery,
)
from intake_app.services.privacy import ErasureResult, PrivacyService
from intake_app.services.schema_edit import SchemaEditService

AnyIndex = QModelIndex | QPersistentModelIndex


class PicklistDelegate(QStyledItemDelegate):
    """A combo box of the picklist's values for picklist columns; a line edit elsewhere."""

    def __init__(self, model: LeadsTableModel, picklists: dict[str, tuple[str, ...]]) -> None:
        super().__init__()
        self.model = model
        self.picklists = picklists

    def createEditor(  # noqa: N802 - Qt's name
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        field = self.model.field(index.column())
        if field in PICKLIST_FIELDS:
            combo = QComboBox(parent)
            combo.addItem("", "")
            for value in self.picklists.get(PICKLIST_FIELDS[field], ()):
                combo.addItem(value, value)
            combo.setAccessibleName(LABELS.get(field, field))
            return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: AnyIndex) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class ReplaceDialog(QDialog):
    """Replace one value of a column across the event's leads, optionally teaching it.

    "Teach" saves the old spelling as a synonym of the new picklist value in the
    company schema, so the next import reads it right by itself.
    """

    def __init__(
        self,
        picklists: dict[str, tuple[str, ...]],
        field: str,
        text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Replace a value")
        self.picklists = picklists
        self.field_combo = QComboBox()
        for name, label in LABELS.items():
            if name in EDITABLE:
                self.field_combo.addItem(label, name)
        self.field_combo.setCurrentIndex(max(self.field_combo.findData(field), 0))
        self.find_edit = QLineEdit(text)
        self.find_edit.setAccessibleName("Replace")
        self.replace_combo = QComboBox()
        self.replace_combo.setEditable(True)
        self.replace_combo.setAccessibleName("With")
        self.teach_check = QCheckBox("&Teach it: read this spelling as the new value from now on")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Replace")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Column", self.field_combo)
        form.addRow("Replace", self.find_edit)
        form.addRow("With", self.replace_combo)
        form.addRow(self.teach_check)
        form.addRow(buttons)
        self.field_combo.currentIndexChanged.connect(lambda _i: self._field_changed())
        self._field_changed()

    def field(self) -> str:
        return str(self.field_combo.currentData())

    def _field_changed(self) -> None:
        picklist = PICKLIST_FIELDS.get(self.field())
        self.replace_combo.clear()
        if picklist:
            self.replace_combo.addItems(list(self.picklists.get(picklist, ())))
        self.teach_check.setEnabled(picklist is not None)
        if picklist is None:
            self.teach_check.setChecked(False)


class EditCommand(QUndoCommand):
    """One stored edit (of one or many leads), undone and redone through the service."""

    def __init__(self, page: LeadsPage, edits: list[Edit], text: str | None) -> None:
        field = edits[0].field
        who = f"{len(edits)} leads" if len(edits) > 1 else "a lead"
        super().__init__(f"Set {LABELS.get(field, field)} of {who}")
        self.page = page
        self.edits = edits
        self.text_value = text
        self.done = True  # the edit is stored before the command is pushed

    def undo(self) -> None:
        self.page.grid.revert(self.edits)
        for edit in self.edits:
            self.page.model.apply(edit.lead_id, edit.field, edit.old, list(edit.old_issues))
        self.page.after_change()

    def redo(self) -> None:
        if self.done:
            self.done = False
            return
        ids = [edit.lead_id for edit in self.edits]
        self.edits = self.page.grid.update(ids, self.edits[0].field, self.text_value)
        self.page.show_edits(self.edits)
        self.page.after_change()


class LeadsPage(QWidget):
    """The Leads page.

    Signals:
        status_message(str): one line for the status bar.
        person_erased(object): the :class:`ErasureResult` after a person was erased.
    """

    status_message = Signal(str)
    person_erased = Signal(object)

    def __init__(self, ctx: AppContext, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = prompts
        self.grid = LeadGridService(ctx)
        self.undo_stack = QUndoStack(self)

        title = QLabel("Leads")
        title.setObjectName("pageTitle")
        self.event_combo = QComboBox()
        self.event_combo.setMinimumWidth(320)
        self.event_combo.setAccessibleName("Event")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by name, e-mail, company or title")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter leads")
        self.only_issues = QCheckBox("Only with &issues")
        self.only_issues.setToolTip("Show only the leads with a value that needs a look")
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.engagement_button = QToolButton()
        self.engagement_button.setText("Set &engagement")
        self.engagement_button.setToolTip("Set the engagement level of the selected leads")
        self.engagement_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.engagement_button)
        for level in ctx.schema.picklists.get("engagement_level", ()):
            action = QAction(level, menu)
            action.triggered.connect(lambda _checked=False, lv=level: self.set_engagement(lv))
            menu.addAction(action)
        self.engagement_button.setMenu(menu)
        self.replace_button = QToolButton()
        self.replace_button.setText("&Replace…")
        self.replace_button.setToolTip(
            "Replace a value across the event's leads (Ctrl+H), and teach it to the schema"
        )
        self.replace_button.setShortcut("Ctrl+H")
        self.replace_button.clicked.connect(self.open_replace)
        self.replace_dialog: ReplaceDialog | None = None
        self.erase_action = QAction("&Erase person…", self)
        self.erase_action.setToolTip(
            "Remove everything stored about the selected lead's person (GDPR erasure)"
        )
        self.erase_action.triggered.connect(lambda _checked=False: self.open_erase())
        self.erase_dialog: ErasePersonDialog | None = None

        self.model = LeadsTableModel(self.grid, self.edit)
        self.table = QTableView()
        self.table.setObjectName("leadsTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(130)
        self.table.setColumnWidth(0, 56)
        self.delegate = PicklistDelegate(self.model, dict(ctx.schema.picklists))
        self.table.setItemDelegate(self.delegate)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        self.details = QTextBrowser()
        self.details.setObjectName("leadDetails")
        self.details.setOpenLinks(False)
        self.details.setMinimumWidth(280)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Event"))
        bar.addWidget(self.event_combo)
        bar.addSpacing(12)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.only_issues)
        bar.addWidget(self.engagement_button)
        bar.addWidget(self.replace_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("leadsSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count_label)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.run_query)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.only_issues.toggled.connect(lambda _on: self.run_query())
        self.event_combo.currentIndexChanged.connect(lambda _i: self._event_changed())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_details())
        self.reload_events()

    # ------------------------------------------------------------ events and query

    def reload_events(self, select_id: int | None = None) -> None:
        current = select_id if select_id is not None else self.event_combo.currentData()
        events = EventService(self.ctx).list()
        self.event_combo.blockSignals(True)
        self.event_combo.clear()
        for record in events:
            self.event_combo.addItem(
                f"{record.name}  ({record.start.isoformat()[:10]}, {record.lead_count} leads)",
                record.id,
            )
        if not events:
            self.event_combo.addItem("No events yet: create one on the Events page", None)
        index = self.event_combo.findData(current) if current is not None else -1
        self.event_combo.setCurrentIndex(index if index >= 0 else 0)
        self.event_combo.blockSignals(False)
        self._event_changed()

    def select_event(self, event_id: int) -> None:
        index = self.event_combo.findData(event_id)
        if index >= 0:
            self.event_combo.setCurrentIndex(index)

    def _event_changed(self) -> None:
        self.undo_stack.clear()  # edits of another event are not undone from here
        self.run_query()

    def current_query(self) -> LeadQuery | None:
        event_id = self.event_combo.currentData()
        if event_id is None:
            return None
        header = self.table.horizontalHeader()
        column = header.sortIndicatorSection()
        sort = self.model.field(column) if 0 <= column < self.model.columnCount() else None
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        return LeadQuery(
            int(event_id),
            self.search.text().strip(),
            self.only_issues.isChecked(),
            sort,
            descending,
        )

    def run_query(self) -> None:
        self.model.set_query(self.current_query())
        self._update_count()
        self.show_details()

    def _update_count(self) -> None:
        query = self.model.query
        if query is None:
            self.count_label.setText("")
            return
        filtered = " matching the filter" if query.text or query.only_issues else ""
        self.count_label.setText(f"{self.model.total:,} lead(s){filtered}")

    def schema_changed(self) -> None:
        """The schema was edited in Settings: offer its new picklist values."""
        self.delegate.picklists = dict(self.ctx.schema.picklists)

    # ------------------------------------------------------------ edits

    def edit(self, lead_ids: list[int], field: str, text: str | None) -> bool:
        """Store an edit (from the grid or a bulk action) and put it on the undo stack."""
        try:
            edits = self.grid.update(lead_ids, field, text)
        except IntakeError as exc:
            self.prompts.error(self, "Edit lead", str(exc))
            return False
        if not edits:
            return False
        self.show_edits(edits)
        self.undo_stack.push(EditCommand(self, edits, text))
        self.after_change()
        label = LABELS.get(field, field)
        self.status_message.emit(f"{label} set on {len(edits)} lead(s). Undo with Ctrl+Z.")
        return True

    def show_edits(self, edits: list[Edit]) -> None:
        for edit in edits:
            row = next((r for r in self.model.rows if r.id == edit.lead_id), None)
            issues = [i for i in (row.issues if row else []) if i.get("field") != edit.field]
            self.model.apply(edit.lead_id, edit.field, edit.new, issues)
            if edit.field == "engagement_level" and row is not None:
                self.model.apply(
                    edit.lead_id, "engagement_detail", f"set by hand by {self.ctx.user}", issues
                )

    def after_change(self) -> None:
        self.show_details()

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row(number).id for number in rows]

    def set_engagement(self, level: str) -> None:
        ids = self.selected_ids()
        if not ids:
            self.prompts.info(self, "Set engagement", "Select the leads first.")
            return
        self.edit(ids, "engagement_level", level)

    def open_replace(self) -> ReplaceDialog | None:
        """Open the replace dialog on the current cell's column and value as read."""
        if self.model.query is None:
            return None
        index = self.table.currentIndex()
        field = "industry"
        text = ""
        if index.isValid() and self.model.field(index.column()) in EDITABLE:
            field = self.model.field(index.column())
            record, _history = self.grid.details(self.model.row(index.row()).id)
            raw = record.extra.get("raw", {})
            text = str(raw.get(field) or record.values.get(field) or "")
        dialog = ReplaceDialog(dict(self.ctx.schema.picklists), field, text, self)
        dialog.accepted.connect(lambda: self.replace(dialog))
        self.replace_dialog = dialog
        dialog.open()
        return dialog

    def replace(self, dialog: ReplaceDialog) -> None:
        query = self.model.query
        if query is None:
            return
        field, find = dialog.field(), dialog.find_edit.text()
        new = dialog.replace_combo.currentText()
        ids = self.grid.matching(query.event_id, field, find)
        if not ids:
            self.prompts.info(self, "Replace", f"No lead of this event has {find!r} there.")
            return
        if not self.edit(ids, field, new):
            return
        if dialog.teach_check.isChecked() and field in PICKLIST_FIELDS:
            try:
                SchemaEditService(self.ctx).add_synonym(PICKLIST_FIELDS[field], new, find)
            except IntakeError as exc:
                self.prompts.error(self, "Teach a synonym", str(exc))
                return
            self.schema_changed()
            self.status_message.emit(
                f"Replaced in {len(ids)} lead(s); {find!r} now means {new!r} in future imports."
            )

    # ------------------------------------------------------------ erasure

    def context_menu(self) -> QMenu:
        """The grid's right-click menu (built fresh, so tests can read it)."""
        menu = QMenu(self.table)
        menu.addAction(self.erase_action)
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        if index.row() not in {i.row() for i in self.table.selectionModel().selectedRows()}:
            self.table.selectRow(index.row())
        self.table.setCurrentIndex(index)
        self.context_menu().exec(self.table.viewport().mapToGlobal(pos))

    def open_erase(self) -> ErasePersonDialog | None:
        """Ask to erase the current lead's person: who, and exactly what goes."""
        index = self.table.currentIndex()
        if self.model.query is None or not index.isValid():
            self.prompts.info(self, "Erase person", "Select a lead on the Leads page first.")
            return None
        record, _history = self.grid.details(self.model.row(index.row()).id)
        email = record.values.get("email") or None
        try:
            plan = PrivacyService(self.ctx).preview(email, person_id=record.person_id)
        except IntakeError as exc:
            self.prompts.error(self, "Erase person", str(exc))
            return None
        dialog = ErasePersonDialog(plan, self.ctx.user, self)
        dialog.accepted.connect(lambda: self.erase(dialog, email, record.person_id))
        self.erase_dialog = dialog
        dialog.open()
        return dialog

    def erase(
        self, dialog: ErasePersonDialog, email: str | None, person_id: int
    ) -> ErasureResult | None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = PrivacyService(self.ctx).erase_person(
                email, person_id=person_id, reimport_check=dialog.reimport_check.isChecked()
            )
        except IntakeError as exc:
            self.prompts.error(self, "Erase person", str(exc))
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        # An undo would write erased values back: the edits before this are gone for good.
        self.undo_stack.clear()
        self.run_query()
        who = "; ".join(dialog.plan.names) or "the person"
        leads = result.counts["leads"]
        self.status_message.emit(
            f"Erased {who}: {leads} lead(s), {result.counts['source_rows']} file row(s)"
            " and their history values."
        )
        if result.remnants or result.wal_truncated is False:
            self.prompts.info(
                self,
                "Erase person",
                "The person was erased, but another program is reading the database, so"
                " some old pages stay in its files until that program closes.",
            )
        self.person_erased.emit(result)
        return result

    # ------------------------------------------------------------ details

    def show_details(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            self.details.setHtml("<p style='color:#666'>Select a lead to see its details.</p>")
            return
        record, history = self.grid.details(self.model.row(index.row()).id)
        raw = record.extra.get("raw", {})
        rows = []
        for field, label in LABELS.items():
            value = record.values.get(field)
            read = raw.get(field)
            if value in (None, "") and not read:
                continue
            changed = read is not None and " ".join(str(read).split()) != str(value or "")
            shown = escape(str(value)) if value not in (None, "") else "<i>empty</i>"
            as_read = (
                f"<br><small style='color:#666'>read: {escape(str(read))}</small>"
                if changed
                else ""
            )
            rows.append(f"<tr><td><b>{escape(label)}</b></td><td>{shown}{as_read}</td></tr>")
        issues = "".join(
            f"<li>{escape(str(i.get('field')))}: {escape(str(i.get('message')))}</li>"
            for i in record.issues
        )
        events = "".join(
            f"<li>{entry.at:%Y-%m-%d %H:%M} {escape(entry.user)}: {escape(entry.action)} "
            + escape(", ".join(f"{k} {v[0]!r} → {v[1]!r}" for k, v in entry.changes.items()))
            + (f" ({escape(entry.reason)})" if entry.reason else "")
            + "</li>"
            for entry in history
        )
        source = (
            f"<p><small>{escape(record.source_file or '')}, row(s)"
            f" {', '.join(map(str, record.source_rows))}</small></p>"
        )
        provenance = "".join(
            f"<li>{escape(line)}</li>" for line in consent.describe(record.consent_provenance or {})
        )
        consent_html = (
            f"<h4>Consent: {escape(str(record.values.get('consent') or 'unknown'))}</h4>"
            f"<ul>{provenance}</ul>"
        )
        self.details.setHtml(
            f"<h3>{escape(str(record.values.get('first_name') or ''))}"
            f" {escape(str(record.values.get('last_name') or ''))}</h3>{source}"
            f"<table cellspacing='4'>{''.join(rows)}</table>"
            + consent_html
            + (f"<h4>Issues</h4><ul>{issues}</ul>" if issues else "")
            + (f"<h4>History</h4><ul>{events}</ul>" if events else "")
        )
