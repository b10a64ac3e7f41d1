"""The Import page: a four-step wizard from a dropped file to stored leads.

1. **File**: the event and the file (Choose file…, or drop it anywhere on the window).
2. **Mapping**: the detected platform, every source column with sample values,
   the field it goes to (changeable) and how sure the match is.
3. **Preview**: the records as they will be stored.
4. **Import**: a background batch with progress and Cancel, then a summary.

Reading and importing run on a worker thread (``gui/tasks.py``); the page only
shows what the service returns.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from importers.base import Cancelled, ColumnMapping, ReadError
from importers.profiles import ProfileError, list_profiles
from intake_app.core.errors import IntakeError
from intake_app.gui.prompts import Prompts
from intake_app.gui.tasks import Task, TaskRunner
from intake_app.services.context import AppContext
from intake_app.services.events import EventService
from intake_app.services.imports import ImportPreview, ImportService, ImportSummary
from intake_app.services.rejects import RejectService

FILE_FILTER = "Lead files (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.ods);;All files (*)"
PREVIEW_ROWS = 200
KEEP_AS_EXTRA = "(keep as extra column)"
_USER_ERRORS = (IntakeError, ReadError, ProfileError)


def _confidence_text(value: float) -> str:
    return f"{round(value * 100)} %"


LAYOUT_REASONS = {"title", "preamble", "section title", "header", "footer", "other table"}


def summary_html(summary: ImportSummary, profile_label: str | None = None) -> str:
    """The import's outcome as a short list: what was stored, folded, set aside and skipped."""

    def item(count: int, text: str) -> str:
        return f"<li>{count:,} {escape(text)}</li>"

    lines = [item(summary.rows, "record(s) read")]
    stored = "lead(s) stored"
    if summary.flagged:
        stored += f", {summary.flagged:,} with something to check"
    lines.append(item(summary.imported, stored))
    if summary.duplicates_in_file:
        lines.append(item(summary.duplicates_in_file, "repeated row(s) folded into their lead"))
    if summary.matched_existing:
        lines.append(item(summary.matched_existing, "already known from earlier imports"))
    if summary.rejected:
        reasons = ", ".join(f"{n:,} {why}" for why, n in summary.rejected_reasons.items())
        lines.append(item(summary.rejected, f"rejected: {reasons}"))
    if summary.erased_before:
        lines.append(
            item(summary.erased_before, "with an address erased before: flagged, check them")
        )
    if summary.erased_from_file:
        lines.append(
            item(summary.erased_from_file, "row(s) of this file were erased since it came before")
        )
    people = {r: n for r, n in summary.skipped_reasons.items() if r not in LAYOUT_REASONS}
    layout = sum(n for r, n in summary.skipped_reasons.items() if r in LAYOUT_REASONS)
    for reason, count in people.items():
        lines.append(item(count, f"skipped, not a lead: {reason}"))
    if layout:
        lines.append(item(layout, "row(s) of titles, headers and footers skipped"))
    profile = (
        f"<p>Read as: {escape(profile_label or summary.profile)}"
        f" ({summary.confidence:.0%} sure).</p>"
        if summary.profile and summary.confidence is not None
        else ""
    )
    return f"<ul style='margin-left: -20px'>{''.join(lines)}</ul>{profile}"


class ImportPage(QWidget):
    """The import wizard.

    Signals:
        imported(object): an :class:`ImportSummary` after a batch was written.
        status_message(str): a short note for the status bar.
    """

    imported = Signal(object)
    status_message = Signal(str)
    # What runs in the background, for the status bar ("" when nothing does).
    work = Signal(str)

    STEP_FILE, STEP_MAPPING, STEP_PREVIEW, STEP_RUN = range(4)

    def __init__(
        self, ctx: AppContext, prompts: Prompts | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ImportService(ctx)
        self.prompts = prompts or Prompts()
        self.runner = TaskRunner()
        self.task: Task | None = None
        self.path: Path | None = None
        self.preview: ImportPreview | None = None
        self.summary: ImportSummary | None = None

        title = QLabel("Import leads")
        title.setObjectName("pageTitle")
        self.step_label = QLabel()
        self.step_label.setObjectName("stepLabel")
        self.steps = QStackedWidget()
        self.steps.addWidget(self._build_file_step())
        self.steps.addWidget(self._build_mapping_step())
        self.steps.addWidget(self._build_preview_step())
        self.steps.addWidget(self._build_run_step())

        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.step_label)
        layout.addLayout(header)
        layout.addWidget(self.steps, 1)
        self.reload_events()
        self._show_step(self.STEP_FILE)

    # ------------------------------------------------------------ building

    def _build_file_step(self) -> QWidget:
        page = QWidget()
        self.event_combo = QComboBox()
        self.event_combo.setMinimumWidth(360)
        self.profile_combo = QComboBox()
        self.profile_combo.addItem("Detect automatically", "auto")
        self.profile_combo.addItem("None: map by the column headings", "none")
        for profile in list_profiles():
            self.profile_combo.addItem(profile.label, profile.name)
        self.drop_zone = QLabel(
            "Drop a lead file here\n\nbadge scans, webinar reports, business-card lists:"
            " CSV, TSV, Excel (XLSX, XLS) or ODS"
        )
        self.drop_zone.setObjectName("dropZone")
        self.drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_zone.setMinimumHeight(220)
        self.drop_zone.setFrameShape(QFrame.Shape.StyledPanel)
        self.choose_button = QPushButton("Choose &file…")
        self.choose_button.setToolTip("Open a lead file (Ctrl+O)")
        self.choose_button.clicked.connect(self.choose_file)
        self.read_progress = QProgressBar()
        self.read_progress.hide()
        self.file_error = QLabel()
        self.file_error.setObjectName("formError")
        self.file_error.setWordWrap(True)
        self.file_error.setStyleSheet("color: #c62828;")
        self.file_error.hide()

        event_label = QLabel("&Event")
        event_label.setBuddy(self.event_combo)
        form = QHBoxLayout()
        form.addWidget(event_label)
        form.addWidget(self.event_combo)
        form.addSpacing(16)
        form.addWidget(QLabel("Platform"))
        form.addWidget(self.profile_combo)
        form.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.choose_button)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.drop_zone, 1)
        layout.addWidget(self.read_progress)
        layout.addWidget(self.file_error)
        layout.addLayout(buttons)
        return page

    def _build_mapping_step(self) -> QWidget:
        page = QWidget()
        self.file_summary = QLabel()
        self.file_summary.setObjectName("fileSummary")
        self.file_summary.setWordWrap(True)
        self.notes_label = QLabel()
        self.notes_label.setObjectName("importNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color: #8a5a00;")
        self.mapping_table = QTableWidget(0, 4)
        self.mapping_table.setObjectName("mappingTable")
        self.mapping_table.setHorizontalHeaderLabels(
            ["Column in the file", "Sample values", "Goes to", "Match"]
        )
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.mapping_error = QLabel()
        self.mapping_error.setStyleSheet("color: #c62828;")
        self.mapping_error.setWordWrap(True)
        self.mapping_error.hide()
        self.save_mapping_check = QCheckBox("&Save this mapping as")
        self.save_mapping_name = QLineEdit()
        self.save_mapping_name.setPlaceholderText("e.g. Zoom attendee report")
        self.save_mapping_name.setEnabled(False)
        self.save_mapping_check.toggled.connect(self.save_mapping_name.setEnabled)
        back = QPushButton("&Back")
        back.clicked.connect(lambda: self._show_step(self.STEP_FILE))
        self.to_preview_button = QPushButton("&Next: preview")
        self.to_preview_button.setDefault(True)
        self.to_preview_button.clicked.connect(self.show_preview)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_mapping_check)
        buttons.addWidget(self.save_mapping_name)
        buttons.addStretch(1)
        buttons.addWidget(back)
        buttons.addWidget(self.to_preview_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.file_summary)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.mapping_table, 1)
        layout.addWidget(self.mapping_error)
        layout.addLayout(buttons)
        return page

    def _build_preview_step(self) -> QWidget:
        page = QWidget()
        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        self.preview_table = QTableWidget()
        self.preview_table.setObjectName("previewTable")
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setAlternatingRowColors(True)
        self.preview_table.setWordWrap(False)
        back = QPushButton("&Back")
        back.clicked.connect(lambda: self._show_step(self.STEP_MAPPING))
        self.import_button = QPushButton("&Import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(back)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.preview_table, 1)
        layout.addLayout(buttons)
        return page

    def _build_run_step(self) -> QWidget:
        page = QWidget()
        self.run_label = QLabel()
        self.run_label.setWordWrap(True)
        self.run_progress = QProgressBar()
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("importSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.again_button = QPushButton("Import &another file")
        self.again_button.clicked.connect(self.reset)
        self.rejects_button = QPushButton("&Save rejected rows…")
        self.rejects_button.setToolTip(
            "Write the rows set aside, with their reason, as CSV to fix and import again"
        )
        self.rejects_button.clicked.connect(self.save_rejects)
        self.rejects_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.rejects_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.again_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.run_label)
        layout.addWidget(self.run_progress)
        layout.addWidget(self.summary_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    # ------------------------------------------------------------ state

    def _show_step(self, step: int) -> None:
        self.steps.setCurrentIndex(step)
        names = ["1 File", "2 Mapping", "3 Preview", "4 Import"]
        self.step_label.setText(
            "   \N{RIGHTWARDS ARROW}   ".join(
                f"<b>{n}</b>" if i == step else n for i, n in enumerate(names)
            )
        )

    def current_step(self) -> int:
        return self.steps.currentIndex()

    def reload_events(self) -> None:
        current = self.event_combo.currentData()
        self.event_combo.clear()
        try:
            events = EventService(self.ctx).list()
        except IntakeError as exc:
            self.prompts.error(self, "Cannot load events", str(exc))
            events = []
        for record in events:
            self.event_combo.addItem(
                f"{record.name}  ({record.start.isoformat()[:10]}, {record.event_type_label})",
                record.id,
            )
        if not events:
            self.event_combo.addItem("No events yet: create one on the Events page", None)
        index = self.event_combo.findData(current)
        if index >= 0:
            self.event_combo.setCurrentIndex(index)
        has_events = bool(events)
        self.choose_button.setEnabled(has_events)
        self.drop_zone.setEnabled(has_events)

    def select_event(self, event_id: int) -> None:
        index = self.event_combo.findData(event_id)
        if index >= 0:
            self.event_combo.setCurrentIndex(index)

    def reset(self) -> None:
        self.path = None
        self.preview = None
        self.summary = None
        self.file_error.hide()
        self.read_progress.hide()
        self.reload_events()
        self._show_step(self.STEP_FILE)

    def busy(self) -> bool:
        # Busy until the task's result has been handled here, not just computed.
        return self.task is not None

    # ------------------------------------------------------------ step 1: file

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Open a lead file", "", FILE_FILTER)
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> None:
        """Read ``path`` in the background and go to the mapping step."""
        if self.busy():
            self.prompts.error(self, "Import", "An import is still running; wait or cancel it.")
            return
        if self.event_combo.currentData() is None:
            self.prompts.error(
                self, "Import", "Create the event first (Events page): leads belong to an event."
            )
            return
        self._show_step(self.STEP_FILE)
        self.path = path
        self.file_error.hide()
        self.read_progress.setRange(0, 0)
        self.read_progress.show()
        profile = str(self.profile_combo.currentData())
        service = self.service
        self.task = Task(
            lambda progress, cancel: service.preview(
                path, profile=profile, progress=progress, cancel=cancel
            )
        )
        self.task.signals.progress.connect(self._read_progress)
        self.task.signals.finished.connect(self._preview_ready)
        self.task.signals.failed.connect(self._read_failed)
        self.runner.start(self.task)
        self.status_message.emit(f"Reading {path.name}…")
        self.work.emit(f"Reading {path.name}…")

    def _read_progress(self, done: int, total: int) -> None:
        if total:
            self.read_progress.setRange(0, total)
            self.read_progress.setValue(done)
            if self.path is not None:
                self.work.emit(f"Reading {self.path.name}… {100 * done // total} %")

    def _read_failed(self, exc: BaseException) -> None:
        self.task = None
        self.work.emit("")
        self.read_progress.hide()
        message = str(exc) if isinstance(exc, _USER_ERRORS) else f"Unexpected error: {exc}"
        if isinstance(exc, Cancelled):
            message = "Reading was cancelled."
        self.file_error.setText(message)
        self.file_error.show()
        self.status_message.emit(message)

    def _preview_ready(self, preview: ImportPreview) -> None:
        self.task = None
        self.work.emit("")
        self.read_progress.hide()
        self.preview = preview
        self._fill_mapping(preview)
        self._show_step(self.STEP_MAPPING)
        self.status_message.emit(f"Read {preview.path.name}: {preview.record_count} record(s).")

    # ------------------------------------------------------------ step 2: mapping

    def _fill_mapping(self, preview: ImportPreview) -> None:
        facts = preview.facts
        where = f"sheet “{preview.table.sheet}”, " if preview.table.sheet else ""
        detected = (
            f"{preview.match.label} ({_confidence_text(preview.match.confidence)} sure)"
            if preview.match
            else "no known platform; columns matched by their headings"
        )
        self.file_summary.setText(
            f"<b>{preview.path.name}</b>: {preview.record_count} lead record(s) under the header"
            f" on {where}row {preview.table.header_row}"
            f" · {facts.format.upper()}"
            + (f", {facts.encoding}" if facts.encoding else "")
            + f"<br>Platform: <b>{detected}</b>"
            + (f"<br>Saved mapping: <b>{preview.template}</b>" if preview.template else "")
        )
        notes = list(preview.notes)
        if preview.table.skipped:
            notes.append(
                f"{len(preview.table.skipped)} row(s) are not leads and will be skipped"
                " (titles, hosts, panelists, footers)."
            )
        self.notes_label.setText("\n".join(f"• {note}" for note in notes))
        self.notes_label.setVisible(bool(notes))
        self.mapping_error.hide()

        targets = self.ctx.schema.target_names()
        table = self.mapping_table
        table.setRowCount(len(preview.mappings))
        for row, mapping in enumerate(preview.mappings):
            source = QTableWidgetItem(mapping.source)
            table.setItem(row, 0, source)
            samples = QTableWidgetItem(" · ".join(mapping.samples))
            samples.setToolTip("\n".join(mapping.samples))
            table.setItem(row, 1, samples)
            combo = QComboBox()
            combo.addItem(KEEP_AS_EXTRA, None)
            for target in targets:
                combo.addItem(self.ctx.schema.target_label(target), target)
            combo.setCurrentIndex(max(combo.findData(mapping.target), 0))
            combo.currentIndexChanged.connect(lambda _i, r=row: self._mapping_changed(r))
            table.setCellWidget(row, 2, combo)
            table.setItem(row, 3, self._confidence_item(mapping))

    @staticmethod
    def _confidence_item(mapping: ColumnMapping) -> QTableWidgetItem:
        if mapping.target is None:
            item = QTableWidgetItem("kept")
            item.setForeground(Qt.GlobalColor.darkGray)
            return item
        item = QTableWidgetItem(_confidence_text(mapping.confidence))
        if mapping.confidence < 0.8:
            item.setForeground(Qt.GlobalColor.darkYellow)
            item.setToolTip("A guess from the heading: check it")
        return item

    def mapping_combo(self, source: str) -> QComboBox:
        for row in range(self.mapping_table.rowCount()):
            item = self.mapping_table.item(row, 0)
            if item is not None and item.text() == source:
                widget = self.mapping_table.cellWidget(row, 2)
                assert isinstance(widget, QComboBox)
                return widget
        raise KeyError(source)

    def _mapping_changed(self, row: int) -> None:
        # A target chosen by hand is certain; show it as such.
        item = self.mapping_table.item(row, 3)
        combo = self.mapping_table.cellWidget(row, 2)
        if item is not None and isinstance(combo, QComboBox):
            item.setText("kept" if combo.currentData() is None else "set by you")
            item.setForeground(Qt.GlobalColor.black)
        self.mapping_error.hide()

    def chosen_mapping(self) -> dict[str, str | None]:
        chosen: dict[str, str | None] = {}
        for row in range(self.mapping_table.rowCount()):
            source = self.mapping_table.item(row, 0)
            combo = self.mapping_table.cellWidget(row, 2)
            if source is not None and isinstance(combo, QComboBox):
                data = combo.currentData()
                chosen[source.text()] = None if data is None else str(data)
        return chosen

    # ------------------------------------------------------------ step 3: preview

    def show_preview(self) -> None:
        if self.preview is None:
            return
        chosen = self.chosen_mapping()
        current = {m.source: m.target for m in self.preview.mappings}
        preview = self.preview if chosen == current else self.preview.with_mapping(chosen)
        targets = [m.target for m in preview.mappings if m.target]
        duplicates = {t for t in targets if targets.count(t) > 1}
        if duplicates:
            labels = ", ".join(sorted(self.ctx.schema.target_label(t) for t in duplicates))
            self.mapping_error.setText(f"Two columns go to the same field: {labels}.")
            self.mapping_error.show()
            return
        if not {"email", "phone", "mobile_phone"} & set(targets):
            self.mapping_error.setText(
                "Map a column to Email or Phone: without either, no row can become a lead."
            )
            self.mapping_error.show()
            return
        self.preview = preview
        fields = [m.target for m in preview.mappings if m.target]
        headers = ["Row(s)", *(self.ctx.schema.target_label(f) for f in fields)]
        table = self.preview_table
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        rows = []
        for count, mapped in enumerate(preview.mapped_records()):
            if count >= PREVIEW_ROWS:
                break
            rows.append(mapped)
        table.setRowCount(len(rows))
        for row, mapped in enumerate(rows):
            numbers = ";".join(str(n) for n in mapped.row_numbers)
            table.setItem(row, 0, QTableWidgetItem(numbers))
            for column, name in enumerate(fields, start=1):
                table.setItem(row, column, QTableWidgetItem(mapped.fields.get(name, "")))
        table.resizeColumnsToContents()
        shown = (
            f"the first {len(rows)} of {preview.record_count}"
            if preview.record_count > len(rows)
            else f"all {len(rows)}"
        )
        self.preview_label.setText(
            f"Showing {shown} record(s) as they will be stored. Rows without a usable e-mail or"
            " phone, test registrations and VOID scans are set aside with a reason."
        )
        self._show_step(self.STEP_PREVIEW)

    # ------------------------------------------------------------ step 4: run

    def start_import(self) -> None:
        if self.preview is None or self.busy():
            return
        event_id = self.event_combo.currentData()
        preview = self.preview
        save_as = (
            self.save_mapping_name.text().strip() if self.save_mapping_check.isChecked() else None
        )
        service = self.service
        self.summary = None
        self.summary_label.clear()
        self.run_label.setText(f"Importing {preview.path.name}…")
        self.run_progress.setRange(0, 0)
        self.run_progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.again_button.hide()
        self._show_step(self.STEP_RUN)
        self.task = Task(
            lambda progress, cancel: service.run(
                preview,
                int(event_id),
                save_mapping_as=save_as or None,
                progress=progress,
                cancel=cancel,
            )
        )
        self.task.signals.progress.connect(self._run_progress)
        self.task.signals.finished.connect(self._import_done)
        self.task.signals.failed.connect(self._import_failed)
        self.runner.start(self.task)
        self.work.emit(f"Importing {preview.path.name}…")

    def _run_progress(self, done: int, total: int) -> None:
        if total:
            self.run_progress.setRange(0, total)
            self.run_progress.setValue(done)
            if self.preview is not None:
                self.work.emit(f"Importing {self.preview.path.name}… {100 * done // total} %")

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.run_label.setText("Cancelling…")

    def _finish_run(self) -> None:
        self.work.emit("")
        self.run_progress.hide()
        self.cancel_button.hide()
        self.again_button.show()

    def _import_done(self, summary: ImportSummary) -> None:
        self.task = None
        self.summary = summary
        self._finish_run()
        self.run_label.setText(
            f"Imported <b>{escape(summary.file)}</b> into <b>{escape(summary.event_name)}</b>."
        )
        label = self.preview.match.label if self.preview and self.preview.match else None
        self.summary_label.setText(summary_html(summary, label))
        self.rejects_button.setVisible(summary.rejected > 0)
        self.imported.emit(summary)
        self.status_message.emit(f"Imported {summary.imported} lead(s) from {summary.file}.")

    def save_rejects(self) -> None:
        """Ask where, then write the batch's rejected rows as CSV."""
        summary = self.summary
        if summary is None:
            return
        stem = Path(summary.file).stem
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save rejected rows", f"{stem}-rejected.csv", "CSV files (*.csv)"
        )
        if not path:
            return
        try:
            count = RejectService(self.ctx).write_csv(
                summary.event_id, Path(path), summary.batch_id
            )
        except IntakeError as exc:
            self.prompts.error(self, "Save rejected rows", str(exc))
            return
        self.status_message.emit(f"Saved {count} rejected row(s) to {Path(path).name}.")

    def _import_failed(self, exc: BaseException) -> None:
        self.task = None
        self._finish_run()
        if isinstance(exc, Cancelled):
            self.run_label.setText("Import cancelled. Nothing was stored.")
        elif isinstance(exc, _USER_ERRORS):
            self.run_label.setText(f"Nothing was imported: {exc}")
        else:
            self.run_label.setText(f"Nothing was imported: unexpected error ({exc}).")
        self.status_message.emit(self.run_label.text())

    def shutdown(self) -> None:
        """Cancel any running task and wait for it (the window is closing)."""
        self.runner.cancel_all()
        self.runner.wait(10_000)
