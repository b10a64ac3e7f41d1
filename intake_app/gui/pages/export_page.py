"""The Export page: pick the event and the platform, see the file before it is written.

The preview (a dry run) is made in the background whenever a choice changes:
the rows per program status and treatment, new people versus people exported
before, every lead left out with the reason, and for each row its grade and how
it was computed. *Export…* writes the file(s), the errors file beside them, logs
the export and stamps the SLA. The last choices are remembered.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from intake_app.core.errors import IntakeError
from intake_app.core.export_rows import Excluded, ExportRow
from intake_app.gui.item_models.rows_model import AnyIndex, RowsTableModel
from intake_app.gui.prompts import Prompts
from intake_app.gui.state import window_settings
from intake_app.gui.tasks import Task, TaskRunner, failure_text
from intake_app.services.context import AppContext
from intake_app.services.events import EventService
from intake_app.services.exports import ExportPreview, ExportResult, ExportService, file_names


def _name(values: Any) -> str:
    return f"{values.get('first_name') or ''} {values.get('last_name') or ''}".strip()


class RowColumn(IntEnum):
    STATUS = 0
    NAME = 1
    EMAIL = 2
    COMPANY = 3
    GRADE = 4
    SCORE = 5
    TREATMENT = 6
    SEEN = 7
    HOW = 8


ROW_HEADERS = {
    RowColumn.STATUS: "Program status",
    RowColumn.NAME: "Name",
    RowColumn.EMAIL: "E-mail",
    RowColumn.COMPANY: "Company",
    RowColumn.GRADE: "Grade",
    RowColumn.SCORE: "Score",
    RowColumn.TREATMENT: "Treatment",
    RowColumn.SEEN: "Exported before",
    RowColumn.HOW: "How the grade came about",
}


class RowsModel(RowsTableModel[ExportRow]):
    """The preview's rows (lazy: a 100,000-row export shows at once)."""

    def __init__(self) -> None:
        super().__init__([ROW_HEADERS[column] for column in RowColumn])

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = RowColumn(index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.score.explain()
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = row.lead.values
        score = row.score
        match column:
            case RowColumn.STATUS:
                return row.status
            case RowColumn.NAME:
                return _name(values)
            case RowColumn.EMAIL:
                return values.get("email") or ""
            case RowColumn.COMPANY:
                return values.get("company") or ""
            case RowColumn.GRADE:
                return score.grade
            case RowColumn.SCORE:
                return f"{score.total} (fit {score.fit}, engagement {score.engagement})"
            case RowColumn.TREATMENT:
                return score.treatment
            case RowColumn.SEEN:
                return "yes" if row.lead.exported_before else "new"
            case RowColumn.HOW:
                reasons = [*score.fit_reasons, *score.engagement_reasons]
                return ", ".join(reasons)


class ExcludedModel(RowsTableModel[Excluded]):
    HEADERS = ("Reason", "Name", "E-mail", "File", "Rows")

    def __init__(self) -> None:
        super().__init__(self.HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        item = self.rows[index.row()]
        lead = item.lead
        return (
            item.reason,
            _name(lead.values),
            lead.values.get("email") or "",
            lead.source_file,
            ";".join(str(n) for n in lead.source_rows),
        )[index.column()]


def _table(model: RowsTableModel[Any], name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


class ExportPage(QWidget):
    """The export dialog as a page: choices, the dry-run preview, and Export.

    Signals:
        exported(object): an ExportResult, after the files were written and recorded.
        status_message(str): one line for the status bar.
    """

    exported = Signal(object)
    status_message = Signal(str)

    def __init__(self, ctx: AppContext, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = prompts
        self.service = ExportService(ctx)
        self.runner = TaskRunner()
        self.preview: ExportPreview | None = None
        self.last_result: ExportResult | None = None
        self._pending = False
        self._running = False

        title = QLabel("Export")
        title.setObjectName("pageTitle")
        self.event_combo = QComboBox()
        self.event_combo.setAccessibleName("Event")
        self.profile_combo = QComboBox()
        self.profile_combo.setAccessibleName("Platform")
        for code, label in self.service.profiles():
            self.profile_combo.addItem(label, code)
        self.format_combo = QComboBox()
        self.format_combo.setAccessibleName("File type")
        self.format_combo.addItem("CSV", ".csv")
        self.format_combo.addItem("Excel workbook (XLSX)", ".xlsx")
        self.only_new = QCheckBox("Only new people")
        self.only_new.setToolTip("Leave out people already exported for this platform")
        self.protected = QCheckBox("Include protected fields")
        self.protected.setToolTip(
            "Fields the platform should not be overwritten by an event list (Lead Source,"
            " lifecycle stage); left out unless ticked"
        )
        self.bom = QCheckBox("UTF-8 with BOM")
        self.bom.setToolTip("A byte-order mark, so Excel opens UTF-8 CSV files correctly")
        self.errors_check = QCheckBox("Errors file")
        self.errors_check.setToolTip(
            "Also write the rows left out, with the reason, beside the file (…-errors.csv)"
        )
        self.errors_check.setChecked(True)
        self.export_button = QPushButton("&Export…")
        self.export_button.setToolTip("Choose where to save, then write the file(s) (Ctrl+E)")
        self.export_button.setShortcut("Ctrl+E")

        self.event_combo.setMinimumWidth(220)
        self.event_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.profile_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.profile_combo.setMinimumContentsLength(28)
        self.event_combo.setMinimumContentsLength(24)
        choose = QHBoxLayout()
        for caption, widget in (
            ("Event", self.event_combo),
            ("Platform", self.profile_combo),
            ("File", self.format_combo),
        ):
            caption_label = QLabel(caption)
            caption_label.setBuddy(widget)
            choose.addWidget(caption_label)
            choose.addWidget(widget, 1 if widget is not self.format_combo else 0)
        options = QHBoxLayout()
        for box in (self.only_new, self.protected, self.bom, self.errors_check):
            options.addWidget(box)
        options.addStretch(1)
        options.addWidget(self.export_button)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("exportSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setWordWrap(True)
        self.rows_model = RowsModel()
        self.excluded_model = ExcludedModel()
        self.rows_table = _table(self.rows_model, "exportRows")
        self.excluded_table = _table(self.excluded_model, "exportExcluded")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.rows_table, "Rows")
        self.tabs.addTab(self.excluded_table, "Left out")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addLayout(choose)
        layout.addLayout(options)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tabs, 1)

        self._restore()
        self.event_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.profile_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.only_new.toggled.connect(lambda _on: self.refresh())
        self.protected.toggled.connect(lambda _on: self.refresh())
        self.format_combo.currentIndexChanged.connect(lambda _i: self._show_summary())
        self.export_button.clicked.connect(lambda _checked=False: self.export())
        self.reload_events()

    # ------------------------------------------------------------ choices

    def reload_events(self, select_id: int | None = None) -> None:
        current = select_id if select_id is not None else self.event_combo.currentData()
        if current is None:
            current = window_settings().value("export/event")
        events = EventService(self.ctx).list()
        self.event_combo.blockSignals(True)
        self.event_combo.clear()
        for record in events:
            self.event_combo.addItem(f"{record.name}  ({record.lead_count} leads)", record.id)
        if not events:
            self.event_combo.addItem("No events yet: create one on the Events page", None)
        index = self.event_combo.findData(int(current)) if current not in (None, "") else -1
        self.event_combo.setCurrentIndex(index if index >= 0 else 0)
        self.event_combo.blockSignals(False)
        self.refresh()

    def select_event(self, event_id: int) -> None:
        index = self.event_combo.findData(event_id)
        if index >= 0:
            self.event_combo.setCurrentIndex(index)

    def _restore(self) -> None:
        settings = window_settings()
        for combo, key in (
            (self.profile_combo, "export/profile"),
            (self.format_combo, "export/format"),
        ):
            index = combo.findData(settings.value(key))
            if index >= 0:
                combo.setCurrentIndex(index)
        for box, key in (
            (self.only_new, "export/only_new"),
            (self.protected, "export/protected"),
            (self.bom, "export/bom"),
        ):
            box.setChecked(str(settings.value(key, "false")).lower() == "true")
        self.errors_check.setChecked(str(settings.value("export/errors", "true")).lower() == "true")

    def _remember(self) -> None:
        settings = window_settings()
        settings.setValue("export/event", self.event_combo.currentData())
        settings.setValue("export/profile", self.profile_combo.currentData())
        settings.setValue("export/format", self.format_combo.currentData())
        settings.setValue("export/only_new", self.only_new.isChecked())
        settings.setValue("export/protected", self.protected.isChecked())
        settings.setValue("export/bom", self.bom.isChecked())
        settings.setValue("export/errors", self.errors_check.isChecked())
        settings.sync()

    # ------------------------------------------------------------ preview

    def busy(self) -> bool:
        return self._running

    def refresh(self) -> None:
        """Make the preview for the current choices (in the background)."""
        event_id = self.event_combo.currentData()
        self.export_button.setEnabled(False)
        if event_id is None:
            self.preview = None
            self.rows_model.set_rows([])
            self.excluded_model.set_rows([])
            self.summary_label.setText("Create an event and import its leads first.")
            return
        if self._running:
            self._pending = True
            return
        self._running = True
        self.summary_label.setText("Making the preview…")
        profile = str(self.profile_combo.currentData())
        only_new, protected = self.only_new.isChecked(), self.protected.isChecked()
        task = Task(
            lambda _progress, _cancel: self.service.preview(
                int(event_id), profile, only_new=only_new, include_protected=protected
            )
        )
        task.signals.finished.connect(self._previewed)
        task.signals.failed.connect(self._preview_failed)
        self.runner.start(task)

    def _previewed(self, preview: object) -> None:
        self._running = False
        if self._pending:
            self._pending = False
            self.refresh()
            return
        assert isinstance(preview, ExportPreview)
        self.preview = preview
        self.rows_model.set_rows(preview.plan.rows)
        self.excluded_model.set_rows(preview.plan.excluded)
        self.tabs.setTabText(0, f"Rows ({len(preview.plan.rows):,})")
        self.tabs.setTabText(1, f"Left out ({len(preview.plan.excluded):,})")
        self.export_button.setEnabled(bool(preview.plan.rows))
        self._show_summary()

    def _preview_failed(self, error: object) -> None:
        self._running = False
        self.preview = None
        text = failure_text(error)
        self.summary_label.setText(f"No preview: {text}")

    def default_path(self) -> Path:
        preview = self.preview
        name = preview.event.name if preview else "export"
        profile = preview.plan.profile.code if preview else "generic"
        slug = "-".join(name.split()).replace("/", "-")
        return Path.home() / f"{slug}-{profile}{self.format_combo.currentData()}"

    def _show_summary(self) -> None:
        preview = self.preview
        if preview is None:
            return
        counts = preview.counts()
        plan = preview.plan
        names = [path.name for path in file_names(plan, self.default_path()).values()]
        lines = [
            f"<b>{counts['rows']:,} row(s)</b> for {plan.profile.label}: "
            f"{counts['new']:,} new, {counts['exported_before']:,} exported before;"
            f" {counts['new_people']:,} people new to {plan.profile.label.split(' —')[0]},"
            f" {counts['known_people']:,} sent to it before (from this or another event)."
        ]
        if plan.profile.split_by_status:
            lines.append(f"One file per program status: {', '.join(names)}")
        if counts["by_status"]:
            lines.append(
                "By status: "
                + ", ".join(
                    f"{status or '(none)'} {n:,}" for status, n in counts["by_status"].items()
                )
            )
        if counts["by_treatment"]:
            lines.append(
                "By treatment: "
                + ", ".join(f"{t} {n:,}" for t, n in counts["by_treatment"].items())
            )
        if counts["excluded"]:
            lines.append(
                f"<b>Left out: {counts['excluded']:,}</b> ("
                + "; ".join(f"{n} {reason}" for reason, n in counts["excluded_reasons"].items())
                + ")"
            )
        if counts["rejected_rows"]:
            lines.append(
                f"{counts['rejected_rows']:,} row(s) the imports set aside go to the errors"
                " file too."
            )
        self.summary_label.setText("<br>".join(lines))

    # ------------------------------------------------------------ writing

    def export(self, path: Path | None = None) -> ExportResult | None:
        """Ask where (unless ``path`` is given), then write and record the export."""
        preview = self.preview
        if preview is None or self._running:
            return None
        if path is None:
            suffix = str(self.format_combo.currentData())
            kind = "Excel workbooks (*.xlsx)" if suffix == ".xlsx" else "CSV files (*.csv)"
            chosen, _filter = QFileDialog.getSaveFileName(
                self, "Export leads", str(self.default_path()), kind
            )
            if not chosen:
                return None
            path = Path(chosen)
            if path.suffix.lower() != suffix:
                path = path.with_suffix(suffix)
        errors = (
            path.with_name(f"{path.stem}-errors.csv") if self.errors_check.isChecked() else None
        )
        try:
            result = self.service.write(
                preview,
                path,
                errors=errors,
                encoding="utf-8-sig" if self.bom.isChecked() else "utf-8",
            )
        except IntakeError as exc:
            self.prompts.error(self, "Export", str(exc))
            return None
        self._remember()
        self.last_result = result
        written = ", ".join(f"{f.path.name} ({f.rows:,})" for f in result.files)
        note = (
            " The same file was exported before; nothing new was recorded."
            if result.repeated
            else ""
        )
        stamp = f" SLA: {result.stamp.replace('_', ' ')}." if result.stamp else ""
        self.status_message.emit(f"Exported {written}.{stamp}{note}")
        self.exported.emit(result)
        self.refresh()
        return result

    def shutdown(self) -> None:
        self.runner.wait(10_000)
